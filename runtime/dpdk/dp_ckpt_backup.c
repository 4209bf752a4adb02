/*
 * dp_ckpt_backup.c: --role backup of <mb>-protected: the warm standby
 * (SPEC §5-6) as a DPDK process with a link to the IL (--il-port) and one
 * to the OL (--ol-port), which become its master links after a takeover.
 *
 * Theory of operation.
 *  Standby: a TCP listener and a UDP socket on --ckpt-listen HOST:PORT.
 *  Checkpoint bytes from the master go into the store
 *  (ftmb_ckpt_store.h), which keeps the last complete, validated image; a
 *  half-received one never becomes the recovery point. Each accepted
 *  image is confirmed: COVER on the TCP connection (the master's status)
 *  and COVER frames to the IL and OL (they trim their logs). UDP
 *  heartbeats feed the detector (ftmb_fd.h, --hb-timeout-ms; also armed by
 *  the first complete image).
 *  Takeover, when the detector declares the master dead (with an image),
 *  or at once when a heartbeat carries FTMB_HB_RESIGN (a planned
 *  failover: the master stopped after the backup confirmed its final
 *  checkpoint, dp_ckpt_master.c):
 *   1. TAKEOVER(id, cover) to IL and OL. The IL pauses; the OL fences the
 *      old master and answers with its PALs from max[c] on (CUT_PALS) and
 *      CUT_END(end[c]).
 *   2. Restore the image (arena, globals, counters) while the OL answers.
 *   3. When core c's PALs [max[c], end[c]) are all here (else TAKEOVER is
 *      resent every 10 ms), ftmb_cut_compute gives keep[c]; the cores are
 *      initialised in REPLAY mode with the checkpoint's MAX[c]
 *      (ftmb_ckpt_restore_cores) and the cut loaded (ftmb_replay_load).
 *   4. CUT(keep_end[c] = max[c] + keep[c]) to the OL, resent until
 *      CUT_ACK: the OL truncates to the cut and drops held outputs.
 *   5. The dataplane master starts on the restored state
 *      (dp_master_init_restored: no ftmb_core_init, no mb_init), with
 *      master_resume_from(last_pkt_id[c], keep_end[c], watermark): its
 *      SYNC to the OL then names exactly the OL's R after the cut, so the
 *      OL keeps its state, including its memory of released outputs (the
 *      duplicate suppression). Nothing from the master reaches the OL
 *      before CUT_ACK, so the SYNC can never overtake the CUT.
 *   6. Once protected (SYNC sent), REPLAY(watermark + 1) to the IL,
 *      resent until REPLAY_ACK. Replayed inputs a core already holds in
 *      the state (id <= its last_pkt_id in the image) are skipped; the
 *      cut's PALs force the recorded order of shared accesses; outputs
 *      the OL already released are suppressed there.
 *   7. Master: heartbeats and checkpoints to --ckpt-peer if given (a fresh
 *      backup there protects it again; sequence numbers go on).
 *  Why the released outputs come out the same: the OL released an output
 *  only when every PAL it depended on was there (V <= R), those PALs are
 *  in the cut, and replay follows the cut; see docs/recovery.md.
 */
#define _GNU_SOURCE
#include "dp_ckpt.h"
#include "ftmb_dp_hooks.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "dp_ctl.h"
#include "ftmb_msg.h"
#include "ftmb_ckpt.h"
#include "ftmb_ckpt_store.h"
#include "ftmb_cut.h"
#include "ftmb_fd.h"
#include "ftmb_replay.h"

void *dp_master_worker(unsigned c);

#define RESEND_NS 10000000ull /* takeover messages are resent every 10 ms */
#define MAX_CUT_PALS (1u << 26)

enum bk_state {
	BK_STANDBY,
	BK_WAIT_PALS,        /* TAKEOVER sent, collecting the OL's PALs */
	BK_WAIT_CUT_ACK,
	BK_WAIT_PROTECTED,   /* master running, waiting for its SYNC    */
	BK_WAIT_REPLAY_ACK,
	BK_MASTER,
	BK_FAILED,           /* could not take over (logged)            */
};

struct cut_core {
	struct ftmb_pal *pals; /* index = position - max[c] */
	uint8_t *have;
	size_t cap;
};

static struct {
	enum bk_state st;
	unsigned n_workers;
	uint64_t epoch;
	char host[256];
	uint16_t port;
	struct ftmb_ckpt_store *store;
	struct ftmb_fd fd;
	int listen_fd, conn_fd, hb_fd;
	/* takeover */
	uint64_t takeover_id;
	struct ftmb_ckpt_view view;
	struct ftmb_ckpt_cover cov;
	struct cut_core cc[FTMB_WIRE_MAX_CORES];
	bool got_end;
	uint32_t end_flags;
	uint64_t end[FTMB_WIRE_MAX_CORES];
	uint64_t keep_end[FTMB_WIRE_MAX_CORES];
	uint64_t next_resend_ns;
	uint64_t t_last_hb, t_dead, t_takeover, t_restored, t_cut, t_cut_ack, t_protected,
		t_replay; /* realtime ns */
	uint64_t replay_pals;
	uint64_t resigned;   /* 1: a RESIGN heartbeat came (planned failover) */
	/* the recovery point, for `ftmbctl status` (dp_ctl.h: 64-bit words
	 * read by its thread; the store's view is not theirs to follow) */
	struct {
		uint64_t seq, bytes, state_bytes, created_ns, watermark;
	} last;
} bk = { .listen_fd = -1, .conn_fd = -1, .hb_fd = -1 };

static uint64_t real_ns(void)
{
	return dp_now_ns();
}

static const char *state_name(enum bk_state s)
{
	static const char *n[] = { "standby", "wait-pals", "wait-cut-ack", "wait-protected",
				   "wait-replay-ack", "master", "failed" };
	return n[s];
}

/* ------------------------------------------------------------ standby */

static void send_cover_frames(const struct ftmb_ckpt_cover *cov, uint8_t type, uint64_t id)
{
	uint16_t ports[2] = { dp_cfg.il_port, dp_cfg.ol_port };

	for (unsigned i = 0; i < 2; i++) {
		struct dp_w_cover *c;
		struct rte_mbuf *m = dp_ckpt_frame(type, (uint16_t)(sizeof(*c) + 8u * cov->n_cores),
						   (void **)&c);
		if (!m)
			continue;
		c->takeover_id = id;
		c->seq = cov->seq;
		c->watermark = cov->watermark;
		c->n_cores = (uint8_t)cov->n_cores;
		memcpy(c + 1, cov->max, 8u * cov->n_cores);
		dp_ckpt_send(ports[i], m);
	}
}

static void inject_bad(void);

/* The image just accepted, in words the control thread may read. */
static void note_recovery_point(void)
{
	struct ftmb_ckpt_store_stats st;
	struct ftmb_ckpt_view v;

	if (ftmb_ckpt_store_current(bk.store, &v) < 0)
		return;
	ftmb_ckpt_store_get_stats(bk.store, &st);
	bk.last.bytes = st.last_len;
	bk.last.state_bytes = st.last_state_bytes;
	bk.last.created_ns = v.hdr->created_ns;
	bk.last.watermark = v.meta->input_watermark;
	bk.last.seq = v.hdr->seq;
}

static void on_ckpt_bytes(void)
{
	uint8_t buf[1 << 16];

	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t r = recv(bk.conn_fd, buf, sizeof(buf), MSG_DONTWAIT);
		size_t off = 0;

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			if (ftmb_ckpt_store_pending(bk.store) > 0) {
				DP_LOG(WARNING, "backup: checkpoint stream broke after %" PRIu64
				       " bytes: partial image discarded\n",
				       ftmb_ckpt_store_pending(bk.store));
				DP_INC(ckpt_aborted);
			}
			ftmb_ckpt_store_abort(bk.store);
			close(bk.conn_fd);
			bk.conn_fd = -1;
			return;
		}
		while (off < (size_t)r) {
			struct ftmb_ckpt_cover cov;
			char err[256];
			size_t used = 0;
			enum ftmb_store_event e = ftmb_ckpt_store_feed(bk.store, buf + off,
				(size_t)r - off, &used, &cov, err, sizeof(err));

			off += used;
			if (e == FTMB_STORE_ACCEPTED) {
				if (dp_stats.ckpt_accepted++ == 0)
					DP_LOG(NOTICE, "backup: first checkpoint stored (seq %" PRIu64
					       ", watermark %" PRIu64 ")\n", cov.seq, cov.watermark);
				if (dp_stats.ckpt_accepted == 2) /* traffic runs: the IL is up */
					inject_bad();
				if (bk.fd.state == FTMB_FD_WAITING)
					ftmb_fd_heard(&bk.fd, dp_ckpt_mono_ns(), 0);
				note_recovery_point();
				ftmb_msg_send(bk.conn_fd, FTMB_M_COVER, &cov, sizeof(cov), NULL, 0);
				send_cover_frames(&cov, DP_W_COVER, 0);
			} else if (e == FTMB_STORE_REJECTED) {
				DP_INC(ckpt_rejected);
				DP_LOG(WARNING, "backup: checkpoint refused: %s\n", err);
			}
			if (used == 0)
				break;
		}
	}
}

static void on_heartbeats(void)
{
	struct ftmb_hb hb;
	ssize_t r;

	/* MSG_TRUNC: the datagram's real length, so a longer one is refused */
	while ((r = recv(bk.hb_fd, &hb, sizeof(hb), MSG_DONTWAIT | MSG_TRUNC)) > 0) {
		if ((size_t)r != sizeof(hb) || hb.magic != FTMB_HB_MAGIC ||
		    (hb.flags & ~FTMB_HB_RESIGN)) { /* neither alive nor resigning */
			DP_INC(hb_bad);
			DP_LOG_RL(WARNING, "backup: malformed heartbeat datagram (%zd bytes, flags "
				  "0x%x): ignored\n", r, (size_t)r >= 8 ? hb.flags : 0);
			continue;
		}
		if (ftmb_fd_heard(&bk.fd, dp_ckpt_mono_ns(), hb.seq))
			bk.t_last_hb = real_ns();
		if (hb.flags & FTMB_HB_RESIGN)
			bk.resigned = 1;
	}
}

static void accept_conn(void)
{
	struct pollfd pf = { bk.listen_fd, POLLIN, 0 };
	int c;

	if (poll(&pf, 1, 0) <= 0)
		return;
	c = accept4(bk.listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (bk.conn_fd >= 0) { /* a new master incarnation: the old stream is over */
		if (ftmb_ckpt_store_pending(bk.store) > 0)
			DP_INC(ckpt_aborted);
		ftmb_ckpt_store_abort(bk.store);
		close(bk.conn_fd);
	}
	bk.conn_fd = c;
	DP_LOG(NOTICE, "backup: master connected\n");
}

/* --ckpt-inject-bad N (tests): N rounds of broken extension frames to the
 * IL and the OL; each must be counted and dropped there, none may act:
 * 6 malformed (truncated COVER, COVER of 0 and of 9 cores, truncated
 * TAKEOVER, CUT_PALS of 0 PALs, CUT longer than its cores) and 1
 * unexpected (an unknown type) per round and per logger. */
static void inject_bad(void)
{
	static const struct { uint8_t type; uint16_t len; uint8_t n; } bad[] = {
		{ DP_W_COVER, 10, 1 },
		{ DP_W_COVER, sizeof(struct dp_w_cover), 0 },
		{ DP_W_COVER, sizeof(struct dp_w_cover) + 72, 9 },
		{ DP_W_TAKEOVER, sizeof(struct dp_w_cover) + 4, 1 },
		{ DP_W_CUT_PALS, sizeof(struct dp_w_cut_pals), 0 },
		{ DP_W_CUT, sizeof(struct dp_w_cut) + 16, 1 },
		{ 0x7e, 8, 0 },
	};
	uint16_t ports[2] = { dp_cfg.il_port, dp_cfg.ol_port };

	for (unsigned r = 0; r < dp_cfg.ckpt_inject_bad; r++)
		for (unsigned i = 0; i < RTE_DIM(bad); i++)
			for (unsigned p = 0; p < 2; p++) {
				uint8_t *b;
				struct rte_mbuf *m = dp_ckpt_frame(bad[i].type, bad[i].len, (void **)&b);
				if (!m)
					continue;
				memset(b, 0xff, bad[i].len); /* garbage, except the counts below */
				if (bad[i].type == DP_W_CUT_PALS)
					((struct dp_w_cut_pals *)b)->count = 0;
				else if (bad[i].type == DP_W_CUT)
					((struct dp_w_cut *)b)->n_cores = bad[i].n;
				else if (bad[i].len >= sizeof(struct dp_w_cover))
					((struct dp_w_cover *)b)->n_cores = bad[i].n;
				dp_ckpt_send(ports[p], m);
			}
	if (dp_cfg.ckpt_inject_bad)
		DP_LOG(NOTICE, "backup: %u rounds of bad extension frames sent (test)\n",
		       dp_cfg.ckpt_inject_bad);
}

/* ------------------------------------------------------------ takeover */

static void free_cut(void)
{
	for (unsigned c = 0; c < FTMB_WIRE_MAX_CORES; c++) {
		free(bk.cc[c].pals);
		free(bk.cc[c].have);
		memset(&bk.cc[c], 0, sizeof(bk.cc[c]));
	}
}

static void fail(const char *why)
{
	DP_LOG(ERR, "backup: cannot take over: %s\n", why);
	bk.st = BK_FAILED;
	free_cut();
}

static void start_takeover(void)
{
	char err[256];

	if (bk.conn_fd >= 0) {
		close(bk.conn_fd);
		bk.conn_fd = -1;
	}
	if (ftmb_ckpt_store_pending(bk.store) > 0) {
		DP_INC(ckpt_aborted);
		DP_LOG(NOTICE, "backup: a half-received checkpoint (%" PRIu64 " bytes) is "
		       "discarded\n", ftmb_ckpt_store_pending(bk.store));
	}
	ftmb_ckpt_store_abort(bk.store);
	close(bk.listen_fd);
	bk.listen_fd = -1;
	ftmb_ckpt_store_current(bk.store, &bk.view);
	ftmb_ckpt_store_cover(&bk.view, &bk.cov);
	bk.t_dead = real_ns();
	DP_LOG(NOTICE, "backup: master %s: taking over from checkpoint %" PRIu64
	       " (watermark %" PRIu64 "; longest heartbeat gap before: %.1f ms, "
	       "%" PRIu64 " heartbeats)\n", bk.resigned ? "resigned (planned failover, no "
	       "timeout)" : "declared dead", bk.cov.seq, bk.cov.watermark,
	       (double)bk.fd.max_gap_ns / 1e6, bk.fd.heard);
	if (bk.cov.n_cores != bk.n_workers) {
		fail("the checkpoint has another number of cores than this process's workers");
		return;
	}
	bk.takeover_id = bk.epoch;
	bk.t_takeover = real_ns();
	send_cover_frames(&bk.cov, DP_W_TAKEOVER, bk.takeover_id);
	bk.next_resend_ns = dp_ckpt_mono_ns() + RESEND_NS;
	bk.st = BK_WAIT_PALS;
	if (ftmb_ckpt_restore(&bk.view, err, sizeof(err)) < 0) {
		fail(err);
		return;
	}
	bk.t_restored = real_ns();
}

static bool cut_pals_complete(void)
{
	if (!bk.got_end)
		return false;
	if (bk.end_flags & DP_CUT_MISSING)
		return true;
	for (unsigned c = 0; c < bk.cov.n_cores; c++) {
		uint64_t n = bk.end[c] - bk.cov.max[c];
		if (n > bk.cc[c].cap)
			return false;
		for (uint64_t i = 0; i < n; i++)
			if (!bk.cc[c].have[i])
				return false;
	}
	return true;
}

static void send_cut(void)
{
	struct dp_w_cut *c;
	struct rte_mbuf *m = dp_ckpt_frame(DP_W_CUT, (uint16_t)(sizeof(*c) + 8u * bk.cov.n_cores),
					   (void **)&c);

	if (!m)
		return;
	c->takeover_id = bk.takeover_id;
	c->n_cores = (uint8_t)bk.cov.n_cores;
	memcpy(c + 1, bk.keep_end, 8u * bk.cov.n_cores);
	dp_ckpt_send(dp_cfg.ol_port, m);
}

static void send_replay(void)
{
	struct dp_w_replay *r;
	struct rte_mbuf *m = dp_ckpt_frame(DP_W_REPLAY, sizeof(*r), (void **)&r);

	if (!m)
		return;
	r->takeover_id = bk.takeover_id;
	r->from_pkt_id = bk.cov.watermark + 1;
	dp_ckpt_send(dp_cfg.il_port, m);
}

/* Replay met an access that the cut does not explain (e.g. the IL could
 * not resend every input after the checkpoint): say so loudly; the core
 * then runs freely (the default handler would abort the new master). */
static void on_divergence(const struct ftmb_divergence *d, const char *msg)
{
	(void)d;
	DP_INC(malformed);
	DP_LOG(ERR, "backup: replay divergence (released outputs may not be reproduced): %s\n",
	       msg);
}

/* All PALs are here: the cut, the cores in REPLAY, the master started. */
static void finish_cut(void)
{
	const struct ftmb_ckpt_view *v = &bk.view;
	const struct ftmb_pal *pals[FTMB_WIRE_MAX_CORES];
	size_t n_pals[FTMB_WIRE_MAX_CORES], keep[FTMB_WIRE_MAX_CORES];
	uint64_t last[FTMB_WIRE_MAX_CORES];
	struct ftmb_var_count *counts;
	unsigned n = bk.cov.n_cores, lcore, c;

	for (c = 0; c < n; c++) {
		pals[c] = bk.cc[c].pals;
		n_pals[c] = (bk.end_flags & DP_CUT_MISSING) ? 0 : (size_t)(bk.end[c] - bk.cov.max[c]);
		keep[c] = 0;
	}
	if (bk.end_flags & DP_CUT_MISSING)
		DP_LOG(WARNING, "backup: the OL lacks the PALs after the checkpoint (it joined "
		       "later): replay runs without a cut\n");
	counts = calloc(v->n_vars + 1, sizeof(*counts));
	if (!counts) {
		fail("out of memory");
		return;
	}
	for (size_t i = 0; i < v->n_vars; i++) {
		counts[i].var_id = v->vars[i].id;
		counts[i].counter = v->vars[i].counter;
	}
	struct ftmb_cut_input in = {
		.n_cores = n, .pals = pals, .n_pals = n_pals,
		.counters = counts, .n_counters = v->n_vars,
	};
	if (ftmb_cut_compute(&in, keep) < 0) {
		free(counts);
		fail("ftmb_cut_compute failed");
		return;
	}
	free(counts);
	bk.replay_pals = 0;
	for (c = 0; c < n; c++) {
		bk.keep_end[c] = bk.cov.max[c] + keep[c];
		bk.replay_pals += keep[c];
		last[c] = v->cores[c].last_pkt_id;
	}
	ftmb_replay_set_divergence_handler(on_divergence);
	if (ftmb_ckpt_restore_cores(v, FTMB_MODE_REPLAY) < 0 || ftmb_replay_load(pals, keep) < 0) {
		fail("cannot initialise the cores for replay");
		return;
	}
	ftmb_ckpt_arena_hugepages();
	bk.t_cut = real_ns();
	dp_master_init_restored(bk.n_workers, bk.epoch);
	master_resume_from(last, bk.keep_end, n, bk.cov.watermark);
	c = 0;
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(dp_master_worker_main, dp_master_worker(c++), lcore);
	free_cut();
	send_cut();
	bk.next_resend_ns = dp_ckpt_mono_ns() + RESEND_NS;
	bk.st = BK_WAIT_CUT_ACK;
}

static void on_cut_pals(const struct dp_w_cut_pals *p)
{
	struct cut_core *cc;
	uint64_t from, need;

	if (bk.st != BK_WAIT_PALS || p->takeover_id != bk.takeover_id || p->core >= bk.cov.n_cores ||
	    p->first < bk.cov.max[p->core]) {
		DP_INC(unexpected);
		return;
	}
	cc = &bk.cc[p->core];
	from = p->first - bk.cov.max[p->core];
	need = from + p->count;
	if (need > MAX_CUT_PALS) {
		DP_INC(malformed);
		return;
	}
	if (need > cc->cap) {
		size_t cap = cc->cap ? cc->cap : 1024;
		while (cap < need)
			cap *= 2;
		struct ftmb_pal *np = realloc(cc->pals, cap * sizeof(*np));
		uint8_t *nh = np ? realloc(cc->have, cap) : NULL;
		if (!np || !nh) {
			if (np)
				cc->pals = np;
			fail("out of memory for the cut");
			return;
		}
		memset(nh + cc->cap, 0, cap - cc->cap);
		cc->pals = np;
		cc->have = nh;
		cc->cap = cap;
	}
	memcpy(cc->pals + from, p + 1, p->count * sizeof(struct ftmb_pal));
	memset(cc->have + from, 1, p->count);
	DP_ADD(cut_pals, p->count);
}

static void on_cut_end(const struct dp_w_cut_end *e)
{
	const ftmb_wire_u64 *end = (const ftmb_wire_u64 *)(e + 1);

	if (bk.st != BK_WAIT_PALS || e->takeover_id != bk.takeover_id ||
	    e->n_cores != bk.cov.n_cores) {
		DP_INC(unexpected);
		return;
	}
	for (unsigned c = 0; c < e->n_cores; c++)
		if (end[c] < bk.cov.max[c] || end[c] - bk.cov.max[c] > MAX_CUT_PALS) {
			DP_INC(malformed);
			return;
		}
	bk.got_end = true;
	bk.end_flags = e->flags;
	for (unsigned c = 0; c < e->n_cores; c++)
		bk.end[c] = end[c];
	if (cut_pals_complete())
		finish_cut();
}

static void bk_ext(void *arg, uint16_t port, struct rte_mbuf *m, const struct ftmb_wire_view *v)
{
	(void)arg;
	(void)port;
	if (!dp_ckpt_ext_ok(v, "backup"))
		goto out;
	switch (v->type) {
	case DP_W_CUT_PALS: on_cut_pals(v->body); break;
	case DP_W_CUT_END: on_cut_end(v->body); break;
	case DP_W_CUT_ACK: {
		const struct dp_w_ack *a = v->body;
		if (bk.st == BK_WAIT_CUT_ACK && a->takeover_id == bk.takeover_id) {
			bk.t_cut_ack = real_ns();
			bk.st = BK_WAIT_PROTECTED;
		}
		break;
	}
	case DP_W_REPLAY_ACK: {
		const struct dp_w_ack *a = v->body;
		if (bk.st == BK_WAIT_REPLAY_ACK && a->takeover_id == bk.takeover_id) {
			bk.t_replay = real_ns();
			if (a->result < 0)
				DP_LOG(ERR, "backup: the IL cannot replay from %" PRIu64
				       ": inputs after the checkpoint are lost\n", bk.cov.watermark + 1);
			bk.st = BK_MASTER;
			DP_INC(takeovers);
			DP_LOG(NOTICE, "backup: now the master (checkpoint %" PRIu64 ", %" PRIu64
			       " PALs in the cut; detect->restore %.2f ms, ->cut %.2f ms, ->OL "
			       "switched %.2f ms, ->replay %.2f ms)\n", bk.cov.seq, bk.replay_pals,
			       (double)(bk.t_restored - bk.t_dead) / 1e6,
			       (double)(bk.t_cut - bk.t_dead) / 1e6,
			       (double)(bk.t_protected - bk.t_dead) / 1e6,
			       (double)(bk.t_replay - bk.t_dead) / 1e6);
			dp_ckpt_agent_start(bk.cov.seq + 1);
		}
		break;
	}
	default:
		DP_INC(unexpected);
	}
out:
	rte_pktmbuf_free(m);
}

/* ------------------------------------------------------------ the loop */

static unsigned backup_poll(uint64_t now_tsc)
{
	unsigned work = 0;
	uint64_t now = dp_ckpt_mono_ns();

	switch (bk.st) {
	case BK_STANDBY:
		on_heartbeats();
		accept_conn();
		if (bk.conn_fd >= 0)
			on_ckpt_bytes(); /* an image whole before the silence counts */
		work += dp_ckpt_poll_port(dp_cfg.il_port, "backup<-IL");
		work += dp_ckpt_poll_port(dp_cfg.ol_port, "backup<-OL");
		if (bk.resigned || ftmb_fd_poll(&bk.fd, now) == FTMB_FD_DEAD) {
			struct ftmb_ckpt_view cur;
			if (ftmb_ckpt_store_current(bk.store, &cur) < 0) {
				DP_LOG(WARNING, "backup: master %s but no complete checkpoint "
				       "yet: cannot take over, waiting\n",
				       bk.resigned ? "resigned" : "silent");
				ftmb_fd_reset(&bk.fd);
				bk.resigned = 0;
				break;
			}
			if (bk.resigned) { /* fail-stop from here on, as after a timeout */
				bk.fd.state = FTMB_FD_DEAD;
				bk.fd.dead_at_ns = now;
			}
			start_takeover();
			work++;
		}
		break;
	case BK_WAIT_PALS:
		work += dp_ckpt_poll_port(dp_cfg.ol_port, "backup<-OL");
		work += dp_ckpt_poll_port(dp_cfg.il_port, "backup<-IL");
		if (bk.st == BK_WAIT_PALS && now >= bk.next_resend_ns) {
			send_cover_frames(&bk.cov, DP_W_TAKEOVER, bk.takeover_id);
			bk.next_resend_ns = now + RESEND_NS;
		}
		break;
	case BK_WAIT_CUT_ACK:
		work += dp_ckpt_poll_port(dp_cfg.ol_port, "backup<-OL");
		work += dp_ckpt_poll_port(dp_cfg.il_port, "backup<-IL");
		if (bk.st == BK_WAIT_CUT_ACK && now >= bk.next_resend_ns) {
			send_cut();
			bk.next_resend_ns = now + RESEND_NS;
		}
		break;
	case BK_WAIT_PROTECTED:
		work += dp_master_poll(now_tsc);
		if (master_protected()) {
			bk.t_protected = real_ns();
			send_replay();
			bk.next_resend_ns = now + RESEND_NS;
			bk.st = BK_WAIT_REPLAY_ACK;
		}
		break;
	case BK_WAIT_REPLAY_ACK:
		work += dp_master_poll(now_tsc);
		if (bk.st == BK_WAIT_REPLAY_ACK && now >= bk.next_resend_ns) {
			send_replay();
			bk.next_resend_ns = now + RESEND_NS;
		}
		break;
	case BK_MASTER:
		work += dp_master_poll(now_tsc);
		work += dp_ckpt_agent_poll(now_tsc);
		break;
	case BK_FAILED:
		work += dp_ckpt_poll_port(dp_cfg.ol_port, "backup<-OL");
		work += dp_ckpt_poll_port(dp_cfg.il_port, "backup<-IL");
		break;
	}
	return work;
}

void dp_ckpt_backup_main(unsigned n_workers, uint64_t epoch)
{
	bool was_master;

	if (dp_cfg.il_port == DP_NO_PORT || dp_cfg.ol_port == DP_NO_PORT || !dp_cfg.ckpt_listen)
		rte_exit(EXIT_FAILURE, "backup: needs --il-port, --ol-port and --ckpt-listen "
			 "HOST:PORT\n");
	if (n_workers == 0 || n_workers > DP_MAX_WORKERS)
		rte_exit(EXIT_FAILURE, "backup: %u worker lcores; need as many as the master's "
			 "(1..%u)\n", n_workers, DP_MAX_WORKERS);
	{
		const char *colon = strrchr(dp_cfg.ckpt_listen, ':');
		char *end;
		unsigned long p = colon ? strtoul(colon + 1, &end, 10) : 0;
		if (!colon || colon == dp_cfg.ckpt_listen || *end || p == 0 || p > 65535 ||
		    (size_t)(colon - dp_cfg.ckpt_listen) >= sizeof(bk.host))
			rte_exit(EXIT_FAILURE, "--ckpt-listen: HOST:PORT, not '%s'\n",
				 dp_cfg.ckpt_listen);
		memcpy(bk.host, dp_cfg.ckpt_listen, (size_t)(colon - dp_cfg.ckpt_listen));
		bk.port = (uint16_t)p;
	}
	bk.n_workers = n_workers;
	bk.epoch = epoch;
	bk.store = ftmb_ckpt_store_create(1ull << 32);
	bk.listen_fd = ftmb_tcp_listen(bk.host, bk.port, NULL);
	bk.hb_fd = ftmb_udp_bind(bk.host, bk.port, NULL);
	if (!bk.store || bk.listen_fd < 0 || bk.hb_fd < 0)
		rte_exit(EXIT_FAILURE, "backup: cannot listen on %s: %s\n", dp_cfg.ckpt_listen,
			 strerror(errno));
	ftmb_fd_init(&bk.fd, dp_cfg.hb_timeout_ms);
	dp_port_setup(dp_cfg.il_port);
	dp_port_setup(dp_cfg.ol_port);
	dp_set_ext_frame_hook(bk_ext, NULL);
	DP_LOG(NOTICE, "backup: listening on %s (heartbeat timeout %u ms)\n", dp_cfg.ckpt_listen,
	       dp_cfg.hb_timeout_ms);
	dp_main_loop(backup_poll);
	was_master = bk.st >= BK_WAIT_CUT_ACK && bk.st != BK_FAILED;
	if (was_master) {
		/* a worker still waiting for its replay turn must not hold up
		 * the exit (ftmb_replay_abandon; a stall was already logged) */
		ftmb_replay_abandon();
		rte_eal_mp_wait_lcore();
		printf("ftmb-stats: replay_stalls=%" PRIu64 "\n", ftmb_replay_stalls());
		dp_master_fini();
		dp_ckpt_agent_stop();
		printf("ftmb-stats: recovery_detect_to_restored_ms=%.3f\n"
		       "ftmb-stats: recovery_detect_to_cut_ms=%.3f\n"
		       "ftmb-stats: recovery_detect_to_protected_ms=%.3f\n"
		       "ftmb-stats: recovery_detect_to_replay_ms=%.3f\n"
		       "ftmb-stats: recovery_dead_at_realtime_ns=%" PRIu64 "\n"
		       "ftmb-stats: recovery_last_hb_realtime_ns=%" PRIu64 "\n"
		       "ftmb-stats: recovery_cut_pals=%" PRIu64 "\n"
		       "ftmb-stats: recovery_resigned=%" PRIu64 "\n",
		       (double)(bk.t_restored - bk.t_dead) / 1e6, (double)(bk.t_cut - bk.t_dead) / 1e6,
		       (double)(bk.t_protected - bk.t_dead) / 1e6,
		       (double)(bk.t_replay - bk.t_dead) / 1e6, bk.t_dead, bk.t_last_hb,
		       bk.replay_pals, bk.resigned);
	}
	printf("ftmb-stats: backup_state=%s\n", state_name(bk.st));
	if (bk.conn_fd >= 0)
		close(bk.conn_fd);
	if (bk.listen_fd >= 0)
		close(bk.listen_fd);
	close(bk.hb_fd);
	ftmb_ckpt_store_destroy(bk.store);
	free_cut();
}

/* ---- ftmbctl (dp_ctl.h): run on the control thread, read-only ---- */

static enum bk_state bk_state_now(void)
{
	return __atomic_load_n(&bk.st, __ATOMIC_RELAXED);
}

bool dp_ckpt_backup_is_master(void)
{
	return bk_state_now() == BK_MASTER;
}

const char *dp_ckpt_backup_state_name(void)
{
	return state_name(bk_state_now());
}

void dp_ckpt_backup_status(struct dp_ctl_out *o)
{
	enum bk_state st = bk_state_now();
	uint64_t now = real_ns(), seq = dp_ctl_rd(&bk.last.seq), dead = dp_ctl_rd(&bk.t_dead);

	if (st == BK_MASTER) {
		dp_ctl_master_lines(o);
	} else {
		enum ftmb_fd_state fs = __atomic_load_n(&bk.fd.state, __ATOMIC_RELAXED);
		dp_ctl_printf(o, "role=backup\npid=%d\ncores=%u\nmaster=%s\nhb_max_gap_ms=%.2f\n",
			      (int)getpid(), bk.n_workers, ftmb_fd_state_name(fs),
			      (double)dp_ctl_rd(&bk.fd.max_gap_ns) / 1e6);
		if (seq)
			dp_ctl_printf(o, "ckpt_seq=%" PRIu64 "\nckpt_bytes=%" PRIu64
				      "\nckpt_state_bytes=%" PRIu64 "\nckpt_age_ms=%.1f"
				      "\nckpt_watermark=%" PRIu64 "\n", seq, dp_ctl_rd(&bk.last.bytes),
				      dp_ctl_rd(&bk.last.state_bytes),
				      (double)(now - dp_ctl_rd(&bk.last.created_ns)) / 1e6,
				      dp_ctl_rd(&bk.last.watermark));
		else
			dp_ctl_printf(o, "ckpt_seq=none\n");
		dp_ctl_printf(o, "ckpt_accepted=%" PRIu64 "\nckpt_rejected=%" PRIu64
			      "\nckpt_aborted=%" PRIu64 "\nhb_bad=%" PRIu64 "\n",
			      dp_ctl_rd(&dp_stats.ckpt_accepted), dp_ctl_rd(&dp_stats.ckpt_rejected),
			      dp_ctl_rd(&dp_stats.ckpt_aborted), dp_ctl_rd(&dp_stats.hb_bad));
	}
	dp_ctl_printf(o, "takeover=%s\nfailovers=%" PRIu64 "\n", state_name(st),
		      dp_ctl_rd(&dp_stats.takeovers));
	if (st != BK_MASTER || !dead)
		return;
	/* the takeover's split, each from the moment the master was found
	 * dead (or resigned); detect = its last heartbeat to that moment */
	uint64_t hb = dp_ctl_rd(&bk.t_last_hb);
	dp_ctl_printf(o, "last_failover_cause=%s\nlast_failover_age_ms=%.1f\n"
		      "last_failover_ckpt=%" PRIu64 "\nlast_failover_detect_ms=%.2f\n"
		      "last_failover_restore_ms=%.2f\nlast_failover_cut_ms=%.2f\n"
		      "last_failover_protected_ms=%.2f\nlast_failover_replay_ms=%.2f\n"
		      "last_failover_cut_pals=%" PRIu64 "\n",
		      dp_ctl_rd(&bk.resigned) ? "resign" : "timeout", (double)(now - dead) / 1e6,
		      dp_ctl_rd(&bk.cov.seq), hb && hb < dead ? (double)(dead - hb) / 1e6 : 0.0,
		      (double)(dp_ctl_rd(&bk.t_restored) - dead) / 1e6,
		      (double)(dp_ctl_rd(&bk.t_cut) - dead) / 1e6,
		      (double)(dp_ctl_rd(&bk.t_protected) - dead) / 1e6,
		      (double)(dp_ctl_rd(&bk.t_replay) - dead) / 1e6, dp_ctl_rd(&bk.replay_pals));
}
