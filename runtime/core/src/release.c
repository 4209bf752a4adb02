/*
 * release.c: the output logger's parallel release (SPEC §4).
 *
 * Theory of operation. Per core c the OL keeps R[c], the number of core
 * c's PALs received in stream order with no gap, and the PALs themselves.
 * A batch (c, first_pos, count) is accepted iff first_pos <= R[c]; its part
 * below R[c] is a duplicate and skipped, the rest appended, R[c] becomes
 * first_pos + count. A batch starting beyond R[c] would leave a hole and is
 * rejected; the master resends it after the missing one (it keeps every
 * batch until acknowledged with R[c]). Invariant: the OL holds every PAL
 * of core c at positions < R[c]. Losses, duplicates and reordering can
 * only keep R[c] low - delay a release - never raise it early.
 *
 * An output packet of core c carries V, MAX[] read after its processing.
 * Every PAL it depends on was created before V was read (ordered logging,
 * access.c) and so has a position < V[d] on its core d. Hence when
 * V[d] <= R[d] for all d, the OL holds every PAL the packet depends on
 * and the packet may leave. Per core the held packets form a FIFO in
 * stream order; their vectors are componentwise non-decreasing (each is
 * read later than the previous, MAX only grows), so if the head must wait
 * so does everything behind it: the poll stops there. Cost: one O(N)
 * comparison per packet, no global lock (each FIFO is independent).
 *
 * Duplicate suppression (recovery replays outputs the OL already sent):
 * the IL numbers packets in increasing order and each core processes its
 * packets in that order, emitting a packet's outputs by increasing index,
 * so the outputs a core releases are increasing in (input packet id,
 * output index). The OL keeps, per core, the last pair it released (the
 * watermark); a held output at or below its core's watermark was released
 * before and is dropped. O(1) per packet and no table to grow. An explicit
 * set (ftmb_ol_released_add) covers pairs learnt otherwise, e.g. from a
 * restarted OL's persisted log; it is only consulted when non-empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_release.h"

struct held {
	uint64_t pkt_id;
	uint32_t out_idx;
	void *pkt;
};

struct core_fifo {
	struct held *ent;
	uint64_t *vecs;        /* cap * n_cores */
	size_t head, tail;     /* free-running indices */
	/* stored PALs: positions [pal_base, pal_base + pal_n) at pals[pal_off..] */
	struct ftmb_pal *pals;
	size_t pal_off, pal_n, pal_cap;
	uint64_t pal_base;
	uint64_t last_no_output;
	uint64_t no_outputs;
	/* release watermark: the last (pkt_id, out_idx) released by this core */
	int released_any;
	uint64_t rel_pkt;
	uint32_t rel_idx;
};

struct rel_slot {
	uint64_t pkt_id;
	uint32_t out_idx;
	uint32_t used;
};

struct ftmb_ol {
	unsigned n;
	size_t cap, mask;
	uint64_t *R;
	struct core_fifo *f;
	struct rel_slot *rel;
	size_t rel_cap, rel_n;
};

struct ftmb_ol *ftmb_ol_create(unsigned n_cores, size_t fifo_cap)
{
	if (n_cores < 1 || n_cores > FTMB_MAX_CORES || fifo_cap == 0) {
		fprintf(stderr, "ftmb: ftmb_ol_create: bad n_cores %u or fifo_cap %zu\n", n_cores, fifo_cap);
		return NULL;
	}
	size_t cap = 1;
	while (cap < fifo_cap)
		cap <<= 1;
	struct ftmb_ol *ol = calloc(1, sizeof(*ol));
	if (!ol)
		return NULL;
	ol->n = n_cores;
	ol->cap = cap;
	ol->mask = cap - 1;
	ol->R = calloc(n_cores, sizeof(uint64_t));
	ol->f = calloc(n_cores, sizeof(struct core_fifo));
	ol->rel_cap = 1024;
	ol->rel = calloc(ol->rel_cap, sizeof(struct rel_slot));
	if (!ol->R || !ol->f || !ol->rel)
		goto fail;
	for (unsigned c = 0; c < n_cores; c++) {
		ol->f[c].ent = calloc(cap, sizeof(struct held));
		ol->f[c].vecs = calloc(cap * n_cores, sizeof(uint64_t));
		if (!ol->f[c].ent || !ol->f[c].vecs)
			goto fail;
	}
	return ol;
fail:
	fprintf(stderr, "ftmb: ftmb_ol_create: out of memory\n");
	ftmb_ol_destroy(ol);
	return NULL;
}

void ftmb_ol_destroy(struct ftmb_ol *ol)
{
	if (!ol)
		return;
	if (ol->f)
		for (unsigned c = 0; c < ol->n; c++) {
			free(ol->f[c].ent);
			free(ol->f[c].vecs);
			free(ol->f[c].pals);
		}
	free(ol->f);
	free(ol->R);
	free(ol->rel);
	free(ol);
}

unsigned ftmb_ol_cores(const struct ftmb_ol *ol) { return ol->n; }

static int store_pals(struct core_fifo *f, const struct ftmb_pal *p, size_t n)
{
	if (f->pal_off + f->pal_n + n > f->pal_cap) {
		if (f->pal_off) { /* compact first */
			memmove(f->pals, f->pals + f->pal_off, f->pal_n * sizeof(*p));
			f->pal_off = 0;
		}
		if (f->pal_n + n > f->pal_cap) {
			size_t nc = f->pal_cap ? f->pal_cap : 1024;
			while (nc < f->pal_n + n)
				nc *= 2;
			struct ftmb_pal *np = realloc(f->pals, nc * sizeof(*p));
			if (!np)
				return -1;
			f->pals = np;
			f->pal_cap = nc;
		}
	}
	memcpy(f->pals + f->pal_off + f->pal_n, p, n * sizeof(*p));
	f->pal_n += n;
	return 0;
}

enum ftmb_batch_result ftmb_ol_pal_batch(struct ftmb_ol *ol, unsigned core, uint64_t first_pos,
					 uint32_t count, const struct ftmb_pal *pals)
{
	if (!ol || core >= ol->n || count == 0 || !pals || first_pos + count < first_pos)
		return FTMB_BATCH_INVALID;
	uint64_t r = ol->R[core];
	if (first_pos > r)
		return FTMB_BATCH_GAP;
	if (first_pos + count <= r)
		return FTMB_BATCH_DUPLICATE;
	uint64_t skip = r - first_pos;
	struct core_fifo *f = &ol->f[core];
	if (f->pal_n == 0)
		f->pal_base = r;
	if (store_pals(f, pals + skip, count - skip) != 0)
		return FTMB_BATCH_NOMEM;
	ol->R[core] = first_pos + count;
	return FTMB_BATCH_ACCEPTED;
}

uint64_t ftmb_ol_received(const struct ftmb_ol *ol, unsigned core)
{
	return core < ol->n ? ol->R[core] : 0;
}

const uint64_t *ftmb_ol_R(const struct ftmb_ol *ol) { return ol->R; }

const struct ftmb_pal *ftmb_ol_pals(const struct ftmb_ol *ol, unsigned core, uint64_t *first_pos,
				    size_t *n)
{
	if (core >= ol->n) {
		*n = 0;
		*first_pos = 0;
		return NULL;
	}
	const struct core_fifo *f = &ol->f[core];
	*first_pos = f->pal_n ? f->pal_base : ol->R[core];
	*n = f->pal_n;
	return f->pals ? f->pals + f->pal_off : NULL;
}

void ftmb_ol_trim(struct ftmb_ol *ol, unsigned core, uint64_t pos)
{
	if (core >= ol->n)
		return;
	struct core_fifo *f = &ol->f[core];
	if (f->pal_n == 0 || pos <= f->pal_base)
		return;
	uint64_t drop = pos - f->pal_base;
	if (drop > f->pal_n)
		drop = f->pal_n;
	f->pal_off += drop;
	f->pal_n -= drop;
	f->pal_base += drop;
}

void ftmb_ol_truncate(struct ftmb_ol *ol, unsigned core, uint64_t pos)
{
	if (core >= ol->n)
		return;
	struct core_fifo *f = &ol->f[core];
	if (f->pal_n && pos < f->pal_base + f->pal_n)
		f->pal_n = pos > f->pal_base ? (size_t)(pos - f->pal_base) : 0;
	if (f->pal_n == 0)
		f->pal_base = pos;
	ol->R[core] = pos;
	ftmb_ol_drop_held(ol);
}

void ftmb_ol_drop_held(struct ftmb_ol *ol)
{
	for (unsigned c = 0; c < ol->n; c++)
		ol->f[c].head = ol->f[c].tail;
}

size_t ftmb_ol_drop_held_fn(struct ftmb_ol *ol, void (*free_fn)(void *arg, void *pkt),
			    void *arg)
{
	size_t n = 0;

	for (unsigned c = 0; c < ol->n; c++) {
		struct core_fifo *f = &ol->f[c];
		for (; f->head != f->tail; f->head++, n++)
			if (free_fn)
				free_fn(arg, f->ent[f->head & ol->mask].pkt);
	}
	return n;
}

int ftmb_ol_hold(struct ftmb_ol *ol, unsigned core, uint64_t pkt_id, uint32_t out_idx,
		 const uint64_t *V, void *pkt)
{
	if (!ol || core >= ol->n || !V)
		return -1;
	struct core_fifo *f = &ol->f[core];
	if (f->tail - f->head == ol->cap)
		return -1;
	size_t i = f->tail & ol->mask;
	f->ent[i].pkt_id = pkt_id;
	f->ent[i].out_idx = out_idx;
	f->ent[i].pkt = pkt;
	memcpy(&f->vecs[i * ol->n], V, ol->n * sizeof(uint64_t));
	f->tail++;
	return 0;
}

size_t ftmb_ol_held(const struct ftmb_ol *ol, unsigned core)
{
	return core < ol->n ? ol->f[core].tail - ol->f[core].head : 0;
}

void ftmb_ol_no_output(struct ftmb_ol *ol, unsigned core, uint64_t pkt_id)
{
	if (core >= ol->n)
		return;
	ol->f[core].last_no_output = pkt_id;
	ol->f[core].no_outputs++;
}

/* ---- released set ---- */
static size_t rel_hash(uint64_t pkt_id, uint32_t out_idx, size_t mask)
{
	uint64_t x = pkt_id ^ ((uint64_t)out_idx << 48);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & mask;
}

static int rel_insert(struct rel_slot *tab, size_t cap, uint64_t pkt_id, uint32_t out_idx)
{
	size_t mask = cap - 1, i = rel_hash(pkt_id, out_idx, mask);
	while (tab[i].used) {
		if (tab[i].pkt_id == pkt_id && tab[i].out_idx == out_idx)
			return 0;
		i = (i + 1) & mask;
	}
	tab[i].used = 1;
	tab[i].pkt_id = pkt_id;
	tab[i].out_idx = out_idx;
	return 1;
}

static int rel_rebuild(struct ftmb_ol *ol, size_t new_cap, uint64_t below)
{
	struct rel_slot *nt = calloc(new_cap, sizeof(*nt));
	if (!nt)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < ol->rel_cap; i++)
		if (ol->rel[i].used && ol->rel[i].pkt_id >= below)
			n += (size_t)rel_insert(nt, new_cap, ol->rel[i].pkt_id, ol->rel[i].out_idx);
	free(ol->rel);
	ol->rel = nt;
	ol->rel_cap = new_cap;
	ol->rel_n = n;
	return 0;
}

int ftmb_ol_released_add(struct ftmb_ol *ol, uint64_t pkt_id, uint32_t out_idx)
{
	if (2 * (ol->rel_n + 1) > ol->rel_cap && rel_rebuild(ol, ol->rel_cap * 2, 0) != 0)
		return -1;
	ol->rel_n += (size_t)rel_insert(ol->rel, ol->rel_cap, pkt_id, out_idx);
	return 0;
}

int ftmb_ol_was_released(const struct ftmb_ol *ol, uint64_t pkt_id, uint32_t out_idx)
{
	if (ol->rel_n == 0)
		return 0;
	size_t mask = ol->rel_cap - 1, i = rel_hash(pkt_id, out_idx, mask);
	while (ol->rel[i].used) {
		if (ol->rel[i].pkt_id == pkt_id && ol->rel[i].out_idx == out_idx)
			return 1;
		i = (i + 1) & mask;
	}
	return 0;
}

void ftmb_ol_released_forget_below(struct ftmb_ol *ol, uint64_t pkt_id)
{
	if (ol->rel_n == 0)
		return; /* nothing to forget: no new table (an OL trims every ms) */
	rel_rebuild(ol, ol->rel_cap, pkt_id);
}

/* ---- release ---- */
static int below_watermark(const struct core_fifo *f, uint64_t pkt_id, uint32_t out_idx)
{
	return f->released_any &&
	       (pkt_id < f->rel_pkt || (pkt_id == f->rel_pkt && out_idx <= f->rel_idx));
}

int ftmb_ol_was_released_on(const struct ftmb_ol *ol, unsigned core, uint64_t pkt_id,
			    uint32_t out_idx)
{
	if (!ol || core >= ol->n)
		return 0;
	return below_watermark(&ol->f[core], pkt_id, out_idx) ||
	       ftmb_ol_was_released(ol, pkt_id, out_idx);
}

size_t ftmb_ol_release_poll(struct ftmb_ol *ol, unsigned core, ftmb_release_fn fn, void *arg,
			    size_t max)
{
	if (!ol || core >= ol->n)
		return 0;
	struct core_fifo *f = &ol->f[core];
	const uint64_t *R = ol->R;
	unsigned n = ol->n;
	size_t done = 0;
	while (f->head != f->tail && (max == 0 || done < max)) {
		size_t i = f->head & ol->mask;
		if (!ftmb_release_ok(&f->vecs[i * n], R, n))
			break; /* FIFO: everything behind waits too */
		struct held h = f->ent[i];
		f->head++;
		done++;
		int dup = below_watermark(f, h.pkt_id, h.out_idx) ||
			  (ol->rel_n && ftmb_ol_was_released(ol, h.pkt_id, h.out_idx));
		if (!dup) {
			f->released_any = 1;
			f->rel_pkt = h.pkt_id;
			f->rel_idx = h.out_idx;
		}
		if (fn)
			fn(arg, core, h.pkt_id, h.out_idx, h.pkt, dup);
	}
	return done;
}

size_t ftmb_ol_release_poll_all(struct ftmb_ol *ol, ftmb_release_fn fn, void *arg)
{
	size_t t = 0;
	for (unsigned c = 0; c < ol->n; c++)
		t += ftmb_ol_release_poll(ol, c, fn, arg, 0);
	return t;
}
