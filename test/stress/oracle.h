/*
 * oracle.h: an independent checker for the stress test. It does not use
 * the runtime's release or cut code: from the full trace it recomputes
 * happens-before with vector clocks (per-variable access order by seq,
 * per-core program order), the spec's literal fixpoint cut, and checks
 * releases and replayed outputs against them.
 */
#ifndef FTMB_ORACLE_H
#define FTMB_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

struct oracle_trace {
	unsigned n_cores;
	/* full per-core PAL streams, position = index */
	const struct ftmb_pal *pals[FTMB_MAX_CORES];
	size_t n_pals[FTMB_MAX_CORES];
	/* per-core packet order (ids as processed) */
	const uint64_t *pkts[FTMB_MAX_CORES];
	size_t n_pkts[FTMB_MAX_CORES];
};

struct oracle;
/* Computes dep(packet) = the per-core prefix lengths of PALs that
 * happen-before the end of the packet. NULL + message if the trace is not
 * a valid execution (cycle, duplicate seq, gap). */
struct oracle *oracle_build(const struct oracle_trace *t, char *err, size_t errcap);
void oracle_free(struct oracle *o);
/* dep vector of packet pkt_id (processed on core), or NULL if unknown. */
const uint64_t *oracle_dep(const struct oracle *o, unsigned core, uint64_t pkt_id);

/* Release check: may the packet have left, given what the OL stores?
 * held[c]/n_held[c]: the OL's stored PALs of core c from position 0.
 * Returns 0, or -1 with a message naming the missing PAL. */
int oracle_check_release(const struct oracle *o, unsigned core, uint64_t pkt_id,
			 const struct ftmb_pal *const *held, const size_t *n_held,
			 char *err, size_t errcap);

/* The spec's cut, literally: start from the stored prefixes, drop the first
 * PAL whose (var, seq - 1) is not kept (seq > 1) and the rest of its core,
 * repeat until nothing changes. keep[c] out. */
void oracle_cut(unsigned n_cores, const struct ftmb_pal *const *held, const size_t *n_held,
		size_t *keep);

#endif
