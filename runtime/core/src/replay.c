/*
 * replay.c: replay ordering (SPEC §6.4-6.5).
 *
 * Theory of operation. The backup restores the checkpoint (so every
 * variable's counter is its checkpoint value) and loads, per core, the PALs
 * of the recovery cut. Core c re-processes its packets in the recorded
 * per-core order; its i-th shared access is matched with its i-th cut PAL
 * p: the access must be to p.var_id in packet p.pkt_id, and it waits until
 * v.counter == p.seq - 1, i.e. until exactly the accesses that preceded it
 * on v in the recorded run have been replayed. Then it performs the access
 * (under the lock, as in record) and the counter becomes p.seq.
 *
 * Why this reproduces the recorded run: by induction over the accesses in
 * the recorded order of each variable, every access reads the same value
 * as in the recording: the state at the checkpoint is identical, the local
 * state of each core evolves by the same per-core packet sequence, and
 * every shared access sees the same preceding writes because v's accesses
 * happen in seq order. Inputs, clocks (packet timestamps) and random
 * numbers (seeded by packet id) are the same. Progress: the cut is gapless
 * per variable and comes from one real execution, so the recorded order is
 * a valid schedule and the access with the smallest recorded time among
 * the waiting ones can always proceed: no deadlock.
 *
 * After the cut. When core c has replayed all its cut PALs, it switches to
 * RECORD and runs freely. A free access to a variable v that still has cut
 * PALs not yet replayed by other cores would break their wait condition
 * (the counter would jump), so it first waits until v.counter reaches the
 * last seq of v in the cut (last_seq, from a hash table built at load).
 * The cut's accesses depend only on each other, so this cannot deadlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftmb_internal.h"
#include "ftmb_replay.h"

/* var id -> last seq in the cut (open addressing, linear probing). */
struct last_seq_slot {
	uint64_t var_id;
	uint64_t last_seq;
	int used;
};
static struct last_seq_slot *last_seq_tab;
static size_t last_seq_mask;
static volatile uint64_t divergences;
static volatile int abandoned;  /* ftmb_replay_abandon: stop every wait */
static volatile uint64_t stalls; /* waits that lasted > STALL_NS        */

static void default_divergence(const struct ftmb_divergence *d, const char *msg)
{
	(void)d;
	fprintf(stderr, "ftmb: replay divergence: %s\n", msg);
	abort();
}
static ftmb_divergence_fn divergence_fn = default_divergence;

void ftmb_replay_set_divergence_handler(ftmb_divergence_fn fn)
{
	divergence_fn = fn ? fn : default_divergence;
}

uint64_t ftmb_replay_divergences(void) { return divergences; }

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

void ftmb_replay_reset(void)
{
	for (unsigned c = 0; c < FTMB_MAX_CORES; c++) {
		free(ftmb_cores[c].cut);
		ftmb_cores[c].cut = NULL;
		ftmb_cores[c].cut_n = ftmb_cores[c].cut_pos = 0;
	}
	free(last_seq_tab);
	last_seq_tab = NULL;
	last_seq_mask = 0;
	__atomic_store_n(&ftmb_rt.replay_pending, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&abandoned, 0, __ATOMIC_RELEASE);
}

static void last_seq_note(uint64_t id, uint64_t seq)
{
	size_t i = mix(id) & last_seq_mask;
	while (last_seq_tab[i].used && last_seq_tab[i].var_id != id)
		i = (i + 1) & last_seq_mask;
	last_seq_tab[i].used = 1;
	last_seq_tab[i].var_id = id;
	if (seq > last_seq_tab[i].last_seq)
		last_seq_tab[i].last_seq = seq;
}

static uint64_t last_seq_get(uint64_t id)
{
	if (!last_seq_tab)
		return 0;
	size_t i = mix(id) & last_seq_mask;
	while (last_seq_tab[i].used) {
		if (last_seq_tab[i].var_id == id)
			return last_seq_tab[i].last_seq;
		i = (i + 1) & last_seq_mask;
	}
	return 0;
}

int ftmb_replay_load(const struct ftmb_pal *const *pals, const size_t *n)
{
	unsigned nc = ftmb_rt.n_cores;
	if (nc == 0 || ftmb_rt.mode != FTMB_MODE_REPLAY) {
		fprintf(stderr, "ftmb: ftmb_replay_load: call ftmb_core_init(..., FTMB_MODE_REPLAY) first\n");
		return -1;
	}
	if (!n || !pals) {
		fprintf(stderr, "ftmb: ftmb_replay_load: NULL argument\n");
		return -1;
	}
	ftmb_replay_reset();
	size_t total = 0;
	for (unsigned c = 0; c < nc; c++) {
		if (n[c] && !pals[c]) {
			fprintf(stderr, "ftmb: ftmb_replay_load: core %u has %zu PALs but no array\n", c, n[c]);
			return -1;
		}
		total += n[c];
	}
	size_t cap = 16;
	while (cap < 2 * total)
		cap <<= 1;
	last_seq_tab = calloc(cap, sizeof(*last_seq_tab));
	if (!last_seq_tab) {
		fprintf(stderr, "ftmb: ftmb_replay_load: out of memory\n");
		return -1;
	}
	last_seq_mask = cap - 1;
	int pending = 0;
	for (unsigned c = 0; c < nc; c++) {
		struct ftmb_core_ctx *ctx = &ftmb_cores[c];
		if (n[c]) {
			ctx->cut = malloc(n[c] * sizeof(struct ftmb_pal));
			if (!ctx->cut) {
				fprintf(stderr, "ftmb: ftmb_replay_load: out of memory\n");
				ftmb_replay_reset();
				return -1;
			}
			memcpy(ctx->cut, pals[c], n[c] * sizeof(struct ftmb_pal));
			for (size_t i = 0; i < n[c]; i++)
				last_seq_note(pals[c][i].var_id, pals[c][i].seq);
			pending++;
			__atomic_store_n(&ctx->mode, FTMB_MODE_REPLAY, __ATOMIC_RELEASE);
		} else {
			__atomic_store_n(&ctx->mode, FTMB_MODE_RECORD, __ATOMIC_RELEASE);
		}
		ctx->cut_n = n[c];
		ctx->cut_pos = 0;
	}
	__atomic_store_n(&ftmb_rt.replay_pending, pending, __ATOMIC_RELEASE);
	return 0;
}

int ftmb_replay_core_done(unsigned c)
{
	if (c >= FTMB_MAX_CORES)
		return 1;
	return __atomic_load_n(&ftmb_cores[c].mode, __ATOMIC_ACQUIRE) != FTMB_MODE_REPLAY;
}

int ftmb_replay_done(void) { return __atomic_load_n(&ftmb_rt.replay_pending, __ATOMIC_ACQUIRE) == 0; }

size_t ftmb_replay_position(unsigned c)
{
	return c < FTMB_MAX_CORES ? __atomic_load_n(&ftmb_cores[c].cut_pos, __ATOMIC_ACQUIRE) : 0;
}

/*
 * A wait that lasts. Replay cannot deadlock on a complete cut (above), but
 * it waits for packets the input logger re-sends: if one never comes (a
 * bug, a lost frame), a core would wait silently forever. Every ~1000
 * yields the wait looks at the clock; after STALL_NS it says once what it
 * waits for (stderr, counted in ftmb_replay_stalls()). ftmb_replay_abandon()
 * (shutdown) ends every wait: the core then replays nothing more.
 */
#define STALL_NS 2000000000ull
struct stall {
	uint64_t since_ns;
	int said;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void stall_check(struct stall *st, unsigned core, const ftmb_var_t *v, uint64_t want,
			uint64_t cur, uint64_t pkt_id)
{
	uint64_t now = mono_ns();

	if (!st->since_ns) {
		st->since_ns = now;
		return;
	}
	if (st->said || now - st->since_ns < STALL_NS)
		return;
	st->said = 1;
	__atomic_fetch_add(&stalls, 1, __ATOMIC_RELAXED);
	if (core == (unsigned)-1)
		fprintf(stderr, "ftmb: replay: a free-running core waits > %llu s for variable %s "
			"(id %#llx) to reach seq %llu of the cut (counter %llu)\n",
			STALL_NS / 1000000000ull, v->name ? v->name : "?", (unsigned long long)v->id,
			(unsigned long long)want, (unsigned long long)cur);
	else
		fprintf(stderr, "ftmb: replay: core %u waits > %llu s for its turn on variable %s "
			"(id %#llx) in packet %llu: counter %llu, its PAL needs %llu\n",
			core, STALL_NS / 1000000000ull, v->name ? v->name : "?",
			(unsigned long long)v->id, (unsigned long long)pkt_id,
			(unsigned long long)cur, (unsigned long long)want);
}

static void finish_core(struct ftmb_core_ctx *ctx)
{
	free(ctx->cut);
	ctx->cut = NULL;
	ctx->cut_n = ctx->cut_pos = 0;
	ctx->buf_first_pos = __atomic_load_n(&ftmb_max_slots[ctx->idx].v, __ATOMIC_ACQUIRE);
	ctx->nbuf = 0;
	__atomic_store_n(&ctx->mode, FTMB_MODE_RECORD, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&ftmb_rt.replay_pending, 1, __ATOMIC_ACQ_REL);
}

static void diverge(struct ftmb_core_ctx *ctx, ftmb_var_t *v, const char *why)
{
	char msg[512];
	const struct ftmb_pal *p = &ctx->cut[ctx->cut_pos];
	struct ftmb_divergence d = {
		.core = ctx->idx,
		.position = ctx->cut_pos,
		.expected = *p,
		.var_id = v->id,
		.pkt_id = ctx->pkt_id,
		.counter = __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE),
		.var_name = v->name,
	};
	snprintf(msg, sizeof(msg),
		 "core %u cut PAL #%zu expects (pkt %llu, var %016llx, seq %llu) but the "
		 "access is (pkt %llu, var %016llx '%s', counter %llu): %s",
		 d.core, d.position, (unsigned long long)p->pkt_id,
		 (unsigned long long)p->var_id, (unsigned long long)p->seq,
		 (unsigned long long)d.pkt_id, (unsigned long long)d.var_id,
		 v->name ? v->name : "?", (unsigned long long)d.counter, why);
	__atomic_fetch_add(&divergences, 1, __ATOMIC_RELAXED);
	divergence_fn(&d, msg);
	finish_core(ctx);
}

void ftmb_replay_wait_turn(struct ftmb_core_ctx *ctx, ftmb_var_t *v)
{
	const struct ftmb_pal *p = &ctx->cut[ctx->cut_pos];
	if (FTMB_UNLIKELY(p->var_id != v->id)) {
		diverge(ctx, v, "other variable");
		ftmb_replay_wait_free(v);
		return;
	}
	if (FTMB_UNLIKELY(p->pkt_id != ctx->pkt_id)) {
		diverge(ctx, v, "other packet");
		ftmb_replay_wait_free(v);
		return;
	}
	if (FTMB_UNLIKELY(p->seq == 0)) {
		diverge(ctx, v, "seq 0 is invalid");
		ftmb_replay_wait_free(v);
		return;
	}
	uint64_t want = p->seq - 1;
	unsigned spins = 0;
	struct stall st = {0};
	for (;;) {
		uint64_t cur = __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);
		if (cur == want)
			return;
		if (cur > want) {
			diverge(ctx, v, "the counter already passed seq - 1");
			ftmb_replay_wait_free(v);
			return;
		}
		if (FTMB_UNLIKELY(__atomic_load_n(&abandoned, __ATOMIC_ACQUIRE))) {
			finish_core(ctx); /* shutdown: replay nothing more */
			return;
		}
		ftmb_backoff(&spins);
		if (spins > 1024) {
			spins = 128; /* keep yielding, never overflow */
			stall_check(&st, ctx->idx, v, want, cur, ctx->pkt_id);
		}
	}
}

void ftmb_replay_wait_free(ftmb_var_t *v)
{
	uint64_t last = last_seq_get(v->id);
	unsigned spins = 0;
	struct stall st = {0};
	uint64_t cur;
	while ((cur = __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE)) < last &&
	       __atomic_load_n(&ftmb_rt.replay_pending, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&abandoned, __ATOMIC_ACQUIRE)) {
		ftmb_backoff(&spins);
		if (spins > 1024) {
			spins = 128;
			stall_check(&st, (unsigned)-1, v, last, cur, 0);
		}
	}
}

void ftmb_replay_abandon(void)
{
	__atomic_store_n(&abandoned, 1, __ATOMIC_RELEASE);
}

uint64_t ftmb_replay_stalls(void) { return __atomic_load_n(&stalls, __ATOMIC_RELAXED); }

void ftmb_replay_advance(struct ftmb_core_ctx *ctx)
{
	/* Called under v's lock, after the counter moved to the PAL's seq and
	 * MAX[c] advanced over the replayed PAL's position. */
	size_t pos = ctx->cut_pos + 1;
	__atomic_store_n(&ctx->cut_pos, pos, __ATOMIC_RELEASE);
	if (pos == ctx->cut_n)
		finish_core(ctx);
}
