/*
 * ftmb_cut.h: the recovery cut (SPEC §6.3). Pure function.
 *
 * Input: each variable's counter in the checkpoint, and for each core the
 * PALs the OL holds from the checkpoint's stream position on (in stream
 * order). Output: for each core the length of the prefix kept. A variable's
 * PALs in the cut are gapless from its checkpoint counter: seq runs
 * counter+1, counter+2, ... with nothing missing; the first PAL of a core
 * that cannot be placed (its predecessor is missing, duplicated or
 * unreachable) ends that core's prefix, and this repeats to a fixpoint.
 * Variables absent from the counters (created after the checkpoint, e.g.
 * object descriptors) start at counter 0.
 */
#ifndef FTMB_CUT_H
#define FTMB_CUT_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ftmb_var_count {
	uint64_t var_id;
	uint64_t counter; /* the variable's counter in the checkpoint */
};

struct ftmb_cut_input {
	unsigned n_cores;
	const struct ftmb_pal *const *pals; /* pals[c]: core c's PALs after the checkpoint */
	const size_t *n_pals;               /* n_pals[c]                                  */
	const struct ftmb_var_count *counters;
	size_t n_counters;
};

/* keep[c] = PALs of core c in the cut (prefix length), c < n_cores.
 * Returns 0, or -1 (bad input / no memory, message on stderr). */
int ftmb_cut_compute(const struct ftmb_cut_input *in, size_t *keep);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CUT_H */
