/*
 * dp_ckpt_loggers.c: the input and output loggers' part of checkpointing
 * and recovery, on top of the role hooks (ftmb_dp_hooks.h).
 *
 * Theory of operation.
 *  Both loggers get a link to the backup (--backup-port), or several: one
 *  per backup in the order they protect the master (links[0] the
 *  standby's; after a takeover on links[k], links[k+1] is the link of the
 *  fresh backup that protects the new master). Until a takeover no role
 *  task reads a backup link, so the control hook polls them and hands
 *  extension frames to the ext-frame hook; once a backup is the master,
 *  the role's own RX reads its link (it became the master port) and
 *  extension frames reach the same hook from there.
 *  Links: COVER and the first frame of a takeover act only when they come
 *  on the standby's link, the rest of a takeover (repeats, CUT, REPLAY)
 *  only on the link that carried its first frame; anything else is
 *  counted (wrong_link) and ignored. The first frame of a new takeover
 *  moves the standby to the next link. Links of earlier takeovers belong
 *  to dead masters and are never read again (the fence). So a backup
 *  can only trim or take over while it is the one protecting the current
 *  master, and the chain master -> backup -> fresh backup -> ... goes on
 *  for as many links as are configured.
 *  COVER(seq, watermark, max[c]): the backup holds a complete checkpoint
 *  covering every input id <= watermark and core c's PAL positions <
 *  max[c]. The IL drops its log up to the watermark (il_trim); the OL
 *  drops stored PALs below max[c] and its memory of released outputs of
 *  inputs <= watermark (ol_trim). Only a COVER trims, and the backup sends
 *  it only after validating the image, so a log is never trimmed past the
 *  recovery point.
 *  TAKEOVER(id, cover): the IL stops forwarding (il_pause: the old master
 *  gets nothing more; input waits in the NIC and in the log). The OL
 *  fences the old master (ol_switch_master to the backup's link: the old
 *  link is never read again, releases stop until the new master's SYNC)
 *  and answers with every PAL it stores from max[c] on (CUT_PALS, master
 *  positions), then CUT_END(end[c]). A repeated TAKEOVER of the same id
 *  (the backup missed part of the answer) is answered again; the fenced
 *  state does not change in between, so answers agree.
 *  CUT(id, keep_end[c]): the OL forgets core c's PALs at and after
 *  keep_end[c], sets R[c] there and drops every held output
 *  (ftmb_ol_truncate): the replay re-creates them, and the ones already
 *  released are suppressed by (input id, output index). Applied once per
 *  takeover id; a repeat only gets CUT_ACK again (a second truncation
 *  would drop PALs the new master sent meanwhile).
 *  REPLAY(id, from): the IL re-sends every logged input with id >= from
 *  to the backup's link, which becomes its master port (il_replay_from),
 *  and resumes. Once per takeover id; repeats get REPLAY_ACK again.
 */
#include "dp_ckpt.h"
#include "ftmb_dp_hooks.h"

#include <stdlib.h>

#include <rte_ethdev.h>

#include "ftmb_release.h"

static struct {
	uint64_t takeover_id;   /* takeover under way / done (0: none)     */
	bool applied;           /* OL: its CUT applied; IL: replay started */
	int32_t result;         /* IL: il_replay_from's result             */
	int tk;                 /* index of the last takeover's link in
				   dp_cfg.backup_ports (-1: none yet)       */
	uint16_t role_link;     /* the backup link the role itself reads
				   (its master port now; DP_NO_PORT: none)  */
	uint64_t released_at_cut; /* OL: `released` at the last cut          */
	bool first_release_due; /* OL: its first release not reported yet  */
	bool standby_covered;   /* a COVER came from the current standby   */
	uint64_t trimmed_upto;  /* IL: the last COVER's watermark           */
	uint64_t ckpt_max[FTMB_WIRE_MAX_CORES]; /* OL: the takeover's max[c] */
	unsigned ckpt_n;
} lg = { .tk = -1, .role_link = DP_NO_PORT };

/* ------------------------------------------------------ backup links */

/* The standby backup's link: the one after the last takeover's. */
static uint16_t standby_link(void)
{
	unsigned i = (unsigned)(lg.tk + 1);

	return i < dp_cfg.n_backup_ports ? dp_cfg.backup_ports[i] : DP_NO_PORT;
}

static uint16_t takeover_link(void)
{
	return lg.tk >= 0 ? dp_cfg.backup_ports[lg.tk] : DP_NO_PORT;
}

/* May a frame of takeover `id` (0: a COVER) act, arriving on `port`?
 * COVERs and the first frame of a new takeover come on the standby's
 * link; the rest of a takeover (repeats, CUT, REPLAY) on the link that
 * carried its first frame. Anything else is counted and ignored. */
static bool link_ok(uint16_t port, uint64_t id, uint8_t type, const char *who)
{
	uint16_t want = id != 0 && id == lg.takeover_id ? takeover_link() : standby_link();

	if (port == want && want != DP_NO_PORT)
		return true;
	DP_INC(wrong_link);
	DP_LOG_RL(WARNING, "%s: extension frame 0x%x on port %u, not the link of the backup it "
		  "would be from (port %u): ignored\n", who, type, port, want);
	return false;
}

/* A new takeover came on the standby's link (link_ok): that link is the
 * new master's from now on, the next configured one the next standby's. */
static void begin_takeover(uint64_t id)
{
	lg.takeover_id = id;
	lg.applied = false;
	lg.tk++;
	lg.standby_covered = false;
}

/* A COVER from the standby (link_ok): say when it is the first from this
 * one (after a takeover: the new master is protected again from here). */
static void note_cover(uint16_t port, uint64_t seq, const char *who)
{
	if (lg.standby_covered)
		return;
	lg.standby_covered = true;
	DP_LOG(NOTICE, "%s: first COVER from the backup on port %u (checkpoint %" PRIu64
	       "): logs trimmed from here on\n", who, port, seq);
}

/* Poll the backup links the role does not read itself, from the last
 * takeover's on: its link until the role switches to it, the standby's,
 * and later ones (a frame there is counted: wrong_link). Links of older
 * takeovers belong to dead masters: fenced, never read again. */
static unsigned poll_backup_links(const char *where)
{
	unsigned work = 0;

	for (unsigned i = lg.tk > 0 ? (unsigned)lg.tk : 0; i < dp_cfg.n_backup_ports; i++)
		if (dp_cfg.backup_ports[i] != lg.role_link)
			work += dp_ckpt_poll_port(dp_cfg.backup_ports[i], where);
	return work;
}

/* Start-up: every backup link an existing port, distinct, not a role's
 * other port; then configured. */
static void setup_backup_links(const char *who)
{
	const uint16_t other[] = { dp_cfg.master_port, dp_cfg.in_port[0], dp_cfg.in_port[1],
				   dp_cfg.out_port[0], dp_cfg.out_port[1] };

	for (unsigned i = 0; i < dp_cfg.n_backup_ports; i++) {
		uint16_t p = dp_cfg.backup_ports[i];

		if (!rte_eth_dev_is_valid_port(p))
			rte_exit(EXIT_FAILURE, "%s: --backup-port %u: no such port (%u ports; ids "
				 "follow the --vdev order from 0)\n", who, p,
				 rte_eth_dev_count_avail());
		for (unsigned j = 0; j < RTE_DIM(other); j++)
			if (p == other[j])
				rte_exit(EXIT_FAILURE, "%s: --backup-port %u is also its master or "
					 "an outside port\n", who, p);
		for (unsigned j = 0; j < i; j++)
			if (p == dp_cfg.backup_ports[j])
				rte_exit(EXIT_FAILURE, "%s: --backup-port %u given twice\n", who, p);
	}
	for (unsigned i = 0; i < dp_cfg.n_backup_ports; i++)
		dp_port_setup(dp_cfg.backup_ports[i]);
	if (dp_cfg.n_backup_ports > 1)
		DP_LOG(NOTICE, "%s: %u backup links: the standby's on port %u, then the next "
		       "backups' in the order given\n", who, dp_cfg.n_backup_ports,
		       dp_cfg.backup_ports[0]);
}

static void send_ack(uint16_t port, uint8_t type, uint64_t id, int32_t result)
{
	struct dp_w_ack *a;
	struct rte_mbuf *m = dp_ckpt_frame(type, sizeof(*a), (void **)&a);

	if (!m)
		return;
	a->takeover_id = id;
	a->result = result;
	dp_ckpt_send(port, m);
}

/* ---------------------------------------------------------------- IL */

static void il_ext(void *arg, uint16_t port, struct rte_mbuf *m, const struct ftmb_wire_view *v)
{
	(void)arg;
	if (!dp_ckpt_ext_ok(v, "IL<-backup"))
		goto out;
	switch (v->type) {
	case DP_W_COVER: {
		const struct dp_w_cover *c = v->body;
		if (!link_ok(port, 0, v->type, "IL"))
			break;
		note_cover(port, c->seq, "IL");
		il_trim(c->watermark);
		if (c->watermark > lg.trimmed_upto)
			lg.trimmed_upto = c->watermark;
		dp_stats.il_trimmed_upto = lg.trimmed_upto; /* for ftmbctl status */
		DP_INC(covers);
		break;
	}
	case DP_W_TAKEOVER: {
		const struct dp_w_cover *c = v->body;
		if (!link_ok(port, c->takeover_id, v->type, "IL"))
			break;
		if (c->takeover_id != lg.takeover_id) {
			begin_takeover(c->takeover_id);
			il_pause(true);
			dp_stats.il_paused = 1;
			DP_LOG(NOTICE, "IL: takeover by the backup (checkpoint %" PRIu64
			       "): forwarding paused\n", c->seq);
		}
		break;
	}
	case DP_W_REPLAY: {
		const struct dp_w_replay *r = v->body;
		if (!link_ok(port, r->takeover_id, v->type, "IL"))
			break;
		if (r->takeover_id != lg.takeover_id || !lg.applied) {
			if (r->takeover_id != lg.takeover_id) /* its TAKEOVER was lost */
				begin_takeover(r->takeover_id);
			lg.applied = true;
			uint64_t from = r->from_pkt_id;
			/* ids are not contiguous (they start at the IL's start time):
			 * a `from` below the oldest record loses nothing if no record
			 * at or above it was ever dropped (trimmed or evicted) */
			if (from < il_oldest_pkt_id() && from > lg.trimmed_upto &&
			    dp_stats.il_log_full == 0)
				from = il_oldest_pkt_id();
			lg.result = il_replay_from(from, port);
			if (lg.result < 0) /* send what the log has: better than nothing */
				il_replay_from(il_oldest_pkt_id(), port);
			lg.role_link = port;
			il_pause(false);
			dp_stats.il_paused = 0;
			DP_INC(takeovers);
			if (lg.result < 0)
				DP_LOG(ERR, "IL: replay from %" PRIu64 " impossible: the log starts at "
				       "%" PRIu64 " (inputs lost)\n", r->from_pkt_id, il_oldest_pkt_id());
			else
				DP_LOG(NOTICE, "IL: replaying from %" PRIu64 " to the new master\n",
				       r->from_pkt_id);
		}
		send_ack(port, DP_W_REPLAY_ACK, r->takeover_id, lg.result);
		break;
	}
	default:
		DP_INC(unexpected);
	}
out:
	rte_pktmbuf_free(m);
}

static unsigned il_ctl(void *arg, uint64_t now_tsc)
{
	(void)arg;
	(void)now_tsc;
	return poll_backup_links("IL<-backup");
}

void dp_ckpt_il_attach(void)
{
	setup_backup_links("IL");
	dp_set_ext_frame_hook(il_ext, NULL);
	dp_set_control_hook(il_ctl, NULL);
}

/* ---------------------------------------------------------------- OL */

/* Send core c's stored PALs from master position `from` on; returns the
 * end position sent up to, or UINT64_MAX if the OL lacks PALs at `from`. */
static uint64_t send_cut_pals(uint16_t port, struct ftmb_ol *st, unsigned c, uint64_t from,
			      uint64_t id)
{
	uint64_t base = ol_stream_base(c), first;
	size_t n;
	const struct ftmb_pal *p = ftmb_ol_pals(st, c, &first, &n);
	uint64_t end = base + first + n, pos;

	if (from < base + first) {
		/* nothing stored at `from` (the OL joined later, or the stored
		 * PALs start later): fine only if there is nothing at all */
		return n == 0 && ftmb_ol_received(st, c) + base <= from ? from : UINT64_MAX;
	}
	if (end <= from)
		return from; /* the OL never got core c's PALs up to the checkpoint's
			      * MAX (the master died first): none after it either,
			      * and no released output depends on the missing ones */
	for (pos = from; pos < end;) {
		unsigned k = (unsigned)RTE_MIN(end - pos, (uint64_t)FTMB_PALS_PER_FRAME);
		struct dp_w_cut_pals *b;
		struct rte_mbuf *m = dp_ckpt_frame(DP_W_CUT_PALS,
			(uint16_t)(sizeof(*b) + k * sizeof(struct ftmb_w_pal)), (void **)&b);
		if (!m)
			break; /* the backup sees a short answer and asks again */
		b->takeover_id = id;
		b->core = (uint16_t)c;
		b->count = (uint16_t)k;
		b->first = pos;
		memcpy(b + 1, p + (pos - base - first), k * sizeof(struct ftmb_pal));
		dp_ckpt_send(port, m);
		DP_ADD(cut_pals, k);
		pos += k;
	}
	return end;
}

static void ol_answer_takeover(uint16_t port, const struct dp_w_cover *c, const ftmb_wire_u64 *max)
{
	struct ftmb_ol *st = ol_state();
	uint64_t end[FTMB_WIRE_MAX_CORES];
	uint32_t flags = 0;
	struct dp_w_cut_end *e;
	struct rte_mbuf *m;

	for (unsigned i = 0; i < c->n_cores; i++) {
		end[i] = max[i];
		if (!st || ftmb_ol_cores(st) != c->n_cores) {
			flags |= DP_CUT_MISSING;
			continue;
		}
		uint64_t r = send_cut_pals(port, st, i, max[i], c->takeover_id);
		if (r == UINT64_MAX)
			flags |= DP_CUT_MISSING;
		else
			end[i] = r;
	}
	if (flags & DP_CUT_MISSING) /* no usable PALs: an empty cut, nothing to keep */
		for (unsigned i = 0; i < c->n_cores; i++)
			end[i] = max[i];
	m = dp_ckpt_frame(DP_W_CUT_END, (uint16_t)(sizeof(*e) + 8u * c->n_cores), (void **)&e);
	if (!m)
		return;
	e->takeover_id = c->takeover_id;
	e->n_cores = c->n_cores;
	e->flags = flags;
	memcpy(e + 1, end, 8u * c->n_cores);
	dp_ckpt_send(port, m);
}

/* Release callback of the last sweep before the cut (see ol_apply_cut). */
static void release_before_cut(void *arg, unsigned core, uint64_t pkt_id, uint32_t out_idx,
			       void *pkt, int duplicate)
{
	struct rte_mbuf *m = pkt;
	uint16_t port = dp_cfg.out_port[m->port & 1];

	(void)arg;
	(void)core;
	(void)pkt_id;
	(void)out_idx;
	dp_stats.held -= RTE_MIN(1ull, dp_stats.held);
	if (duplicate) {
		DP_INC(dup_suppressed);
		rte_pktmbuf_free(m);
		return;
	}
	DP_INC(released);
	DP_INC(pkts_out);
	dp_tx(port, &m, 1);
}

/* Outputs of inputs the checkpoint covers (V <= max[c]: their vector was
 * read before the checkpoint) are part of the recovered state but are not
 * replayed (replay starts after the watermark): they must leave now, not
 * be dropped by the truncation. R[c] below max[c] (PALs lost with the
 * master) is raised to max[c] with placeholder PALs: every position below
 * max[c] is in the checkpoint (its counters), no cut ever starts below it,
 * so the release check with R = max(R, max) lets out only outputs that
 * depend on the checkpoint and on PALs the OL holds, which the cut keeps
 * (an output releasable under the OL's own R never depends on a PAL the
 * cut drops: SPEC §6.3). The placeholders are at positions < the cut's end
 * and are trimmed by the next COVER. */
static void release_covered(struct ftmb_ol *st)
{
	for (unsigned c = 0; c < lg.ckpt_n && c < ftmb_ol_cores(st); c++) {
		uint64_t base = ol_stream_base(c), r = ftmb_ol_received(st, c) + base;
		if (lg.ckpt_max[c] <= r)
			continue;
		uint64_t k = lg.ckpt_max[c] - r;
		struct ftmb_pal *fill = calloc(k, sizeof(*fill));
		if (!fill || ftmb_ol_pal_batch(st, c, r - base, (uint32_t)k, fill) != FTMB_BATCH_ACCEPTED)
			DP_LOG(WARNING, "OL: cannot raise R of core %u to the checkpoint\n", c);
		free(fill);
	}
	ftmb_ol_release_poll_all(st, release_before_cut, NULL);
}

static void ol_apply_cut(const struct dp_w_cut *cut, const ftmb_wire_u64 *keep_end)
{
	struct ftmb_ol *st = ol_state();
	uint64_t held = 0, rel = dp_stats.released;

	if (!st)
		return;
	release_covered(st);
	/* what is still held belongs to inputs past the checkpoint: replay
	 * re-creates it (free the mbufs before the truncation forgets them) */
	held = ftmb_ol_drop_held_fn(st, dp_mbuf_free_cb, NULL);
	for (unsigned c = 0; c < cut->n_cores && c < ftmb_ol_cores(st); c++) {
		uint64_t base = ol_stream_base(c);
		ftmb_ol_truncate(st, c, keep_end[c] > base ? keep_end[c] - base : 0);
	}
	dp_stats.held -= RTE_MIN(held, dp_stats.held);
	DP_LOG(NOTICE, "OL: recovery cut applied: %" PRIu64 " held outputs of checkpointed inputs "
	       "released, %" PRIu64 " dropped (replay re-creates them)\n", dp_stats.released - rel,
	       held);
}

static void ol_ext(void *arg, uint16_t port, struct rte_mbuf *m, const struct ftmb_wire_view *v)
{
	(void)arg;
	if (!dp_ckpt_ext_ok(v, "OL<-backup"))
		goto out;
	switch (v->type) {
	case DP_W_COVER: {
		const struct dp_w_cover *c = v->body;
		uint64_t max[FTMB_WIRE_MAX_CORES];
		if (!link_ok(port, 0, v->type, "OL"))
			break;
		note_cover(port, c->seq, "OL");
		memcpy(max, c + 1, 8u * c->n_cores);
		ol_trim(max, c->n_cores, c->watermark + 1);
		DP_INC(covers);
		break;
	}
	case DP_W_TAKEOVER: {
		const struct dp_w_cover *c = v->body;
		if (!link_ok(port, c->takeover_id, v->type, "OL"))
			break;
		if (c->takeover_id == lg.takeover_id && lg.applied)
			break; /* a stale resend after the cut */
		if (c->takeover_id != lg.takeover_id) {
			begin_takeover(c->takeover_id);
			lg.ckpt_n = c->n_cores;
			memcpy(lg.ckpt_max, c + 1, 8u * c->n_cores);
			ol_switch_master(port); /* fence: the old master's link is never read again */
			lg.role_link = port;
			DP_LOG(NOTICE, "OL: takeover by the backup (checkpoint %" PRIu64
			       "): old master fenced\n", c->seq);
		}
		ol_answer_takeover(port, c, (const ftmb_wire_u64 *)(c + 1));
		break;
	}
	case DP_W_CUT: {
		const struct dp_w_cut *c = v->body;
		if (c->takeover_id != lg.takeover_id) {
			DP_INC(unexpected);
			DP_LOG_RL(WARNING, "OL: CUT of an unknown takeover: ignored\n");
			break;
		}
		if (!link_ok(port, c->takeover_id, v->type, "OL"))
			break;
		if (!lg.applied) {
			ol_apply_cut(c, (const ftmb_wire_u64 *)(c + 1));
			lg.applied = true;
			lg.released_at_cut = dp_stats.released;
			lg.first_release_due = true;
			DP_INC(takeovers);
		}
		send_ack(port, DP_W_CUT_ACK, c->takeover_id, 0);
		break;
	}
	default:
		DP_INC(unexpected);
	}
out:
	rte_pktmbuf_free(m);
}

static unsigned ol_ctl(void *arg, uint64_t now_tsc)
{
	(void)arg;
	(void)now_tsc;
	/* recovery time as the outside sees it: the new master's first
	 * output (logged once per takeover) */
	if (lg.first_release_due && dp_stats.released > lg.released_at_cut) {
		DP_LOG(NOTICE, "OL: first release after the takeover at %" PRIu64 " ns\n",
		       dp_now_ns());
		lg.first_release_due = false;
	}
	return poll_backup_links("OL<-backup");
}

void dp_ckpt_ol_attach(void)
{
	setup_backup_links("OL");
	dp_set_ext_frame_hook(ol_ext, NULL);
	dp_set_control_hook(ol_ctl, NULL);
}
