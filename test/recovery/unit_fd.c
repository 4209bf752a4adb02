/* unit_fd.c: the heartbeat failure detector's state machine. */
#include "ftmb_fd.h"
#include "unit_check.h"

#define MS 1000000ull

int main(void)
{
	struct ftmb_fd fd;

	CHECK(ftmb_fd_init(&fd, 0) < 0);
	CHECK(ftmb_fd_init(&fd, 10) == 0);
	/* Never heard: never dead, however long. */
	CHECK(ftmb_fd_poll(&fd, 1000 * MS) == FTMB_FD_WAITING);
	CHECK(ftmb_fd_remaining_ns(&fd, 0) == 0);

	CHECK(ftmb_fd_heard(&fd, 1000 * MS, 1) == 1);
	CHECK(ftmb_fd_poll(&fd, 1005 * MS) == FTMB_FD_ALIVE);
	CHECK(ftmb_fd_remaining_ns(&fd, 1004 * MS) == 6 * MS);
	/* Regular heartbeats keep it alive past many timeouts. */
	for (uint64_t t = 1001, s = 2; t < 1100; t += 3, s++) {
		CHECK(ftmb_fd_heard(&fd, t * MS, s) == 1);
		CHECK(ftmb_fd_poll(&fd, (t + 2) * MS) == FTMB_FD_ALIVE);
	}
	/* A stale (reordered) heartbeat does not extend life. */
	uint64_t last = fd.last_heard_ns;
	CHECK(ftmb_fd_heard(&fd, 1105 * MS, 3) == 0);
	CHECK(fd.last_heard_ns == last);
	/* Silence of timeout: dead, exactly at the boundary. */
	CHECK(ftmb_fd_poll(&fd, last + 10 * MS - 1) == FTMB_FD_ALIVE);
	CHECK(ftmb_fd_poll(&fd, last + 10 * MS) == FTMB_FD_DEAD);
	CHECK(fd.dead_at_ns == last + 10 * MS);
	/* Latched: a late heartbeat does not revive it. */
	CHECK(ftmb_fd_heard(&fd, last + 11 * MS, 1000) == 0);
	CHECK(ftmb_fd_poll(&fd, last + 11 * MS) == FTMB_FD_DEAD);
	CHECK(fd.ignored == 2);
	/* Reset: waiting again, new peer. */
	ftmb_fd_reset(&fd);
	CHECK(ftmb_fd_poll(&fd, last + 100 * MS) == FTMB_FD_WAITING);
	CHECK(ftmb_fd_heard(&fd, last + 100 * MS, 1) == 1);
	CHECK(ftmb_fd_poll(&fd, last + 100 * MS) == FTMB_FD_ALIVE);
	CHECK(fd.timeout_ns == 10 * MS);
	/* A clock that goes backwards never declares death. */
	CHECK(ftmb_fd_poll(&fd, last + 50 * MS) == FTMB_FD_ALIVE);
	UNIT_DONE("unit_fd");
}
