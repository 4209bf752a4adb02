/*
 * ftmb_state.h: everything a checkpoint copies and restores (SPEC §5):
 * the arena (the middlebox's heap), the registered globals, the shared
 * variables' descriptors with their counters, and the RNG seed.
 *
 * Arena: one mapping at a fixed address (FTMB_ARENA_ADDR, overridable by
 * env FTMB_ARENA_ADDR in hex, identical in master and backup) so restored
 * pointers stay valid. Its allocator keeps all its metadata inside the
 * arena, in [base, base + used): copying those bytes copies the heap and
 * the allocator state; ftmb_arena_restore copies them back. The allocator
 * is itself a shared variable (descriptor "ftmb:arena", registered like
 * any other): every malloc/free by a bound core is an access with a PAL,
 * so allocation order - and so every address - is replayed exactly.
 *
 * Descriptors: the registered ones (from __ftmb_register_tu, weak-merged
 * duplicates counted once) and object descriptors created by __ftmb_obj,
 * keyed by (type_id, key) with key = offset of the object from the arena
 * base, or for an object inside a registered global the value
 * FTMB_OBJ_KEY_GLOBAL | hash(global id, offset in it) (see ftmb_obj_key);
 * an object elsewhere (stack, libc heap) falls back to one descriptor per
 * type (id = type_id, key = FTMB_OBJ_KEY_TYPE), with a warning once.
 */
#ifndef FTMB_STATE_H
#define FTMB_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- arena */
#define FTMB_ARENA_ADDR 0x6f0000000000ULL
#define FTMB_ARENA_DEFAULT_CAPACITY (1ULL << 30) /* reserved, not committed */

/* Map the arena (capacity rounded up to pages; 0 = env FTMB_ARENA_MB or
 * the default). Idempotent once mapped. 0, or -1 with a message on
 * stderr (address taken, mmap failure). The malloc family calls it
 * lazily with 0. */
int ftmb_arena_init(size_t capacity);
int ftmb_arena_ready(void);
void *ftmb_arena_base(void);
size_t ftmb_arena_used(void);     /* bytes from base a checkpoint copies */
size_t ftmb_arena_capacity(void);
int ftmb_arena_contains(const void *p);
/* Copy a checkpoint image (used bytes taken from ftmb_arena_base()) back
 * into the arena at the same address. 0, -1 if it does not fit / not an
 * arena image. Cores must be stopped. */
int ftmb_arena_restore(const void *image, size_t used);
/* Unlogged allocation (runtime-internal use, tests). */
void *ftmb_arena_alloc(size_t n, size_t align);
void ftmb_arena_free(void *p);
size_t ftmb_arena_usable_size(const void *p);
/* The allocator's descriptor (its counter is checkpointed with the rest). */
ftmb_var_t *ftmb_arena_var(void);

/* -------------------------------------------------------------- globals */
size_t ftmb_globals_count(void);
const struct ftmb_global *ftmb_global_at(size_t i);
const struct ftmb_global *ftmb_global_find(uint64_t id);
/* Registered global containing address p (or NULL). */
const struct ftmb_global *ftmb_global_containing(const void *p);

/* ---------------------------------------------------------- descriptors */
#define FTMB_VARF_REGISTERED 0x1u /* in the registry                     */
#define FTMB_VARF_OBJECT     0x2u /* created by __ftmb_obj               */
#define FTMB_VARF_INTERNAL   0x4u /* runtime's own (arena allocator)     */

#define FTMB_OBJ_KEY_GLOBAL (1ULL << 63)
#define FTMB_OBJ_KEY_TYPE   (~0ULL)

/* Calls fn for every descriptor (registered, internal, objects); stops and
 * returns fn's value if non-zero. */
typedef int (*ftmb_var_fn)(ftmb_var_t *v, void *arg);
int ftmb_vars_foreach(ftmb_var_fn fn, void *arg);
size_t ftmb_vars_count(void);
ftmb_var_t *ftmb_var_find(uint64_t id);
/* For an object descriptor: its type id and key; 0, or -1 if v is not one. */
int ftmb_obj_info(const ftmb_var_t *v, uint64_t *type_id, uint64_t *key);
/* Key of the object at obj (as __ftmb_obj computes it). */
uint64_t ftmb_obj_key(const volatile void *obj);
/* Stable id of an object descriptor. */
uint64_t ftmb_obj_id(uint64_t type_id, uint64_t key);

/* Counters, saved and restored in one call (checkpoint metadata). */
struct ftmb_counter_rec {
	uint64_t var_id;
	uint64_t counter;
	uint64_t type_id; /* objects: type id and key; else 0, 0 */
	uint64_t key;
	uint32_t flags;   /* FTMB_VARF_* */
	uint32_t pad;
};
/* Writes up to cap records, returns the number of descriptors (call with
 * cap 0 to size the buffer). */
size_t ftmb_counters_save(struct ftmb_counter_rec *out, size_t cap);
/* Sets every descriptor's counter (objects are created if needed; every
 * other descriptor not in recs is reset to 0). 0, or -1 if a registered
 * id is unknown here (message on stderr). */
int ftmb_counters_restore(const struct ftmb_counter_rec *recs, size_t n);

/* --------------------------------------------------------------- random */
/* splitmix64 (the per-packet seeding) and the generator used per call. */
uint64_t ftmb_splitmix64(uint64_t x);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_STATE_H */
