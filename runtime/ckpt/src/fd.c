/*
 * fd.c: the heartbeat failure detector's state machine (ftmb_fd.h).
 */
#include <string.h>

#include "ftmb_fd.h"

int ftmb_fd_init(struct ftmb_fd *fd, uint64_t timeout_ms)
{
	memset(fd, 0, sizeof(*fd));
	if (timeout_ms == 0 || timeout_ms > UINT64_MAX / 1000000u)
		return -1;
	fd->timeout_ns = timeout_ms * 1000000u;
	fd->state = FTMB_FD_WAITING;
	return 0;
}

void ftmb_fd_reset(struct ftmb_fd *fd)
{
	uint64_t t = fd->timeout_ns;

	memset(fd, 0, sizeof(*fd));
	fd->timeout_ns = t;
	fd->state = FTMB_FD_WAITING;
}

int ftmb_fd_heard(struct ftmb_fd *fd, uint64_t now_ns, uint64_t seq)
{
	if (fd->state == FTMB_FD_DEAD ||
	    (fd->state == FTMB_FD_ALIVE && seq <= fd->last_seq)) {
		fd->ignored++;
		return 0;
	}
	if (fd->state == FTMB_FD_ALIVE && now_ns > fd->last_heard_ns &&
	    now_ns - fd->last_heard_ns > fd->max_gap_ns)
		fd->max_gap_ns = now_ns - fd->last_heard_ns;
	fd->state = FTMB_FD_ALIVE;
	fd->last_seq = seq;
	if (now_ns > fd->last_heard_ns)
		fd->last_heard_ns = now_ns;
	fd->heard++;
	return 1;
}

enum ftmb_fd_state ftmb_fd_poll(struct ftmb_fd *fd, uint64_t now_ns)
{
	if (fd->state == FTMB_FD_ALIVE && now_ns > fd->last_heard_ns &&
	    now_ns - fd->last_heard_ns >= fd->timeout_ns) {
		fd->state = FTMB_FD_DEAD;
		fd->dead_at_ns = now_ns;
	}
	return fd->state;
}

uint64_t ftmb_fd_remaining_ns(const struct ftmb_fd *fd, uint64_t now_ns)
{
	uint64_t gone;

	if (fd->state != FTMB_FD_ALIVE)
		return 0;
	gone = now_ns > fd->last_heard_ns ? now_ns - fd->last_heard_ns : 0;
	return gone >= fd->timeout_ns ? 0 : fd->timeout_ns - gone;
}

const char *ftmb_fd_state_name(enum ftmb_fd_state s)
{
	switch (s) {
	case FTMB_FD_WAITING: return "waiting";
	case FTMB_FD_ALIVE: return "alive";
	case FTMB_FD_DEAD: return "dead";
	}
	return "?";
}
