/*
 * Deterministic replay of a racy multi-threaded program, written against
 * the ABI the way ftmbcc rewrites code: lost updates (read and write are
 * separate accesses), a list whose pushes race, arena allocations, random
 * numbers. Recorded once, then replayed several times: final shared state
 * and every output must be identical on every try.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_replay.h"
#include "ftmb_standalone.h"
#include "ftmb_state.h"
#include "unit.h"
#include "unit_tests.h"

#define CORES 3
#define PKTS 150

struct item {
	struct item *next;
	uint64_t pkt, seen;
};

/* shared state (as ftmbcc would register it) */
static uint64_t balance;
static uint64_t hist[8];
static struct item *list_head;
static ftmb_var_t v_balance = FTMB_VAR_INIT(0, "balance");
static ftmb_var_t v_hist = FTMB_VAR_INIT(0, "hist");
static ftmb_var_t v_list = FTMB_VAR_INIT(0, "list_head");
static struct ftmb_global globals[] = {
	{ 0, "balance", &balance, sizeof(balance) },
	{ 0, "hist", hist, sizeof(hist) },
	{ 0, "list_head", &list_head, sizeof(list_head) },
};

static uint64_t outputs[CORES][PKTS];
static __thread unsigned jitter;

static void maybe_yield(void)
{
	if (rand_r(&jitter) % 4 == 0)
		sched_yield();
}

static void process(unsigned c, unsigned i)
{
	uint64_t pkt = (uint64_t)c * 10000 + i;
	uint64_t r1 = __ftmb_read8(&v_balance, &balance);
	maybe_yield();
	__ftmb_write8(&v_balance, &balance, r1 + pkt % 7 + 1); /* lost updates */
	__ftmb_begin(&v_hist);
	uint64_t h = ++hist[r1 % 8];
	__ftmb_end_rmw(&v_hist);
	uint64_t out = r1 * 31 + h * 7 + (uint64_t)__ftmb_rand();
	if ((r1 + i) % 3 == 0) {
		struct item *it = __ftmb_malloc(sizeof(*it));
		it->pkt = pkt;
		it->seen = r1;
		struct item *head = (struct item *)(uintptr_t)__ftmb_read8(&v_list, &list_head);
		maybe_yield();
		it->next = head;
		__ftmb_write8(&v_list, &list_head, (uint64_t)(uintptr_t)it); /* lost pushes */
		out ^= (uint64_t)(uintptr_t)it;
	}
	outputs[c][i] = out;
}

static void *core_main(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	jitter = (unsigned)time(NULL) ^ (c * 7919u) ^ (unsigned)(uintptr_t)&c;
	ftmb_core_bind(c);
	for (unsigned i = 0; i < PKTS; i++) {
		ftmb_packet_begin((uint64_t)c * 10000 + i, 1000000ULL * i);
		process(c, i);
		ftmb_core_emit_output(c, (uint64_t)c * 10000 + i, 0, NULL);
		ftmb_packet_end(1);
	}
	ftmb_core_flush(c);
	return NULL;
}

static void run_cores(void)
{
	pthread_t t[CORES];
	for (uintptr_t c = 0; c < CORES; c++)
		pthread_create(&t[c], NULL, core_main, (void *)c);
	for (int c = 0; c < CORES; c++)
		pthread_join(t[c], NULL);
}

/* digest of the final shared state and all outputs */
static uint64_t digest(void)
{
	uint64_t d = 1469598103934665603ULL;
#define MIX(x) (d = (d ^ (uint64_t)(x)) * 1099511628211ULL)
	MIX(balance);
	for (int i = 0; i < 8; i++)
		MIX(hist[i]);
	for (struct item *it = list_head; it; it = it->next) {
		MIX(it->pkt);
		MIX(it->seen);
		MIX((uintptr_t)it);
	}
	for (int c = 0; c < CORES; c++)
		for (int i = 0; i < PKTS; i++)
			MIX(outputs[c][i]);
	MIX(ftmb_arena_used());
	return d;
#undef MIX
}

static void setup(void)
{
	v_balance.id = globals[0].id = __ftmb_id("balance");
	v_hist.id = globals[1].id = __ftmb_id("hist");
	v_list.id = globals[2].id = __ftmb_id("list_head");
	ftmb_var_t *const vars[] = { &v_balance, &v_hist, &v_list };
	__ftmb_register_tu("racy.c", FTMB_ABI_VERSION, globals, 3, vars, 3);
	ftmb_arena_init(0);
}

/* ---- in process: the checkpoint is arena image + globals + counters ---- */
struct capture {
	struct ftmb_pal *p[CORES];
	size_t n[CORES], cap[CORES];
};
static struct capture cap;

static void cap_sink(void *arg, const struct ftmb_rec *r)
{
	(void)arg;
	if (r->kind != FTMB_REC_PAL_BATCH)
		return;
	unsigned c = r->core;
	CHECK_EQ_U64(r->first_pos, cap.n[c]);
	if (cap.n[c] + r->count > cap.cap[c]) {
		cap.cap[c] = 2 * (cap.n[c] + r->count);
		cap.p[c] = realloc(cap.p[c], cap.cap[c] * sizeof(struct ftmb_pal));
	}
	memcpy(cap.p[c] + cap.n[c], r->pals, r->count * sizeof(struct ftmb_pal));
	cap.n[c] += r->count;
}

void test_racy_replay_inprocess(void)
{
	setup();
	/* "checkpoint" before traffic (an allocation made by init code too) */
	__ftmb_malloc(100);
	size_t used = ftmb_arena_used();
	void *img = malloc(used);
	memcpy(img, ftmb_arena_base(), used);
	size_t nrec = ftmb_counters_save(NULL, 0);
	struct ftmb_counter_rec *recs = calloc(nrec, sizeof(*recs));
	ftmb_counters_save(recs, nrec);

	CHECK(ftmb_core_init(CORES, 1234, FTMB_MODE_RECORD) == 0);
	for (unsigned c = 0; c < CORES; c++)
		ftmb_core_set_sink(c, cap_sink, NULL);
	run_cores();
	uint64_t recorded = digest();
	uint64_t lost = 0;
	for (int c = 0; c < CORES; c++)
		for (int i = 0; i < PKTS; i++)
			lost += (uint64_t)c * 10000 + (uint64_t)i % 7 + 1;
	fprintf(stderr, "recorded balance %llu (%s)\n", (unsigned long long)balance,
		balance == (uint64_t)0 ? "?" : "racy run");

	for (int round = 0; round < 5; round++) {
		CHECK(ftmb_arena_restore(img, used) == 0);
		balance = 0;
		memset(hist, 0, sizeof(hist));
		list_head = NULL;
		memset(outputs, 0, sizeof(outputs));
		CHECK(ftmb_counters_restore(recs, nrec) == 0);
		CHECK(ftmb_core_init(CORES, 1234, FTMB_MODE_REPLAY) == 0);
		const struct ftmb_pal *pp[CORES];
		for (int c = 0; c < CORES; c++)
			pp[c] = cap.p[c];
		CHECK(ftmb_replay_load(pp, cap.n) == 0);
		run_cores();
		CHECK(ftmb_replay_done());
		CHECK_EQ_U64(ftmb_replay_divergences(), 0);
		CHECK_EQ_U64(digest(), recorded);
	}
	(void)lost;
	free(img);
	free(recs);
}

/* ---- standalone with a log file, each run in its own process ---- */
static char log_path[256];

static uint64_t child_run(int replay, long truncate_at)
{
	int p[2];
	if (pipe(p) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		setup();
		int rc;
		if (replay) {
			if (truncate_at >= 0 && truncate(log_path, truncate_at) != 0)
				_exit(5);
			rc = ftmb_sa_replay(log_path);
		} else {
			rc = ftmb_sa_record(log_path, CORES, 77);
		}
		if (rc != 0)
			_exit(6);
		run_cores();
		ftmb_sa_finish();
		uint64_t d = digest();
		if (ftmb_replay_divergences())
			d = 0;
		if (write(p[1], &d, 8) != 8)
			_exit(7);
		_exit(0);
	}
	close(p[1]);
	uint64_t d = 0;
	if (read(p[0], &d, 8) != 8)
		d = 0;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return d;
}

void test_racy_replay_log_file(void)
{
	const char *dir = getenv("TMPDIR");
	snprintf(log_path, sizeof(log_path), "%s/ftmb-racy-%d.log", dir && *dir ? dir : "/tmp", (int)getpid());
	uint64_t rec = child_run(0, -1);
	CHECK(rec != 0);
	for (int round = 0; round < 4; round++)
		CHECK_EQ_U64(child_run(1, -1), rec);
	struct ftmb_sa_log log;
	CHECK(ftmb_sa_log_read(log_path, &log) == 0);
	CHECK_EQ_U64(log.n_cores, CORES);
	CHECK_EQ_U64(log.n_outputs, CORES * PKTS);
	CHECK(!log.truncated);
	size_t total = 0;
	for (int c = 0; c < CORES; c++)
		total += log.n_pals[c];
	CHECK(total >= (size_t)CORES * PKTS * 3);
	ftmb_sa_log_free(&log);
	/* a truncated log (crash): the cut of what is left replays without
	 * divergence, then the rest runs freely */
	FILE *f = fopen(log_path, "rb");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	CHECK(child_run(1, size / 2) != 0);
	CHECK(ftmb_sa_log_read(log_path, &log) == 0);
	CHECK(log.truncated || log.n_outputs < CORES * PKTS);
	ftmb_sa_log_free(&log);
	/* a valid header followed by a corrupt record: refused with a message */
	CHECK(ftmb_sa_record(log_path, 2, 0) == 0);
	CHECK(ftmb_sa_finish() == 0);
	f = fopen(log_path, "ab");
	uint32_t bogus[6] = { FTMB_REC_PAL_BATCH, 0, 0, 0, 0xffffffffu, 0 };
	fwrite(bogus, sizeof(bogus), 1, f);
	fclose(f);
	CHECK(ftmb_sa_log_read(log_path, &log) == -1);
	CHECK(ftmb_sa_record(log_path, 2, 0) == 0);
	CHECK(ftmb_sa_finish() == 0);
	f = fopen(log_path, "ab");
	uint32_t badcore[6] = { FTMB_REC_NO_OUTPUT, 7, 0, 0, 0, 0 };
	fwrite(badcore, sizeof(badcore), 1, f);
	fclose(f);
	CHECK(ftmb_sa_log_read(log_path, &log) == -1);
	/* an empty log (header only) replays as a free run */
	CHECK(ftmb_sa_record(log_path, 2, 0) == 0);
	CHECK(ftmb_sa_finish() == 0);
	CHECK(ftmb_sa_log_read(log_path, &log) == 0);
	CHECK_EQ_U64(log.n_pals[0] + log.n_pals[1], 0);
	ftmb_sa_log_free(&log);
	CHECK(ftmb_sa_replay(log_path) == 0);
	CHECK(ftmb_replay_done());
	/* bad arguments */
	CHECK(ftmb_replay_load(NULL, NULL) == -1);
	size_t nn[2] = { 3, 0 };
	const struct ftmb_pal *pp[2] = { NULL, NULL };
	CHECK(ftmb_replay_load(pp, nn) == -1);
	/* not a log */
	f = fopen(log_path, "wb");
	fputs("garbage", f);
	fclose(f);
	CHECK(ftmb_sa_log_read(log_path, &log) == -1);
	CHECK(ftmb_sa_replay(log_path) == -1);
	CHECK(ftmb_sa_replay("/nonexistent/dir/log") == -1);
	CHECK(ftmb_sa_record("/nonexistent/dir/log", 1, 0) == -1);
	unlink(log_path);
}
