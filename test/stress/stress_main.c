/*
 * stress_main.c: the oracle stress test (label unit).
 *
 * Per seed: a master of 2-4 threads (cores) runs a random program over
 * many shared variables (random read / write / read-modify-write mixes,
 * random yields, one or several packets per vector read) in RECORD mode;
 * every core's stream is captured in full. Then:
 *   1. the OL is simulated with the runtime's ftmb_ol and the master's
 *      ftmb_resendq, over a link with random delays, PAL-batch losses,
 *      duplicates and reordering (outputs stay FIFO per core), up to a
 *      random crash time;
 *   2. the oracle (oracle.c, independent) recomputes happens-before from
 *      the full trace and checks that every released packet had all the
 *      PALs it depends on stored at the OL when it left;
 *   3. the runtime's cut of what the OL holds at the crash must equal the
 *      oracle's literal fixpoint cut and contain every released packet's
 *      dependencies;
 *   4. the program is replayed from that cut (REPLAY mode, then free) and
 *      every released output must come out identical.
 * FTMB_STRESS_SEEDS (default 1000) and FTMB_STRESS_SEED_BASE choose seeds.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_cut.h"
#include "ftmb_release.h"
#include "ftmb_replay.h"
#include "ftmb_state.h"
#include "oracle.h"

#define MAX_CORES 4
#define MAX_VARS 48
#define MAX_PKTS 48
#define MAX_OUTS 2
#define VAR_ID_BASE 0x5000

static int failures;
static size_t seeds_crashed, seeds_cut_dropped, pals_dropped_by_cut;
#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "seed %llu: ", (unsigned long long)cur_seed);  \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		failures++;                                                    \
	} while (0)
static uint64_t cur_seed;

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* ---------------- the program (master and replay) ---------------- */
static unsigned n_cores, n_vars, n_pkts, batch;
static uint64_t vals[MAX_VARS];
static ftmb_var_t descs[MAX_VARS];
static uint64_t outs[MAX_CORES][MAX_PKTS][MAX_OUTS];
static unsigned n_outs[MAX_CORES][MAX_PKTS];
static __thread unsigned jitter;

static uint64_t pkt_id_of(unsigned c, unsigned i) { return (uint64_t)c * 100000 + i + 1; }

static void process(unsigned c, unsigned i, uint64_t *acc)
{
	uint64_t pkt = pkt_id_of(c, i);
	uint64_t r = mix(cur_seed * 1000003 ^ pkt);
	unsigned n_acc = 1 + r % 6;
	for (unsigned k = 0; k < n_acc; k++) {
		r = mix(r);
		unsigned v = (unsigned)(r % n_vars);
		unsigned op = (unsigned)((r >> 20) % 3);
		ftmb_var_t *d = &descs[v];
		__ftmb_begin(d);
		if (op == 0) {
			*acc = *acc * 31 + vals[v];
			__ftmb_end_read(d);
		} else if (op == 1) {
			vals[v] = *acc ^ pkt;
			__ftmb_end_write(d);
		} else {
			vals[v] += *acc | 1;
			*acc ^= vals[v];
			__ftmb_end_rmw(d);
		}
		if (rand_r(&jitter) % 5 == 0)
			sched_yield();
	}
	unsigned no = (unsigned)(mix(r) % 3); /* 0, 1 or 2 outputs */
	n_outs[c][i] = no;
	for (unsigned k = 0; k < no; k++)
		outs[c][i][k] = mix(*acc + k);
}

static void *core_main(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	jitter = (unsigned)clock() ^ (c * 2654435761u);
	ftmb_core_bind(c);
	uint64_t acc = c; /* per-core local state */
	for (unsigned i = 0; i < n_pkts; i += batch) {
		unsigned end = i + batch < n_pkts ? i + batch : n_pkts;
		for (unsigned j = i; j < end; j++) {
			ftmb_packet_begin(pkt_id_of(c, j), 1000 * j);
			process(c, j, &acc);
			ftmb_packet_end(n_outs[c][j]);
		}
		/* one vector, read after the last packet of the batch */
		uint64_t V[MAX_CORES];
		ftmb_read_vector(V);
		for (unsigned j = i; j < end; j++)
			for (unsigned k = 0; k < n_outs[c][j]; k++)
				ftmb_core_emit_output(c, pkt_id_of(c, j), k, V);
	}
	ftmb_core_flush(c);
	return NULL;
}

static void run_program(void)
{
	pthread_t t[MAX_CORES];
	for (uintptr_t c = 0; c < n_cores; c++)
		pthread_create(&t[c], NULL, core_main, (void *)c);
	for (unsigned c = 0; c < n_cores; c++)
		pthread_join(t[c], NULL);
}

static void reset_state(void)
{
	for (unsigned v = 0; v < MAX_VARS; v++) {
		vals[v] = v;
		descs[v] = (ftmb_var_t)FTMB_VAR_INIT(VAR_ID_BASE + v, "stress var");
	}
	memset(outs, 0, sizeof(outs));
	memset(n_outs, 0, sizeof(n_outs));
}

/* ---------------- the captured streams ---------------- */
struct msg {
	uint32_t kind;
	unsigned core;
	uint64_t tick;       /* global send order */
	uint64_t first_pos;
	uint32_t count;
	struct ftmb_pal *pals;
	uint64_t pkt;
	uint32_t out_idx;
	uint64_t V[MAX_CORES];
};

static struct msg *msgs;
static size_t n_msgs, cap_msgs;
static pthread_mutex_t msg_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t tick;

static struct ftmb_pal *full[MAX_CORES];
static size_t n_full[MAX_CORES], cap_full[MAX_CORES];
static uint64_t pkt_order[MAX_CORES][MAX_PKTS]; /* the IL's per-core order */
static unsigned char seen_pkt[MAX_CORES][MAX_PKTS];

static void capture_sink(void *arg, const struct ftmb_rec *r)
{
	(void)arg;
	pthread_mutex_lock(&msg_mu);
	if (n_msgs == cap_msgs) {
		cap_msgs = cap_msgs ? 2 * cap_msgs : 1024;
		msgs = realloc(msgs, cap_msgs * sizeof(*msgs));
	}
	struct msg *m = &msgs[n_msgs++];
	memset(m, 0, sizeof(*m));
	m->kind = r->kind;
	m->core = r->core;
	m->tick = tick++;
	unsigned c = r->core;
	if (r->kind == FTMB_REC_PAL_BATCH) {
		m->first_pos = r->first_pos;
		m->count = r->count;
		m->pals = malloc(r->count * sizeof(struct ftmb_pal));
		memcpy(m->pals, r->pals, r->count * sizeof(struct ftmb_pal));
		if (r->first_pos != n_full[c])
			FAIL("core %u stream position %llu, expected %zu", c,
			     (unsigned long long)r->first_pos, n_full[c]);
		if (n_full[c] + r->count > cap_full[c]) {
			cap_full[c] = 2 * (n_full[c] + r->count);
			full[c] = realloc(full[c], cap_full[c] * sizeof(struct ftmb_pal));
		}
		memcpy(full[c] + n_full[c], r->pals, r->count * sizeof(struct ftmb_pal));
		n_full[c] += r->count;
	} else {
		m->pkt = r->pkt_id;
		m->out_idx = r->out_idx;
		if (r->kind == FTMB_REC_OUTPUT)
			memcpy(m->V, r->vec, r->n_vec * sizeof(uint64_t));
		/* every packet must show up: an output or a no-output record */
		uint64_t i = r->pkt_id - pkt_id_of(c, 0);
		if (i < MAX_PKTS)
			seen_pkt[c][i] = 1;
		else
			FAIL("record for unknown packet %llu", (unsigned long long)r->pkt_id);
	}
	pthread_mutex_unlock(&msg_mu);
}

/* ---------------- link and OL simulation ---------------- */
struct ev {
	uint64_t time;
	uint64_t order;
	size_t msg;        /* index into msgs */
	uint64_t first_pos;/* resent part */
	uint32_t count;
	const struct ftmb_pal *pals;
};

static struct ev *heap;
static size_t n_heap, cap_heap;
static uint64_t ev_order;

static int ev_less(const struct ev *a, const struct ev *b)
{
	return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static void push_ev(struct ev e)
{
	if (n_heap == cap_heap) {
		cap_heap = cap_heap ? 2 * cap_heap : 1024;
		heap = realloc(heap, cap_heap * sizeof(*heap));
	}
	e.order = ev_order++;
	size_t i = n_heap++;
	heap[i] = e;
	while (i && ev_less(&heap[i], &heap[(i - 1) / 2])) {
		struct ev t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct ev pop_ev(void)
{
	struct ev top = heap[0];
	heap[0] = heap[--n_heap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n_heap && ev_less(&heap[l], &heap[m]))
			m = l;
		if (r < n_heap && ev_less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct ev t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

struct released {
	unsigned core;
	uint64_t pkt;
	uint32_t idx;
};
static struct released *rel;
static size_t n_rel, cap_rel;
static struct ftmb_ol *ol;
static struct oracle *orc;

static void on_release(void *arg, unsigned core, uint64_t pkt, uint32_t idx, void *p, int dup)
{
	(void)arg;
	(void)p;
	if (dup)
		FAIL("duplicate output (%llu, %u) in a single run", (unsigned long long)pkt, idx);
	const struct ftmb_pal *held[MAX_CORES];
	size_t n_held[MAX_CORES];
	for (unsigned c = 0; c < n_cores; c++) {
		uint64_t first;
		held[c] = ftmb_ol_pals(ol, c, &first, &n_held[c]);
		if (first != 0)
			FAIL("OL store of core %u starts at %llu", c, (unsigned long long)first);
	}
	char err[256];
	if (oracle_check_release(orc, core, pkt, held, n_held, err, sizeof(err)) != 0)
		FAIL("%s", err);
	if (n_rel == cap_rel) {
		cap_rel = cap_rel ? 2 * cap_rel : 256;
		rel = realloc(rel, cap_rel * sizeof(*rel));
	}
	rel[n_rel++] = (struct released){ core, pkt, idx };
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	*s = mix(*s);
	return (unsigned)(*s % n);
}

struct collected {
	uint64_t first[8192];
	uint32_t count[8192];
	const struct ftmb_pal *p[8192];
	size_t n;
};
static struct collected col;

static void collect(void *a, unsigned core, uint64_t f, uint32_t cnt, const struct ftmb_pal *p)
{
	(void)core;
	struct collected *cl = a;
	if (cl->n < 8192) {
		cl->first[cl->n] = f;
		cl->count[cl->n] = cnt;
		cl->p[cl->n] = p;
		cl->n++;
	}
}

static uint64_t unacked(struct ftmb_resendq *rq)
{
	uint64_t t = 0;
	for (unsigned c = 0; c < n_cores; c++)
		t += ftmb_resendq_unacked_pals(rq, c);
	return t;
}

/* resent batches are events whose msg index encodes the core */
#define RESEND_MSG(c) ((size_t)-1 - (c))

/* Runs the link and the OL until crash_time (UINT64_MAX: to the end). */
static void simulate(uint64_t crash_time, uint64_t *rs)
{
	struct ftmb_resendq *rq = ftmb_resendq_create(n_cores);
	uint64_t last_out_arrival[MAX_CORES] = { 0 };
	unsigned drop_pct = rnd(rs, 30), dup_pct = rnd(rs, 20), max_delay = 1 + rnd(rs, 200);
	n_heap = 0;
	for (size_t i = 0; i < n_msgs; i++) {
		struct msg *m = &msgs[i];
		uint64_t send = m->tick * 10;
		uint64_t arr = send + 1 + rnd(rs, max_delay);
		if (m->kind == FTMB_REC_PAL_BATCH) {
			ftmb_resendq_push(rq, m->core, m->first_pos, m->count, m->pals);
			if (rnd(rs, 100) >= drop_pct) /* lost otherwise */
				push_ev((struct ev){ arr, 0, i, m->first_pos, m->count, m->pals });
			if (rnd(rs, 100) < dup_pct)   /* duplicated, reordered */
				push_ev((struct ev){ arr + rnd(rs, max_delay), 0, i, m->first_pos, m->count, m->pals });
		} else {
			/* outputs travel FIFO per core */
			if (arr < last_out_arrival[m->core])
				arr = last_out_arrival[m->core];
			last_out_arrival[m->core] = arr;
			push_ev((struct ev){ arr, 0, i, 0, 0, NULL });
		}
	}
	uint64_t next_resend = 500;
	while (n_heap || unacked(rq)) {
		if (!n_heap || heap[0].time >= next_resend) {
			uint64_t now = next_resend;
			if (now > crash_time)
				break;
			next_resend += 500;
			for (unsigned c = 0; c < n_cores; c++) {
				col.n = 0;
				ftmb_resendq_foreach(rq, c, collect, &col);
				for (size_t k = 0; k < col.n; k++)
					if (rnd(rs, 100) >= drop_pct)
						push_ev((struct ev){ now + 1 + rnd(rs, max_delay), 0, RESEND_MSG(c),
								     col.first[k], col.count[k], col.p[k] });
			}
			continue;
		}
		struct ev e = pop_ev();
		if (e.time > crash_time)
			break;
		unsigned core;
		uint32_t kind;
		if (e.msg >= n_msgs) {
			core = (unsigned)((size_t)-1 - e.msg);
			kind = FTMB_REC_PAL_BATCH;
		} else {
			core = msgs[e.msg].core;
			kind = msgs[e.msg].kind;
		}
		if (kind == FTMB_REC_PAL_BATCH) {
			enum ftmb_batch_result r = ftmb_ol_pal_batch(ol, core, e.first_pos, e.count, e.pals);
			if (r < 0)
				FAIL("OL refused a batch: %d", (int)r);
			ftmb_resendq_ack(rq, core, ftmb_ol_received(ol, core));
		} else if (kind == FTMB_REC_OUTPUT) {
			struct msg *m = &msgs[e.msg];
			if (ftmb_ol_hold(ol, core, m->pkt, m->out_idx, m->V, NULL) != 0)
				FAIL("OL FIFO full");
		} else {
			ftmb_ol_no_output(ol, core, msgs[e.msg].pkt);
		}
		ftmb_ol_release_poll_all(ol, on_release, NULL);
	}
	ftmb_resendq_destroy(rq);
}

/* ---------------- one seed ---------------- */
static void run_seed(uint64_t seed)
{
	cur_seed = seed;
	uint64_t rs = mix(seed);
	n_cores = 2 + rnd(&rs, 3);
	n_vars = 4 + rnd(&rs, MAX_VARS - 4);
	n_pkts = 10 + rnd(&rs, MAX_PKTS - 10);
	batch = 1 + rnd(&rs, 3);
	/* record */
	reset_state();
	n_msgs = 0;
	tick = 0;
	for (unsigned c = 0; c < MAX_CORES; c++) {
		n_full[c] = 0;
		memset(seen_pkt[c], 0, sizeof(seen_pkt[c]));
		for (unsigned i = 0; i < MAX_PKTS; i++)
			pkt_order[c][i] = pkt_id_of(c, i);
	}
	if (ftmb_core_init(n_cores, seed, FTMB_MODE_RECORD) != 0) {
		FAIL("init");
		return;
	}
	for (unsigned c = 0; c < n_cores; c++)
		ftmb_core_set_sink(c, capture_sink, NULL);
	run_program();
	uint64_t rec_outs[MAX_CORES][MAX_PKTS][MAX_OUTS];
	unsigned rec_n[MAX_CORES][MAX_PKTS];
	memcpy(rec_outs, outs, sizeof(outs));
	memcpy(rec_n, n_outs, sizeof(n_outs));

	/* oracle from the full trace */
	struct oracle_trace tr = { .n_cores = n_cores };
	for (unsigned c = 0; c < n_cores; c++) {
		tr.pals[c] = full[c];
		tr.n_pals[c] = n_full[c];
		tr.pkts[c] = pkt_order[c];
		tr.n_pkts[c] = n_pkts;
		for (unsigned i = 0; i < n_pkts; i++)
			if (!seen_pkt[c][i])
				FAIL("core %u: packet %u has neither output nor no-output record", c, i);
	}
	char err[256];
	orc = oracle_build(&tr, err, sizeof(err));
	if (!orc) {
		FAIL("%s", err);
		return;
	}

	/* OL with a lossy link, until a random crash */
	ol = ftmb_ol_create(n_cores, 4096);
	n_rel = 0;
	uint64_t end_time = tick * 10 + 5000;
	uint64_t crash = rnd(&rs, 4) == 0 ? UINT64_MAX : rnd(&rs, (unsigned)end_time);
	simulate(crash, &rs);
	if (crash == UINT64_MAX) {
		size_t total_outs = 0;
		for (unsigned c = 0; c < n_cores; c++)
			for (unsigned i = 0; i < n_pkts; i++)
				total_outs += rec_n[c][i];
		if (n_rel != total_outs)
			FAIL("no crash but only %zu of %zu outputs released", n_rel, total_outs);
	}

	/* the cut of what the OL holds */
	const struct ftmb_pal *held[MAX_CORES];
	size_t n_held[MAX_CORES], keep[MAX_CORES], okeep[MAX_CORES];
	for (unsigned c = 0; c < n_cores; c++) {
		uint64_t first;
		held[c] = ftmb_ol_pals(ol, c, &first, &n_held[c]);
	}
	struct ftmb_cut_input in = { n_cores, held, n_held, NULL, 0 };
	if (ftmb_cut_compute(&in, keep) != 0)
		FAIL("cut failed");
	oracle_cut(n_cores, held, n_held, okeep);
	if (crash != UINT64_MAX)
		seeds_crashed++;
	size_t dropped = 0;
	for (unsigned c = 0; c < n_cores; c++)
		dropped += n_held[c] - keep[c];
	if (dropped) {
		seeds_cut_dropped++;
		pals_dropped_by_cut += dropped;
	}
	for (unsigned c = 0; c < n_cores; c++)
		if (keep[c] != okeep[c])
			FAIL("cut of core %u: runtime %zu, oracle %zu", c, keep[c], okeep[c]);
	for (size_t k = 0; k < n_rel; k++) {
		const uint64_t *dep = oracle_dep(orc, rel[k].core, rel[k].pkt);
		for (unsigned c = 0; dep && c < n_cores; c++)
			if (dep[c] > keep[c])
				FAIL("released packet %llu depends on PAL %llu of core %u outside the cut",
				     (unsigned long long)rel[k].pkt, (unsigned long long)dep[c] - 1, c);
	}

	/* replay from the cut and compare every released output */
	struct ftmb_pal *cutcopy[MAX_CORES];
	for (unsigned c = 0; c < n_cores; c++) {
		cutcopy[c] = malloc((keep[c] + 1) * sizeof(struct ftmb_pal));
		if (keep[c])
			memcpy(cutcopy[c], held[c], keep[c] * sizeof(struct ftmb_pal));
	}
	ftmb_ol_destroy(ol);
	ol = NULL;
	reset_state();
	if (ftmb_core_init(n_cores, seed, FTMB_MODE_REPLAY) != 0 ||
	    ftmb_replay_load((const struct ftmb_pal *const *)cutcopy, keep) != 0) {
		FAIL("replay init");
		return;
	}
	uint64_t div0 = ftmb_replay_divergences();
	run_program();
	if (ftmb_replay_divergences() != div0)
		FAIL("replay diverged");
	if (!ftmb_replay_done())
		FAIL("replay not finished");
	for (size_t k = 0; k < n_rel; k++) {
		unsigned c = rel[k].core, i = (unsigned)(rel[k].pkt - pkt_id_of(c, 0));
		if (outs[c][i][rel[k].idx] != rec_outs[c][i][rel[k].idx])
			FAIL("released output (%llu, %u) differs after replay",
			     (unsigned long long)rel[k].pkt, rel[k].idx);
	}
	for (unsigned c = 0; c < n_cores; c++)
		free(cutcopy[c]);
	for (size_t i = 0; i < n_msgs; i++)
		free(msgs[i].pals);
	oracle_free(orc);
	orc = NULL;
}

static void divergence_noabort(const struct ftmb_divergence *d, const char *msg)
{
	(void)d;
	FAIL("%s", msg);
}

int main(void)
{
	const char *s = getenv("FTMB_STRESS_SEEDS");
	const char *b = getenv("FTMB_STRESS_SEED_BASE");
	unsigned long n = s && *s ? strtoul(s, NULL, 0) : 1000;
	uint64_t base = b && *b ? strtoull(b, NULL, 0) : 1;
	ftmb_replay_set_divergence_handler(divergence_noabort);
	size_t released = 0;
	for (unsigned long i = 0; i < n; i++) {
		run_seed(base + i);
		released += n_rel;
		if (failures > 20)
			break;
	}
	fprintf(stderr, "stress: %lu seeds from %llu, %zu released outputs checked; %zu crashed, "
		"%zu cuts dropped PALs (%zu in all); %d failures\n", n, (unsigned long long)base,
		released, seeds_crashed, seeds_cut_dropped, pals_dropped_by_cut, failures);
	return failures ? 1 : 0;
}
