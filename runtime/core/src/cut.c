/*
 * cut.c: the recovery cut (SPEC §6.3).
 *
 * Theory of operation. The spec defines the cut as a fixpoint: keep every
 * core's received prefix; wherever a variable's kept PALs are not gapless
 * from its checkpoint counter, drop the first PAL after the gap and the
 * rest of its core's stream; repeat. We compute the same set by a
 * simulated replay: next[v] = counter[v] + 1; a core's next PAL p can be
 * placed iff p.seq == next[v] (then next[v]++); sweep over the cores,
 * advancing each as far as possible, until a sweep places nothing. The
 * placed prefixes are the cut.
 *
 * Why it is the same set, and why it is the right one. (a) What is placed
 * is gapless per variable by construction (seqs counter+1, +2, ... in
 * placement order) and is a prefix per core, so it satisfies the fixpoint
 * condition; (b) any set of prefixes that is gapless per variable and comes
 * from one real execution can be placed in the recorded real-time order,
 * each PAL finding next[v] == its seq, so the simulation places at least
 * it: the result is the greatest such set, which is the spec's fixpoint.
 * It is also exactly what replay can execute (replay.c waits for
 * counter == seq - 1, the same condition), so replay from the cut never
 * blocks. A duplicated or corrupted PAL (seq 0, seq already placed) can
 * never be placed and ends its core's prefix. Every released output
 * depends only on PALs with positions < its V, all held by the OL before
 * release; those form gapless per-variable chains (each predecessor is a
 * dependency too), so they are all kept.
 *
 * Cost: O(total PALs + sweeps x cores) with a hash map var -> next seq.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ftmb_cut.h"

struct next_slot {
	uint64_t var_id;
	uint64_t next;
	int used;
};

struct next_map {
	struct next_slot *s;
	size_t mask;
};

static size_t h64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

/* Returns the slot for id, inserting with next = dflt if absent. */
static struct next_slot *slot_for(struct next_map *m, uint64_t id, uint64_t dflt)
{
	size_t i = h64(id) & m->mask;
	while (m->s[i].used && m->s[i].var_id != id)
		i = (i + 1) & m->mask;
	if (!m->s[i].used) {
		m->s[i].used = 1;
		m->s[i].var_id = id;
		m->s[i].next = dflt;
	}
	return &m->s[i];
}

int ftmb_cut_compute(const struct ftmb_cut_input *in, size_t *keep)
{
	if (!in || !keep || in->n_cores < 1 || in->n_cores > FTMB_MAX_CORES ||
	    (!in->pals && in->n_cores) || !in->n_pals || (in->n_counters && !in->counters)) {
		fprintf(stderr, "ftmb: ftmb_cut_compute: bad input\n");
		return -1;
	}
	size_t total = in->n_counters;
	for (unsigned c = 0; c < in->n_cores; c++) {
		if (in->n_pals[c] && !in->pals[c]) {
			fprintf(stderr, "ftmb: ftmb_cut_compute: core %u has %zu PALs but no array\n",
				c, in->n_pals[c]);
			return -1;
		}
		total += in->n_pals[c];
	}
	size_t cap = 16;
	while (cap < 2 * total + 2)
		cap <<= 1;
	struct next_map m = { calloc(cap, sizeof(struct next_slot)), cap - 1 };
	if (!m.s) {
		fprintf(stderr, "ftmb: ftmb_cut_compute: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < in->n_counters; i++) {
		struct next_slot *s = slot_for(&m, in->counters[i].var_id, 0);
		/* counter == UINT64_MAX: next would wrap to 0, which no PAL has */
		s->next = in->counters[i].counter + 1;
	}
	for (unsigned c = 0; c < in->n_cores; c++)
		keep[c] = 0;
	int progress = 1;
	while (progress) {
		progress = 0;
		for (unsigned c = 0; c < in->n_cores; c++) {
			const struct ftmb_pal *p = in->pals[c];
			size_t k = keep[c], n = in->n_pals[c];
			while (k < n) {
				struct next_slot *s = slot_for(&m, p[k].var_id, 1);
				if (p[k].seq == 0 || p[k].seq != s->next)
					break;
				s->next++;
				k++;
			}
			if (k != keep[c]) {
				keep[c] = k;
				progress = 1;
			}
		}
	}
	free(m.s);
	return 0;
}
