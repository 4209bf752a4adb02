/*
 * ftmb_replay.h: replay ordering (SPEC §6.4-6.5).
 *
 * After the state is restored (arena, globals, counters, MAX[c]) and
 * ftmb_core_init(n, seed, FTMB_MODE_REPLAY), load the cut's PALs per core.
 * Then each core re-processes its packets in the same per-core order; at
 * every shared access __ftmb_begin takes the core's next cut PAL, checks
 * it is for this variable and this packet, and waits (spin, pause, then
 * yield) until the variable's counter == PAL.seq - 1. When a core's cut is
 * exhausted it switches to RECORD (its accesses then make PALs again at
 * positions continuing MAX[c]); an access on a free-running core to a
 * variable that still has cut PALs waits until they are all replayed.
 * Cut PALs are not re-emitted (the OL already holds them) but advance
 * MAX[c], so after recovery the OL sets R[c] = checkpoint MAX[c] + keep[c]
 * (ftmb_ol_truncate).
 */
#ifndef FTMB_REPLAY_H
#define FTMB_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Copies n[c] PALs from pals[c] for each core c < ftmb_core_count().
 * A core with n[c] == 0 runs freely at once. 0, or -1 (not in REPLAY mode,
 * no memory). */
int ftmb_replay_load(const struct ftmb_pal *const *pals, const size_t *n);
/* Has core c replayed its whole cut? */
int ftmb_replay_core_done(unsigned c);
/* All cores done? */
int ftmb_replay_done(void);
/* Cut PALs core c has replayed so far. */
size_t ftmb_replay_position(unsigned c);

/* Divergence: the access does not match the next cut PAL (other variable,
 * other packet, or the counter already passed seq - 1). The handler gets a
 * message; default: print it to stderr and abort(). After a handler
 * returns, the core stops replaying (switches to RECORD). */
struct ftmb_divergence {
	unsigned core;
	size_t position;          /* index in the core's cut            */
	struct ftmb_pal expected; /* the cut PAL                        */
	uint64_t var_id;          /* what the access was                */
	uint64_t pkt_id;
	uint64_t counter;         /* the variable's counter at the time */
	const char *var_name;
};
typedef void (*ftmb_divergence_fn)(const struct ftmb_divergence *d, const char *msg);
void ftmb_replay_set_divergence_handler(ftmb_divergence_fn fn);
uint64_t ftmb_replay_divergences(void);

/* Shutdown: every core waiting for its turn (or for the cut) stops waiting
 * and replays nothing more (the state then is not the recorded one). */
void ftmb_replay_abandon(void);
/* Waits that lasted more than 2 s (each also said on stderr). */
uint64_t ftmb_replay_stalls(void);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_REPLAY_H */
