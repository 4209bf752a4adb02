/*
 * arena.c: the checkpointed heap and the malloc family of include/ftmb.h.
 *
 * Theory of operation. One anonymous mapping at a fixed address
 * (FTMB_ARENA_ADDR, MAP_FIXED_NOREPLACE so an occupied range is an error,
 * never a silent overwrite), reserved with MAP_NORESERVE and touched
 * lazily. The allocator's whole state lives in the arena's first bytes
 * (struct arena_hdr: top of the bump region and per-size-class free
 * lists stored as offsets), and every block lies below hdr->top, so the
 * bytes [base, base + top) are a complete image: copy them and you have
 * the heap and the allocator; copy them back at the same address and every
 * pointer into the heap is valid again (ftmb_arena_restore).
 *
 * Blocks: a 16-byte header (size class, magic) then the payload, 16-byte
 * aligned; class k holds 16 << k bytes. Freed blocks go on their class's
 * free list; allocation pops the list or bumps top. Over-aligned requests
 * take a larger block and put a 16-byte forwarding header before the
 * aligned address.
 *
 * Determinism: the allocator is shared state. The malloc family wraps each
 * call in __ftmb_begin/__ftmb_end on the descriptor "ftmb:arena", so a
 * bound core's allocation makes a PAL, and replay performs allocations in
 * the recorded order: the same blocks, the same addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ftmb_internal.h"
#include "ftmb_state.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define ARENA_MAGIC 0x46544d4241524e41ULL /* "FTMBARNA" */
#define BLOCK_MAGIC 0xb10cu
#define ALIGN_MAGIC 0xa119u
#define N_CLASSES 48
#define HDR 16u

struct arena_hdr {
	uint64_t magic;
	uint64_t capacity;
	uint64_t top;                 /* used bytes from base */
	uint64_t free_head[N_CLASSES];/* offsets, 0 = empty   */
	uint64_t allocs, frees;
};

struct block_hdr {
	uint32_t magic;   /* BLOCK_MAGIC or ALIGN_MAGIC */
	uint32_t cls;     /* size class (BLOCK)         */
	uint64_t back;    /* ALIGN: offset to the real block's payload */
};

static char *arena_base;
static size_t arena_cap;
static volatile uint32_t init_lock;

static ftmb_var_t arena_var = FTMB_VAR_INIT(0, "ftmb:arena");
static volatile int arena_var_registered;

ftmb_var_t *ftmb_arena_var(void)
{
	if (FTMB_UNLIKELY(!__atomic_load_n(&arena_var_registered, __ATOMIC_ACQUIRE))) {
		if (!__atomic_exchange_n(&arena_var_registered, 1, __ATOMIC_ACQ_REL)) {
			arena_var.id = __ftmb_id("ftmb:arena");
			arena_var.flags |= FTMB_VARF_INTERNAL;
			ftmb_registry_add_var(&arena_var);
		}
	}
	return &arena_var;
}

static struct arena_hdr *hdr(void) { return (struct arena_hdr *)arena_base; }

int ftmb_arena_init(size_t capacity)
{
	if (__atomic_load_n(&arena_base, __ATOMIC_ACQUIRE))
		return 0;
	unsigned spins = 0;
	while (__atomic_exchange_n(&init_lock, 1, __ATOMIC_ACQUIRE))
		ftmb_backoff(&spins);
	int rc = 0;
	if (arena_base)
		goto out;
	if (capacity == 0) {
		const char *e = getenv("FTMB_ARENA_MB");
		capacity = (e && *e) ? (size_t)strtoull(e, NULL, 0) << 20 : FTMB_ARENA_DEFAULT_CAPACITY;
	}
	long pg = sysconf(_SC_PAGESIZE);
	capacity = (capacity + (size_t)pg - 1) & ~((size_t)pg - 1);
	if (capacity < (size_t)pg)
		capacity = (size_t)pg;
	uintptr_t addr = (uintptr_t)FTMB_ARENA_ADDR;
	const char *ea = getenv("FTMB_ARENA_ADDR");
	if (ea && *ea)
		addr = (uintptr_t)strtoull(ea, NULL, 16);
	void *p = mmap((void *)addr, capacity, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED || p != (void *)addr) {
		int err = errno;
		if (p != MAP_FAILED)
			munmap(p, capacity); /* old kernel ignored the hint */
		fprintf(stderr, "ftmb: cannot map the arena at %#lx (%zu bytes): %s; "
			"set FTMB_ARENA_ADDR (hex) to a free range, the same in master and backup\n",
			(unsigned long)addr, capacity, p == MAP_FAILED ? strerror(err) : "address taken");
		rc = -1;
		goto out;
	}
	struct arena_hdr *h = p;
	h->magic = ARENA_MAGIC;
	h->capacity = capacity;
	h->top = (sizeof(struct arena_hdr) + 63) & ~63ULL;
	arena_cap = capacity;
	__atomic_store_n(&arena_base, (char *)p, __ATOMIC_RELEASE);
	ftmb_arena_var();
out:
	__atomic_store_n(&init_lock, 0, __ATOMIC_RELEASE);
	return rc;
}

int ftmb_arena_ready(void) { return arena_base != NULL; }
void *ftmb_arena_base(void) { return arena_base; }
size_t ftmb_arena_used(void) { return arena_base ? hdr()->top : 0; }
size_t ftmb_arena_capacity(void) { return arena_cap; }

int ftmb_arena_contains(const void *p)
{
	const char *c = p;
	return arena_base && c >= arena_base && c < arena_base + arena_cap;
}

int ftmb_arena_restore(const void *image, size_t used)
{
	if (!arena_base && ftmb_arena_init(0) != 0)
		return -1;
	const struct arena_hdr *ih = image;
	if (used < sizeof(struct arena_hdr) || ih->magic != ARENA_MAGIC || ih->top != used) {
		fprintf(stderr, "ftmb: ftmb_arena_restore: not an arena image (%zu bytes)\n", used);
		return -1;
	}
	if (used > arena_cap) {
		fprintf(stderr, "ftmb: ftmb_arena_restore: image of %zu bytes exceeds the arena (%zu)\n",
			used, arena_cap);
		return -1;
	}
	memmove(arena_base, image, used);
	hdr()->capacity = arena_cap;
	return 0;
}

static unsigned class_of(size_t n)
{
	unsigned k = 0;
	while (((size_t)16 << k) < n)
		k++;
	return k;
}

static void *alloc_locked(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > arena_cap)
		return NULL;
	unsigned k = class_of(n);
	if (k >= N_CLASSES)
		return NULL;
	struct arena_hdr *h = hdr();
	struct block_hdr *b;
	if (h->free_head[k]) {
		b = (struct block_hdr *)(arena_base + h->free_head[k]);
		h->free_head[k] = b->back; /* next free, stored in back */
	} else {
		uint64_t sz = HDR + ((uint64_t)16 << k);
		if (h->top + sz > arena_cap)
			return NULL;
		b = (struct block_hdr *)(arena_base + h->top);
		h->top += sz;
	}
	b->magic = BLOCK_MAGIC;
	b->cls = k;
	b->back = 0;
	h->allocs++;
	return (char *)b + HDR;
}

static struct block_hdr *block_of(const void *p)
{
	struct block_hdr *b = (struct block_hdr *)((char *)p - HDR);
	if (b->magic == ALIGN_MAGIC)
		b = (struct block_hdr *)(arena_base + b->back - HDR);
	return b;
}

static int valid_block(const void *p)
{
	if (!ftmb_arena_contains(p) || ((uintptr_t)p & 15))
		return 0;
	struct block_hdr *b = (struct block_hdr *)((char *)p - HDR);
	if (b->magic == ALIGN_MAGIC) {
		if (b->back >= arena_cap)
			return 0;
		b = (struct block_hdr *)(arena_base + b->back - HDR);
	}
	return b->magic == BLOCK_MAGIC && b->cls < N_CLASSES;
}

static void free_locked(void *p)
{
	struct block_hdr *b = block_of(p);
	struct arena_hdr *h = hdr();
	b->magic = 0;
	b->back = h->free_head[b->cls];
	h->free_head[b->cls] = (uint64_t)((char *)b - arena_base);
	h->frees++;
}

static void *aligned_locked(size_t align, size_t n)
{
	if (align <= 16)
		return alloc_locked(n);
	if (align & (align - 1))
		return NULL;
	char *raw = alloc_locked(n + align + HDR);
	if (!raw)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + HDR + align - 1) & ~(uintptr_t)(align - 1);
	struct block_hdr *fw = (struct block_hdr *)(a - HDR);
	fw->magic = ALIGN_MAGIC;
	fw->cls = 0;
	fw->back = (uint64_t)(raw - arena_base);
	return (void *)a;
}

size_t ftmb_arena_usable_size(const void *p)
{
	if (!p || !valid_block(p))
		return 0;
	struct block_hdr *b = block_of(p);
	char *payload = (char *)b + HDR;
	return ((size_t)16 << b->cls) - (size_t)((const char *)p - payload);
}

static int ready(void)
{
	return FTMB_LIKELY(arena_base != NULL) || ftmb_arena_init(0) == 0;
}

/* ---- unlogged (runtime use) ---- */
void *ftmb_arena_alloc(size_t n, size_t align)
{
	if (!ready())
		return NULL;
	ftmb_var_t *v = ftmb_arena_var();
	ftmb_var_lock(v);
	void *p = aligned_locked(align, n);
	ftmb_var_unlock(v);
	return p;
}

void ftmb_arena_free(void *p)
{
	if (!p)
		return;
	if (!valid_block(p)) {
		fprintf(stderr, "ftmb: free(%p): not a live arena block\n", p);
		return;
	}
	ftmb_var_t *v = ftmb_arena_var();
	ftmb_var_lock(v);
	free_locked(p);
	ftmb_var_unlock(v);
}

/* ---- the malloc family: each call is one logged access ---- */
void *__ftmb_aligned_alloc(size_t align, size_t n)
{
	if (!ready()) {
		errno = ENOMEM;
		return NULL;
	}
	ftmb_var_t *v = ftmb_arena_var();
	__ftmb_begin(v);
	void *p = aligned_locked(align, n);
	__ftmb_end(v, FTMB_RMW);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *__ftmb_malloc(size_t n) { return __ftmb_aligned_alloc(16, n); }

void *__ftmb_calloc(size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __ftmb_malloc(n * m);
	if (p)
		memset(p, 0, n * m); /* recycled blocks hold old bytes */
	return p;
}

void __ftmb_free(void *p)
{
	if (!p)
		return;
	if (!valid_block(p)) {
		fprintf(stderr, "ftmb: free(%p): not a live arena block (double free or foreign pointer)\n", p);
		return;
	}
	ftmb_var_t *v = ftmb_arena_var();
	__ftmb_begin(v);
	free_locked(p);
	__ftmb_end(v, FTMB_RMW);
}

void *__ftmb_realloc(void *p, size_t n)
{
	if (!p)
		return __ftmb_malloc(n);
	if (n == 0) {
		__ftmb_free(p);
		return NULL;
	}
	if (!valid_block(p)) {
		fprintf(stderr, "ftmb: realloc(%p): not a live arena block\n", p);
		errno = EINVAL;
		return NULL;
	}
	ftmb_var_t *v = ftmb_arena_var();
	__ftmb_begin(v);
	size_t have = ftmb_arena_usable_size(p);
	void *q = p;
	if (n > have) {
		q = alloc_locked(n);
		if (q) {
			memcpy(q, p, have);
			free_locked(p);
		}
	}
	__ftmb_end(v, FTMB_RMW);
	if (!q)
		errno = ENOMEM;
	return q;
}

int __ftmb_posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = __ftmb_aligned_alloc(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

char *__ftmb_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = __ftmb_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *__ftmb_strndup(const char *s, size_t n)
{
	size_t l = strnlen(s, n);
	char *p = __ftmb_malloc(l + 1);
	if (p) {
		memcpy(p, s, l);
		p[l] = 0;
	}
	return p;
}

void *__ftmb_rte_malloc(const char *type, size_t n, unsigned align)
{
	(void)type;
	return __ftmb_aligned_alloc(align ? align : 64, n);
}

void *__ftmb_rte_zmalloc(const char *type, size_t n, unsigned align)
{
	void *p = __ftmb_rte_malloc(type, n, align);
	if (p)
		memset(p, 0, n);
	return p;
}

void *__ftmb_rte_calloc(const char *type, size_t num, size_t n, unsigned align)
{
	if (n && num > SIZE_MAX / n)
		return NULL;
	return __ftmb_rte_zmalloc(type, num * n, align);
}

void *__ftmb_rte_realloc(void *p, size_t n, unsigned align)
{
	if (!p)
		return __ftmb_rte_malloc(NULL, n, align);
	if (align > 16 && (((uintptr_t)p & (align - 1)) || ftmb_arena_usable_size(p) < n)) {
		void *q = __ftmb_rte_malloc(NULL, n, align);
		if (q) {
			size_t have = ftmb_arena_usable_size(p);
			memcpy(q, p, have < n ? have : n);
			__ftmb_free(p);
		}
		return q;
	}
	return __ftmb_realloc(p, n);
}

void __ftmb_rte_free(void *p) { __ftmb_free(p); }
