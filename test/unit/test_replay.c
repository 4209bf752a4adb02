/* Replay ordering (SPEC §6.4-6.5): forced interleavings, the switch to
 * free running after the cut, waiting of free cores, divergence. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_replay.h"
#include "unit.h"
#include "unit_tests.h"

static ftmb_var_t va = FTMB_VAR_INIT(0xa, "a");
static uint64_t a;
static uint64_t trace[64];
static volatile unsigned ntrace;

/* core c appends its id to a shared trace under va: the trace order is
 * exactly the order of va's accesses */
static void *appender(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	ftmb_core_bind(c);
	for (unsigned p = 0; p < 4; p++) {
		ftmb_packet_begin(c * 100 + p, 0);
		__ftmb_begin(&va);
		trace[ntrace++] = c;
		a++;
		__ftmb_end_rmw(&va);
		ftmb_packet_end(1);
	}
	return NULL;
}

static void run2(void)
{
	pthread_t t[2];
	for (uintptr_t c = 0; c < 2; c++)
		pthread_create(&t[c], NULL, appender, (void *)c);
	for (int c = 0; c < 2; c++)
		pthread_join(t[c], NULL);
}

void test_replay_forced_interleaving(void)
{
	/* cut: seq order 1:c1 2:c1 3:c0 4:c1 5:c0 6:c0 7:c1 8:c0 */
	static const unsigned order[8] = { 1, 1, 0, 1, 0, 0, 1, 0 };
	struct ftmb_pal cut[2][4];
	size_t n[2] = { 0, 0 };
	for (unsigned s = 0; s < 8; s++) {
		unsigned c = order[s];
		cut[c][n[c]] = (struct ftmb_pal){ c * 100 + n[c], 0xa, s + 1 };
		n[c]++;
	}
	for (int round = 0; round < 5; round++) {
		a = 0;
		va.counter = 0;
		ntrace = 0;
		CHECK(ftmb_core_init(2, 0, FTMB_MODE_REPLAY) == 0);
		const struct ftmb_pal *pp[2] = { cut[0], cut[1] };
		CHECK(ftmb_replay_load(pp, n) == 0);
		CHECK(!ftmb_replay_done());
		run2();
		CHECK(ftmb_replay_done());
		CHECK_EQ_U64(ntrace, 8);
		for (unsigned s = 0; s < 8; s++)
			CHECK_EQ_U64(trace[s], order[s]);
		/* positions continue the stream: MAX counts replayed PALs */
		CHECK_EQ_U64(ftmb_max(0), 4);
		CHECK_EQ_U64(ftmb_max(1), 4);
		CHECK(ftmb_core_mode_of(0) == FTMB_MODE_RECORD);
	}
}

void test_replay_partial_cut_then_free(void)
{
	/* only the first 3 accesses are in the cut (c0, c1, c0): the rest runs
	 * freely, but never before the cut's accesses to the variable */
	struct ftmb_pal c0[2] = { { 0, 0xa, 1 }, { 1, 0xa, 3 } };
	struct ftmb_pal c1[1] = { { 100, 0xa, 2 } };
	const struct ftmb_pal *pp[2] = { c0, c1 };
	size_t n[2] = { 2, 1 };
	for (int round = 0; round < 5; round++) {
		a = 0;
		va.counter = 0;
		ntrace = 0;
		CHECK(ftmb_core_init(2, 0, FTMB_MODE_REPLAY) == 0);
		CHECK(ftmb_replay_load(pp, n) == 0);
		run2();
		CHECK_EQ_U64(ntrace, 8);
		CHECK_EQ_U64(trace[0], 0);
		CHECK_EQ_U64(trace[1], 1);
		CHECK_EQ_U64(trace[2], 0);
		CHECK_EQ_U64(a, 8);
		CHECK_EQ_U64(va.counter, 8);
		CHECK(ftmb_replay_done());
	}
	/* not in replay mode: refused */
	CHECK(ftmb_core_init(2, 0, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_replay_load(pp, n) == -1);
}

void test_replay_core_without_pals(void)
{
	/* core 1 has nothing in the cut: it runs freely at once, but its
	 * accesses to va wait for core 0's cut accesses */
	struct ftmb_pal c0[4] = { { 0, 0xa, 1 }, { 1, 0xa, 2 }, { 2, 0xa, 3 }, { 3, 0xa, 4 } };
	const struct ftmb_pal *pp[2] = { c0, NULL };
	size_t n[2] = { 4, 0 };
	a = 0;
	va.counter = 0;
	ntrace = 0;
	CHECK(ftmb_core_init(2, 0, FTMB_MODE_REPLAY) == 0);
	CHECK(ftmb_replay_load(pp, n) == 0);
	CHECK(ftmb_replay_core_done(1));
	CHECK(!ftmb_replay_core_done(0));
	run2();
	for (unsigned s = 0; s < 4; s++)
		CHECK_EQ_U64(trace[s], 0);
	CHECK_EQ_U64(ftmb_replay_position(0), 0); /* reset once done */
}

static char div_msg[600];
static struct ftmb_divergence div_seen;
static void on_div(const struct ftmb_divergence *d, const char *msg)
{
	div_seen = *d;
	snprintf(div_msg, sizeof(div_msg), "%s", msg);
}

void test_replay_divergence(void)
{
	static ftmb_var_t vb = FTMB_VAR_INIT(0xb, "b");
	struct ftmb_pal c0[2] = { { 5, 0xa, 1 }, { 5, 0xa, 2 } };
	const struct ftmb_pal *pp[1] = { c0 };
	size_t n[1] = { 2 };
	va.counter = 0;
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_REPLAY) == 0);
	ftmb_replay_set_divergence_handler(on_div);
	CHECK(ftmb_replay_load(pp, n) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(5, 0);
	__ftmb_begin(&va);
	__ftmb_end_read(&va);
	CHECK_EQ_U64(ftmb_replay_divergences(), 0);
	__ftmb_begin(&vb); /* the cut says var a */
	__ftmb_end_read(&vb);
	CHECK_EQ_U64(ftmb_replay_divergences(), 1);
	CHECK(strstr(div_msg, "other variable") != NULL);
	CHECK(strstr(div_msg, "'b'") != NULL);
	CHECK_EQ_U64(div_seen.expected.var_id, 0xa);
	CHECK_EQ_U64(div_seen.position, 1);
	CHECK(ftmb_replay_done()); /* the core stopped replaying */
	CHECK(ftmb_core_mode_of(0) == FTMB_MODE_RECORD);

	/* other packet */
	va.counter = 0;
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_REPLAY) == 0);
	CHECK(ftmb_replay_load(pp, n) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(6, 0);
	__ftmb_begin(&va);
	__ftmb_end_read(&va);
	CHECK(strstr(div_msg, "other packet") != NULL);

	/* counter already past */
	va.counter = 7;
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_REPLAY) == 0);
	CHECK(ftmb_replay_load(pp, n) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(5, 0);
	__ftmb_begin(&va);
	__ftmb_end_read(&va);
	CHECK(strstr(div_msg, "already passed") != NULL);
	CHECK_EQ_U64(ftmb_replay_divergences(), 3);
}

static void default_div_child(void)
{
	struct ftmb_pal c0[1] = { { 5, 0xa, 1 } };
	const struct ftmb_pal *pp[1] = { c0 };
	size_t n[1] = { 1 };
	static ftmb_var_t vc = FTMB_VAR_INIT(0xc, "c");
	ftmb_core_init(1, 0, FTMB_MODE_REPLAY);
	ftmb_replay_load(pp, n);
	ftmb_core_bind(0);
	ftmb_packet_begin(5, 0);
	__ftmb_begin(&vc);
	__ftmb_end_read(&vc);
}

void test_replay_divergence_default_aborts(void)
{
	char buf[1024];
	int st = unit_run_child(default_div_child, buf, sizeof(buf));
	CHECK(WIFSIGNALED(st));
	CHECK(strstr(buf, "replay divergence") != NULL);
}

/* A core waiting for a turn that never comes (its predecessor's packet is
 * never re-sent) stops waiting when the process shuts down. */
static void *stuck_core(void *arg)
{
	(void)arg;
	ftmb_core_bind(0);
	ftmb_packet_begin(7, 0);
	__ftmb_begin(&va); /* its PAL is seq 2: waits for counter 1, forever */
	__ftmb_end_read(&va);
	ftmb_packet_end(0);
	return NULL;
}

void test_replay_abandon_ends_wait(void)
{
	struct ftmb_pal c0[1] = { { 7, 0xa, 2 } };
	const struct ftmb_pal *pp[1] = { c0 };
	size_t n[1] = { 1 };
	pthread_t t;
	struct timespec ms20 = { 0, 20000000 };

	va.counter = 0;
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_REPLAY) == 0);
	CHECK(ftmb_replay_load(pp, n) == 0);
	CHECK(pthread_create(&t, NULL, stuck_core, NULL) == 0);
	nanosleep(&ms20, NULL);
	CHECK(!ftmb_replay_core_done(0)); /* still waiting */
	ftmb_replay_abandon();
	CHECK(pthread_join(t, NULL) == 0); /* would hang without the abandon */
	CHECK(ftmb_replay_core_done(0));
	/* a new replay starts with the flag cleared */
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_REPLAY) == 0);
	CHECK(ftmb_replay_load(pp, n) == 0);
	CHECK(!ftmb_replay_core_done(0));
	ftmb_core_init(1, 0, FTMB_MODE_RECORD);
}
