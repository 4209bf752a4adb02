/* harness.c: see harness.h. */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"

int harness_failures;

int harness_finish(const char *name)
{
#ifdef HARNESS_PROTECTED
	CHECK(harness_pals() > 0, "protected run made no PAL: were the sources rewritten?");
	CHECK(harness_replay_check() == 0, "replay did not reproduce the recorded run");
#endif
	if (harness_failures) {
		fprintf(stderr, "%s: %d check(s) FAILED\n", name, harness_failures);
		return 1;
	}
	fprintf(stderr, "%s: all checks passed\n", name);
	return 0;
}

unsigned harness_scale(void)
{
	const char *s = getenv("FTMB_EXAMPLES_SCALE");
	long v = s ? strtol(s, NULL, 10) : 1;
	return v >= 1 && v <= 50 ? (unsigned)v : v > 50 ? 50 : 1;
}

static __thread int last_verdict;

int harness_last_verdict(void)
{
	return last_verdict;
}

void harness_set_last_verdict(int v)
{
	last_verdict = v;
}

/* ---- mb_emit capture ---- */
static pthread_mutex_t emit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct harness_emitted *emitted;
static size_t n_emitted, cap_emitted;
static int emit_failing;

int mb_emit(unsigned core, int port, const void *frame, uint16_t len)
{
	int rc = 0;
	pthread_mutex_lock(&emit_lock);
	if (emit_failing || frame == NULL || len > TGEN_MAX_FRAME) {
		rc = -1;
	} else {
		if (n_emitted == cap_emitted) {
			size_t nc = cap_emitted ? 2 * cap_emitted : 64;
			struct harness_emitted *ne = realloc(emitted, nc * sizeof(*ne));
			if (ne == NULL) {
				pthread_mutex_unlock(&emit_lock);
				return -1;
			}
			emitted = ne;
			cap_emitted = nc;
		}
		struct harness_emitted *e = &emitted[n_emitted++];
		e->core = core;
		e->port = port;
		e->len = len;
		memcpy(e->frame, frame, len);
	}
	pthread_mutex_unlock(&emit_lock);
	return rc;
}

void harness_emit_reset(void)
{
	pthread_mutex_lock(&emit_lock);
	n_emitted = 0;
	emit_failing = 0;
	pthread_mutex_unlock(&emit_lock);
}

void harness_emit_set_failing(int failing)
{
	pthread_mutex_lock(&emit_lock);
	emit_failing = failing;
	pthread_mutex_unlock(&emit_lock);
}

size_t harness_emit_count(void)
{
	pthread_mutex_lock(&emit_lock);
	size_t n = n_emitted;
	pthread_mutex_unlock(&emit_lock);
	return n;
}

const struct harness_emitted *harness_emit_get(size_t i)
{
	return i < n_emitted ? &emitted[i] : NULL;
}

uint16_t harness_build(uint8_t *buf, const struct pkt_spec *s)
{
	uint16_t n = pkt_build(buf, TGEN_MAX_FRAME, s);
	if (n == 0) {
		fprintf(stderr, "harness: pkt_build failed\n");
		abort();
	}
	return n;
}

/* ---- trace ---- */
int harness_trace_make(struct harness_trace *t, const struct tgen_config *c)
{
	memset(t, 0, sizeof(*t));
	struct tgen *g = tgen_create(c);
	if (g == NULL)
		return -1;
	size_t cap = (size_t)c->flows * (c->packets_per_flow < 5 ? 5 : c->packets_per_flow);
	t->pkts = malloc(cap * sizeof(*t->pkts));
	if (t->pkts == NULL) {
		tgen_destroy(g);
		return -1;
	}
	while (t->n < cap && tgen_next(g, &t->pkts[t->n]))
		t->n++;
	t->n_flows = c->flows;
	tgen_destroy(g);
	return 0;
}

void harness_trace_free(struct harness_trace *t)
{
	free(t->pkts);
	memset(t, 0, sizeof(*t));
}

unsigned harness_core_of(const uint8_t *frame, uint16_t len, unsigned n_cores)
{
	struct pkt_view v;
	if (pkt_parse((uint8_t *)frame, len, &v) != 0)
		return 0;
	struct flow_key k = flow_key_of(&v);
	return flow_hash(&k) % n_cores;
}

struct digest_entry {
	int verdict;
	uint64_t hash;
};

static uint64_t fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Writes the digest of a run: per trace packet its verdict and frame
 * hash, then the emitted frames' hashes sorted (their order across cores
 * is not part of what a replay must reproduce; their contents are). */
static int write_digest(const char *path, const struct digest_entry *d, size_t n)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "p %zu %d %016llx\n", i, d[i].verdict, (unsigned long long)d[i].hash);
	size_t ne = harness_emit_count();
	uint64_t *eh = calloc(ne ? ne : 1, sizeof(*eh));
	if (eh == NULL) {
		fclose(f);
		return -1;
	}
	for (size_t i = 0; i < ne; i++)
		eh[i] = fnv64(emitted[i].frame, emitted[i].len);
	qsort(eh, ne, sizeof(*eh), cmp_u64);
	for (size_t i = 0; i < ne; i++)
		fprintf(f, "e %016llx\n", (unsigned long long)eh[i]);
	free(eh);
	return fclose(f) == 0 ? 0 : -1;
}

struct run_ctx {
	struct digest_entry *digest;  /* NULL unless FTMB_EXAMPLES_DIGEST */
	uint64_t first_id;
	const struct harness_trace *t;
	unsigned n_cores;
	harness_pkt_fn fn;
	void *arg;
	uint32_t *done;           /* per flow: packets of it processed */
	unsigned *core_of;        /* per packet */
	pthread_barrier_t start;
};

struct run_thread {
	struct run_ctx *ctx;
	unsigned core;
};

static void *run_core(void *argp)
{
	struct run_thread *th = argp;
	struct run_ctx *c = th->ctx;
	struct tgen_pkt *copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return (void *)1;
	pthread_barrier_wait(&c->start);
	for (size_t i = 0; i < c->t->n; i++) {
		if (c->core_of[i] != th->core)
			continue;
		const struct tgen_pkt *p = &c->t->pkts[i];
		while (__atomic_load_n(&c->done[p->flow], __ATOMIC_ACQUIRE) != p->index)
			sched_yield();
		*copy = *p;
		harness_set_packet_id(c->first_id + i);
		c->fn(th->core, copy, c->arg);
		if (c->digest) {
			c->digest[i].verdict = harness_last_verdict();
			c->digest[i].hash = fnv64(copy->frame, copy->len);
		}
		__atomic_store_n(&c->done[p->flow], p->index + 1, __ATOMIC_RELEASE);
	}
	free(copy);
	return NULL;
}

int harness_trace_run(const struct harness_trace *t, unsigned n_cores,
		      harness_pkt_fn fn, void *arg)
{
	struct run_ctx c;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.n_cores = n_cores;
	c.fn = fn;
	c.arg = arg;
	c.first_id = harness_reserve_ids(t->n);
	const char *digest_path = getenv("FTMB_EXAMPLES_DIGEST");
	c.done = calloc(t->n_flows, sizeof(*c.done));
	c.core_of = calloc(t->n ? t->n : 1, sizeof(*c.core_of));
	struct run_thread *th = calloc(n_cores, sizeof(*th));
	pthread_t *tid = calloc(n_cores, sizeof(*tid));
	int rc = 0;
	if (digest_path)
		c.digest = calloc(t->n ? t->n : 1, sizeof(*c.digest));
	if (!c.done || !c.core_of || !th || !tid || (digest_path && !c.digest)) {
		rc = -1;
		goto out;
	}
	/* Index of each packet within its flow must count from 0 in trace
	 * order; tgen numbers all packets of a flow, so with outbound-only
	 * traces rebase to the emitted ones. */
	uint32_t *seen = calloc(t->n_flows, sizeof(*seen));
	if (seen == NULL) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		c.core_of[i] = harness_core_of(t->pkts[i].frame, t->pkts[i].len, n_cores);
		t->pkts[i].index = seen[t->pkts[i].flow]++;
	}
	free(seen);
	pthread_barrier_init(&c.start, NULL, n_cores);
	unsigned started = 0;
	for (unsigned k = 0; k < n_cores; k++) {
		th[k].ctx = &c;
		th[k].core = k;
		if (pthread_create(&tid[k], NULL, run_core, &th[k]) != 0) {
			fprintf(stderr, "harness: pthread_create failed\n");
			abort(); /* the barrier would never open */
		}
		started++;
	}
	for (unsigned k = 0; k < started; k++) {
		void *r;
		pthread_join(tid[k], &r);
		if (r != NULL)
			rc = -1;
	}
	pthread_barrier_destroy(&c.start);
	if (digest_path && rc == 0 && write_digest(digest_path, c.digest, t->n) != 0)
		rc = -1;
out:
	free(c.digest);
	free(c.done);
	free(c.core_of);
	free(th);
	free(tid);
	return rc;
}

/* Unprotected builds: a core is just an index. Protected builds replace
 * these (harness_protected.c). */
#ifndef HARNESS_PROTECTED
void harness_bind_core(unsigned core) { (void)core; }
void harness_unbind_core(void) {}
uint64_t harness_pals(void) { return 0; }
int harness_rr_mode(void) { return 0; }
void harness_set_packet_id(uint64_t id) { (void)id; }
int harness_replay_check(void) { return 0; }

uint64_t harness_reserve_ids(uint64_t n)
{
	(void)n;
	return 0;
}

uint64_t harness_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#endif
