/*
 * nondet.c: calls whose result is nondeterministic (clocks, random
 * numbers) or whose memory must live in the checkpointed arena (the malloc
 * family) are redirected to the runtime (SPEC §3, §5). Every use of these
 * functions is renamed, calls and function-pointer uses alike; the
 * replacement has a compatible signature (ftmb.h), and where the C types
 * differ in name only (time_t vs long, clockid_t vs int) the argument is
 * cast at the call.
 */
#include "ftmbcc.h"

#include <string.h>

static const struct rename renames[] = {
	{ "time", "__ftmb_time", 0, "(long *)" },
	{ "gettimeofday", "__ftmb_gettimeofday", -1, NULL },
	{ "clock_gettime", "__ftmb_clock_gettime", 0, "(int)" },
	{ "rand", "__ftmb_rand", -1, NULL },
	{ "random", "__ftmb_random", -1, NULL },
	{ "rand_r", "__ftmb_rand_r", -1, NULL },
	{ "srand", "__ftmb_srand", -1, NULL },
	{ "srandom", "__ftmb_srand", -1, NULL },
	{ "rte_rdtsc", "__ftmb_rdtsc", -1, NULL },
	{ "rte_rdtsc_precise", "__ftmb_rdtsc", -1, NULL },
	{ "rte_get_tsc_cycles", "__ftmb_rdtsc", -1, NULL },
	{ "rte_get_timer_cycles", "__ftmb_rdtsc", -1, NULL },
	{ "rte_get_tsc_hz", "__ftmb_tsc_hz", -1, NULL },
	{ "rte_get_timer_hz", "__ftmb_tsc_hz", -1, NULL },
	{ "rte_rand", "__ftmb_rte_rand", -1, NULL },
	{ "malloc", "__ftmb_malloc", -1, NULL },
	{ "calloc", "__ftmb_calloc", -1, NULL },
	{ "realloc", "__ftmb_realloc", -1, NULL },
	{ "free", "__ftmb_free", -1, NULL },
	{ "aligned_alloc", "__ftmb_aligned_alloc", -1, NULL },
	{ "posix_memalign", "__ftmb_posix_memalign", -1, NULL },
	{ "strdup", "__ftmb_strdup", -1, NULL },
	{ "strndup", "__ftmb_strndup", -1, NULL },
	{ "rte_malloc", "__ftmb_rte_malloc", -1, NULL },
	{ "rte_zmalloc", "__ftmb_rte_zmalloc", -1, NULL },
	{ "rte_calloc", "__ftmb_rte_calloc", -1, NULL },
	{ "rte_realloc", "__ftmb_rte_realloc", -1, NULL },
	{ "rte_free", "__ftmb_rte_free", -1, NULL },
};

const struct rename *nondet_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++)
		if (!strcmp(renames[i].from, name))
			return &renames[i];
	return NULL;
}

/* Calls that touch shared state through a pointer argument and are logged
 * as one access (atomics, locks) or checked for escapes (mem functions). */
enum call_class call_classify(const char *n)
{
	static const char *const trylock0[] = { "pthread_mutex_trylock",
		"pthread_spin_trylock", "pthread_rwlock_tryrdlock",
		"pthread_rwlock_trywrlock", NULL };
	static const char *const lock0[] = { "pthread_mutex_lock",
		"pthread_mutex_timedlock", "pthread_spin_lock",
		"pthread_rwlock_rdlock", "pthread_rwlock_wrlock", NULL };
	static const char *const unlock[] = { "pthread_mutex_unlock",
		"pthread_spin_unlock", "pthread_rwlock_unlock",
		"rte_spinlock_unlock", "rte_rwlock_read_unlock",
		"rte_rwlock_write_unlock", NULL };
	static const char *const lockvoid[] = { "rte_spinlock_lock",
		"rte_rwlock_read_lock", "rte_rwlock_write_lock", NULL };
	static const char *const trylock1[] = { "rte_spinlock_trylock", NULL };
	/* Shared object as argument 0: a write; as another argument: a read. */
	static const char *const memw[] = { "memcpy", "memmove", "memset",
		"rte_memcpy", "__builtin_memcpy", "__builtin_memset",
		"__builtin_memmove", "strcpy", "strncpy", "strcat", "strncat",
		"snprintf", "sprintf", NULL };
	static const char *const memr[] = { "memcmp", "__builtin_memcmp", "strlen",
		"strnlen", "strcmp", "strncmp", NULL };
	const struct { const char *const *v; enum call_class c; } t[] = {
		{ trylock0, CALL_TRYLOCK_ZERO }, { lock0, CALL_LOCK },
		{ unlock, CALL_UNLOCK }, { lockvoid, CALL_LOCK_VOID },
		{ trylock1, CALL_TRYLOCK_ONE }, { memw, CALL_MEM_WRITE },
		{ memr, CALL_MEM_READ },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		for (const char *const *p = t[i].v; *p; p++)
			if (!strcmp(*p, n))
				return t[i].c;
	if (!strncmp(n, "atomic_", 7) || !strncmp(n, "__atomic_", 9) ||
	    !strncmp(n, "__sync_", 7) || !strncmp(n, "__c11_atomic_", 13) ||
	    !strncmp(n, "rte_atomic", 10))
		return CALL_ATOMIC;
	return CALL_NONE;
}
