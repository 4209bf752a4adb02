/*
 * obj.c: per-object descriptors for shared struct types (__ftmb_obj).
 *
 * Theory of operation. An object of a shared struct type reached through
 * a pointer gets its own descriptor, keyed by (type_id, key) where key is
 * the object's offset from the arena base - the arena sits at the same
 * address in master and backup and its allocation order is replayed, so
 * the same object has the same key in both. Its id is
 * ftmb_obj_id(type_id, key), stable across processes. Objects inside a
 * registered global use FTMB_OBJ_KEY_GLOBAL | hash(global id, offset);
 * anything else (stack, libc heap) falls back to one descriptor per type,
 * which orders all such objects of that type together (coarser, still
 * correct), with a warning once.
 *
 * The table: open addressing over an array of pointers to descriptors
 * taken from a pool; lookups are lock-free (acquire loads of published
 * slots), inserts take a spinlock and re-probe. Both live in anonymous
 * mappings reserved up front (FTMB_OBJ_CAP descriptors, default 2^20),
 * outside the arena, so creating a descriptor never changes the arena and
 * so never perturbs the middlebox's addresses. Checkpoints save counters
 * through ftmb_counters_save; restore re-creates descriptors by key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ftmb_internal.h"
#include "ftmb_state.h"

struct obj_desc {
	ftmb_var_t v;
	uint64_t type_id;
	uint64_t key;
};

static struct obj_desc *volatile *slots;
static struct obj_desc *pool;
static size_t cap, mask, used;
static volatile uint32_t table_lock;
static volatile int table_state; /* 0 none, 1 ready, -1 failed */

/* per-type fallback descriptors (small, linear) */
#define MAX_TYPE_DESCS 256
static struct obj_desc type_descs[MAX_TYPE_DESCS];
static size_t n_type_descs;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t ftmb_obj_id(uint64_t type_id, uint64_t key)
{
	if (key == FTMB_OBJ_KEY_TYPE)
		return type_id;
	return mix64(type_id ^ mix64(key + 0x9e3779b97f4a7c15ULL));
}

static void spin_lock(volatile uint32_t *l)
{
	unsigned spins = 0;
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		ftmb_backoff(&spins);
}

static void spin_unlock(volatile uint32_t *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static int table_init_locked(void)
{
	if (table_state)
		return table_state;
	size_t c = 1u << 20;
	const char *e = getenv("FTMB_OBJ_CAP");
	if (e && *e) {
		unsigned long long want = strtoull(e, NULL, 0);
		c = 1024;
		while (c < want && c < (1ULL << 30))
			c <<= 1;
	}
	void *s = mmap(NULL, 2 * c * sizeof(void *), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	void *p = mmap(NULL, c * sizeof(struct obj_desc), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s == MAP_FAILED || p == MAP_FAILED) {
		fprintf(stderr, "ftmb: cannot map the object descriptor table\n");
		table_state = -1;
		return -1;
	}
	slots = s;
	pool = p;
	cap = c;
	mask = 2 * c - 1; /* load factor <= 1/2 */
	__atomic_store_n(&table_state, 1, __ATOMIC_RELEASE);
	return 1;
}

static struct obj_desc *probe(uint64_t type_id, uint64_t key, uint64_t id, size_t *slot)
{
	size_t i = id & mask;
	for (;;) {
		struct obj_desc *d = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);
		if (!d) {
			*slot = i;
			return NULL;
		}
		if (d->key == key && d->type_id == type_id)
			return d;
		i = (i + 1) & mask;
	}
}

static ftmb_var_t *type_fallback(uint64_t type_id, const char *type_name)
{
	spin_lock(&table_lock);
	for (size_t i = 0; i < n_type_descs; i++)
		if (type_descs[i].type_id == type_id) {
			spin_unlock(&table_lock);
			return &type_descs[i].v;
		}
	if (n_type_descs == MAX_TYPE_DESCS)
		ftmb_fatal("more than %d shared struct types used outside the arena", MAX_TYPE_DESCS);
	struct obj_desc *d = &type_descs[n_type_descs];
	memset(d, 0, sizeof(*d));
	d->v.id = type_id;
	d->v.name = type_name;
	d->v.flags = FTMB_VARF_OBJECT;
	d->type_id = type_id;
	d->key = FTMB_OBJ_KEY_TYPE;
	__atomic_store_n(&n_type_descs, n_type_descs + 1, __ATOMIC_RELEASE);
	spin_unlock(&table_lock);
	return &d->v;
}

ftmb_var_t *ftmb_obj_lookup_create(uint64_t type_id, uint64_t key, const char *type_name)
{
	if (key == FTMB_OBJ_KEY_TYPE)
		return type_fallback(type_id, type_name);
	if (FTMB_UNLIKELY(__atomic_load_n(&table_state, __ATOMIC_ACQUIRE) != 1)) {
		spin_lock(&table_lock);
		int st = table_init_locked();
		spin_unlock(&table_lock);
		if (st != 1)
			return type_fallback(type_id, type_name);
	}
	uint64_t id = ftmb_obj_id(type_id, key);
	size_t slot;
	struct obj_desc *d = probe(type_id, key, id, &slot);
	if (FTMB_LIKELY(d != NULL))
		return &d->v;
	spin_lock(&table_lock);
	d = probe(type_id, key, id, &slot);
	if (!d) {
		if (used == cap) {
			spin_unlock(&table_lock);
			static int warned;
			if (!warned++)
				fprintf(stderr, "ftmb: object descriptor table full (FTMB_OBJ_CAP=%zu): "
					"falling back to one descriptor per type\n", cap);
			return type_fallback(type_id, type_name);
		}
		d = &pool[used++];
		d->v.id = id;
		d->v.name = type_name;
		d->v.lock = 0;
		d->v.flags = FTMB_VARF_OBJECT;
		d->v.counter = 0;
		d->v.next = NULL;
		d->type_id = type_id;
		d->key = key;
		__atomic_store_n(&slots[slot], d, __ATOMIC_RELEASE);
	}
	spin_unlock(&table_lock);
	return &d->v;
}

uint64_t ftmb_obj_key(const volatile void *obj)
{
	if (ftmb_arena_contains((const void *)obj))
		return (uint64_t)((const char *)obj - (const char *)ftmb_arena_base());
	const struct ftmb_global *g = ftmb_global_containing((const void *)obj);
	if (g) {
		uint64_t off = (uint64_t)((const char *)obj - (const char *)g->addr);
		return FTMB_OBJ_KEY_GLOBAL | (mix64(g->id ^ mix64(off)) >> 1);
	}
	return FTMB_OBJ_KEY_TYPE;
}

ftmb_var_t *__ftmb_obj(uint64_t type_id, const char *type_name, const volatile void *obj)
{
	uint64_t key = ftmb_obj_key(obj);
	if (FTMB_UNLIKELY(key == FTMB_OBJ_KEY_TYPE)) {
		static int warned;
		if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
			fprintf(stderr, "ftmb: warning: object of shared type '%s' at %p is neither in "
				"the arena nor in a registered global; ordering all such objects of "
				"this type with one descriptor\n",
				type_name ? type_name : "?", (const void *)obj);
	}
	return ftmb_obj_lookup_create(type_id, key, type_name);
}

int ftmb_obj_info(const ftmb_var_t *v, uint64_t *type_id, uint64_t *key)
{
	if (!v || !(v->flags & FTMB_VARF_OBJECT))
		return -1;
	const struct obj_desc *d = (const struct obj_desc *)v; /* v is the first member */
	if (type_id)
		*type_id = d->type_id;
	if (key)
		*key = d->key;
	return 0;
}

void ftmb_obj_foreach_internal(int (*fn)(ftmb_var_t *, void *), void *arg, int *stop)
{
	size_t nt = __atomic_load_n(&n_type_descs, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < nt && !*stop; i++)
		*stop = fn(&type_descs[i].v, arg);
	if (table_state != 1)
		return;
	size_t n = __atomic_load_n(&used, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < n && !*stop; i++)
		*stop = fn(&pool[i].v, arg);
}

void ftmb_obj_reset_counters(void)
{
	for (size_t i = 0; i < n_type_descs; i++)
		type_descs[i].v.counter = 0;
	if (table_state != 1)
		return;
	for (size_t i = 0; i < used; i++)
		pool[i].v.counter = 0;
}

size_t ftmb_obj_count(void) { return n_type_descs + (table_state == 1 ? used : 0); }
