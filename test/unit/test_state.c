/* Checkpointable state: arena (same-address restore), object descriptors,
 * the registry and counters, deterministic clocks and random numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_state.h"
#include "unit.h"
#include "unit_tests.h"

struct node {
	struct node *next;
	uint64_t val;
};

void test_arena_alloc(void)
{
	CHECK(ftmb_arena_init(64 << 20) == 0);
	CHECK(ftmb_arena_base() == (void *)FTMB_ARENA_ADDR);
	CHECK(ftmb_arena_init(0) == 0); /* idempotent */
	char *p = __ftmb_malloc(100);
	CHECK(ftmb_arena_contains(p));
	CHECK(((uintptr_t)p & 15) == 0);
	CHECK(ftmb_arena_usable_size(p) >= 100);
	memset(p, 0xab, 100);
	p = __ftmb_realloc(p, 5000);
	CHECK(p && (unsigned char)p[99] == 0xab);
	__ftmb_free(p);
	char *q = __ftmb_malloc(5000); /* reuses the freed block */
	CHECK(q == p);
	uint64_t *z = __ftmb_calloc(10, sizeof(uint64_t));
	for (int i = 0; i < 10; i++)
		CHECK(z[i] == 0);
	void *al = __ftmb_aligned_alloc(4096, 10);
	CHECK(al && ((uintptr_t)al & 4095) == 0);
	__ftmb_free(al);
	void *pm = NULL;
	CHECK(__ftmb_posix_memalign(&pm, 256, 10) == 0 && ((uintptr_t)pm & 255) == 0);
	CHECK(__ftmb_posix_memalign(&pm, 3, 10) != 0);
	char *s = __ftmb_strdup("hello");
	CHECK(strcmp(s, "hello") == 0);
	char *sn = __ftmb_strndup("hello", 3);
	CHECK(strcmp(sn, "hel") == 0);
	void *r = __ftmb_rte_zmalloc("t", 100, 64);
	CHECK(r && ((uintptr_t)r & 63) == 0 && ((char *)r)[50] == 0);
	r = __ftmb_rte_realloc(r, 10000, 64);
	CHECK(r && ((uintptr_t)r & 63) == 0);
	__ftmb_rte_free(r);
	CHECK(__ftmb_rte_calloc("t", SIZE_MAX / 2, 4, 0) == NULL);
	CHECK(__ftmb_calloc(SIZE_MAX / 2, 4) == NULL);
	CHECK(__ftmb_malloc((size_t)1 << 40) == NULL); /* larger than the arena */
	/* bad frees: reported, not crashing */
	int local;
	__ftmb_free(&local);
	__ftmb_free(s);
	__ftmb_free(s); /* double free */
	CHECK(__ftmb_realloc(&local, 10) == NULL);
}

void test_arena_restore_same_address(void)
{
	CHECK(ftmb_arena_init(0) == 0);
	struct node *head = NULL;
	for (uint64_t i = 0; i < 1000; i++) {
		struct node *n = __ftmb_malloc(sizeof(*n));
		n->val = i;
		n->next = head;
		head = n;
	}
	/* checkpoint: copy [base, base + used) */
	size_t used = ftmb_arena_used();
	void *img = malloc(used);
	memcpy(img, ftmb_arena_base(), used);
	struct node *saved_head = head;
	/* mutate: free half, allocate junk over it, scribble */
	for (struct node *n = head; n;) {
		struct node *nx = n->next;
		if (n->val & 1)
			__ftmb_free(n);
		else
			n->val = 0xdead;
		n = nx;
	}
	for (int i = 0; i < 2000; i++)
		memset(__ftmb_malloc(64), 0x5a, 64);
	CHECK(ftmb_arena_used() > used);
	/* restore at the same address: the pointers are valid again */
	CHECK(ftmb_arena_restore(img, used) == 0);
	CHECK_EQ_U64(ftmb_arena_used(), used);
	uint64_t expect = 999, count = 0;
	for (struct node *n = saved_head; n; n = n->next, expect--, count++)
		CHECK_EQ_U64(n->val, expect);
	CHECK_EQ_U64(count, 1000);
	/* the allocator state came back too: the next block is the same one
	 * the original process would have returned */
	void *a1 = __ftmb_malloc(48);
	CHECK(ftmb_arena_restore(img, used) == 0);
	void *a2 = __ftmb_malloc(48);
	CHECK(a1 == a2);
	/* bad images */
	char junk[256] = { 0 };
	CHECK(ftmb_arena_restore(junk, sizeof(junk)) == -1);
	CHECK(ftmb_arena_restore(img, used - 16) == -1);
	free(img);
}

static void taken_child(void)
{
	static char here[4096];
	char hex[32];
	snprintf(hex, sizeof(hex), "%lx", (unsigned long)(uintptr_t)here & ~4095UL);
	setenv("FTMB_ARENA_ADDR", hex, 1); /* pages of this executable: taken */
	if (ftmb_arena_init(1 << 20) == 0)
		_exit(3);
	if (__ftmb_malloc(10) != NULL)
		_exit(4);
	_exit(0);
}

void test_arena_address_taken(void)
{
	char buf[1024];
	int st = unit_run_child(taken_child, buf, sizeof(buf));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strstr(buf, "cannot map the arena") != NULL);
}

void test_arena_allocations_are_logged(void)
{
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_RECORD) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(3, 0);
	ftmb_var_t *av = ftmb_arena_var();
	uint64_t c0 = av->counter, m0 = ftmb_max(0);
	void *p = __ftmb_malloc(10);
	__ftmb_free(p);
	CHECK_EQ_U64(av->counter, c0 + 2);
	CHECK_EQ_U64(ftmb_max(0), m0 + 2);
	CHECK(av->id == __ftmb_id("ftmb:arena"));
	CHECK(ftmb_var_find(av->id) == av);
}

struct conn {
	uint64_t hits;
	uint64_t pad[3];
};
static struct conn table[4];
static struct ftmb_global gtab[] = { { 0x7777, "table", table, sizeof(table) } };

void test_obj_descriptors(void)
{
	__ftmb_register_tu("t.c", FTMB_ABI_VERSION, gtab, 1, NULL, 0);
	CHECK(ftmb_arena_init(0) == 0);
	uint64_t tid = __ftmb_id("struct conn");
	struct conn *c1 = __ftmb_malloc(sizeof(*c1));
	struct conn *c2 = __ftmb_malloc(sizeof(*c2));
	ftmb_var_t *d1 = __ftmb_obj(tid, "struct conn", c1);
	ftmb_var_t *d2 = __ftmb_obj(tid, "struct conn", c2);
	CHECK(d1 != d2);
	CHECK(__ftmb_obj(tid, "struct conn", c1) == d1);
	uint64_t key = (uint64_t)((char *)c1 - (char *)ftmb_arena_base());
	CHECK_EQ_U64(ftmb_obj_key(c1), key);
	CHECK_EQ_U64(d1->id, ftmb_obj_id(tid, key)); /* a function of (type, offset) only */
	uint64_t t2, k2;
	CHECK(ftmb_obj_info(d1, &t2, &k2) == 0 && t2 == tid && k2 == key);
	/* another type at the same address: another descriptor */
	CHECK(__ftmb_obj(tid + 1, "struct other", c1) != d1);
	/* objects inside a registered global */
	ftmb_var_t *g1 = __ftmb_obj(tid, "struct conn", &table[1]);
	ftmb_var_t *g2 = __ftmb_obj(tid, "struct conn", &table[2]);
	CHECK(g1 != g2);
	CHECK(ftmb_obj_key(&table[1]) & FTMB_OBJ_KEY_GLOBAL);
	/* elsewhere: one descriptor per type, id = type id */
	struct conn a, b;
	ftmb_var_t *s1 = __ftmb_obj(tid, "struct conn", &a);
	CHECK(__ftmb_obj(tid, "struct conn", &b) == s1);
	CHECK_EQ_U64(s1->id, tid);
	/* counters of objects are saved and restored */
	__ftmb_begin(d1);
	c1->hits++;
	__ftmb_end_rmw(d1);
	size_t n = ftmb_counters_save(NULL, 0);
	CHECK(n >= 6);
	struct ftmb_counter_rec *recs = calloc(n, sizeof(*recs));
	CHECK_EQ_U64(ftmb_counters_save(recs, n), n);
	__ftmb_begin(d1);
	__ftmb_end_rmw(d1);
	CHECK_EQ_U64(d1->counter, 2);
	CHECK(ftmb_counters_restore(recs, n) == 0);
	CHECK_EQ_U64(d1->counter, 1);
	free(recs);
	/* 128 cores, lookups from a bound core */
	CHECK(ftmb_core_init(128, 0, FTMB_MODE_RECORD) == 0);
	ftmb_core_bind(127);
	ftmb_packet_begin(1, 0);
	__ftmb_begin(__ftmb_obj(tid, "struct conn", c2));
	__ftmb_end_rmw(__ftmb_obj(tid, "struct conn", c2));
	CHECK_EQ_U64(ftmb_max(127), 1);
}

static ftmb_var_t w1 = FTMB_VAR_INIT(0x100, "w");
static ftmb_var_t s1 = FTMB_VAR_INIT(0x200, "f.c:s");
static uint64_t wv, sv;

void test_registry_and_counters(void)
{
	struct ftmb_global g1[] = { { 0x100, "w", &wv, 8 }, { 0x200, "f.c:s", &sv, 8 } };
	struct ftmb_global g2[] = { { 0x100, "w", &wv, 8 } };
	ftmb_var_t *const vars1[] = { &w1, &s1 };
	ftmb_var_t *const vars2[] = { &w1 }; /* weak-merged: same descriptor */
	__ftmb_register_tu("a.c", FTMB_ABI_VERSION, g1, 2, vars1, 2);
	__ftmb_register_tu("b.c", FTMB_ABI_VERSION, g2, 1, vars2, 1);
	CHECK_EQ_U64(ftmb_globals_count(), 2);
	CHECK(ftmb_global_find(0x200)->addr == &sv);
	CHECK(ftmb_global_find(0x999) == NULL);
	CHECK(ftmb_global_containing((char *)&wv + 3) == ftmb_global_find(0x100));
	CHECK(ftmb_global_at(5) == NULL);
	CHECK(ftmb_var_find(0x100) == &w1);
	CHECK(w1.flags & FTMB_VARF_REGISTERED);
	size_t nv = ftmb_vars_count();
	CHECK_EQ_U64(nv, 3); /* w, s and the arena allocator */
	__ftmb_write8(&w1, &wv, 1);
	__ftmb_write8(&w1, &wv, 2);
	struct ftmb_counter_rec recs[8];
	CHECK_EQ_U64(ftmb_counters_save(recs, 8), 3);
	__ftmb_write8(&w1, &wv, 3);
	__ftmb_write8(&s1, &sv, 3);
	CHECK(ftmb_counters_restore(recs, 3) == 0);
	CHECK_EQ_U64(w1.counter, 2);
	CHECK_EQ_U64(s1.counter, 0);
	/* an id this binary does not know */
	struct ftmb_counter_rec bad = { .var_id = 0xdeadbeef, .counter = 4 };
	CHECK(ftmb_counters_restore(&bad, 1) == -1);
}

static void abi_child(void)
{
	__ftmb_register_tu("old.c", FTMB_ABI_VERSION + 1, NULL, 0, NULL, 0);
}

void test_registry_abi_mismatch(void)
{
	char buf[512];
	int st = unit_run_child(abi_child, buf, sizeof(buf));
	CHECK(WIFSIGNALED(st));
	CHECK(strstr(buf, "old.c was compiled for runtime ABI") != NULL);
}

void test_nondet_clock_and_rng(void)
{
	CHECK(ftmb_core_init(2, 99, FTMB_MODE_RECORD) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(10, 1700000000123456789ULL);
	CHECK_EQ_U64(__ftmb_time(NULL), 1700000000);
	struct timeval tv;
	__ftmb_gettimeofday(&tv, NULL);
	CHECK_EQ_U64(tv.tv_usec, 123456);
	struct timespec ts;
	__ftmb_clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK_EQ_U64(ts.tv_nsec, 123456789);
	CHECK_EQ_U64(__ftmb_rdtsc(), 1700000000123456789ULL);
	CHECK_EQ_U64(__ftmb_tsc_hz(), 1000000000ULL);
	int r1 = __ftmb_rand(), r2 = __ftmb_rand();
	uint64_t big = __ftmb_rte_rand();
	ftmb_packet_end(1);
	/* outside a packet: the last packet's time */
	CHECK_EQ_U64(__ftmb_time(NULL), 1700000000);
	/* same (seed, packet) -> same numbers, on another core too */
	ftmb_core_bind(1);
	ftmb_packet_begin(10, 5);
	CHECK(__ftmb_rand() == r1);
	CHECK(__ftmb_rand() == r2);
	CHECK(__ftmb_rte_rand() == big);
	CHECK(r1 >= 0 && r1 <= RAND_MAX);
	ftmb_packet_begin(11, 5);
	int other = __ftmb_rand();
	CHECK(other != r1);
	__ftmb_srand(5); /* ignored */
	ftmb_packet_begin(10, 5);
	CHECK(__ftmb_rand() == r1);
	unsigned seed = 3, seed2 = 3;
	CHECK(__ftmb_rand_r(&seed) == rand_r(&seed2));
	/* another seed -> other numbers */
	CHECK(ftmb_core_init(2, 100, FTMB_MODE_RECORD) == 0);
	ftmb_core_bind(0);
	ftmb_packet_begin(10, 5);
	CHECK(__ftmb_rand() != r1);
	/* OFF: the libc originals */
	CHECK(ftmb_core_init(1, 0, FTMB_MODE_OFF) == 0);
	ftmb_core_bind(0);
	srand(77);
	int l1 = rand();
	srand(77);
	CHECK(__ftmb_rand() == l1);
	__ftmb_srand(78);
	int l2 = __ftmb_rand();
	srand(78);
	CHECK(rand() == l2);
	CHECK(__ftmb_time(NULL) > 1600000000L);
}
