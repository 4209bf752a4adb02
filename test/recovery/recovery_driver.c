/*
 * recovery_driver.c: fault injection with real processes. Plays the input
 * logger and the output logger (with libftmb_core's release check and
 * duplicate suppression, ftmb_release.h), starts a master and a backup
 * (the recovery node hosting a middlebox), sends traffic, kills the master
 * (its whole process group, checkpoint child included) with SIGKILL at a
 * chosen kind of moment, lets the backup take over, starts a fresh backup,
 * and checks the outcome against the trace.
 *
 *   recovery_driver --node PATH [--cores N] [--packets P] [--flows F]
 *       [--seeds A-B | --seed S] [--kills K] [--mode burst|release|ckpt|planned|mix]
 *       [--ckpt-interval-ms M] [--hb-timeout-ms T] [--burst B] [--ballast-mb X]
 *       [--throttle-us U] [--rate PPS] [--reference] [--ctl-dir DIR]
 *       [--ftmbctl PATH] [--csv] [-v]
 *       [--trace-dir DIR [--outputs-dir DIR] [--mb-args "ARGS"]]
 *
 * Generic traffic (--trace-dir, for middleboxes other than a NAT): the
 * input of seed S is DIR/trace-S.txt, one packet a line, "<in_port> <hex
 * frame>" ('#' lines ignored). A packet may then have any number of
 * outputs or none (NOOUT), and the NAT checks below give way to generic
 * ones: no (packet, output index) released twice, every suppressed
 * duplicate byte-identical to the released copy, a released packet never
 * reported without output by a later master, every packet decided (outputs
 * or NOOUT) and nothing left held at the end. The run's outcome goes to
 * --outputs-dir/out-S.txt (out-S.ref.txt for the --reference run): "out
 * <pkt_id> <out_idx> <port> <hex>" per release in release order, "drop
 * <pkt_id>" per packet without output, "dump <text>" and "digest <hex>",
 * for a per-middlebox checker. --mb-args are the middlebox's arguments.
 *
 * Checks after each run (any failure: exit 1 with the reason):
 *   - every input packet's output released exactly once (none lost, none
 *     duplicated; duplicates the OL suppressed after replay must carry the
 *     same bytes as the copy released before the failure);
 *   - NAT: one public port per flow for the whole run, no port for two flows;
 *   - counters exact: total == packets, per-bucket monitor counts equal
 *     what the trace and the observed mapping imply, flows == flows seen;
 *   - --reference (meaningful with --cores 1): a failure-free run over the
 *     same input ends with a byte-identical state (same state digest).
 * Timing (stderr, and --csv rows): kill -> first packet released by the
 * new master, split into detection, restore and the rest (cut + replay).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ftmb_ckpt_store.h"
#include "ftmb_ctl.h"
#include "ftmb_msg.h"
#include "ftmb_release.h"

enum kill_mode { KM_BURST, KM_RELEASE, KM_CKPT, KM_PLANNED, KM_MIX };

struct opts {
	const char *node;
	unsigned cores, flows, kills, burst, ckpt_ms, hb_timeout_ms, ballast_mb, throttle_us;
	uint64_t rate;                 /* packets per second offered (0: as fast as possible) */
	uint64_t packets, seed_lo, seed_hi;
	enum kill_mode mode;
	int reference, verbose, csv;
	const char *ctl_dir;
	const char *ctlbin;
	const char *trace_dir, *outputs_dir, *mb_args;   /* generic traffic */
};

/* Generic traffic: one input packet of a trace file. */
struct trace_pkt {
	uint16_t in_port, len;
	uint8_t *data;
};
/* Generic traffic: an output held by the OL (the pointer ftmb_ol_hold keeps). */
struct gen_out {
	uint16_t len, port;
	uint8_t data[];
};
#define GEN_MAX_OUT 8   /* outputs per packet tracked by the generic checks */

struct conn {
	int fd;
	struct ftmb_msg_reader rd;
	int role;          /* 0 until HELLO */
	pid_t pid;
	struct ftmb_m_hello hello;
};

#define MAX_CONNS 8

struct run {
	const struct opts *o;
	uint64_t seed;
	unsigned kills_left;
	enum kill_mode mode;
	/* trace */
	uint32_t *flow_of;           /* [pkt_id] */
	uint64_t *flow_pkts;         /* [flow]   */
	/* IL */
	uint64_t next_id;            /* next packet id to send (1..P) */
	uint64_t il_low;             /* log trimmed up to this id     */
	/* OL */
	struct ftmb_ol *ol;
	uint8_t *released;           /* [pkt_id] times released       */
	uint16_t *rel_port;          /* [pkt_id] public port released */
	uint64_t n_released, n_suppressed;
	int32_t *port_of_flow;       /* [flow] or -1                  */
	int32_t *flow_of_port;       /* [port] or -1                  */
	/* processes */
	struct conn conns[MAX_CONNS];
	int master, backup;          /* conn index or -1              */
	pid_t master_pid, backup_pid;
	pid_t spawned[16];
	unsigned n_spawned;
	uint64_t covers;             /* COVERs since the last takeover/start */
	int recovering;              /* TAKEOVER seen, CUT not yet    */
	int kill_armed;
	int master_dead;             /* killed, takeover not finished */
	uint64_t ckpt_kill_ns;       /* mode ckpt: kill at this time  */
	uint64_t t_start;            /* first packet due (paced runs) */
	uint64_t partial_runs;       /* takeovers that discarded a half-received checkpoint */
	uint64_t kill_at;
	uint64_t t_kill;
	int awaiting_first_release;
	uint64_t first_release_ns;
	struct ftmb_m_recovered rec;
	uint64_t recovery_ms_sum, recoveries;
	/* results */
	char dump[4096];
	uint32_t digest;
	int have_dump, dump_requested;
	char failure[512];
	uint64_t rng;
	/* generic traffic (--trace-dir) */
	struct opts ogen;            /* o with packets = the trace's length */
	struct trace_pkt *trace;     /* [pkt_id]                      */
	uint64_t trace_n;            /* entries of trace loaded       */
	uint64_t *gen_hash;          /* [pkt_id * GEN_MAX_OUT + idx] FNV of the released frame, 0 = none */
	uint8_t *gen_noout;          /* [pkt_id] NOOUT from the current lineage */
	uint8_t *gen_any;            /* [pkt_id] some output released */
	uint64_t gen_decided;        /* packets with gen_any or gen_noout */
	FILE *gen_out;               /* --outputs-dir file, or NULL   */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd(struct run *r)
{
	r->rng += 0x9e3779b97f4a7c15ull;
	uint64_t z = r->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;
	if (r->failure[0])
		return;   /* keep the first */
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

static uint16_t listen_port;
static uint64_t partial_total;   /* over all runs */

/* What `ftmbctl status` shows of the IL/OL (copied by the main loop under
 * snap_mu; the control thread only reads the copy). */
static pthread_mutex_t snap_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t snap_last_first_release;
static struct {
	uint64_t seed;
	int master_pid, backup_pid;
	uint64_t sent, il_low, il_log_packets;
	uint64_t ol_pals, ol_held, released, suppressed;
	uint64_t failovers;
	double last_recovery_ms;
	int recovering;
} snap;

static void ilol_status(void *arg, const char *cmd, char *out, size_t cap)
{
	(void)arg;
	if (strcmp(cmd, "status") != 0) {
		snprintf(out, cap, "error=the IL/OL answers status only\n");
		return;
	}
	pthread_mutex_lock(&snap_mu);
	snprintf(out, cap,
		 "role=ilol\npid=%d\nseed=%" PRIu64 "\nmaster_pid=%d\nbackup_pid=%d\n"
		 "recovering=%d\nil_sent=%" PRIu64 "\nil_trimmed_upto=%" PRIu64
		 "\nil_log_packets=%" PRIu64 "\nil_log_bytes=%" PRIu64 "\nol_pals_stored=%" PRIu64
		 "\nol_pal_bytes=%" PRIu64 "\nol_held=%" PRIu64 "\nol_released=%" PRIu64
		 "\nol_suppressed=%" PRIu64 "\nfailovers=%" PRIu64 "\nlast_recovery_ms=%.2f\n",
		 (int)getpid(), snap.seed, snap.master_pid, snap.backup_pid, snap.recovering,
		 snap.sent, snap.il_low, snap.il_log_packets, snap.il_log_packets * (64u + 24u),
		 snap.ol_pals, snap.ol_pals * 24u, snap.ol_held, snap.released, snap.suppressed,
		 snap.failovers, snap.last_recovery_ms);
	pthread_mutex_unlock(&snap_mu);
}

static void take_snapshot(const struct run *r)
{
	uint64_t pals = 0, held = 0;

	for (unsigned c = 0; c < r->o->cores; c++) {
		uint64_t first;
		size_t n;
		ftmb_ol_pals(r->ol, c, &first, &n);
		pals += n;
		held += ftmb_ol_held(r->ol, c);
	}
	pthread_mutex_lock(&snap_mu);
	snap.seed = r->seed;
	snap.master_pid = r->master >= 0 ? (int)r->master_pid : 0;
	snap.backup_pid = r->backup >= 0 ? (int)r->backup_pid : 0;
	snap.recovering = r->recovering;
	snap.sent = r->next_id - 1;
	snap.il_low = r->il_low;
	snap.il_log_packets = r->next_id - 1 - r->il_low;
	snap.ol_pals = pals;
	snap.ol_held = held;
	snap.released = r->n_released;
	snap.suppressed = r->n_suppressed;
	if (r->first_release_ns && r->t_kill && r->first_release_ns > r->t_kill) {
		snap.last_recovery_ms = (double)(r->first_release_ns - r->t_kill) / 1e6;
		if (r->first_release_ns != snap_last_first_release) {
			snap_last_first_release = r->first_release_ns;
			snap.failovers++;
		}
	}
	pthread_mutex_unlock(&snap_mu);
}

/* Recovery time split of each run with a failure (for --csv). */
struct split { double total, detect, restore, cut, replay; };
#define MAX_SPLIT 1024
static struct split splits[MAX_SPLIT];
static unsigned n_split;

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_of(size_t off)
{
	double v[MAX_SPLIT];
	for (unsigned i = 0; i < n_split; i++)
		v[i] = *(const double *)((const char *)&splits[i] + off);
	qsort(v, n_split, sizeof(v[0]), cmp_d);
	return v[n_split / 2];
}

/* ------------------------------------------------------------ trace */

static void build_frame(const struct run *r, uint64_t id, uint8_t *f, uint16_t *len)
{
	uint32_t flow = r->flow_of[id];
	uint32_t sip = 0x0a000000u | (flow + 1), dip = 0xc0000200u | (flow % 7 + 1);
	uint16_t sp = (uint16_t)(10000 + flow), dp = 53;

	memset(f, 0, 64);
	f[0] = 0x02; f[6] = 0x02; f[11] = 1;
	f[12] = 0x08; f[13] = 0x00;
	f[14] = 0x45; f[16] = 0; f[17] = 50; f[22] = 64; f[23] = 17;
	f[26] = (uint8_t)(sip >> 24); f[27] = (uint8_t)(sip >> 16); f[28] = (uint8_t)(sip >> 8); f[29] = (uint8_t)sip;
	f[30] = (uint8_t)(dip >> 24); f[31] = (uint8_t)(dip >> 16); f[32] = (uint8_t)(dip >> 8); f[33] = (uint8_t)dip;
	f[34] = (uint8_t)(sp >> 8); f[35] = (uint8_t)sp; f[36] = (uint8_t)(dp >> 8); f[37] = (uint8_t)dp;
	f[39] = 30;   /* UDP length: 8 + 22 bytes of payload (IP total length 50) */
	memcpy(f + 42, &id, sizeof(id));
	*len = 64;
}

/* ------------------------------------------------------------ processes */

static pid_t spawn_node(struct run *r, const char *role, uint16_t port)
{
	const struct opts *o = r->o;
	char portarg[32], cores[16], ck[16], hbt[16], seed[32], thr[16], ballast[16], ctl[512];
	char *argv[32];
	int a = 0;
	pid_t pid;

	snprintf(portarg, sizeof(portarg), "127.0.0.1:%u", port);
	snprintf(cores, sizeof(cores), "%u", o->cores);
	snprintf(ck, sizeof(ck), "%u", o->ckpt_ms);
	snprintf(hbt, sizeof(hbt), "%u", o->hb_timeout_ms);
	snprintf(seed, sizeof(seed), "%" PRIu64, r->seed);
	snprintf(thr, sizeof(thr), "%u", o->throttle_us);
	snprintf(ballast, sizeof(ballast), "%u", o->ballast_mb);
	argv[a++] = (char *)o->node;
	argv[a++] = "--role"; argv[a++] = (char *)role;
	argv[a++] = "--ilol"; argv[a++] = portarg;
	argv[a++] = "--cores"; argv[a++] = cores;
	argv[a++] = "--ckpt-interval-ms"; argv[a++] = ck;
	argv[a++] = "--hb-timeout-ms"; argv[a++] = hbt;
	argv[a++] = "--seed"; argv[a++] = seed;
	argv[a++] = "--ckpt-throttle-us"; argv[a++] = thr;
	if (o->ctl_dir) {
		snprintf(ctl, sizeof(ctl), "%s/%s-%u.sock", o->ctl_dir, role, r->n_spawned);
		argv[a++] = "--ctl"; argv[a++] = ctl;
	}
	argv[a++] = "--";
	if (o->ballast_mb) {
		argv[a++] = "--ballast-mb"; argv[a++] = ballast;
	}
	char mbargs[512];
	if (o->mb_args) {   /* the middlebox's own arguments, split at spaces */
		snprintf(mbargs, sizeof(mbargs), "%s", o->mb_args);
		for (char *sv, *t = strtok_r(mbargs, " ", &sv); t && a < 31; t = strtok_r(NULL, " ", &sv))
			argv[a++] = t;
	}
	argv[a] = NULL;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (!o->verbose) {
			/* Keep the node's diagnostics only when asked. */
			FILE *f = freopen("/dev/null", "w", stderr);
			(void)f;
		}
		execv(o->node, argv);
		perror("execv");
		_exit(127);
	}
	if (pid > 0) {
		setpgid(pid, pid);
		if (r->n_spawned < 16)
			r->spawned[r->n_spawned++] = pid;
	}
	return pid;
}

static void kill_group(pid_t pid)
{
	if (pid > 0)
		kill(-pid, SIGKILL);
}

static void reap_all(struct run *r)
{
	for (unsigned i = 0; i < r->n_spawned; i++) {
		pid_t p = r->spawned[i];
		int st;
		if (p <= 0)
			continue;
		for (int k = 0; k < 50; k++) {    /* up to 0.5 s for a clean exit */
			if (waitpid(p, &st, WNOHANG) != 0)
				goto reaped;
			usleep(10000);
		}
		kill_group(p);
		waitpid(p, &st, 0);
reaped:
		kill_group(p);   /* a straggling checkpoint child */
		r->spawned[i] = 0;
		if (r->o->ctl_dir) {   /* a killed node leaves its socket file */
			char path[600];
			snprintf(path, sizeof(path), "%s/master-%u.sock", r->o->ctl_dir, i);
			unlink(path);
			snprintf(path, sizeof(path), "%s/backup-%u.sock", r->o->ctl_dir, i);
			unlink(path);
		}
	}
}

static void close_conn(struct run *r, int i)
{
	if (r->conns[i].fd >= 0)
		close(r->conns[i].fd);
	ftmb_msg_reader_free(&r->conns[i].rd);
	r->conns[i].fd = -1;
	r->conns[i].role = 0;
	if (r->master == i)
		r->master = -1;
	if (r->backup == i)
		r->backup = -1;
}

/* ------------------------------------------------------------ IL */

static int send_pkt(struct run *r, uint64_t id)
{
	struct ftmb_m_pkt h = { .pkt_id = id, .ts_ns = id * 1000u, .in_port = 0 };
	uint8_t f[64];

	if (r->trace) {
		h.in_port = r->trace[id].in_port;
		h.len = r->trace[id].len;
		return ftmb_msg_send(r->conns[r->master].fd, FTMB_M_PKT, &h, sizeof(h),
				     r->trace[id].data, h.len);
	}
	build_frame(r, id, f, &h.len);
	return ftmb_msg_send(r->conns[r->master].fd, FTMB_M_PKT, &h, sizeof(h), f, h.len);
}

/* ------------------------------------------------------------ OL */

static uint64_t fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h | 1;   /* never 0 (0 = not released) */
}

/* Generic traffic: any number of outputs per packet. */
static void on_release_generic(struct run *r, uint64_t pkt_id, uint32_t out_idx,
			       struct gen_out *g, int duplicate)
{
	if (pkt_id == 0 || pkt_id > r->o->packets || out_idx >= GEN_MAX_OUT) {
		fail(r, "released output of unknown packet %" PRIu64 "/%u", pkt_id, out_idx);
		free(g);
		return;
	}
	uint64_t h = fnv64(g->data, g->len), *slot = &r->gen_hash[pkt_id * GEN_MAX_OUT + out_idx];
	if (duplicate) {
		r->n_suppressed++;
		if (*slot != h)
			fail(r, "replayed output %" PRIu64 "/%u differs from the released one",
			     pkt_id, out_idx);
		free(g);
		return;
	}
	if (*slot)
		fail(r, "output %" PRIu64 "/%u released twice", pkt_id, out_idx);
	*slot = h;
	r->n_released++;
	if (!r->gen_any[pkt_id]) {
		r->gen_any[pkt_id] = 1;
		if (r->gen_noout[pkt_id])
			fail(r, "packet %" PRIu64 " released after a NOOUT", pkt_id);
		else
			r->gen_decided++;
	}
	if (r->gen_out) {
		fprintf(r->gen_out, "out %" PRIu64 " %u %u ", pkt_id, out_idx, g->port);
		for (unsigned i = 0; i < g->len; i++)
			fprintf(r->gen_out, "%02x", g->data[i]);
		fputc('\n', r->gen_out);
	}
	if (r->awaiting_first_release) {
		r->awaiting_first_release = 0;
		r->first_release_ns = mono_ns();
	}
	free(g);
}

static void on_release(void *arg, unsigned core, uint64_t pkt_id, uint32_t out_idx, void *pkt,
		       int duplicate)
{
	struct run *r = arg;
	if (r->trace) {
		on_release_generic(r, pkt_id, out_idx, pkt, duplicate);
		return;
	}
	uint8_t *f = pkt;
	uint16_t port = (uint16_t)(f[34] << 8 | f[35]);
	(void)core;

	if (pkt_id == 0 || pkt_id > r->o->packets || out_idx != 0) {
		fail(r, "released output of unknown packet %" PRIu64 "/%u", pkt_id, out_idx);
		free(pkt);
		return;
	}
	if (duplicate) {
		/* Replay re-created an output released before the failure: it
		 * must be the same packet. */
		r->n_suppressed++;
		if (r->rel_port[pkt_id] != port)
			fail(r, "replayed output of packet %" PRIu64 " differs from the released one "
				"(port %u, was %u)", pkt_id, port, r->rel_port[pkt_id]);
		free(pkt);
		return;
	}
	if (r->released[pkt_id]++)
		fail(r, "packet %" PRIu64 " released twice", pkt_id);
	r->rel_port[pkt_id] = port;
	r->n_released++;
	uint32_t flow = r->flow_of[pkt_id];
	if (r->port_of_flow[flow] < 0) {
		if (r->flow_of_port[port] >= 0)
			fail(r, "port %u given to flows %d and %u", port, r->flow_of_port[port], flow);
		r->port_of_flow[flow] = port;
		r->flow_of_port[port] = (int32_t)flow;
	} else if (r->port_of_flow[flow] != port) {
		fail(r, "flow %u changed mapping: port %d then %u (packet %" PRIu64 ")", flow,
		     r->port_of_flow[flow], port, pkt_id);
	}
	if (r->awaiting_first_release) {
		r->awaiting_first_release = 0;
		r->first_release_ns = mono_ns();
	}
	free(pkt);
}

static void ol_message(struct run *r, const struct ftmb_msg *m, const uint8_t *p)
{
	switch (m->type) {
	case FTMB_M_PALS: {
		struct ftmb_m_pals h;
		if (m->len < sizeof(h))
			goto bad;
		memcpy(&h, p, sizeof(h));
		if (m->len != sizeof(h) + (uint64_t)h.count * sizeof(struct ftmb_pal) || h.count == 0)
			goto bad;
		struct ftmb_pal *pals = malloc((size_t)h.count * sizeof(*pals));
		memcpy(pals, p + sizeof(h), (size_t)h.count * sizeof(*pals));
		int res = ftmb_ol_pal_batch(r->ol, h.core, h.first_pos, h.count, pals);
		if (res == FTMB_BATCH_GAP || res < 0)
			fail(r, "PAL batch of core %u at %" PRIu64 " refused (%d): the stream has a gap",
			     h.core, h.first_pos, res);
		free(pals);
		break;
	}
	case FTMB_M_OUTPUT: {
		struct ftmb_m_output h;
		if (m->len < sizeof(h))
			goto bad;
		memcpy(&h, p, sizeof(h));
		if (h.n_vec != r->o->cores ||
		    m->len != sizeof(h) + (uint64_t)h.n_vec * 8u + h.len || h.len < (r->trace ? 14 : 64))
			goto bad;
		uint64_t V[128];
		memcpy(V, p + sizeof(h), (size_t)h.n_vec * 8u);
		void *f;
		if (r->trace) {
			struct gen_out *g = malloc(sizeof(*g) + h.len);
			g->len = h.len;
			g->port = h.port;
			memcpy(g->data, p + sizeof(h) + (size_t)h.n_vec * 8u, h.len);
			f = g;
		} else {
			f = malloc(h.len);
			memcpy(f, p + sizeof(h) + (size_t)h.n_vec * 8u, h.len);
		}
		if (ftmb_ol_hold(r->ol, h.core, h.pkt_id, h.out_idx, V, f) < 0) {
			fail(r, "OL hold FIFO full");
			free(f);
		}
		break;
	}
	case FTMB_M_NOOUT: {
		struct ftmb_m_noout h;
		if (m->len != sizeof(h))
			goto bad;
		memcpy(&h, p, sizeof(h));
		ftmb_ol_no_output(r->ol, h.core, h.pkt_id);
		if (r->trace) {
			if (h.pkt_id == 0 || h.pkt_id > r->o->packets)
				fail(r, "NOOUT of unknown packet %" PRIu64, h.pkt_id);
			else if (r->gen_any[h.pkt_id])
				fail(r, "packet %" PRIu64 " released, then reported without output",
				     h.pkt_id);
			else if (!r->gen_noout[h.pkt_id]) {
				r->gen_noout[h.pkt_id] = 1;
				r->gen_decided++;
			}
			break;
		}
		fail(r, "packet %" PRIu64 " produced no output (the NAT drops nothing)", h.pkt_id);
		break;
	}
	}
	return;
bad:
	fail(r, "malformed message %u (%u bytes) from the master", m->type, m->len);
}

/* ------------------------------------------------------------ control */

static void do_kill(struct run *r)
{
	if (r->mode == KM_PLANNED) {
		char cmd[1024], path[512];
		snprintf(path, sizeof(path), "%s/master-%u.sock", r->o->ctl_dir, 0u);
		/* The master's control socket is named by spawn order; find it by pid. */
		for (unsigned i = 0; i < r->n_spawned; i++)
			if (r->spawned[i] == r->master_pid) {
				snprintf(path, sizeof(path), "%s/master-%u.sock", r->o->ctl_dir, i);
				if (access(path, F_OK) != 0)
					snprintf(path, sizeof(path), "%s/backup-%u.sock", r->o->ctl_dir, i);
			}
		snprintf(cmd, sizeof(cmd), "%s -s %s failover 2>/dev/null | grep -q failover=started", r->o->ctlbin,
			 path);
		/* The master may not have its first COVER yet: retry briefly. */
		int tries = 0;
		while (system(cmd) != 0 && ++tries < 100)
			usleep(5000);
		if (tries == 100)
			fail(r, "ftmbctl failover failed (%s)", path);
	} else {
		kill_group(r->master_pid);
	}
	r->t_kill = mono_ns();
	r->first_release_ns = 0;   /* measured anew for this failure */
	r->kill_armed = 0;
	r->ckpt_kill_ns = 0;
	r->master_dead = 1;   /* no new kill until the takeover is over */
	r->kills_left--;
	if (r->o->verbose)
		fprintf(stderr, "driver: seed %" PRIu64 ": %s master %d after packet %" PRIu64 "\n",
			r->seed, r->mode == KM_PLANNED ? "failover of" : "killed", (int)r->master_pid,
			r->next_id - 1);
}

static void on_takeover(struct run *r, int ci, const uint8_t *p, uint32_t len)
{
	struct ftmb_ckpt_cover cov;

	if (len != sizeof(cov)) {
		fail(r, "bad TAKEOVER");
		return;
	}
	memcpy(&cov, p, sizeof(cov));
	/* The old master: what reached us is what we have (drain to EOF). */
	if (r->master >= 0) {
		struct conn *mc = &r->conns[r->master];
		if (r->mode != KM_PLANNED || r->t_kill == 0)
			kill_group(r->master_pid);   /* fail-stop: fence it */
		for (;;) {
			struct ftmb_msg m;
			const uint8_t *q;
			while (ftmb_msg_next(&mc->rd, &m, &q) == 1)
				ol_message(r, &m, q);
			struct pollfd pf = { mc->fd, POLLIN, 0 };
			if (poll(&pf, 1, 2000) <= 0 || ftmb_msg_fill(&mc->rd, mc->fd) <= 0)
				break;
		}
		close_conn(r, r->master);
	}
	if (r->t_kill == 0)
		r->t_kill = mono_ns();   /* a failover nobody asked for */
	ftmb_ol_release_poll_all(r->ol, on_release, r);
	for (unsigned c = 0; c < cov.n_cores; c++) {
		uint64_t first;
		size_t n;
		const struct ftmb_pal *pals = ftmb_ol_pals(r->ol, c, &first, &n);
		struct ftmb_m_pals h = { c, 0, cov.max[c] };
		if (first > cov.max[c]) {
			fail(r, "OL trimmed core %u beyond the checkpoint (%" PRIu64 " > %" PRIu64 ")", c,
			     first, cov.max[c]);
			return;
		}
		uint64_t skip = cov.max[c] - first;
		if (skip > n)
			skip = n;
		h.count = (uint32_t)(n - skip);
		ftmb_msg_send(r->conns[ci].fd, FTMB_M_CUT_PALS, &h, sizeof(h), pals + skip,
			      (size_t)h.count * sizeof(*pals));
	}
	ftmb_msg_send(r->conns[ci].fd, FTMB_M_CUT_END, NULL, 0, NULL, 0);
	r->il_low = cov.watermark;
	r->recovering = 1;
}

static void on_cut(struct run *r, int ci, const uint8_t *p, uint32_t len)
{
	struct ftmb_m_cut cut;

	if (len != sizeof(cut) || !r->recovering) {
		fail(r, "bad CUT");
		return;
	}
	memcpy(&cut, p, sizeof(cut));
	for (unsigned c = 0; c < cut.n_cores; c++)
		ftmb_ol_truncate(r->ol, c, cut.keep_end[c]);
	/* The backup is the master now: replay the log after the checkpoint. */
	r->master = ci;
	r->master_pid = r->conns[ci].pid;
	r->backup = -1;
	r->recovering = 0;
	r->covers = 0;
	r->master_dead = 0;
	r->kill_armed = 0;
	r->dump_requested = 0;   /* a request the old master never answered */
	r->awaiting_first_release = 1;
	for (uint64_t id = r->il_low + 1; r->trace && id < r->next_id; id++)
		if (r->gen_noout[id]) {   /* replay decides these again */
			r->gen_noout[id] = 0;
			r->gen_decided--;
		}
	for (uint64_t id = r->il_low + 1; id < r->next_id; id++)
		if (send_pkt(r, id) < 0) {
			fail(r, "cannot replay to the new master");
			return;
		}
	/* Protect it again with a fresh backup; the next kill comes later. */
	r->kill_at = r->next_id + 1 + rnd(r) % (r->o->packets / 4 + 1);
	if (r->next_id <= r->o->packets || r->kills_left > 0)
		r->backup_pid = spawn_node(r, "backup", listen_port);
}

static void node_message(struct run *r, int ci, const struct ftmb_msg *m, const uint8_t *p)
{
	struct conn *c = &r->conns[ci];

	switch (m->type) {
	case FTMB_M_HELLO:
		if (m->len != sizeof(c->hello)) {
			fail(r, "bad HELLO");
			return;
		}
		memcpy(&c->hello, p, sizeof(c->hello));
		c->role = (int)c->hello.role;
		c->pid = (pid_t)c->hello.pid;
		if (c->role == FTMB_NODE_MASTER && r->master < 0) {
			r->master = ci;
			r->master_pid = c->pid;
		} else if (c->role == FTMB_NODE_BACKUP) {
			r->backup = ci;
			r->backup_pid = c->pid;
			r->covers = 0;
		}
		if (r->master >= 0 && r->backup >= 0)
			ftmb_msg_send(r->conns[r->master].fd, FTMB_M_NEW_BACKUP, &r->conns[r->backup].hello,
				      sizeof(struct ftmb_m_hello), NULL, 0);
		break;
	case FTMB_M_PALS:
	case FTMB_M_OUTPUT:
	case FTMB_M_NOOUT:
		if (ci == r->master)
			ol_message(r, m, p);
		break;
	case FTMB_M_COVER: {
		struct ftmb_ckpt_cover cov;
		if (m->len != sizeof(cov) || ci != r->backup)
			break;
		memcpy(&cov, p, sizeof(cov));
		/* The checkpoint is safe at the backup: trim the logs. */
		r->il_low = cov.watermark;
		for (unsigned k = 0; k < cov.n_cores; k++)
			ftmb_ol_trim(r->ol, k, cov.max[k]);
		ftmb_ol_released_forget_below(r->ol, cov.watermark + 1);
		r->covers++;
		break;
	}
	case FTMB_M_CKPT_BEGIN:
		/* Kill while the forked writer streams: at once or up to 3 ms on. */
		if (r->kill_armed && r->mode == KM_CKPT && r->covers > 0 && r->ckpt_kill_ns == 0)
			r->ckpt_kill_ns = mono_ns() + rnd(r) % 3000000u;
		break;
	case FTMB_M_TAKEOVER:
		on_takeover(r, ci, p, m->len);
		break;
	case FTMB_M_CUT:
		on_cut(r, ci, p, m->len);
		break;
	case FTMB_M_RECOVERED:
		if (m->len == sizeof(r->rec))
			memcpy(&r->rec, p, sizeof(r->rec));
		if (r->rec.partial_images)
			r->partial_runs++;
		break;
	case FTMB_M_DUMP: {
		struct ftmb_m_dump d;
		if (m->len < sizeof(d))
			break;
		memcpy(&d, p, sizeof(d));
		size_t tl = d.text_len < sizeof(r->dump) - 1 ? d.text_len : sizeof(r->dump) - 1;
		memcpy(r->dump, p + sizeof(d), tl);
		r->dump[tl] = 0;
		r->digest = d.digest;
		r->have_dump = 1;
		break;
	}
	default:
		break;
	}
}

/* ------------------------------------------------------------ one run */

/* Value of "key=" in the dump (1 found, 0 absent). */
static int dump_value(const char *dump, const char *key, unsigned long long *v)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = strstr(dump, pat); p != NULL; p = strstr(p + 1, pat))
		if (p == dump || p[-1] == ' ')
			return sscanf(p + strlen(pat), "%llu", v) == 1;
	return 0;
}

/* The dump's keys (each checked when the middlebox reports it):
 *   total=N      packets counted by the shared counter(s): == trace
 *   flows=N      flows in the middlebox's table: == flows in the trace
 *   next_port=N  testmb's port allocator: == 1024 + flows
 *   hist=a,b,..  testmb's monitor buckets: == what the mapping implies */
static void verify(struct run *r)
{
	const struct opts *o = r->o;
	unsigned long long total, flows, next_port, hist[16] = { 0 }, want[16] = { 0 };
	unsigned seen_flows = 0;
	const char *h;

	for (uint64_t id = 1; id <= o->packets; id++)
		if (r->released[id] != 1) {
			fail(r, "packet %" PRIu64 " released %u times", id, r->released[id]);
			return;
		}
	for (unsigned f = 0; f < o->flows; f++) {
		if (r->flow_pkts[f] == 0)
			continue;
		seen_flows++;
		want[r->port_of_flow[f] & 15] += r->flow_pkts[f];
	}
	if (!r->have_dump) {
		fail(r, "no state dump from the final master");
		return;
	}
	if (!dump_value(r->dump, "total", &total)) {
		fail(r, "dump without total= ('%s')", r->dump);
		return;
	}
	if (total != o->packets)
		fail(r, "counter total=%llu, trace has %" PRIu64 " packets", total, o->packets);
	if (dump_value(r->dump, "flows", &flows) && flows != seen_flows)
		fail(r, "the middlebox holds %llu flows, the trace has %u", flows, seen_flows);
	if (dump_value(r->dump, "next_port", &next_port) && next_port != 1024u + seen_flows)
		fail(r, "port allocator at %llu after %u flows", next_port, seen_flows);
	if ((h = strstr(r->dump, "hist=")) != NULL) {
		if (sscanf(h, "hist=%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,"
			   "%llu,%llu,%llu", &hist[0], &hist[1], &hist[2], &hist[3], &hist[4], &hist[5],
			   &hist[6], &hist[7], &hist[8], &hist[9], &hist[10], &hist[11], &hist[12],
			   &hist[13], &hist[14], &hist[15]) != 16) {
			fail(r, "unreadable hist in '%s'", r->dump);
			return;
		}
		for (int k = 0; k < 16; k++)
			if (hist[k] != want[k])
				fail(r, "monitor bucket %d = %llu, trace implies %llu", k, hist[k], want[k]);
	}
}

/* Generic traffic: loads DIR/trace-<seed>.txt into r->trace (1-based);
 * returns the number of packets, or 0 after fail(). */
static uint64_t load_trace(struct run *r, const char *dir, uint64_t seed)
{
	char path[600], line[8192];
	uint64_t n = 0, cap = 1024;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace-%" PRIu64 ".txt", dir, seed);
	f = fopen(path, "r");
	if (f == NULL) {
		fail(r, "cannot open trace %s: %s", path, strerror(errno));
		return 0;
	}
	r->trace = calloc(cap + 1, sizeof(*r->trace));
	while (fgets(line, sizeof(line), f)) {
		unsigned port;
		char hex[8192];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		size_t hl;
		if (sscanf(line, "%u %8191s", &port, hex) != 2 || port > 1 ||
		    (hl = strlen(hex)) % 2 || hl / 2 < 14 || hl / 2 > 2048) {
			fail(r, "%s: bad line %" PRIu64 " (want '<0|1> <hex frame of 14..2048 bytes>')",
			     path, n + 1);
			break;
		}
		if (n + 1 > cap) {
			cap *= 2;
			r->trace = realloc(r->trace, (cap + 1) * sizeof(*r->trace));
		}
		struct trace_pkt *t = &r->trace[++n];
		r->trace_n = n;
		t->in_port = (uint16_t)port;
		t->len = (uint16_t)(hl / 2);
		t->data = malloc(t->len);
		for (unsigned i = 0; i < t->len; i++) {
			unsigned b;
			if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
				fail(r, "%s: bad hex on line %" PRIu64, path, n);
				b = 0;
			}
			t->data[i] = (uint8_t)b;
		}
	}
	fclose(f);
	if (n < 10 && !r->failure[0])
		fail(r, "%s: %" PRIu64 " packets, want at least 10", path, n);
	return r->failure[0] ? 0 : n;
}

static void verify_generic(struct run *r)
{
	for (unsigned c = 0; c < r->o->cores; c++)
		if (ftmb_ol_held(r->ol, c))
			fail(r, "%zu output(s) of core %u still held at the end", ftmb_ol_held(r->ol, c), c);
	for (uint64_t id = 1; id <= r->o->packets; id++)
		if (!r->gen_any[id] && !r->gen_noout[id]) {
			fail(r, "packet %" PRIu64 " never decided (no output, no NOOUT)", id);
			return;
		}
	if (!r->have_dump)
		fail(r, "no state dump from the final master");
	if (r->gen_out) {
		for (uint64_t id = 1; id <= r->o->packets; id++)
			if (r->gen_noout[id])
				fprintf(r->gen_out, "drop %" PRIu64 "\n", id);
		fprintf(r->gen_out, "dump %s\ndigest %08x\n", r->dump, r->digest);
	}
}

static int run_once(const struct opts *o, uint64_t seed, unsigned kills, enum kill_mode mode,
		    uint32_t *digest_out, double *recovery_ms)
{
	struct run R, *r = &R;
	int lfd;
	uint64_t deadline;
	int rc;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->seed = seed;
	r->rng = seed * 7919u + 17u;
	if (o->trace_dir) {
		r->ogen = *o;
		r->ogen.packets = load_trace(r, o->trace_dir, seed);
		if (r->ogen.packets == 0) {
			fprintf(stderr, "FAIL seed %" PRIu64 ": %s\n", seed, r->failure);
			for (uint64_t i = 1; i <= r->trace_n; i++)
				free(r->trace[i].data);
			free(r->trace);
			return 1;
		}
		o = r->o = &r->ogen;
		r->gen_hash = calloc((o->packets + 1) * GEN_MAX_OUT, sizeof(*r->gen_hash));
		r->gen_noout = calloc(o->packets + 1, 1);
		r->gen_any = calloc(o->packets + 1, 1);
		if (o->outputs_dir) {
			char path[600];
			snprintf(path, sizeof(path), "%s/out-%" PRIu64 "%s.txt", o->outputs_dir, seed,
				 kills ? "" : ".ref");
			r->gen_out = fopen(path, "w");
			if (r->gen_out == NULL) {
				fprintf(stderr, "recovery_driver: %s: %s\n", path, strerror(errno));
				return 1;
			}
		}
	}
	r->kills_left = kills;
	r->mode = mode == KM_MIX ? (enum kill_mode)(seed % 3) : mode;
	r->master = r->backup = -1;
	r->next_id = 1;
	for (int i = 0; i < MAX_CONNS; i++)
		r->conns[i].fd = -1;
	r->flow_of = calloc(o->packets + 1, sizeof(*r->flow_of));
	r->flow_pkts = calloc(o->flows, sizeof(*r->flow_pkts));
	r->released = calloc(o->packets + 1, 1);
	r->rel_port = calloc(o->packets + 1, sizeof(*r->rel_port));
	r->port_of_flow = malloc(o->flows * sizeof(int32_t));
	r->flow_of_port = malloc(65536 * sizeof(int32_t));
	r->ol = ftmb_ol_create(o->cores, 1u << 16);
	memset(r->port_of_flow, 0xff, o->flows * sizeof(int32_t));
	memset(r->flow_of_port, 0xff, 65536 * sizeof(int32_t));
	for (uint64_t id = 1; id <= o->packets; id++) {
		r->flow_of[id] = (uint32_t)(rnd(r) % o->flows);
		r->flow_pkts[r->flow_of[id]]++;
	}
	r->kill_at = o->packets / 5 + rnd(r) % (o->packets / 2 + 1);

	lfd = ftmb_tcp_listen("127.0.0.1", 0, &listen_port);
	if (lfd < 0) {
		perror("listen");
		return -1;
	}
	r->master_pid = spawn_node(r, "master", listen_port);
	r->backup_pid = spawn_node(r, "backup", listen_port);
	deadline = mono_ns() + 60ull * 1000000000u;

	for (;;) {
		struct pollfd pf[MAX_CONNS + 1];
		int map[MAX_CONNS + 1], nfd = 0;

		if (r->failure[0] || mono_ns() > deadline)
			break;
		if (r->have_dump)
			break;
		/* Traffic only while protected (a confirmed checkpoint), and
		 * never while a takeover is in progress. */
		/* The IL does not know the master died: it keeps sending (those
		 * packets are lost with it and replayed from the log). */
		int can_send = r->master >= 0 && !r->recovering && (r->kills_left == 0 || r->covers > 0);
		unsigned quota = o->burst;
		if (o->rate) {
			/* Paced: the IL's clock says how many packets are due by now. */
			if (r->t_start == 0)
				r->t_start = mono_ns();
			uint64_t due = (mono_ns() - r->t_start) * o->rate / 1000000000u + 1;
			quota = due >= r->next_id ? (unsigned)(due - r->next_id + 1) : 0;
			if (quota > o->burst)
				quota = o->burst;
		}
		if (can_send && r->next_id <= o->packets && quota > 0) {
			for (unsigned b = 0; b < quota && r->next_id <= o->packets; b++)
				if (send_pkt(r, r->next_id++) < 0)
					break;
			if (r->kills_left > 0 && !r->kill_armed && !r->master_dead && r->next_id >= r->kill_at)
				r->kill_armed = 1;
			if (r->kill_armed && !r->master_dead && (r->mode == KM_BURST || r->mode == KM_PLANNED))
				do_kill(r);
		}
		if (r->ckpt_kill_ns && mono_ns() >= r->ckpt_kill_ns && r->kill_armed && !r->master_dead) {
			r->ckpt_kill_ns = 0;
			do_kill(r);
		}
		if (r->kills_left > 0 && r->master >= 0 && !r->recovering && r->covers > 0 &&
		    !r->master_dead && r->next_id > o->packets && r->ckpt_kill_ns == 0)
			do_kill(r);   /* traffic ended before the chosen moment came */
		/* All released: ask the final master for its state. */
		int all_out = r->trace ? r->gen_decided == o->packets : r->n_released == o->packets;
		for (unsigned c = 0; r->trace && all_out && c < o->cores; c++)
			if (ftmb_ol_held(r->ol, c))
				all_out = 0;
		if (r->next_id > o->packets && all_out && r->master >= 0 &&
		    !r->recovering && r->kills_left == 0 && !r->dump_requested) {
			ftmb_msg_send(r->conns[r->master].fd, FTMB_M_DUMP_REQ, NULL, 0, NULL, 0);
			r->dump_requested = 1;
		}

		pf[nfd] = (struct pollfd){ lfd, POLLIN, 0 };
		map[nfd++] = -1;
		for (int i = 0; i < MAX_CONNS; i++)
			if (r->conns[i].fd >= 0) {
				pf[nfd] = (struct pollfd){ r->conns[i].fd, POLLIN, 0 };
				map[nfd++] = i;
			}
		if (poll(pf, (nfds_t)nfd, 1) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < nfd; k++) {
			if (!pf[k].revents)
				continue;
			if (map[k] < 0) {
				int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
				for (int i = 0; cfd >= 0 && i < MAX_CONNS; i++)
					if (r->conns[i].fd < 0) {
						r->conns[i].fd = cfd;
						ftmb_msg_reader_init(&r->conns[i].rd);
						cfd = -1;
					}
				if (cfd >= 0)
					close(cfd);
				continue;
			}
			int ci = map[k];
			struct conn *c = &r->conns[ci];
			if (c->fd < 0)
				continue;   /* closed while handling another */
			ssize_t n = ftmb_msg_fill(&c->rd, c->fd);
			struct ftmb_msg m;
			const uint8_t *p;
			int got;
			while (c->fd >= 0 && (got = ftmb_msg_next(&c->rd, &m, &p)) == 1) {
				node_message(r, ci, &m, p);
				if (ci == r->master && r->kill_armed && r->mode == KM_RELEASE &&
				    r->covers > 0 && !r->master_dead) {
					size_t before = r->n_released;
					ftmb_ol_release_poll_all(r->ol, on_release, r);
					if (r->n_released > before)
						do_kill(r);   /* just after a release */
				}
			}
			if (c->fd >= 0 && n <= 0 && !(n < 0 && errno == EAGAIN)) {
				/* EOF: a dead master's prefix is fully consumed above. */
				close_conn(r, ci);
			}
		}
		ftmb_ol_release_poll_all(r->ol, on_release, r);
		if (o->ctl_dir)
			take_snapshot(r);
	}
	if (!r->failure[0] && !r->have_dump) {
		size_t held = 0;
		for (unsigned c = 0; c < o->cores; c++)
			held += ftmb_ol_held(r->ol, c);
		fail(r, "timed out: sent %" PRIu64 ", released %" PRIu64 " of %" PRIu64
		     " (master %d, backup %d, recovering %d, OL holds %zu, %" PRIu64 " decided)",
		     r->next_id - 1, r->n_released, o->packets, r->master, r->backup, r->recovering,
		     held, r->gen_decided);
	}
	if (r->trace)
		ftmb_ol_release_poll_all(r->ol, on_release, r);   /* stragglers before the dump */
	if (!r->failure[0])
		r->trace ? verify_generic(r) : verify(r);
	if (r->first_release_ns > r->t_kill && r->t_kill && recovery_ms) {
		*recovery_ms = (double)(r->first_release_ns - r->t_kill) / 1e6;
		if (n_split < MAX_SPLIT) {
			/* All CLOCK_MONOTONIC on one machine: comparable across processes. */
			struct split *sp = &splits[n_split++];
			sp->total = *recovery_ms;
			sp->detect = r->rec.dead_at_ns > r->t_kill ?
				(double)(r->rec.dead_at_ns - r->t_kill) / 1e6 : 0;
			sp->restore = (double)r->rec.restore_ns / 1e6;
			sp->cut = (double)(r->rec.cut_ns - r->rec.restore_ns) / 1e6;
			sp->replay = sp->total - sp->detect - (double)r->rec.cut_ns / 1e6;
		}
	}

	for (int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd >= 0)
			close_conn(r, i);
	close(lfd);
	reap_all(r);

	if (r->failure[0]) {
		fprintf(stderr, "FAIL seed %" PRIu64 " (mode %d, cores %u): %s\n", seed, r->mode,
			o->cores, r->failure);
		rc = 1;
	} else {
		if (o->verbose || o->csv)
			fprintf(stderr, "ok seed %" PRIu64 ": released %" PRIu64 ", suppressed %" PRIu64
				" duplicates, digest %08x, %s\n", seed, r->n_released, r->n_suppressed,
				r->digest, r->dump);
		if (kills && r->first_release_ns > r->t_kill)
			fprintf(stderr, "recovery seed %" PRIu64 ": kill->first release %.2f ms "
				"(detection %.2f, restore %.2f, cut %.2f, ckpt %" PRIu64 ", replayed PALs %"
				PRIu64 "%s)\n", seed, (double)(r->first_release_ns - r->t_kill) / 1e6,
				(double)r->rec.detect_ns / 1e6, (double)r->rec.restore_ns / 1e6,
				(double)r->rec.cut_ns / 1e6, r->rec.ckpt_seq, r->rec.replay_pals,
				r->partial_runs ? ", a half-received checkpoint was discarded" : "");
		partial_total += r->partial_runs;
		rc = 0;
	}
	if (digest_out)
		*digest_out = r->digest;
	ftmb_ol_destroy(r->ol);
	free(r->flow_of);
	free(r->flow_pkts);
	free(r->released);
	free(r->rel_port);
	free(r->port_of_flow);
	free(r->flow_of_port);
	if (r->trace) {
		for (uint64_t id = 1; id <= r->trace_n; id++)
			free(r->trace[id].data);
		free(r->trace);
		free(r->gen_hash);
		free(r->gen_noout);
		free(r->gen_any);
		if (r->gen_out)
			fclose(r->gen_out);
	}
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: recovery_driver --node PATH [--cores N] [--packets P] [--flows F]\n"
		   "  [--seeds A-B | --seed S] [--kills K] [--mode burst|release|ckpt|planned|mix]\n"
		   "  [--ckpt-interval-ms M] [--hb-timeout-ms T] [--burst B] [--ballast-mb X]\n"
		   "  [--throttle-us U] [--rate PPS] [--reference] [--ctl-dir DIR] [--ftmbctl PATH]\n"
		   "  [--csv] [-v] [--trace-dir DIR [--outputs-dir DIR] [--mb-args \"ARGS\"]]\n");
}

int main(int argc, char **argv)
{
	struct opts o = { .cores = 2, .flows = 64, .kills = 1, .burst = 16, .ckpt_ms = 20,
			  .hb_timeout_ms = 20, .packets = 2000, .seed_lo = 1, .seed_hi = 1,
			  .mode = KM_MIX };
	unsigned failures = 0, runs = 0;
	double rec_sum = 0;
	unsigned rec_n = 0;

	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NUM(name, field) else if (strcmp(a, name) == 0 && v) { o.field = strtoull(v, NULL, 0); i++; }
		if (strcmp(a, "--node") == 0 && v) { o.node = v; i++; }
		NUM("--cores", cores)
		NUM("--packets", packets)
		NUM("--flows", flows)
		NUM("--kills", kills)
		NUM("--burst", burst)
		NUM("--ckpt-interval-ms", ckpt_ms)
		NUM("--hb-timeout-ms", hb_timeout_ms)
		NUM("--ballast-mb", ballast_mb)
		NUM("--throttle-us", throttle_us)
		NUM("--rate", rate)
		else if (strcmp(a, "--seed") == 0 && v) { o.seed_lo = o.seed_hi = strtoull(v, NULL, 0); i++; }
		else if (strcmp(a, "--seeds") == 0 && v) {
			if (sscanf(v, "%" SCNu64 "-%" SCNu64, &o.seed_lo, &o.seed_hi) != 2 || o.seed_hi < o.seed_lo) {
				fprintf(stderr, "recovery_driver: --seeds wants A-B\n");
				return 2;
			}
			i++;
		} else if (strcmp(a, "--mode") == 0 && v) {
			if (!strcmp(v, "burst")) o.mode = KM_BURST;
			else if (!strcmp(v, "release")) o.mode = KM_RELEASE;
			else if (!strcmp(v, "ckpt")) o.mode = KM_CKPT;
			else if (!strcmp(v, "planned")) o.mode = KM_PLANNED;
			else if (!strcmp(v, "mix")) o.mode = KM_MIX;
			else { fprintf(stderr, "recovery_driver: bad --mode '%s'\n", v); return 2; }
			i++;
		} else if (strcmp(a, "--ctl-dir") == 0 && v) { o.ctl_dir = v; i++; }
		else if (strcmp(a, "--ftmbctl") == 0 && v) { o.ctlbin = v; i++; }
		else if (strcmp(a, "--trace-dir") == 0 && v) { o.trace_dir = v; i++; }
		else if (strcmp(a, "--outputs-dir") == 0 && v) { o.outputs_dir = v; i++; }
		else if (strcmp(a, "--mb-args") == 0 && v) { o.mb_args = v; i++; }
		else if (strcmp(a, "--reference") == 0) o.reference = 1;
		else if (strcmp(a, "--csv") == 0) o.csv = 1;
		else if (strcmp(a, "-v") == 0) o.verbose = 1;
		else { usage(stderr); return 2; }
#undef NUM
	}
	if (o.node == NULL || o.cores == 0 || o.cores > 128 || o.flows == 0 || o.packets < 10 ||
	    o.burst == 0 || o.flows > 60000) {
		usage(stderr);
		return 2;
	}
	if (o.mode == KM_PLANNED && (o.ctl_dir == NULL || o.ctlbin == NULL)) {
		fprintf(stderr, "recovery_driver: --mode planned needs --ctl-dir and --ftmbctl\n");
		return 2;
	}
	struct ftmb_ctl *ctl = NULL;
	if (o.ctl_dir) {
		char path[600];
		snprintf(path, sizeof(path), "%s/ilol.sock", o.ctl_dir);
		ctl = ftmb_ctl_start(path, ilol_status, NULL);
		if (ctl == NULL) {
			fprintf(stderr, "recovery_driver: control socket %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	for (uint64_t s = o.seed_lo; s <= o.seed_hi; s++) {
		uint32_t d_fail = 0, d_ref = 0;
		double ms = 0;
		runs++;
		if (run_once(&o, s, o.kills, o.mode, &d_fail, &ms) != 0) {
			failures++;
			continue;
		}
		if (ms > 0) {
			rec_sum += ms;
			rec_n++;
		}
		if (o.reference) {
			if (run_once(&o, s, 0, o.mode, &d_ref, NULL) != 0) {
				failures++;
				continue;
			}
			if (d_ref != d_fail) {
				fprintf(stderr, "FAIL seed %" PRIu64 ": recovered state digest %08x != "
					"failure-free %08x\n", s, d_fail, d_ref);
				failures++;
			}
		}
	}
	ftmb_ctl_stop(ctl);
	fprintf(stderr, "recovery_driver: %u run(s), %u failure(s)", runs, failures);
	if (rec_n)
		fprintf(stderr, ", mean kill->first release %.2f ms", rec_sum / rec_n);
	fprintf(stderr, ", %" PRIu64 " takeover(s) discarded a half-received checkpoint", partial_total);
	fputc('\n', stderr);
	if (o.csv && n_split) {
		/* Medians; the caller names the rows. */
		printf("recovery_ms,%.3f,ms\n", median_of(offsetof(struct split, total)));
		printf("recovery_detect_ms,%.3f,ms\n", median_of(offsetof(struct split, detect)));
		printf("recovery_restore_ms,%.3f,ms\n", median_of(offsetof(struct split, restore)));
		printf("recovery_cut_ms,%.3f,ms\n", median_of(offsetof(struct split, cut)));
		printf("recovery_replay_ms,%.3f,ms\n", median_of(offsetof(struct split, replay)));
	}
	return failures ? 1 : 0;
}
