/*
 * lb_choose.c: least-loaded backend choice.
 *
 * Theory of operation: with lb_lock held, lb_load[] is exact (lb_table.c),
 * so picking a minimum and inserting the flow (which increments it) is one
 * step: after k choices the loads differ by at most one when no flow has
 * ended. Among equally loaded backends one is picked with rand(), so
 * that load spreads evenly across restarts; under ftmb, rand() is the
 * runtime's generator seeded per packet, so replay picks the same one.
 */
#include <stdlib.h>

#include "lb.h"

unsigned lb_choose_backend(void)
{
	uint32_t best = UINT32_MAX;
	unsigned ties = 0;
	unsigned tie[LB_MAX_BACKENDS];
	for (unsigned b = 0; b < lb_cfg.n_backends; b++) {
		uint32_t l = lb_load[b];
		if (l < best) {
			best = l;
			ties = 0;
		}
		if (l == best)
			tie[ties++] = b;
	}
	return tie[(unsigned)rand() % ties];
}
