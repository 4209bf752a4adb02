/*
 * ftmb_fd.h: failure detection by heartbeats (SPEC §6.1).
 *
 * Theory of operation
 * -------------------
 * The watched process sends a heartbeat every interval; the watcher
 * records the arrival time of each (ftmb_fd_heard) and polls
 * (ftmb_fd_poll). The peer is declared DEAD when no heartbeat arrived for
 * timeout_ns; DEAD is latched (a late heartbeat from a peer already
 * declared dead is counted but does not revive it: the takeover has
 * begun, and fail-stop means the old master must not come back). Before
 * the first heartbeat the detector is WAITING and never declares death:
 * a backup that starts before its master must not take over an empty
 * deployment (the backup also arms it, with sequence number 0, when it
 * accepts its first complete checkpoint). Heartbeat sequence numbers that go backwards are ignored
 * (reordered datagrams), so a stale one never extends a dead peer's life.
 * Pure state machine: the caller supplies times (ns, monotonic).
 */
#ifndef FTMB_FD_H
#define FTMB_FD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ftmb_fd_state {
	FTMB_FD_WAITING = 0,  /* no heartbeat yet                */
	FTMB_FD_ALIVE = 1,
	FTMB_FD_DEAD = 2,     /* latched until ftmb_fd_reset     */
};

struct ftmb_fd {
	uint64_t timeout_ns;
	uint64_t last_heard_ns;
	uint64_t last_seq;
	uint64_t heard;        /* heartbeats accepted            */
	uint64_t ignored;      /* stale or after death           */
	uint64_t dead_at_ns;   /* when DEAD was declared         */
	uint64_t max_gap_ns;   /* longest silence between two accepted heartbeats */
	enum ftmb_fd_state state;
};

/* timeout_ms must be > 0; -1 otherwise. */
int ftmb_fd_init(struct ftmb_fd *fd, uint64_t timeout_ms);
void ftmb_fd_reset(struct ftmb_fd *fd);
/* A heartbeat with sequence number seq arrived at now_ns. Returns 1 if
 * accepted, 0 if ignored. */
int ftmb_fd_heard(struct ftmb_fd *fd, uint64_t now_ns, uint64_t seq);
/* State at now_ns (may turn ALIVE into DEAD). */
enum ftmb_fd_state ftmb_fd_poll(struct ftmb_fd *fd, uint64_t now_ns);
/* Nanoseconds until the peer would be declared dead (0 if dead/waiting). */
uint64_t ftmb_fd_remaining_ns(const struct ftmb_fd *fd, uint64_t now_ns);
const char *ftmb_fd_state_name(enum ftmb_fd_state s);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_FD_H */
