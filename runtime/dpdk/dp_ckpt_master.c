/*
 * dp_ckpt_master.c: the master's checkpoint agent (SPEC §5) on the DPDK
 * master role, driven by its control hook.
 *
 * Theory of operation.
 *  Every --ckpt-interval-ms, if connected to the backup (TCP to
 *  --ckpt-peer) and no checkpoint is in flight, the agent asks the master
 *  to quiesce (master_request_quiesce). In the callback every worker
 *  stands at a packet boundary with its PALs flushed, so the state is
 *  exactly "each core c has processed its inputs up to last_pkt_id[c]":
 *  the agent records that, the input watermark (every IL id <= it is in
 *  the state: master_input_watermark) and calls ftmb_ckpt_fork, whose
 *  child streams the image (ftmb_ckpt_format.h) into the socket and exits;
 *  the workers resume as soon as fork() returns. The stop is the time in
 *  the callback. One checkpoint is in flight at a time: the next is asked
 *  for only once the writer child has exited (reaped with WNOHANG) and
 *  the state moved (watermark changed) since the last one.
 *  The backup answers each valid image with COVER on the same connection
 *  (counted: ckpt_confirmed). If the connection breaks (backup gone), the
 *  master keeps forwarding, unprotected, and tries to connect again every
 *  500 ms, so a new backup is protected by the next checkpoint.
 *  Heartbeats: a thread of its own sends a UDP datagram (struct ftmb_hb,
 *  the recovery node's format) to the backup's port every --hb-us, so the
 *  failure detector sees the process, not the main lcore's loop (a fork or
 *  a busy poll does not look like a death). SCHED_FIFO when permitted.
 *  Correctness of the watermark: the IL numbers inputs in increasing order
 *  and the master dispatches them in that order, each core in FIFO order;
 *  a core with an empty ring has processed every input given to it, one
 *  with queued inputs exactly those <= its last_pkt_id. Inputs between the
 *  watermark and a core's last_pkt_id are replayed after a failure and
 *  skipped by that core (master_resume_from).
 */
#define _GNU_SOURCE
#include "dp_ckpt.h"
#include "ftmb_dp_hooks.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftmb_msg.h"
#include "ftmb_ckpt.h"
#include "ftmb_ckpt_store.h"

static struct {
	bool on;
	char host[256];
	uint16_t port;
	int fd;                     /* to the backup, -1: unprotected      */
	struct ftmb_msg_reader rd;
	uint64_t next_connect_ns;
	uint64_t next_ckpt_ns;
	pid_t child;
	bool quiesce_pending;
	uint64_t seq;               /* last started                        */
	uint64_t confirmed_seq;
	uint64_t confirmed_here;    /* by the current connection            */
	uint64_t started_here;      /* started on the current connection    */
	uint64_t last_watermark;
	uint64_t stop_ns_last, stop_ns_max;
	/* heartbeat thread */
	pthread_t hb_thr;
	volatile bool hb_run;
	int hb_fd;
} ag = { .fd = -1, .hb_fd = -1 };

static int parse_hostport(const char *s, char *host, size_t cap, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (!colon || colon == s || (size_t)(colon - s) >= cap)
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	*port = (uint16_t)p;
	return 0;
}

/* In the checkpoint writer (the child of fork): the main lcore is pinned
 * to one CPU, shared with a worker; the writer must not queue behind
 * them, so it may run on any CPU. */
static void writer_unpin(void)
{
	cpu_set_t all;

	CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
}

static void *hb_thread(void *arg)
{
	struct ftmb_hb hb = { .magic = FTMB_HB_MAGIC, .pid = (uint32_t)getpid() };
	struct timespec next;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (ag.hb_run) {
		hb.seq++;
		hb.sent_ns = dp_ckpt_mono_ns();
		hb.ckpt_seq = ag.seq;
		ftmb_udp_send(ag.hb_fd, ag.host, ag.port, &hb, sizeof(hb));
		next.tv_nsec += (long)dp_cfg.hb_us * 1000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

static void disconnect(const char *why)
{
	if (ag.fd < 0)
		return;
	close(ag.fd);
	ag.fd = -1;
	ftmb_msg_reader_free(&ag.rd);
	DP_LOG(WARNING, "master: backup %s: running unprotected (forwarding goes on)\n", why);
}

static void try_connect(uint64_t now)
{
	if (ag.fd >= 0 || now < ag.next_connect_ns)
		return;
	ag.next_connect_ns = now + 500000000ull;
	ag.fd = ftmb_tcp_connect(ag.host, ag.port, 1);
	if (ag.fd < 0)
		return;
	ftmb_msg_reader_init(&ag.rd);
	ag.confirmed_here = 0;
	ag.started_here = 0;
	ag.next_ckpt_ns = now; /* protect the new backup at once */
	DP_LOG(NOTICE, "master: connected to the backup at %s:%u\n", ag.host, ag.port);
}

static void read_covers(void)
{
	struct pollfd pf = { ag.fd, POLLIN, 0 };
	struct ftmb_msg m;
	const uint8_t *p;
	ssize_t r;

	if (poll(&pf, 1, 0) <= 0)
		return;
	r = ftmb_msg_fill(&ag.rd, ag.fd);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		disconnect("connection closed");
		return;
	}
	while (ftmb_msg_next(&ag.rd, &m, &p) == 1) {
		struct ftmb_ckpt_cover cov;
		if (m.type != FTMB_M_COVER || m.len != sizeof(cov))
			continue;
		memcpy(&cov, p, sizeof(cov));
		/* the first ones (tests wait for them), then every 100th */
		if (cov.seq <= 8 || cov.seq % 100 == 0)
			DP_LOG(NOTICE, "master: checkpoint %" PRIu64 " confirmed by the backup "
			       "(watermark %" PRIu64 ")\n", cov.seq, cov.watermark);
		ag.confirmed_seq = cov.seq;
		ag.confirmed_here++;
		DP_INC(ckpt_confirmed);
	}
	if (ag.rd.error)
		disconnect("protocol error");
}

static void reap(void)
{
	int status;

	if (ag.child <= 0)
		return;
	if (waitpid(ag.child, &status, WNOHANG) == ag.child) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			DP_INC(ckpt_failed);
		ag.child = 0;
	}
}

/* On the main lcore, every worker parked at a packet boundary. */
static void quiesced(void *arg)
{
	uint64_t t0 = dp_ckpt_mono_ns(), fork_ns;
	uint64_t last[FTMB_WIRE_MAX_CORES], pkts[FTMB_WIRE_MAX_CORES] = {0};
	struct ftmb_ckpt_info info;
	unsigned n = master_workers();
	pid_t pid;

	(void)arg;
	ag.quiesce_pending = false;
	if (ag.fd < 0)
		return;
	info.watermark = master_input_watermark();
	if (ag.started_here && info.watermark == ag.last_watermark)
		return; /* nothing moved since the last one */
	for (unsigned c = 0; c < n; c++)
		last[c] = master_last_pkt_id(c);
	info.seq = ag.seq + 1;
	info.n_cores = n;
	info.last_pkt_id = last;
	info.pkts = pkts;
	pid = ftmb_ckpt_fork(ag.fd, &info, &fork_ns, dp_cfg.ckpt_throttle_us);
	if (pid < 0) {
		DP_INC(ckpt_failed);
		DP_LOG_RL(ERR, "master: fork for a checkpoint failed: %s\n", strerror(errno));
		return;
	}
	ag.child = pid;
	ag.started_here++;
	ag.seq = info.seq;
	ag.last_watermark = info.watermark;
	ag.stop_ns_last = dp_ckpt_mono_ns() - t0;
	if (ag.stop_ns_last > ag.stop_ns_max)
		ag.stop_ns_max = ag.stop_ns_last;
	DP_INC(ckpt_started);
}

unsigned dp_ckpt_agent_poll(uint64_t now_tsc)
{
	uint64_t now;

	(void)now_tsc;
	if (!ag.on)
		return 0;
	now = dp_ckpt_mono_ns();
	reap();
	try_connect(now);
	if (ag.fd >= 0)
		read_covers();
	if (ag.fd >= 0 && !ag.child && !ag.quiesce_pending && now >= ag.next_ckpt_ns) {
		if (master_request_quiesce(quiesced, NULL) == 0) {
			ag.quiesce_pending = true;
			ag.next_ckpt_ns = now + (uint64_t)dp_cfg.ckpt_interval_ms * 1000000ull;
			return 1;
		}
	}
	return 0;
}

static unsigned agent_hook(void *arg, uint64_t now_tsc)
{
	(void)arg;
	return dp_ckpt_agent_poll(now_tsc);
}

void dp_ckpt_agent_start(uint64_t first_seq)
{
	long long ex;

	if (!dp_cfg.ckpt_peer)
		return;
	if (parse_hostport(dp_cfg.ckpt_peer, ag.host, sizeof(ag.host), &ag.port) < 0)
		rte_exit(EXIT_FAILURE, "--ckpt-peer: HOST:PORT, not '%s'\n", dp_cfg.ckpt_peer);
	signal(SIGPIPE, SIG_IGN); /* a backup gone mid-image: the writer gets EPIPE */
	pthread_atfork(NULL, NULL, writer_unpin);
	ex = ftmb_ckpt_dpdk_exclude();
	if (ex < 0)
		DP_LOG(WARNING, "master: cannot keep DPDK memory out of checkpoint forks\n");
	if (ftmb_ckpt_arena_hugepages() < 0)
		DP_LOG(INFO, "master: no huge pages for the arena (larger fork stop)\n");
	ag.seq = first_seq ? first_seq - 1 : 0;
	ag.hb_fd = ftmb_udp_bind("0.0.0.0", 0, NULL);
	if (ag.hb_fd < 0)
		rte_exit(EXIT_FAILURE, "master: heartbeat socket: %s\n", strerror(errno));
	ag.hb_run = true;
	if (pthread_create(&ag.hb_thr, NULL, hb_thread, NULL) != 0)
		rte_exit(EXIT_FAILURE, "master: cannot start the heartbeat thread\n");
	{
		struct sched_param sp = { .sched_priority = 10 };
		if (pthread_setschedparam(ag.hb_thr, SCHED_FIFO, &sp) != 0)
			DP_LOG(INFO, "master: heartbeat thread at normal priority\n");
	}
	ag.on = true;
	ag.next_connect_ns = 0;
	DP_LOG(NOTICE, "master: checkpoints every %u ms to %s:%u\n", dp_cfg.ckpt_interval_ms,
	       ag.host, ag.port);
}

void dp_ckpt_agent_stop(void)
{
	/* workers stopped: the middlebox state as a digest, so a test can
	 * compare a recovered master with a failure-free run (one core) */
	printf("ftmb-stats: state_digest=%08x\n", ftmb_ckpt_state_digest());
	if (!ag.on)
		return;
	ag.hb_run = false;
	pthread_join(ag.hb_thr, NULL);
	if (ag.child > 0)
		waitpid(ag.child, NULL, 0);
	ag.child = 0;
	disconnect("stopped");
	ag.on = false;
	printf("ftmb-stats: ckpt_stop_us_last=%.1f\nftmb-stats: ckpt_stop_us_max=%.1f\n",
	       (double)ag.stop_ns_last / 1e3, (double)ag.stop_ns_max / 1e3);
}

void dp_ckpt_master_attach(void)
{
	dp_ckpt_agent_start(1);
	dp_set_control_hook(agent_hook, NULL);
}
