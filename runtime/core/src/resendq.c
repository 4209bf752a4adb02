/*
 * resendq.c: the master's per-core queue of PAL batches the OL has not
 * acknowledged yet (SPEC §4: "the master keeps unacknowledged PAL
 * batches"). Batches are pushed in stream order; a cumulative ack
 * (R[c] from the OL) frees every batch wholly below it; what remains is
 * what a resend must send again, oldest first. Because the OL accepts a
 * batch only at its R[c], resending everything from the oldest unacked
 * batch always closes a gap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_release.h"

struct batch {
	struct batch *next;
	uint64_t first_pos;
	uint32_t count;
	struct ftmb_pal pals[];
};

struct rq_core {
	struct batch *head, *tail;
	uint64_t acked;     /* cumulative ack */
	uint64_t next_pos;  /* position after the last pushed batch */
	uint64_t unacked;   /* PALs queued at or above acked */
};

struct ftmb_resendq {
	unsigned n;
	struct rq_core c[];
};

struct ftmb_resendq *ftmb_resendq_create(unsigned n_cores)
{
	if (n_cores < 1 || n_cores > FTMB_MAX_CORES) {
		fprintf(stderr, "ftmb: ftmb_resendq_create: bad n_cores %u\n", n_cores);
		return NULL;
	}
	struct ftmb_resendq *q = calloc(1, sizeof(*q) + n_cores * sizeof(struct rq_core));
	if (q)
		q->n = n_cores;
	return q;
}

void ftmb_resendq_destroy(struct ftmb_resendq *q)
{
	if (!q)
		return;
	for (unsigned i = 0; i < q->n; i++)
		for (struct batch *b = q->c[i].head, *nx; b; b = nx) {
			nx = b->next;
			free(b);
		}
	free(q);
}

int ftmb_resendq_push(struct ftmb_resendq *q, unsigned core, uint64_t first_pos, uint32_t count,
		      const struct ftmb_pal *pals)
{
	if (!q || core >= q->n || count == 0 || !pals)
		return -1;
	struct rq_core *rc = &q->c[core];
	if (rc->head && first_pos != rc->next_pos) {
		fprintf(stderr, "ftmb: resendq: core %u batch at %llu, expected %llu\n", core,
			(unsigned long long)first_pos, (unsigned long long)rc->next_pos);
		return -1;
	}
	if (first_pos + count <= rc->acked) /* already acknowledged */
		return 0;
	struct batch *b = malloc(sizeof(*b) + count * sizeof(struct ftmb_pal));
	if (!b)
		return -1;
	b->next = NULL;
	b->first_pos = first_pos;
	b->count = count;
	memcpy(b->pals, pals, count * sizeof(struct ftmb_pal));
	if (rc->tail)
		rc->tail->next = b;
	else
		rc->head = b;
	rc->tail = b;
	rc->next_pos = first_pos + count;
	rc->unacked += count;
	return 0;
}

void ftmb_resendq_ack(struct ftmb_resendq *q, unsigned core, uint64_t pos)
{
	if (!q || core >= q->n)
		return;
	struct rq_core *rc = &q->c[core];
	if (pos <= rc->acked)
		return; /* stale or duplicate ack */
	rc->acked = pos;
	while (rc->head && rc->head->first_pos + rc->head->count <= pos) {
		struct batch *b = rc->head;
		rc->head = b->next;
		rc->unacked -= b->count;
		free(b);
	}
	if (!rc->head)
		rc->tail = NULL;
}

size_t ftmb_resendq_foreach(struct ftmb_resendq *q, unsigned core, ftmb_resend_fn fn, void *arg)
{
	if (!q || core >= q->n)
		return 0;
	struct rq_core *rc = &q->c[core];
	size_t n = 0;
	for (struct batch *b = rc->head; b; b = b->next) {
		uint64_t skip = rc->acked > b->first_pos ? rc->acked - b->first_pos : 0;
		if (fn)
			fn(arg, core, b->first_pos + skip, b->count - (uint32_t)skip, b->pals + skip);
		n++;
	}
	return n;
}

uint64_t ftmb_resendq_unacked_pals(const struct ftmb_resendq *q, unsigned core)
{
	if (!q || core >= q->n)
		return 0;
	const struct rq_core *rc = &q->c[core];
	uint64_t n = 0;
	for (const struct batch *b = rc->head; b; b = b->next) {
		uint64_t end = b->first_pos + b->count;
		uint64_t start = b->first_pos > rc->acked ? b->first_pos : rc->acked;
		n += end - start;
	}
	return n;
}
