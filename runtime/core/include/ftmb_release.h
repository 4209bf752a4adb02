/*
 * ftmb_release.h: the output logger's side of parallel release (SPEC §4)
 * and the master's resend queue. Pure data structures, no I/O, no DPDK:
 * the dataplane feeds them the records it receives and sends what they say.
 *
 * OL (struct ftmb_ol):
 *   - R[c]: PALs of core c received in order without gaps. A PAL batch
 *     (core, first_pos, count) is accepted only if first_pos <= R[c]
 *     (the part already held is a duplicate and ignored); a batch with
 *     first_pos > R[c] leaves a gap and is rejected (FTMB_BATCH_GAP): the
 *     master resends it after the missing ones. So R[c] never counts a PAL
 *     that is not held, whatever the link loses, duplicates or reorders.
 *   - The accepted PALs are stored per core (for the recovery cut).
 *   - Per core, a FIFO of held output packets, each with its vector V.
 *     ftmb_ol_release_poll(c) releases from the head while V[i] <= R[i]
 *     for all i and stops at the first that must wait: a core's vectors
 *     grow monotonically, so nothing behind it could pass. O(N) per packet.
 *   - Duplicate suppression by (input packet id, output index): a core
 *     releases its outputs in increasing (pkt_id, out_idx) order (the IL's
 *     ids increase and a core keeps their order), so the OL keeps per core
 *     the last released pair (watermark); a held output at or below it is
 *     dropped instead of released (after recovery, replay re-creates
 *     outputs the OL already sent). Requirement on the carrier: per core,
 *     hold outputs in the order the core emitted them.
 *
 * Thread-safety: one ftmb_ol per OL thread, or the caller serialises.
 */
#ifndef FTMB_RELEASE_H
#define FTMB_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The release check: may a packet with vector V leave given R? */
static inline int ftmb_release_ok(const uint64_t *V, const uint64_t *R, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (V[i] > R[i])
			return 0;
	return 1;
}

struct ftmb_ol;

/* fifo_cap: held packets per core (rounded up to a power of two). */
struct ftmb_ol *ftmb_ol_create(unsigned n_cores, size_t fifo_cap);
void ftmb_ol_destroy(struct ftmb_ol *ol);
unsigned ftmb_ol_cores(const struct ftmb_ol *ol);

enum ftmb_batch_result {
	FTMB_BATCH_ACCEPTED = 0,  /* R[c] advanced (possibly partly dup)   */
	FTMB_BATCH_DUPLICATE = 1, /* wholly already held: ignored          */
	FTMB_BATCH_GAP = 2,       /* first_pos > R[c]: rejected, need resend*/
	FTMB_BATCH_INVALID = -1,  /* bad core, count 0, or position overflow*/
	FTMB_BATCH_NOMEM = -2,
};
enum ftmb_batch_result ftmb_ol_pal_batch(struct ftmb_ol *ol, unsigned core,
					 uint64_t first_pos, uint32_t count,
					 const struct ftmb_pal *pals);
/* R[c] (also the cumulative acknowledgement to send to the master). */
uint64_t ftmb_ol_received(const struct ftmb_ol *ol, unsigned core);
const uint64_t *ftmb_ol_R(const struct ftmb_ol *ol);

/* Stored PALs of core c: positions [*first_pos, *first_pos + *n). */
const struct ftmb_pal *ftmb_ol_pals(const struct ftmb_ol *ol, unsigned core,
				    uint64_t *first_pos, size_t *n);
/* Drop stored PALs of core c below position pos (a checkpoint covers them). */
void ftmb_ol_trim(struct ftmb_ol *ol, unsigned core, uint64_t pos);
/* Recovery: forget core c's PALs at positions >= pos (outside the cut),
 * set R[c] = pos, and drop all held packets of every core (the replay
 * re-creates them; released ones are suppressed). */
void ftmb_ol_truncate(struct ftmb_ol *ol, unsigned core, uint64_t pos);
void ftmb_ol_drop_held(struct ftmb_ol *ol);
/* Same, handing each dropped packet's handle to free_fn(arg, pkt) first
 * (the caller owns the handles, e.g. rte_mbufs). Returns how many. */
size_t ftmb_ol_drop_held_fn(struct ftmb_ol *ol, void (*free_fn)(void *arg, void *pkt),
			    void *arg);

/* Hold an output packet of core c with vector V (n_cores entries, copied).
 * pkt is the caller's handle (e.g. an rte_mbuf *). 0, or -1 if the FIFO
 * is full or core invalid. */
int ftmb_ol_hold(struct ftmb_ol *ol, unsigned core, uint64_t pkt_id,
		 uint32_t out_idx, const uint64_t *V, void *pkt);
size_t ftmb_ol_held(const struct ftmb_ol *ol, unsigned core);
/* A NO_OUTPUT record of core c (statistics; last finished packet id). */
void ftmb_ol_no_output(struct ftmb_ol *ol, unsigned core, uint64_t pkt_id);

/* Called for each packet leaving the FIFO: duplicate = 1 if it was
 * already released before (drop it, do not send). */
typedef void (*ftmb_release_fn)(void *arg, unsigned core, uint64_t pkt_id,
				uint32_t out_idx, void *pkt, int duplicate);
/* Release core c's releasable head packets (at most max; 0 = no limit).
 * Returns how many left the FIFO. */
size_t ftmb_ol_release_poll(struct ftmb_ol *ol, unsigned core,
			    ftmb_release_fn fn, void *arg, size_t max);
/* Same for every core. */
size_t ftmb_ol_release_poll_all(struct ftmb_ol *ol, ftmb_release_fn fn, void *arg);

/* Was (pkt_id, out_idx) of core `core` released (watermark or set)? */
int ftmb_ol_was_released_on(const struct ftmb_ol *ol, unsigned core, uint64_t pkt_id,
			    uint32_t out_idx);
/* An explicit set of released pairs, for pairs learnt outside this OL's
 * release_poll (e.g. a restarted OL reloading its log); consulted by
 * release_poll in addition to the watermarks. */
int ftmb_ol_released_add(struct ftmb_ol *ol, uint64_t pkt_id, uint32_t out_idx);
int ftmb_ol_was_released(const struct ftmb_ol *ol, uint64_t pkt_id, uint32_t out_idx);
/* Forget released outputs of input packets with id < pkt_id (the IL has
 * dropped them: they are never replayed again). */
void ftmb_ol_released_forget_below(struct ftmb_ol *ol, uint64_t pkt_id);

/* ---- master side: per-core queue of PAL batches not yet acknowledged ---- */
struct ftmb_resendq;
struct ftmb_resendq *ftmb_resendq_create(unsigned n_cores);
void ftmb_resendq_destroy(struct ftmb_resendq *q);
/* Keep a copy of a batch just sent (positions must follow the previous
 * batch of that core: the sink's order). 0, -1 on bad input / no memory. */
int ftmb_resendq_push(struct ftmb_resendq *q, unsigned core, uint64_t first_pos,
		      uint32_t count, const struct ftmb_pal *pals);
/* Cumulative ack from the OL: core c's PALs below pos are held there. */
void ftmb_resendq_ack(struct ftmb_resendq *q, unsigned core, uint64_t pos);
/* Call fn for every unacknowledged batch of core c, oldest first (the part
 * below the ack is cut off). Returns the number of batches. */
typedef void (*ftmb_resend_fn)(void *arg, unsigned core, uint64_t first_pos,
			       uint32_t count, const struct ftmb_pal *pals);
size_t ftmb_resendq_foreach(struct ftmb_resendq *q, unsigned core,
			    ftmb_resend_fn fn, void *arg);
uint64_t ftmb_resendq_unacked_pals(const struct ftmb_resendq *q, unsigned core);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_RELEASE_H */
