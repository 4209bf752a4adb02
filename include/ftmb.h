/*
 * ftmb.h: the one header that middlebox code and ftmbcc's output include.
 *
 * Two audiences:
 *   1. Middlebox authors use only the annotations at the top:
 *        __ftmb_shared   on a variable, struct member or struct type that
 *                        several cores touch (SPEC §3).
 *        __ftmb_audited  on a function whose accesses to shared state the
 *                        author has audited: ftmbcc leaves them unlogged and
 *                        lists them as `unlogged` in --dump-accesses.
 *   2. ftmbcc's output calls the runtime ABI below. Every name of the ABI
 *      starts with `__ftmb_` (reserved prefix, like ThreadSanitizer's
 *      `__tsan_`). The ABI is self-contained: this header needs only
 *      <stdint.h>, <stddef.h> and <time.h>/<sys/time.h> declarations.
 *
 * Access protocol (what rewritten code does around one access to shared
 * variable `v`, see docs/design.md "ordered logging"):
 *
 *        __ftmb_begin(&D);            take D's lock (in replay: first wait
 *                                     until D.counter == PAL.seq - 1)
 *        <the original access>        read, write, rmw, atomic op, ...
 *        __ftmb_end_<kind>(&D);       seq = ++D.counter; append the PAL
 *                                     (packet id, D.id, seq) to this core's
 *                                     stream; MAX[core]++; unlock D.
 *
 * The PAL is in the stream and MAX[core] advanced *before* D is unlocked,
 * so any core that observes the access's effect also observes MAX covering
 * its PAL (the heart of the release check's correctness).
 *
 * Locks that are shared state (pthread mutexes, spinlocks, rte_spinlock)
 * use __ftmb_lock_begin / __ftmb_lock_end around the real lock call: the
 * real lock provides the atomicity, the acquisition is the logged access.
 */
#ifndef FTMB_H
#define FTMB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Annotations (for middlebox authors)                                 */
/* ------------------------------------------------------------------ */

/* The annotations are read by ftmbcc (libclang, which defines __clang__).
 * gcc has no `annotate` attribute and would warn (-Wattributes) when it
 * compiles the unprotected build of the same sources: there they are empty. */
#if defined(__clang__)
#define __ftmb_shared  __attribute__((annotate("ftmb_shared")))
#define __ftmb_audited __attribute__((annotate("ftmb_audited")))
#else
#define __ftmb_shared
#define __ftmb_audited
#endif

#define FTMB_ABI_VERSION 1

/* ------------------------------------------------------------------ */
/* Shared-variable descriptors                                         */
/* ------------------------------------------------------------------ */

/*
 * One descriptor per shared variable (or per object of a shared struct
 * type). ftmbcc defines the descriptor of an external-linkage variable as a
 * weak symbol `__ftmb_var_<name>` in every translation unit that uses it,
 * so the linker merges them into one; a static variable gets a static
 * descriptor. `id` is stable: FNV-1a 64 of the variable's qualified name
 * (see __ftmb_id below), identical in master and backup and across
 * separately compiled files.
 */
typedef struct ftmb_var {
	uint64_t id;              /* stable id                              */
	const char *name;         /* qualified name, for diagnostics        */
	volatile uint32_t lock;   /* 0 free, 1 held                         */
	uint32_t flags;           /* runtime-owned (registered, object ...) */
	volatile uint64_t counter;/* accesses so far (the PAL seq of the last)*/
	struct ftmb_var *next;    /* runtime-owned registry link            */
} ftmb_var_t;

#define FTMB_VAR_INIT(id_, name_) { (id_), (name_), 0, 0, 0, 0 }

/* Access kinds, recorded for statistics and --dump-accesses. */
enum ftmb_access_kind {
	FTMB_READ = 0,
	FTMB_WRITE = 1,
	FTMB_RMW = 2,
	FTMB_ATOMIC = 3,
	FTMB_LOCK = 4,
};

/* Generic protocol: begin before the access, end after it. */
void __ftmb_begin(ftmb_var_t *v);
void __ftmb_end(ftmb_var_t *v, int kind);

static inline void __ftmb_end_read(ftmb_var_t *v)   { __ftmb_end(v, FTMB_READ); }
static inline void __ftmb_end_write(ftmb_var_t *v)  { __ftmb_end(v, FTMB_WRITE); }
static inline void __ftmb_end_rmw(ftmb_var_t *v)    { __ftmb_end(v, FTMB_RMW); }
static inline void __ftmb_end_atomic(ftmb_var_t *v) { __ftmb_end(v, FTMB_ATOMIC); }

/* Sized entry points for plain scalars (ThreadSanitizer style). */
#define FTMB__SIZED(N, T)                                                  \
	static inline T __ftmb_read##N(ftmb_var_t *v, const volatile void *p) \
	{                                                                     \
		T r;                                                          \
		__ftmb_begin(v);                                              \
		r = *(const volatile T *)p;                                   \
		__ftmb_end(v, FTMB_READ);                                     \
		return r;                                                     \
	}                                                                     \
	static inline void __ftmb_write##N(ftmb_var_t *v, volatile void *p, T x) \
	{                                                                     \
		__ftmb_begin(v);                                              \
		*(volatile T *)p = x;                                         \
		__ftmb_end(v, FTMB_WRITE);                                    \
	}
FTMB__SIZED(1, uint8_t)
FTMB__SIZED(2, uint16_t)
FTMB__SIZED(4, uint32_t)
FTMB__SIZED(8, uint64_t)
#undef FTMB__SIZED

/* Ranges: struct copies, memcpy/memset into or out of shared objects. */
void __ftmb_read_range(ftmb_var_t *v, void *dst, const volatile void *src, size_t n);
void __ftmb_write_range(ftmb_var_t *v, volatile void *dst, const void *src, size_t n);

/* Locks that are shared state: begin before the real lock call (waits for
 * its turn in replay), end after it with acquired = (call succeeded). */
void __ftmb_lock_begin(ftmb_var_t *v);
void __ftmb_lock_end(ftmb_var_t *v, int acquired);

/* Objects of a shared struct type, reached through a pointer: returns the
 * descriptor of the object at `obj` (created on first use; its id is
 * derived from type_id and the object's arena offset, so it is the same in
 * master and backup). */
ftmb_var_t *__ftmb_obj(uint64_t type_id, const char *type_name, const volatile void *obj);

/* Registration, emitted by ftmbcc as a constructor in every TU. */
struct ftmb_global {
	uint64_t id;        /* stable id of the variable                 */
	const char *name;   /* qualified name                            */
	void *addr;         /* where it lives in this process            */
	size_t size;        /* bytes copied by a checkpoint              */
};
void __ftmb_register_tu(const char *tu, int abi_version,
			struct ftmb_global *globals, size_t n_globals,
			ftmb_var_t *const *vars, size_t n_vars);

/* ------------------------------------------------------------------ */
/* Nondeterminism, redirected (SPEC §3)                                */
/* ------------------------------------------------------------------ */

struct timeval;
struct timespec;
/* The clock a middlebox reads is its current packet's IL timestamp. */
long __ftmb_time(long *t);                              /* time()          */
int __ftmb_gettimeofday(struct timeval *tv, void *tz);  /* gettimeofday()  */
int __ftmb_clock_gettime(int clk, struct timespec *ts); /* clock_gettime() */
uint64_t __ftmb_rdtsc(void);        /* rte_rdtsc(), rte_get_timer_cycles(), rte_get_tsc_cycles() */
uint64_t __ftmb_tsc_hz(void);       /* rte_get_tsc_hz(), rte_get_timer_hz(): 1e9 (ns ticks) */
/* Random numbers: generator seeded by (checkpoint seed, packet id). */
int __ftmb_rand(void);                  /* rand()          */
long __ftmb_random(void);               /* random()        */
int __ftmb_rand_r(unsigned *seedp);     /* rand_r()        */
void __ftmb_srand(unsigned seed);       /* srand(), srandom(): ignored, logged once */
uint64_t __ftmb_rte_rand(void);         /* rte_rand()      */

/* ------------------------------------------------------------------ */
/* Heap: the checkpointed arena (SPEC §5)                              */
/* ------------------------------------------------------------------ */

void *__ftmb_malloc(size_t n);
void *__ftmb_calloc(size_t n, size_t m);
void *__ftmb_realloc(void *p, size_t n);
void __ftmb_free(void *p);
void *__ftmb_aligned_alloc(size_t align, size_t n);
int __ftmb_posix_memalign(void **out, size_t align, size_t n);
char *__ftmb_strdup(const char *s);
char *__ftmb_strndup(const char *s, size_t n);
void *__ftmb_rte_malloc(const char *type, size_t n, unsigned align);
void *__ftmb_rte_zmalloc(const char *type, size_t n, unsigned align);
void *__ftmb_rte_calloc(const char *type, size_t num, size_t n, unsigned align);
void *__ftmb_rte_realloc(void *p, size_t n, unsigned align);
void __ftmb_rte_free(void *p);

/* ------------------------------------------------------------------ */
/* Stable ids                                                          */
/* ------------------------------------------------------------------ */

/* FNV-1a 64 of a qualified name. ftmbcc computes the same function at
 * compile time and emits the constant; the runtime uses this one for
 * objects. Qualified names: `x` for external linkage, `file.c:x` for a
 * file-scope static, `file.c:func:x` for a function static, `struct T`
 * for a shared struct type (file = path relative to the build directory's
 * source root, as given on the command line). */
static inline uint64_t __ftmb_id(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

#ifdef __cplusplus
}
#endif
#endif /* FTMB_H */
