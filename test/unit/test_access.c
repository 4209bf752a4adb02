/* Ordered logging: PALs, MAX[c], stream records, modes, unbound threads,
 * the counter boundary, bad input. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_state.h"
#include "unit.h"
#include "unit_tests.h"

/* a sink keeping the stream in memory */
struct stream {
	uint32_t kind[4096];
	uint64_t a[4096];
	uint32_t count[4096];
	uint64_t vec0[4096];
	struct ftmb_pal pals[8192];
	size_t n_rec, n_pal;
};

static void mem_sink(void *arg, const struct ftmb_rec *r)
{
	struct stream *s = arg;
	size_t i = s->n_rec++;
	s->kind[i] = r->kind;
	s->count[i] = r->count;
	if (r->kind == FTMB_REC_PAL_BATCH) {
		s->a[i] = r->first_pos;
		CHECK_EQ_U64(r->first_pos, s->n_pal); /* gapless positions */
		memcpy(&s->pals[s->n_pal], r->pals, r->count * sizeof(struct ftmb_pal));
		s->n_pal += r->count;
	} else {
		s->a[i] = r->pkt_id;
		s->vec0[i] = r->vec ? r->vec[0] : 0;
	}
}

static ftmb_var_t vx = FTMB_VAR_INIT(0x1111, "x");
static ftmb_var_t vy = FTMB_VAR_INIT(0x2222, "y");
static uint64_t x, y;

void test_access_record_stream(void)
{
	static struct stream s;
	CHECK(ftmb_core_init(1, 42, FTMB_MODE_RECORD) == 0);
	ftmb_core_set_sink(0, mem_sink, &s);
	CHECK(ftmb_core_bind(0) == 0);
	CHECK(ftmb_core_self() == 0);
	ftmb_packet_begin(7, 1000);
	__ftmb_write8(&vx, &x, 5);
	CHECK_EQ_U64(__ftmb_read8(&vx, &x), 5);
	__ftmb_begin(&vy);
	y += 3;
	__ftmb_end_rmw(&vy);
	CHECK_EQ_U64(ftmb_max(0), 3);
	CHECK_EQ_U64(vx.counter, 2);
	CHECK_EQ_U64(s.n_rec, 0); /* buffered until an output/flush */
	ftmb_core_emit_output(0, 7, 0, NULL);
	__ftmb_read8(&vx, &x); /* an access after the output */
	ftmb_packet_end(1);
	/* stream: PAL batch (3 PALs), OUTPUT with V[0] = 3, and at the end of
	 * the packet the PAL made after the output */
	CHECK_EQ_U64(s.n_rec, 3);
	CHECK_EQ_U64(s.kind[2], FTMB_REC_PAL_BATCH);
	CHECK_EQ_U64(s.count[2], 1);
	CHECK_EQ_U64(s.kind[0], FTMB_REC_PAL_BATCH);
	CHECK_EQ_U64(s.count[0], 3);
	CHECK_EQ_U64(s.kind[1], FTMB_REC_OUTPUT);
	CHECK_EQ_U64(s.vec0[1], 3);
	CHECK_EQ_U64(s.pals[0].pkt_id, 7);
	CHECK_EQ_U64(s.pals[0].var_id, 0x1111);
	CHECK_EQ_U64(s.pals[0].seq, 1);
	CHECK_EQ_U64(s.pals[1].seq, 2);
	CHECK_EQ_U64(s.pals[2].var_id, 0x2222);
	CHECK_EQ_U64(s.pals[2].seq, 1);
	/* a packet with no output: NO_OUTPUT after its PALs */
	ftmb_packet_begin(8, 2000);
	__ftmb_read8(&vx, &x);
	ftmb_packet_end(0);
	CHECK_EQ_U64(s.n_rec, 5);
	CHECK_EQ_U64(s.kind[3], FTMB_REC_PAL_BATCH);
	CHECK_EQ_U64(s.a[3], 4);
	CHECK_EQ_U64(s.kind[4], FTMB_REC_NO_OUTPUT);
	CHECK_EQ_U64(s.a[4], 8);
	CHECK_EQ_U64(ftmb_core_last_packet(0), 8);
	CHECK_EQ_U64(ftmb_core_last_time_ns(0), 2000);
	ftmb_core_set_last_packet(1, 55, 66);
	CHECK_EQ_U64(ftmb_core_last_packet(1), 55);
	CHECK_EQ_U64(ftmb_core_last_time_ns(1), 66);
	/* more than a batch: the buffer flushes itself, positions stay gapless */
	ftmb_packet_begin(9, 3000);
	for (int i = 0; i < 1000; i++)
		__ftmb_write8(&vx, &x, (uint64_t)i);
	ftmb_core_flush(0);
	ftmb_core_flush(0); /* nothing pending: no record */
	CHECK_EQ_U64(s.n_pal, 1005);
	CHECK_EQ_U64(ftmb_max(0), 1005);
	CHECK_EQ_U64(s.pals[1004].seq, 1004);
	/* ranges */
	uint64_t buf[2] = { 1, 2 }, out[2];
	__ftmb_write_range(&vy, &y, buf, 8);
	__ftmb_read_range(&vy, out, &y, 8);
	CHECK_EQ_U64(out[0], 1);
	CHECK_EQ_U64(vy.counter, 3);
	CHECK_EQ_U64(ftmb_max(0), 1007);
	/* restore MAX (checkpoint) and continue at that position */
	ftmb_core_flush(0);
	ftmb_core_set_max(0, 5000);
	s.n_pal = 5000;
	__ftmb_read8(&vx, &x);
	ftmb_core_flush(0);
	CHECK_EQ_U64(s.a[s.n_rec - 1], 5000);
}

static void *unbound_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		__ftmb_write8(&vx, &x, (uint64_t)i);
	return NULL;
}

void test_access_unbound_and_off(void)
{
	static struct stream s;
	CHECK(ftmb_core_init(2, 1, FTMB_MODE_RECORD) == 0);
	ftmb_core_set_sink(0, mem_sink, &s);
	/* init code before traffic: counted, no PAL, not flagged */
	__ftmb_write8(&vx, &x, 1);
	CHECK_EQ_U64(vx.counter, 1);
	CHECK_EQ_U64(ftmb_max(0) + ftmb_max(1), 0);
	CHECK_EQ_U64(ftmb_core_unbound_accesses_after_traffic(), 0);
	/* after traffic started, an unbound thread's accesses are counted as
	 * a hazard (replay would diverge) */
	ftmb_core_bind(0);
	ftmb_packet_begin(1, 1);
	ftmb_packet_end(1);
	pthread_t t;
	pthread_create(&t, NULL, unbound_thread, NULL);
	pthread_join(t, NULL);
	CHECK_EQ_U64(vx.counter, 11);
	CHECK_EQ_U64(ftmb_core_unbound_accesses_after_traffic(), 10);
	CHECK_EQ_U64(ftmb_max(0), 0);
	/* OFF mode: counted, not logged */
	ftmb_core_set_mode(FTMB_MODE_OFF);
	CHECK(ftmb_core_mode() == FTMB_MODE_OFF);
	CHECK(ftmb_core_mode_of(0) == FTMB_MODE_OFF);
	__ftmb_write8(&vx, &x, 2);
	CHECK_EQ_U64(vx.counter, 12);
	CHECK_EQ_U64(ftmb_max(0), 0);
	ftmb_core_set_mode(FTMB_MODE_RECORD);
	__ftmb_write8(&vx, &x, 3);
	CHECK_EQ_U64(ftmb_max(0), 1);
	ftmb_core_unbind();
	CHECK(ftmb_core_self() == -1);
}

void test_access_bad_input(void)
{
	CHECK(ftmb_core_init(0, 0, FTMB_MODE_RECORD) == -1);
	CHECK(ftmb_core_init(FTMB_MAX_CORES + 1, 0, FTMB_MODE_RECORD) == -1);
	CHECK(ftmb_core_init(2, 0, (enum ftmb_mode)7) == -1);
	CHECK(ftmb_core_init(FTMB_MAX_CORES, 0, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_core_bind(FTMB_MAX_CORES - 1) == 0);
	CHECK(ftmb_core_bind(FTMB_MAX_CORES) == -1);
	CHECK(ftmb_core_init(2, 0, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_core_bind(2) == -1);
	ftmb_packet_begin(1, 1); /* unbound: ignored with a message */
	ftmb_core_emit_output(5, 1, 0, NULL); /* bad core: ignored */
	CHECK_EQ_U64(ftmb_max(500), 0);
}

static void wrap_child(void)
{
	ftmb_core_init(1, 0, FTMB_MODE_RECORD);
	ftmb_core_bind(0);
	ftmb_packet_begin(1, 0);
	vx.counter = UINT64_MAX - 1;
	__ftmb_write8(&vx, &x, 1); /* seq UINT64_MAX: the last valid one */
	if (vx.counter != UINT64_MAX)
		_exit(3);
	__ftmb_write8(&vx, &x, 2); /* would be seq 0: fatal */
	_exit(4);
}

void test_access_counter_wrap(void)
{
	/* 2^64 accesses at 10^9/s take 584 years: a wrap can only be memory
	 * corruption; the boundary is enforced, not wrapped. */
	char buf[1024];
	int st = unit_run_child(wrap_child, buf, sizeof(buf));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	CHECK(strstr(buf, "wrapped around") != NULL);
	CHECK(strstr(buf, "'x'") != NULL);
}

/* Two threads hammer one variable: every access is one PAL, per-variable
 * seqs are a permutation 1..N split over the two streams, and each core's
 * seqs increase. MAX equals PALs made. */
static struct stream two[2];
static ftmb_var_t vz = FTMB_VAR_INIT(0x3333, "z");
static uint64_t z;

static void *hammer(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	ftmb_core_bind(c);
	for (int p = 0; p < 20; p++) {
		ftmb_packet_begin(c * 1000 + (unsigned)p, 0);
		for (int i = 0; i < 50; i++) {
			__ftmb_begin(&vz);
			z = z + 1;
			__ftmb_end_rmw(&vz);
		}
		ftmb_core_emit_output(c, c * 1000 + (unsigned)p, 0, NULL);
		ftmb_packet_end(1);
	}
	ftmb_core_flush(c);
	return NULL;
}

void test_access_two_threads(void)
{
	CHECK(ftmb_core_init(2, 0, FTMB_MODE_RECORD) == 0);
	ftmb_core_set_sink(0, mem_sink, &two[0]);
	ftmb_core_set_sink(1, mem_sink, &two[1]);
	pthread_t t[2];
	for (uintptr_t c = 0; c < 2; c++)
		pthread_create(&t[c], NULL, hammer, (void *)c);
	for (int c = 0; c < 2; c++)
		pthread_join(t[c], NULL);
	CHECK_EQ_U64(z, 2000);
	CHECK_EQ_U64(vz.counter, 2000);
	CHECK_EQ_U64(two[0].n_pal + two[1].n_pal, 2000);
	CHECK_EQ_U64(ftmb_max(0), 1000);
	CHECK_EQ_U64(ftmb_max(1), 1000);
	static unsigned char seen[2001];
	for (int c = 0; c < 2; c++) {
		uint64_t last = 0;
		for (size_t i = 0; i < two[c].n_pal; i++) {
			uint64_t s = two[c].pals[i].seq;
			CHECK(s > last && s <= 2000);
			last = s;
			CHECK(!seen[s]);
			seen[s] = 1;
		}
	}
}

/* One core (access.c, "One core"): inside a packet the variable's lock is
 * not taken, outside a packet, with two cores, or after an unbound access
 * during traffic it is; the PALs and MAX are the same either way. */
void test_access_one_core_no_lock(void)
{
	static struct stream s;
	CHECK(ftmb_core_init(1, 1, FTMB_MODE_RECORD) == 0);
	ftmb_core_set_sink(0, mem_sink, &s);
	CHECK(ftmb_core_bind(0) == 0);
	ftmb_packet_begin(1, 10);
	__ftmb_begin(&vx);
	CHECK(vx.lock == 0); /* sole accessor: no lock */
	x++;
	__ftmb_end_rmw(&vx);
	CHECK(vx.lock == 0);
	ftmb_packet_end(0);
	__ftmb_begin(&vx); /* outside a packet: locked as always */
	CHECK(vx.lock == 1);
	__ftmb_end_rmw(&vx);
	CHECK(vx.lock == 0);
	CHECK_EQ_U64(ftmb_max(0), 2);
	CHECK_EQ_U64(vx.counter, 2);
	CHECK_EQ_U64(s.n_pal, 1); /* the second access was outside a packet: flushed later */
	ftmb_core_flush(0);
	CHECK_EQ_U64(s.n_pal, 2);
	CHECK_EQ_U64(s.pals[0].pkt_id, 1);
	CHECK_EQ_U64(s.pals[0].seq, 1);
	CHECK_EQ_U64(s.pals[1].seq, 2);
	/* an unbound access after traffic started: later packets lock again */
	ftmb_core_unbind();
	__ftmb_begin(&vy);
	y++;
	__ftmb_end_rmw(&vy);
	CHECK(ftmb_core_unbound_accesses_after_traffic() == 1);
	CHECK(ftmb_core_bind(0) == 0);
	ftmb_packet_begin(2, 20);
	__ftmb_begin(&vx);
	CHECK(vx.lock == 1);
	__ftmb_end_rmw(&vx);
	ftmb_packet_end(0);
	/* two cores: locked */
	CHECK(ftmb_core_init(2, 1, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_core_bind(0) == 0);
	ftmb_packet_begin(3, 30);
	__ftmb_begin(&vx);
	CHECK(vx.lock == 1);
	__ftmb_end_rmw(&vx);
	CHECK(vx.lock == 0);
	ftmb_packet_end(0);
	ftmb_core_unbind();
}
