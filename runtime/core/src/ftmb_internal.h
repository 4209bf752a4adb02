/*
 * ftmb_internal.h: state shared by the runtime's own files (not public).
 */
#ifndef FTMB_INTERNAL_H
#define FTMB_INTERNAL_H

#include <sched.h>
#include <stdint.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_pal.h"

#define FTMB_LIKELY(x)   __builtin_expect(!!(x), 1)
#define FTMB_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FTMB_CACHE_LINE 64

/* Per-core context: written only by the core's own thread. */
struct ftmb_core_ctx {
	unsigned idx;
	int mode;                 /* enum ftmb_mode, per core               */
	uint64_t pkt_id;          /* current (or last) packet               */
	uint64_t ts_ns;           /* its timestamp                          */
	int in_packet;
	int have_ts;              /* a packet was seen on this core         */
	int sole;                 /* this packet's accesses need no variable
				     lock: see access.c, "One core"          */
	uint64_t rng;             /* per-packet generator state             */
	ftmb_sink_fn sink;
	void *sink_arg;
	uint64_t buf_first_pos;   /* stream position of buf[0]              */
	uint32_t nbuf;
	struct ftmb_pal buf[FTMB_CORE_BATCH_PALS];
	/* replay (ftmb_replay.c) */
	struct ftmb_pal *cut;
	size_t cut_n, cut_pos;
} __attribute__((aligned(FTMB_CACHE_LINE)));

struct ftmb_max_slot {
	volatile uint64_t v;
} __attribute__((aligned(FTMB_CACHE_LINE)));

struct ftmb_runtime {
	unsigned n_cores;
	uint64_t seed;
	volatile int mode;
	volatile int traffic_started;   /* a packet has begun somewhere   */
	volatile int replay_pending;    /* cores still replaying a cut    */
	uint64_t unbound_after_traffic;
	uint64_t pals_total;
};

extern struct ftmb_runtime ftmb_rt;
extern struct ftmb_core_ctx ftmb_cores[FTMB_MAX_CORES];
extern struct ftmb_max_slot ftmb_max_slots[FTMB_MAX_CORES];
/* initial-exec: the library is linked into executables; avoids a
 * __tls_get_addr call per access in PIC code */
extern __thread struct ftmb_core_ctx *ftmb_tls_core __attribute__((tls_model("initial-exec")));

static inline void ftmb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* Back-off for spin loops: pause, then yield (a 2-CPU machine may run more
 * threads than CPUs; pure spinning would starve the holder). */
static inline void ftmb_backoff(unsigned *spins)
{
	if (++*spins < 128)
		ftmb_cpu_relax();
	else
		sched_yield();
}

static inline void ftmb_var_lock(ftmb_var_t *v)
{
	if (FTMB_LIKELY(!__atomic_exchange_n(&v->lock, 1, __ATOMIC_ACQUIRE)))
		return;
	unsigned spins = 0;
	do {
		while (__atomic_load_n(&v->lock, __ATOMIC_RELAXED))
			ftmb_backoff(&spins);
	} while (__atomic_exchange_n(&v->lock, 1, __ATOMIC_ACQUIRE));
}

static inline void ftmb_var_unlock(ftmb_var_t *v)
{
	__atomic_store_n(&v->lock, 0, __ATOMIC_RELEASE);
}

/* core.c */
static inline void ftmb_core_append_pal(struct ftmb_core_ctx *ctx, uint64_t var_id, uint64_t seq)
{
	struct ftmb_pal *p = &ctx->buf[ctx->nbuf++];
	p->pkt_id = ctx->pkt_id;
	p->var_id = var_id;
	p->seq = seq;
	if (FTMB_UNLIKELY(ctx->nbuf == FTMB_CORE_BATCH_PALS))
		ftmb_core_flush(ctx->idx);
}
void ftmb_core_ensure_default(void);
/* replay.c */
void ftmb_replay_wait_turn(struct ftmb_core_ctx *ctx, ftmb_var_t *v);
void ftmb_replay_wait_free(ftmb_var_t *v);
void ftmb_replay_advance(struct ftmb_core_ctx *ctx);
void ftmb_replay_reset(void);
/* registry.c */
void ftmb_registry_add_var(ftmb_var_t *v);
/* obj.c */
void ftmb_obj_foreach_internal(int (*fn)(ftmb_var_t *, void *), void *arg, int *stop);
void ftmb_obj_reset_counters(void);
ftmb_var_t *ftmb_obj_lookup_create(uint64_t type_id, uint64_t key, const char *type_name);
size_t ftmb_obj_count(void);
/* util */
__attribute__((noreturn, format(printf, 1, 2))) void ftmb_fatal(const char *fmt, ...);

#endif /* FTMB_INTERNAL_H */
