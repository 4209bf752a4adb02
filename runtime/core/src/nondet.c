/*
 * nondet.c: clocks and random numbers, made deterministic (SPEC §3).
 *
 * On a bound core in RECORD or REPLAY mode, every clock reads the current
 * packet's IL timestamp (outside a packet: the last packet's timestamp on
 * that core, or 0 before the first), whatever the clock id: replay sees
 * the same times. Random numbers come from a per-core xorshift64* state
 * seeded at ftmb_packet_begin with splitmix64(seed ^ packet id): the k-th
 * number drawn while processing a packet is a function of (seed, packet
 * id, k) only, hence the same in replay. Unbound threads in RECORD/REPLAY
 * (init code, covered by the initial checkpoint) read the real clock and a
 * process-wide generator seeded by the seed. In OFF mode everything is the
 * libc original (an unprotected run behaves exactly like the original
 * program, which is what the differential tests compare against).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include "ftmb_internal.h"
#include "ftmb_state.h"

uint64_t ftmb_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t xorshift64star(uint64_t *s)
{
	uint64_t x = *s;
	if (x == 0)
		x = 0x9e3779b97f4a7c15ULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* The core whose packet clock applies, or NULL for the real clock. */
static struct ftmb_core_ctx *det_core(void)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (!ctx || __atomic_load_n(&ctx->mode, __ATOMIC_RELAXED) == FTMB_MODE_OFF)
		return NULL;
	return ctx;
}

static uint64_t init_rng_state;
static volatile uint32_t init_rng_lock;

static uint64_t next_random(void)
{
	struct ftmb_core_ctx *ctx = det_core();
	if (ctx)
		return xorshift64star(&ctx->rng);
	unsigned spins = 0;
	while (__atomic_exchange_n(&init_rng_lock, 1, __ATOMIC_ACQUIRE))
		ftmb_backoff(&spins);
	if (init_rng_state == 0)
		init_rng_state = ftmb_splitmix64(ftmb_rt.seed);
	uint64_t r = xorshift64star(&init_rng_state);
	__atomic_store_n(&init_rng_lock, 0, __ATOMIC_RELEASE);
	return r;
}

static int deterministic(void)
{
	return __atomic_load_n(&ftmb_rt.mode, __ATOMIC_RELAXED) != FTMB_MODE_OFF ||
	       (ftmb_tls_core && __atomic_load_n(&ftmb_tls_core->mode, __ATOMIC_RELAXED) != FTMB_MODE_OFF);
}

long __ftmb_time(long *t)
{
	struct ftmb_core_ctx *ctx = det_core();
	long r = ctx ? (long)(ctx->ts_ns / 1000000000ULL) : (long)time(NULL);
	if (t)
		*t = r;
	return r;
}

int __ftmb_gettimeofday(struct timeval *tv, void *tz)
{
	struct ftmb_core_ctx *ctx = det_core();
	if (!ctx)
		return gettimeofday(tv, tz);
	if (tv) {
		tv->tv_sec = (time_t)(ctx->ts_ns / 1000000000ULL);
		tv->tv_usec = (suseconds_t)((ctx->ts_ns % 1000000000ULL) / 1000);
	}
	return 0;
}

int __ftmb_clock_gettime(int clk, struct timespec *ts)
{
	struct ftmb_core_ctx *ctx = det_core();
	if (!ctx)
		return clock_gettime((clockid_t)clk, ts);
	ts->tv_sec = (time_t)(ctx->ts_ns / 1000000000ULL);
	ts->tv_nsec = (long)(ctx->ts_ns % 1000000000ULL);
	return 0;
}

uint64_t __ftmb_rdtsc(void)
{
	struct ftmb_core_ctx *ctx = det_core();
	if (ctx)
		return ctx->ts_ns;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t __ftmb_tsc_hz(void) { return 1000000000ULL; }

int __ftmb_rand(void)
{
	if (!deterministic())
		return rand();
	return (int)(next_random() >> 33); /* 0 .. 2^31-1 = RAND_MAX on glibc */
}

long __ftmb_random(void)
{
	if (!deterministic())
		return random();
	return (long)(next_random() >> 33);
}

int __ftmb_rand_r(unsigned *seedp)
{
	return rand_r(seedp); /* a pure function of *seedp: already deterministic */
}

void __ftmb_srand(unsigned seed)
{
	if (!deterministic()) {
		srand(seed);
		srandom(seed);
		return;
	}
	static int noted;
	if (!__atomic_exchange_n(&noted, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "ftmb: note: srand(%u) ignored: random numbers are seeded per packet\n", seed);
}

uint64_t __ftmb_rte_rand(void)
{
	if (!deterministic()) {
		uint64_t a = (uint64_t)random(), b = (uint64_t)random(), c = (uint64_t)random();
		return (a << 42) ^ (b << 21) ^ c;
	}
	return next_random();
}
