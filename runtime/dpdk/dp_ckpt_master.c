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
 *  Planned failover (`ftmbctl failover`, dp_ctl.c): refused unless a
 *  backup is connected and has confirmed a checkpoint. Once no checkpoint
 *  is in flight, the agent quiesces the workers one last time and, in the
 *  callback (every core at a packet boundary), takes the final checkpoint
 *  (none if the state did not move since the last one) and waits there,
 *  workers parked, for the backup's COVER of it. Then it stops the process
 *  (dp_force_quit: the workers leave without taking another packet; the
 *  main lcore drains what they emitted to the OL) and, at the agent's
 *  stop, heartbeats carry FTMB_HB_RESIGN: the backup takes over at once,
 *  without waiting for the heartbeat timeout. Correct for the same reason
 *  a crash is: the backup holds a confirmed checkpoint, the IL still logs
 *  every input after it and the OL fences this master at the TAKEOVER;
 *  the final checkpoint only makes the replay short (just the inputs
 *  still queued at the master). If the COVER does not come (backup gone,
 *  writer failed, 5 s), the failover is abandoned and the master goes on.
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
#include <netinet/in.h>
#include <linux/tcp.h>

#include "dp_ctl.h"

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
	/* for `ftmbctl status` (dp_ctl.h: 64-bit words read by its thread) */
	uint64_t started_at_ns;     /* realtime of the last checkpoint's stop */
	uint64_t confirmed_at_ns;   /* realtime the last confirmed one was taken */
	uint64_t ckpt_bytes;        /* size of the last confirmed image     */
	uint64_t written_base;      /* TCP bytes written when the last writer exited */
	uint64_t written_seq, written_bytes; /* that checkpoint, its size  */
	/* planned failover (see "Planned failover" above) */
	uint64_t rs;                /* enum resign_state                    */
	uint64_t rs_request_ns, rs_confirmed_ns, rs_resign_ns; /* realtime  */
	uint64_t rs_final_seq;
	volatile bool resign;       /* heartbeats carry FTMB_HB_RESIGN      */
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
		hb.flags = ag.resign ? FTMB_HB_RESIGN : 0;
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

/* Bytes written into this connection so far: sent once plus not sent
 * yet, from one TCP_INFO snapshot (0 if the kernel does not say). Only the
 * checkpoint writers write there, one at a time, and the next is forked
 * only after the last one was reaped: the growth between two reaps is the
 * size of the image the reaped writer sent (ckpt_bytes for `status`). */
static uint64_t tcp_bytes_written(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_retrans) + sizeof(ti.tcpi_bytes_retrans))
		return 0;
	return ti.tcpi_bytes_sent - ti.tcpi_bytes_retrans + ti.tcpi_notsent_bytes;
}

/* The size of a checkpoint is known once its writer was reaped, its
 * confirmation once COVER came: either may come first. */
static void note_ckpt_bytes(void)
{
	if (ag.written_seq && ag.written_seq == ag.confirmed_seq)
		ag.ckpt_bytes = ag.written_bytes;
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
	ag.written_base = tcp_bytes_written(ag.fd);
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
		ag.confirmed_at_ns = cov.seq == ag.seq ? ag.started_at_ns : dp_now_ns();
		note_ckpt_bytes();
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
		uint64_t w = tcp_bytes_written(ag.fd);

		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			DP_INC(ckpt_failed);
		} else if (w > ag.written_base) {
			ag.written_bytes = w - ag.written_base;
			ag.written_seq = ag.seq;
			note_ckpt_bytes();
		}
		ag.written_base = w;
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
	ag.started_at_ns = dp_now_ns();
	ag.started_here++;
	ag.seq = info.seq;
	ag.last_watermark = info.watermark;
	ag.stop_ns_last = dp_ckpt_mono_ns() - t0;
	if (ag.stop_ns_last > ag.stop_ns_max)
		ag.stop_ns_max = ag.stop_ns_last;
	DP_INC(ckpt_started);
}

/* ------------------------------------------------ planned failover */

enum resign_state { RS_NONE, RS_WAIT_IDLE, RS_QUIESCING, RS_STOPPING, RS_RESIGNED };
#define RESIGN_CONFIRM_NS 5000000000ull /* the final COVER must come by then */
#define RESIGN_WAIT_NS 2000000000ull    /* the backup's takeover, seen from here */

static void resign_abandon(const char *why)
{
	DP_LOG(WARNING, "master: planned failover abandoned: %s (still the master)\n", why);
	dp_ctl_failover_answer("error=%s: failover abandoned, still the master\n", why);
	ag.rs = RS_NONE;
}

/* Quiesce callback (every worker parked at a packet boundary): the final
 * checkpoint, then its COVER, waited for here so that no worker takes
 * another packet; then the process stops. */
static void resign_quiesced(void *arg)
{
	uint64_t failed = dp_stats.ckpt_failed;
	uint64_t deadline = dp_ckpt_mono_ns() + RESIGN_CONFIRM_NS;

	(void)arg;
	quiesced(NULL); /* none if the state did not move since the last one */
	if (ag.fd < 0) {
		resign_abandon("the backup connection is gone");
		return;
	}
	ag.rs_final_seq = ag.seq;
	while (ag.confirmed_seq < ag.rs_final_seq) {
		struct pollfd pf = { ag.fd, POLLIN, 0 };

		if (dp_stats.ckpt_failed != failed) {
			resign_abandon("the final checkpoint could not be written");
			return;
		}
		if (dp_ckpt_mono_ns() > deadline || dp_force_quit) {
			resign_abandon("the backup did not confirm the final checkpoint");
			return;
		}
		poll(&pf, 1, 1);
		reap();
		read_covers();
		if (ag.fd < 0) {
			resign_abandon("the backup connection broke");
			return;
		}
	}
	ag.rs_confirmed_ns = dp_now_ns();
	ag.rs = RS_STOPPING;
	DP_LOG(NOTICE, "master: planned failover: final checkpoint %" PRIu64 " confirmed %.2f ms "
	       "after the request; stopping\n", ag.rs_final_seq,
	       (double)(ag.rs_confirmed_ns - ag.rs_request_ns) / 1e6);
	dp_force_quit = true; /* the workers leave parked, at a packet boundary */
}

static void resign_request(void)
{
	const char *why = ag.rs != RS_NONE ? "a failover is under way already"
					   : dp_ckpt_agent_failover_refusal();

	if (why) {
		dp_ctl_failover_answer("error=%s: refusing\n", why);
		return;
	}
	ag.rs_request_ns = dp_now_ns();
	ag.rs = RS_WAIT_IDLE;
	DP_LOG(NOTICE, "master: planned failover requested at %" PRIu64 " ns: final checkpoint\n",
	       ag.rs_request_ns);
}

/* Instead of the periodic checkpoints while a failover is under way. */
static unsigned resign_poll(void)
{
	if (ag.rs != RS_WAIT_IDLE)
		return 0; /* the callback is pending, or the loop is ending */
	if (ag.fd < 0) {
		resign_abandon("the backup connection broke");
		return 0;
	}
	if (ag.child || ag.quiesce_pending)
		return 0; /* one checkpoint in flight at a time */
	if (master_request_quiesce(resign_quiesced, NULL) != 0)
		return 0;
	ag.quiesce_pending = true;
	ag.rs = RS_QUIESCING;
	return 1;
}

/* The loop has ended and the workers' outputs went to the OL: RESIGN in
 * the heartbeats, the answer to ftmbctl, then wait (bounded) until the
 * backup closes the checkpoint connection, which it does on taking over. */
static void resign_finish(void)
{
	uint64_t t0 = dp_ckpt_mono_ns();
	bool closed = false;
	char buf[256];

	ag.resign = true; /* from the heartbeat thread's next beat on */
	ag.rs_resign_ns = dp_now_ns();
	ag.rs = RS_RESIGNED;
	DP_LOG(NOTICE, "master: planned failover: RESIGN sent at %" PRIu64 " ns (final checkpoint "
	       "%" PRIu64 ", %.2f ms after the request)\n", ag.rs_resign_ns, ag.rs_final_seq,
	       (double)(ag.rs_resign_ns - ag.rs_request_ns) / 1e6);
	dp_ctl_failover_answer("failover=started\nfinal_ckpt=%" PRIu64 "\nrequest_to_resign_ms=%.2f\n",
			       ag.rs_final_seq, (double)(ag.rs_resign_ns - ag.rs_request_ns) / 1e6);
	while (ag.fd >= 0 && dp_ckpt_mono_ns() - t0 < RESIGN_WAIT_NS) {
		struct pollfd pf = { ag.fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, 10) <= 0)
			continue;
		r = recv(ag.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			closed = true;
			break;
		}
	}
	if (closed) {
		DP_LOG(NOTICE, "master: resigned: the backup took over (checkpoint connection closed "
		       "%.1f ms after RESIGN)\n", (double)(dp_ckpt_mono_ns() - t0) / 1e6);
		close(ag.fd); /* expected: not a "backup lost" */
		ag.fd = -1;
		ftmb_msg_reader_free(&ag.rd);
	} else
		DP_LOG(WARNING, "master: no sign of the backup's takeover %.0f ms after RESIGN "
		       "(it will see the heartbeats stop)\n", (double)RESIGN_WAIT_NS / 1e6);
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
	if (dp_ctl_failover_taken())
		resign_request();
	if (ag.rs != RS_NONE)
		return resign_poll();
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
	if (ag.rs == RS_STOPPING)
		resign_finish();
	else if (ag.rs != RS_NONE && ag.rs != RS_RESIGNED)
		resign_abandon("the process is stopping");
	ag.hb_run = false;
	pthread_join(ag.hb_thr, NULL);
	if (ag.child > 0)
		waitpid(ag.child, NULL, 0);
	ag.child = 0;
	disconnect("stopped");
	ag.on = false;
	printf("ftmb-stats: ckpt_stop_us_last=%.1f\nftmb-stats: ckpt_stop_us_max=%.1f\n",
	       (double)ag.stop_ns_last / 1e3, (double)ag.stop_ns_max / 1e3);
	if (ag.rs == RS_RESIGNED)
		printf("ftmb-stats: resigned=1\nftmb-stats: resign_final_ckpt=%" PRIu64 "\n"
		       "ftmb-stats: resign_request_realtime_ns=%" PRIu64 "\n"
		       "ftmb-stats: resign_sent_realtime_ns=%" PRIu64 "\n", ag.rs_final_seq,
		       ag.rs_request_ns, ag.rs_resign_ns);
}

void dp_ckpt_master_attach(void)
{
	dp_ckpt_agent_start(1);
	dp_set_control_hook(agent_hook, NULL);
}

/* ---- ftmbctl (dp_ctl.h): run on the control thread, read-only ---- */

/* By the configuration, not by ag.on: the control socket is up before
 * the agent starts (and a backup's before its takeover starts one), and a
 * request in that window must not hear "no --ckpt-peer" when there is
 * one (seen in CI). */
const char *dp_ckpt_agent_failover_refusal(void)
{
	if (!dp_cfg.ckpt_peer)
		return "no backup to hand over to (no --ckpt-peer)";
	if (!__atomic_load_n(&ag.on, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&ag.fd, __ATOMIC_RELAXED) < 0)
		return "no backup connected";
	if (dp_ctl_rd(&ag.confirmed_here) == 0)
		return "no checkpoint confirmed by the backup yet";
	return NULL;
}

void dp_ckpt_agent_status(struct dp_ctl_out *o)
{
	static const char *const rs_name[] = { "none", "final-checkpoint", "final-checkpoint",
					       "stopping", "resigned" };
	bool on = __atomic_load_n(&ag.on, __ATOMIC_RELAXED);
	int fd = __atomic_load_n(&ag.fd, __ATOMIC_RELAXED);
	uint64_t taken = dp_ctl_rd(&ag.confirmed_at_ns), rs = dp_ctl_rd(&ag.rs);

	dp_ctl_printf(o, "protected=%s\nbackup=%s\n",
		      on && fd >= 0 && dp_ctl_rd(&ag.confirmed_here) ? "yes" : "no",
		      !dp_cfg.ckpt_peer ? "none" : on && fd >= 0 ? "connected" : "disconnected");
	dp_ctl_printf(o, "ckpt_started=%" PRIu64 "\nckpt_confirmed=%" PRIu64 "\nckpt_failed=%" PRIu64
		      "\nckpt_seq=%" PRIu64 "\n", dp_ctl_rd(&dp_stats.ckpt_started),
		      dp_ctl_rd(&dp_stats.ckpt_confirmed), dp_ctl_rd(&dp_stats.ckpt_failed),
		      dp_ctl_rd(&ag.confirmed_seq));
	if (taken)
		dp_ctl_printf(o, "ckpt_age_ms=%.1f\n", (double)(dp_now_ns() - taken) / 1e6);
	dp_ctl_printf(o, "ckpt_bytes=%" PRIu64 "\nckpt_stop_us_last=%.1f\nckpt_stop_us_max=%.1f\n"
		      "planned_failover=%s\n", dp_ctl_rd(&ag.ckpt_bytes),
		      (double)dp_ctl_rd(&ag.stop_ns_last) / 1e3,
		      (double)dp_ctl_rd(&ag.stop_ns_max) / 1e3, rs < RTE_DIM(rs_name) ? rs_name[rs] : "?");
}
