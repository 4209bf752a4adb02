/*
 * access.c: the access protocol of include/ftmb.h (ordered logging).
 *
 * Theory of operation. For an access to shared variable v by core c:
 *
 *     __ftmb_begin(v):  [REPLAY: wait until v.counter == PAL.seq - 1]
 *                       lock(v)
 *     <access>
 *     __ftmb_end(v):    seq = ++v.counter          (release store)
 *                       append PAL(pkt, v.id, seq) to core c's buffer
 *                       MAX[c] += 1                (release store)
 *                       unlock(v)                  (release store)
 *
 * Invariants. (1) The lock makes access + increment atomic, so the seqs of
 * v's PALs are exactly the order in which the accesses took effect: seq k
 * is the k-th access. (2) The PAL is in core c's stream and MAX[c] covers
 * it before v is unlocked. Any core d that later observes the effect of
 * this access must first take v's lock (its own access to v), which
 * synchronises-with our unlock, so d's later read of MAX[c] (acquire)
 * returns a value >= our PAL's position + 1. Hence every PAL an output
 * depends on - directly or through a chain of such lock handoffs - is
 * counted in the vector V the output carries (SPEC §4). (3) The buffer is
 * private to core c and flushed FIFO before any later record of c, so the
 * OL receives PALs before the outputs that depend on them from the same
 * core, and via R[c] >= V[c] for the other cores.
 *
 * Counter wrap-around: counters are 64-bit and advance by one per access.
 * At 10^9 accesses per second per variable (far above what a lock
 * permits) wrapping takes 584 years, so a wrap means memory corruption:
 * __ftmb_end reports it as fatal rather than emitting seq 0 (the cut and
 * the replay treat seq 0 as invalid; tested at the boundary UINT64_MAX).
 *
 * Unbound threads and OFF mode: access, lock and count, no PAL.
 *
 * One core. With a single core context (n_cores == 1) in RECORD mode, the
 * bound core is the only thread that touches shared variables while it
 * processes a packet: the hosts run mb_process/mb_tick on core threads
 * only, mb_init before traffic, checkpoints while the core is parked,
 * and replay (REPLAY mode) keeps the lock. The lock then excludes nobody
 * and its atomic exchange (the dearest instruction of an access) is
 * skipped; the counter, the PAL and MAX[c] are written exactly as above,
 * in the same order, so invariants (1)-(3) hold unchanged. The decision
 * is taken at ftmb_packet_begin (ctx->sole) and holds until
 * ftmb_packet_end, so a packet's begins and ends always match; an access
 * from an unbound thread after traffic started (a misuse, counted in
 * unbound_after_traffic) turns it off for every later packet.
 */
#include <stdio.h>
#include <string.h>

#include "ftmb_internal.h"

/* Pull standalone.o (its FTMB_MODE constructor) into every program that
 * links the static library and makes an access. */
extern const int ftmb_standalone_env_hook;
__attribute__((used)) static const int *const standalone_link = &ftmb_standalone_env_hook;

void __ftmb_begin(ftmb_var_t *v)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (FTMB_UNLIKELY(__atomic_load_n(&ftmb_rt.replay_pending, __ATOMIC_ACQUIRE))) {
		if (ctx && __atomic_load_n(&ctx->mode, __ATOMIC_ACQUIRE) == FTMB_MODE_REPLAY)
			ftmb_replay_wait_turn(ctx, v);
		else
			ftmb_replay_wait_free(v);
	}
	if (ctx && ctx->sole)
		return; /* "One core" above */
	ftmb_var_lock(v);
}

static inline void record_access(ftmb_var_t *v)
{
	uint64_t seq = v->counter + 1;
	if (FTMB_UNLIKELY(seq == 0))
		ftmb_fatal("access counter of '%s' (id %016llx) wrapped around: memory corruption",
			   v->name ? v->name : "?", (unsigned long long)v->id);
	__atomic_store_n(&v->counter, seq, __ATOMIC_RELEASE);
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (FTMB_UNLIKELY(!ctx)) {
		if (__atomic_load_n(&ftmb_rt.traffic_started, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&ftmb_rt.mode, __ATOMIC_RELAXED) != FTMB_MODE_OFF)
			__atomic_fetch_add(&ftmb_rt.unbound_after_traffic, 1, __ATOMIC_RELAXED);
		return;
	}
	int mode = __atomic_load_n(&ctx->mode, __ATOMIC_RELAXED);
	struct ftmb_max_slot *m = &ftmb_max_slots[ctx->idx];
	if (FTMB_LIKELY(mode == FTMB_MODE_RECORD)) {
		ftmb_core_append_pal(ctx, v->id, seq);
		__atomic_store_n(&m->v, m->v + 1, __ATOMIC_RELEASE);
	} else if (mode == FTMB_MODE_REPLAY) {
		/* the cut PAL is already at the OL: not re-emitted, but its
		 * position is counted so later positions continue the stream */
		__atomic_store_n(&m->v, m->v + 1, __ATOMIC_RELEASE);
		ftmb_replay_advance(ctx);
	}
	/* OFF: counted, not logged */
}

void __ftmb_end(ftmb_var_t *v, int kind)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;

	(void)kind;
	record_access(v);
	if (ctx && ctx->sole)
		return; /* "One core" above: not locked */
	ftmb_var_unlock(v);
}

void __ftmb_read_range(ftmb_var_t *v, void *dst, const volatile void *src, size_t n)
{
	__ftmb_begin(v);
	memcpy(dst, (const void *)src, n);
	__ftmb_end(v, FTMB_READ);
}

void __ftmb_write_range(ftmb_var_t *v, volatile void *dst, const void *src, size_t n)
{
	__ftmb_begin(v);
	memcpy((void *)dst, src, n);
	__ftmb_end(v, FTMB_WRITE);
}

/*
 * Real locks that are shared state. The real lock gives the atomicity of
 * the acquisition; the descriptor's own lock only serialises the counter
 * update with other logged accesses to the same descriptor (e.g. the
 * unlock). Successful acquisitions are serialised by the real lock, so
 * their seqs are their order. In replay, lock_begin waits for the turn
 * before the real call; the previous holder may still hold the real lock,
 * and the call simply blocks until it lets go. A failed trylock is logged
 * too (its position is replayed; a different outcome in replay is a
 * divergence the program must tolerate - documented limitation).
 */
void __ftmb_lock_begin(ftmb_var_t *v)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (FTMB_UNLIKELY(__atomic_load_n(&ftmb_rt.replay_pending, __ATOMIC_ACQUIRE))) {
		if (ctx && __atomic_load_n(&ctx->mode, __ATOMIC_ACQUIRE) == FTMB_MODE_REPLAY)
			ftmb_replay_wait_turn(ctx, v);
		else
			ftmb_replay_wait_free(v);
	}
}

void __ftmb_lock_end(ftmb_var_t *v, int acquired)
{
	(void)acquired;
	ftmb_var_lock(v);
	record_access(v);
	ftmb_var_unlock(v);
}
