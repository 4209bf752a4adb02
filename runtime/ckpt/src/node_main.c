/*
 * node_main.c: main() of a protected middlebox run as a recovery node.
 *
 *   <mb>-node --role master|backup --ilol HOST:PORT [options] [-- mb args]
 *
 *   --role R            master: run the middlebox now; backup: hold
 *                       checkpoints and take over when the master fails
 *   --ilol HOST:PORT    the input/output logger to connect to
 *   --cores N           cores (worker threads), default 1
 *   --peer-host ADDR    address of the backup's sockets (default 127.0.0.1;
 *                       a backup binds its own sockets there)
 *   --ckpt-interval-ms M  checkpoint period (default 50)
 *   --hb-interval-ms H  heartbeat period (default 1)
 *   --hb-timeout-ms T   silence after which the master is dead (default 10)
 *   --seed S            RNG seed of the recording (default 1)
 *   --ctl PATH          control socket for ftmbctl
 *   --ckpt-throttle-us U  tests: the checkpoint writer sleeps U us per MiB
 *
 * The master calls mb_init(mb args) before any traffic (unbound: no PAL;
 * the first checkpoint holds what it built). The backup never calls
 * mb_init: its state comes only from a checkpoint.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "middlebox.h"
#include "node.h"
#include "ftmb_state.h"

int node_send(struct node *n, unsigned type, const void *a, size_t alen,
	      const void *b, size_t blen)
{
	int rc;

	if (n->ilol_fd < 0)
		return -1;
	pthread_mutex_lock(&n->send_mu);
	rc = ftmb_msg_send(n->ilol_fd, type, a, alen, b, blen);
	pthread_mutex_unlock(&n->send_mu);
	return rc;
}

void node_realtime(pthread_t t, const char *what)
{
	struct sched_param sp = { .sched_priority = 10 };
	int e = pthread_setschedparam(t, SCHED_FIFO, &sp);

	if (e != 0)
		fprintf(stderr, "ftmb-node: %s thread stays at normal priority (%s): "
				"a loaded machine may delay it\n", what, strerror(e));
}

void node_status(void *arg, const char *cmd, char *out, size_t cap)
{
	struct node *n = arg;
	uint64_t now = ftmb_ckpt_now_ns(CLOCK_REALTIME);
	size_t l = 0;

#define OUT(...) (l += (size_t)snprintf(out + l, l < cap ? cap - l : 0, __VA_ARGS__))
	if (strcmp(cmd, "failover") == 0) {
		if (n->role != FTMB_NODE_MASTER) {
			OUT("error=not the master (role backup): ask the master\n");
			return;
		}
		if (n->ckpt_confirmed == 0) {
			OUT("error=no checkpoint confirmed by a backup yet: refusing\n");
			return;
		}
		n->resign = 1;
		OUT("failover=started\n");
		return;
	}
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "dump") != 0) {
		OUT("error=unknown command '%s'\n", cmd);
		return;
	}
	OUT("role=%s\npid=%d\ncores=%u\n", n->role == FTMB_NODE_MASTER ? "master" : "backup",
	    (int)getpid(), n->o.n_cores);
	if (n->role == FTMB_NODE_MASTER) {
		uint64_t pkts = 0;
		for (unsigned c = 0; c < n->o.n_cores; c++)
			pkts += n->cores[c].pkts;
		OUT("protected=%s\n", n->ckpt_fd >= 0 ? "yes" : "no");
		OUT("packets=%" PRIu64 "\nwatermark=%" PRIu64 "\n", pkts, n->watermark);
		OUT("ckpt_started=%" PRIu64 "\nckpt_confirmed=%" PRIu64 "\n", n->ckpt_seq,
		    n->ckpt_confirmed);
		if (n->ckpt_confirmed_at_ns)
			OUT("ckpt_age_ms=%.1f\n", (double)(now - n->ckpt_confirmed_at_ns) / 1e6);
		OUT("ckpt_stop_us_last=%.1f\nckpt_stop_us_max=%.1f\nckpt_failed=%" PRIu64 "\n",
		    (double)n->ckpt_last_stop_ns / 1e3, (double)n->ckpt_max_stop_ns / 1e3,
		    n->ckpt_failed);
		OUT("pals=%" PRIu64 "\n", ftmb_core_pals_total());
	} else if (n->store != NULL) {
		struct ftmb_ckpt_store_stats st;
		struct ftmb_ckpt_view v;
		ftmb_ckpt_store_get_stats(n->store, &st);
		OUT("master=%s\nhb_max_gap_ms=%.2f\n", ftmb_fd_state_name(n->fd.state),
		    (double)n->fd.max_gap_ns / 1e6);
		if (ftmb_ckpt_store_current(n->store, &v) == 0) {
			OUT("ckpt_seq=%" PRIu64 "\nckpt_bytes=%" PRIu64 "\nckpt_state_bytes=%" PRIu64
			    "\nckpt_age_ms=%.1f\nckpt_watermark=%" PRIu64 "\n",
			    v.hdr->seq, st.last_len, st.last_state_bytes,
			    (double)(now - v.hdr->created_ns) / 1e6, v.meta->input_watermark);
		} else {
			OUT("ckpt_seq=none\n");
		}
		OUT("ckpt_accepted=%" PRIu64 "\nckpt_rejected=%" PRIu64 "\nckpt_aborted=%" PRIu64
		    "\nckpt_receiving_bytes=%" PRIu64 "\n", st.accepted, st.rejected, st.aborted,
		    ftmb_ckpt_store_pending(n->store));
	}
	OUT("failovers=%" PRIu64 "\n", n->failovers);
	if (n->failovers) {
		OUT("last_failover_age_ms=%.1f\nlast_failover_detect_ms=%.2f\n"
		    "last_failover_restore_ms=%.2f\nlast_failover_ckpt=%" PRIu64 "\n",
		    (double)(now - n->last_failover_realtime_ns) / 1e6,
		    (double)n->last_recovery.detect_ns / 1e6,
		    (double)n->last_recovery.restore_ns / 1e6, n->last_recovery.ckpt_seq);
	}
	if (strcmp(cmd, "dump") == 0 && n->role == FTMB_NODE_MASTER)
		OUT("state_digest=%08x\n", ftmb_ckpt_state_digest());
#undef OUT
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s --role master|backup --ilol HOST:PORT [--cores N] [--peer-host ADDR]\n"
		   "       [--ckpt-interval-ms M] [--hb-interval-ms H] [--hb-timeout-ms T] [--seed S]\n"
		   "       [--ctl PATH] [--ckpt-throttle-us U] [-- middlebox args]\n", prog);
}

static int parse_uint(const char *s, const char *what, unsigned long long max,
		      unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > max || s[0] == '-' ||
	    (v == 0 && strcmp(what, "--seed") != 0 && strcmp(what, "--ckpt-throttle-us") != 0)) {
		fprintf(stderr, "ftmb-node: bad %s '%s'\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct node_opts *o)
{
	static const struct option lo[] = {
		{ "role", required_argument, 0, 'r' },
		{ "ilol", required_argument, 0, 'i' },
		{ "cores", required_argument, 0, 'c' },
		{ "peer-host", required_argument, 0, 'p' },
		{ "ckpt-interval-ms", required_argument, 0, 'k' },
		{ "hb-interval-ms", required_argument, 0, 'b' },
		{ "hb-timeout-ms", required_argument, 0, 't' },
		{ "seed", required_argument, 0, 's' },
		{ "ctl", required_argument, 0, 'C' },
		{ "ckpt-throttle-us", required_argument, 0, 'T' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	unsigned long long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->n_cores = 1;
	o->peer_host = "127.0.0.1";
	o->ckpt_interval_ms = 50;
	o->hb_interval_ms = 1;
	o->hb_timeout_ms = 10;
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "master") == 0)
				o->role = FTMB_NODE_MASTER;
			else if (strcmp(optarg, "backup") == 0)
				o->role = FTMB_NODE_BACKUP;
			else {
				fprintf(stderr, "ftmb-node: bad role '%s' (master, backup)\n", optarg);
				return -1;
			}
			break;
		case 'i': {
			char *colon = strrchr(optarg, ':');
			if (colon == NULL) {
				fprintf(stderr, "ftmb-node: --ilol wants HOST:PORT, got '%s'\n", optarg);
				return -1;
			}
			*colon = 0;
			o->ilol_host = optarg;
			if (parse_uint(colon + 1, "port", 65535, &v) < 0)
				return -1;
			o->ilol_port = (uint16_t)v;
			break;
		}
		case 'c':
			if (parse_uint(optarg, "--cores", FTMB_CKPT_MAX_CORES, &v) < 0)
				return -1;
			o->n_cores = (unsigned)v;
			break;
		case 'p': o->peer_host = optarg; break;
		case 'k':
			if (parse_uint(optarg, "--ckpt-interval-ms", 3600000, &v) < 0)
				return -1;
			o->ckpt_interval_ms = (unsigned)v;
			break;
		case 'b':
			if (parse_uint(optarg, "--hb-interval-ms", 60000, &v) < 0)
				return -1;
			o->hb_interval_ms = (unsigned)v;
			break;
		case 't':
			if (parse_uint(optarg, "--hb-timeout-ms", 600000, &v) < 0)
				return -1;
			o->hb_timeout_ms = (unsigned)v;
			break;
		case 's':
			if (parse_uint(optarg, "--seed", UINT64_MAX, &v) < 0)
				return -1;
			o->seed = v;
			break;
		case 'C': o->ctl_path = optarg; break;
		case 'T':
			if (parse_uint(optarg, "--ckpt-throttle-us", 1000000, &v) < 0)
				return -1;
			o->ckpt_throttle_us = (unsigned)v;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (o->role == 0 || o->ilol_host == NULL) {
		usage(stderr, argv[0]);
		return -1;
	}
	if (o->hb_timeout_ms <= o->hb_interval_ms) {
		fprintf(stderr, "ftmb-node: --hb-timeout-ms (%u) must exceed --hb-interval-ms (%u)\n",
			o->hb_timeout_ms, o->hb_interval_ms);
		return -1;
	}
	o->mb_argc = argc - optind + 1;
	o->mb_argv = argv + optind - 1;   /* argv[0] of the middlebox: the "--" slot */
	o->mb_argv[0] = argv[0];
	return 0;
}

int main(int argc, char **argv)
{
	static struct node node;
	struct node *n = &node;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (parse_opts(argc, argv, &n->o) < 0)
		return 2;
	/* Own process group: "the machine dies" = kill the group, which
	 * takes a checkpoint child with it. */
	setpgid(0, 0);
	pthread_mutex_init(&n->send_mu, NULL);
	pthread_mutex_init(&n->idle_mu, NULL);
	pthread_cond_init(&n->idle_cv, NULL);
	pthread_mutex_init(&n->status_mu, NULL);
	n->ckpt_fd = -1;
	n->ckpt_listen_fd = -1;
	n->ckpt_conn_fd = -1;
	n->hb_rx_fd = -1;
	n->role = n->o.role;
	for (unsigned c = 0; c < n->o.n_cores; c++) {
		struct node_core *nc = &n->cores[c];
		nc->idx = c;
		pthread_mutex_init(&nc->q.mu, NULL);
		pthread_cond_init(&nc->q.cv, NULL);
		/* Queues are not middlebox state: keep them out of the checkpoint
		 * fork (their page tables would lengthen the stop). */
		nc->q.slots = mmap(NULL, NODE_QUEUE_CAP * sizeof(struct node_pkt),
				   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (nc->q.slots == MAP_FAILED ||
		    madvise(nc->q.slots, NODE_QUEUE_CAP * sizeof(struct node_pkt), MADV_DONTFORK) != 0) {
			fprintf(stderr, "ftmb-node: out of memory\n");
			return 1;
		}
	}
	ftmb_msg_reader_init(&n->ilol_rd);
	n->ilol_fd = ftmb_tcp_connect(n->o.ilol_host, n->o.ilol_port, 5000);
	if (n->ilol_fd < 0) {
		fprintf(stderr, "ftmb-node: cannot connect to the IL/OL at %s:%u: %s\n",
			n->o.ilol_host, n->o.ilol_port, strerror(errno));
		return 1;
	}
	if (n->o.ctl_path != NULL) {
		n->ctl = ftmb_ctl_start(n->o.ctl_path, node_status, n);
		if (n->ctl == NULL) {
			fprintf(stderr, "ftmb-node: control socket %s: %s\n", n->o.ctl_path,
				strerror(errno));
			return 1;
		}
	}

	if (n->o.role == FTMB_NODE_MASTER) {
		struct ftmb_m_hello hello = { FTMB_NODE_MASTER, n->o.n_cores, (uint32_t)getpid(), 0, 0 };
		if (ftmb_core_init(n->o.n_cores, n->o.seed, FTMB_MODE_RECORD) < 0 ||
		    ftmb_arena_init(0) < 0)
			return 1;
		if (ftmb_ckpt_arena_hugepages() < 0)
			fprintf(stderr, "ftmb-node: no huge pages for the arena: checkpoint stops "
					"will be longer\n");
		if (mb_init(n->o.mb_argc, n->o.mb_argv, n->o.n_cores) < 0) {
			fprintf(stderr, "ftmb-node: mb_init failed\n");
			return 1;
		}
		if (node_master_start(n) < 0)
			return 1;
		node_send(n, FTMB_M_HELLO, &hello, sizeof(hello), NULL, 0);
	} else {
		node_realtime(pthread_self(), "failure detector");
		if (node_backup_loop(n) < 0)
			return 1;
	}
	rc = node_master_loop(n);
	/* Leave: stop the workers so the process exits cleanly. */
	n->stopping = 1;
	for (unsigned c = 0; c < n->o.n_cores; c++) {
		pthread_mutex_lock(&n->cores[c].q.mu);
		pthread_cond_broadcast(&n->cores[c].q.cv);
		pthread_mutex_unlock(&n->cores[c].q.mu);
	}
	if (n->workers_running)
		for (unsigned c = 0; c < n->o.n_cores; c++)
			pthread_join(n->cores[c].thr, NULL);
	if (n->hb_running)
		pthread_join(n->hb_thr, NULL);
	ftmb_ctl_stop(n->ctl);
	return rc < 0 ? 1 : 0;
}
