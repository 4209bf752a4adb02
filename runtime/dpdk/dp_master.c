/*
 * dp_master.c: the master (SPEC §2-4): dispatch, workers running the
 * middlebox, each core's stream to the output logger, acks and resends.
 *
 * Theory of operation.
 *  Dispatch (main lcore): PKT frames from the IL are validated and handed
 *  to worker ring flow_hash(frame) % n_workers (ticks: tick_core %
 *  n_workers), so all packets of a flow meet one core, in IL order.
 *  Workers (one lcore each, bound to core context c): for each packet,
 *  ftmb_packet_begin(id, ts); mb_process; then every output (mb_emit
 *  frames first, the packet itself last) goes through
 *  ftmb_core_emit_output, and a packet without outputs through
 *  ftmb_packet_end(0) -> NO_OUTPUT. The core library hands this core's
 *  records to our sink in stream order (PAL batches always before the
 *  output that follows them); the sink turns each into a frame and
 *  enqueues it on one multi-producer ring, which keeps every producer's
 *  order: so each core's stream stays FIFO up to the OL port.
 *  TX (main lcore): frames leave for the OL while it is up and synced
 *  ("protected"). When it is gone (no heartbeat/ack for --peer-timeout-us)
 *  outputs are decapsulated and sent straight out of --out-* (no downtime,
 *  unprotected) and PAL/no-output frames are discarded. When an OL (re)joins,
 *  a SYNC tells it, per core, the first PAL position it will receive (the
 *  TX task's position in that core's stream at the switch), so R starts
 *  there; what came before was never logged (documented, docs/runtime.md).
 *  Acks/resend: every PAL batch sent is kept in core's resend queue until
 *  the OL's cumulative ACK covers it; if a core has unacknowledged PALs and
 *  no ack progress for --resend-us, all its unacknowledged batches are sent
 *  again (the OL ignores what it holds). A lost PAL batch thus delays
 *  releases (the OL's R[c] stops before the gap) but never allows one early.
 *  Batching: within one burst of input packets, a worker collects its PALs
 *  in one buffer (a PALS frame of up to FTMB_PALS_PER_FRAME) and stages
 *  its DATA/NOOUT frames; at the end of the burst (or when a buffer fills)
 *  it enqueues the PALs first, then the staged frames. Every output thus
 *  still follows every PAL its core made before it (ordered logging), each
 *  keeps the vector read right after its own packet, and the OL link
 *  carries one PALS frame per burst instead of one per packet.
 *  Quiesce: master_request_quiesce sets a flag; each worker, between two
 *  packets, flushes its PALs and parks; when all are parked the callback
 *  runs on the main lcore, then the workers resume.
 */
#include "dp.h"
#include "ftmb_dp_hooks.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "ftmb_core.h"
#include "ftmb_release.h"
#include "middlebox.h"

struct worker {
	unsigned core;
	struct rte_ring *in;
	uint64_t stream_pos;      /* DATA + NOOUT records emitted           */
	uint64_t last_pkt_id;
	/* outputs of the packet being processed */
	struct rte_mbuf *outs[DP_MAX_OUTPUTS];
	uint8_t out_ports[DP_MAX_OUTPUTS];
	unsigned n_out;
	bool in_packet;
	/* the output the sink is about to frame */
	struct rte_mbuf *cur_out;
	uint8_t cur_port;
	volatile bool parked;
	/* staging of one burst (see "Batching" above) */
	struct ftmb_pal palbuf[FTMB_PALS_PER_FRAME];
	uint64_t palbuf_first;
	unsigned n_palbuf;
	struct rte_mbuf *staged[DP_BURST * DP_MAX_OUTPUTS];
	unsigned n_staged;
} __rte_cache_aligned;

static struct {
	unsigned n;
	struct worker w[DP_MAX_WORKERS];
	struct rte_ring *to_tx;        /* all cores' stream frames, per-core FIFO */
	struct ftmb_resendq *rq;
	rte_spinlock_t rq_lock;
	uint64_t epoch;
	struct dp_peer il, ol;
	bool protected;                /* OL up and SYNC sent                    */
	bool ol_acked;                 /* an ACK from this OL epoch arrived      */
	uint64_t pals_seen_end[DP_MAX_WORKERS]; /* TX: end of last PALS passed */
	uint64_t acked[DP_MAX_WORKERS];
	uint64_t last_ack_progress[DP_MAX_WORKERS];
	uint64_t sync_pos[DP_MAX_WORKERS];
	uint64_t next_hb, next_sync;
	uint32_t sync_gen;
	bool direct_enabled;           /* poll --in-* while the IL is gone     */
	uint16_t direct_in[2];
	uint64_t direct_id;
	uint64_t pal_frame_count;      /* for --drop-pals                      */
	struct rte_mbuf *pending[DP_BURST]; /* stream frames the OL port refused */
	unsigned n_pending;
	/* quiesce */
	volatile bool quiesce;
	master_quiesce_fn q_cb;
	void *q_arg;
} ms;

_Static_assert(sizeof(struct ftmb_w_pal) == sizeof(struct ftmb_pal), "PAL wire layout");

static RTE_DEFINE_PER_LCORE(struct worker *, cur_worker);

/* ------------------------------------------------------------------ */
/* worker side                                                         */
/* ------------------------------------------------------------------ */

static void stream_enqueue(struct rte_mbuf *m)
{
	while (rte_ring_mp_enqueue(ms.to_tx, m) != 0) {
		if (dp_force_quit) {
			rte_pktmbuf_free(m);
			return;
		}
		rte_pause();
	}
}

/* Enqueue the buffered PALs as one PALS frame (and keep them for resend). */
static void flush_pals(struct worker *w)
{
	struct ftmb_w_pals *b;
	struct rte_mbuf *m;
	unsigned k = w->n_palbuf;

	if (!k)
		return;
	rte_spinlock_lock(&ms.rq_lock);
	ftmb_resendq_push(ms.rq, w->core, w->palbuf_first, k, w->palbuf);
	rte_spinlock_unlock(&ms.rq_lock);
	m = dp_frame_new(FTMB_W_PALS, (uint16_t)(sizeof(*b) + k * sizeof(struct ftmb_w_pal)),
			 (void **)&b);
	if (m) {
		b->core = (uint16_t)w->core;
		b->count = (uint16_t)k;
		b->reserved = 0;
		b->first = w->palbuf_first;
		memcpy(b + 1, w->palbuf, k * sizeof(struct ftmb_w_pal));
		stream_enqueue(m);
	} /* else: the resend queue still has them */
	w->palbuf_first += k;
	w->n_palbuf = 0;
}

/* End of a burst: PALs first, then the outputs and no-output records. */
static void flush_stream(struct worker *w)
{
	unsigned done = 0;

	flush_pals(w);
	while (done < w->n_staged) {
		done += rte_ring_mp_enqueue_burst(ms.to_tx, (void **)w->staged + done,
						  w->n_staged - done, NULL);
		if (done < w->n_staged) {
			if (dp_force_quit) {
				rte_pktmbuf_free_bulk(w->staged + done, w->n_staged - done);
				break;
			}
			rte_pause();
		}
	}
	w->n_staged = 0;
}

static void stage(struct worker *w, struct rte_mbuf *m)
{
	if (w->n_staged == RTE_DIM(w->staged))
		flush_stream(w);
	w->staged[w->n_staged++] = m;
}

static void sink_pals(struct worker *w, const struct ftmb_rec *rec)
{
	uint32_t done = 0;

	if (w->n_palbuf == 0)
		w->palbuf_first = rec->first_pos;
	while (done < rec->count) {
		uint32_t k = RTE_MIN(rec->count - done,
				     (uint32_t)(FTMB_PALS_PER_FRAME - w->n_palbuf));
		memcpy(w->palbuf + w->n_palbuf, rec->pals + done, k * sizeof(struct ftmb_pal));
		w->n_palbuf += k;
		done += k;
		if (w->n_palbuf == FTMB_PALS_PER_FRAME) {
			flush_pals(w); /* PALs may go ahead of staged outputs: never behind */
			w->palbuf_first = rec->first_pos + done;
		}
	}
	DP_ATOMIC_ADD(pals, rec->count);
}

static void sink_output(struct worker *w, const struct ftmb_rec *rec)
{
	struct rte_mbuf *m = w->cur_out;
	uint16_t flen = rte_pktmbuf_data_len(m);
	uint16_t body = (uint16_t)(sizeof(struct ftmb_w_data) + 8u * rec->n_vec);
	struct ftmb_w_data *d = dp_encap(m, FTMB_W_DATA, body, flen);

	w->cur_out = NULL;
	if (!d) {
		DP_ATOMIC_ADD(tx_drop, 1);
		rte_pktmbuf_free(m);
		return;
	}
	d->core = (uint16_t)w->core;
	d->out_port = w->cur_port;
	d->n_vec = (uint8_t)rec->n_vec;
	d->out_idx = (uint16_t)rec->out_idx;
	d->frame_len = flen;
	d->stream_pos = w->stream_pos++;
	d->pkt_id = rec->pkt_id;
	memcpy(d + 1, rec->vec, 8u * rec->n_vec);
	stage(w, m);
}

static void sink_noout(struct worker *w, const struct ftmb_rec *rec)
{
	struct ftmb_w_noout *b;
	struct rte_mbuf *m = dp_frame_new(FTMB_W_NOOUT, sizeof(*b), (void **)&b);

	if (!m)
		return;
	b->core = (uint16_t)w->core;
	b->stream_pos = w->stream_pos++;
	b->pkt_id = rec->pkt_id;
	stage(w, m);
}

static void stream_sink(void *arg, const struct ftmb_rec *rec)
{
	struct worker *w = arg;

	switch (rec->kind) {
	case FTMB_REC_PAL_BATCH: sink_pals(w, rec); break;
	case FTMB_REC_OUTPUT: sink_output(w, rec); break;
	case FTMB_REC_NO_OUTPUT: sink_noout(w, rec); break;
	}
}

int mb_emit(unsigned core, int port, const void *frame, uint16_t len)
{
	struct worker *w = RTE_PER_LCORE(cur_worker);
	struct rte_mbuf *m;

	if (!w || !w->in_packet || w->core != core || (port != 0 && port != 1) ||
	    w->n_out >= DP_MAX_OUTPUTS - 1 || len < FTMB_ETH_HLEN)
		return -1;
	m = dp_mbuf_copy(frame, len);
	if (!m)
		return -1;
	w->outs[w->n_out] = m;
	w->out_ports[w->n_out++] = (uint8_t)port;
	return 0;
}

static void process_one(struct worker *w, struct rte_mbuf *m)
{
	const struct ftmb_w_pkt *ph = rte_pktmbuf_mtod_offset(m, const struct ftmb_w_pkt *,
		FTMB_ETH_HLEN + sizeof(struct ftmb_hdr));
	uint64_t id = ph->pkt_id, ts = ph->ts_ns;
	unsigned kind = ph->kind, in_port = ph->in_port;

	rte_pktmbuf_adj(m, FTMB_ETH_HLEN + sizeof(struct ftmb_hdr) + sizeof(*ph));
	w->n_out = 0;
	w->in_packet = true;
	ftmb_packet_begin(id, ts);
	if (kind == FTMB_PKT_TICK) {
		rte_pktmbuf_free(m);
		mb_tick(w->core, ts);
		DP_ATOMIC_ADD(ticks_in, 1);
	} else {
		struct mb_pkt p = {
			.data = rte_pktmbuf_mtod(m, uint8_t *),
			.len = rte_pktmbuf_data_len(m),
			.cap = (uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)),
			.in_port = (uint16_t)in_port,
			.core = (uint16_t)w->core,
		};
		int verdict = mb_process(&p);

		DP_ATOMIC_ADD(pkts_in, 1);
		if ((verdict == MB_PORT_INSIDE || verdict == MB_PORT_OUTSIDE) && p.len <= p.cap &&
		    p.len >= FTMB_ETH_HLEN) {
			m->data_len = m->pkt_len = p.len;
			w->outs[w->n_out] = m;
			w->out_ports[w->n_out++] = (uint8_t)verdict;
		} else {
			rte_pktmbuf_free(m);
		}
	}
	w->in_packet = false;
	for (unsigned i = 0; i < w->n_out; i++) {
		w->cur_out = w->outs[i];
		w->cur_port = w->out_ports[i];
		ftmb_core_emit_output(w->core, id, i, NULL);
	}
	ftmb_packet_end(w->n_out);
	w->last_pkt_id = id;
}

int dp_master_worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_idle idle = {0};

	RTE_PER_LCORE(cur_worker) = w;
	if (ftmb_core_bind(w->core) != 0) {
		DP_LOG(ERR, "worker %u: cannot bind core context\n", w->core);
		return -1;
	}
	ftmb_core_set_sink(w->core, stream_sink, w);
	while (!dp_force_quit) {
		unsigned n;

		if (ms.quiesce) {
			ftmb_core_flush(w->core);
			flush_stream(w);
			__atomic_store_n(&w->parked, true, __ATOMIC_RELEASE);
			while (ms.quiesce && !dp_force_quit)
				rte_pause();
			__atomic_store_n(&w->parked, false, __ATOMIC_RELEASE);
			continue;
		}
		n = rte_ring_sc_dequeue_burst(w->in, (void **)pkts, DP_BURST, NULL);
		for (unsigned i = 0; i < n; i++)
			process_one(w, pkts[i]);
		if (n) {
			ftmb_core_flush(w->core);
			flush_stream(w);
		}
		dp_idle_step(&idle, n);
	}
	ftmb_core_flush(w->core);
	flush_stream(w);
	return 0;
}

/* ------------------------------------------------------------------ */
/* main lcore: dispatch                                                */
/* ------------------------------------------------------------------ */

/* Backpressure: take a burst in only if every worker can take all of it
 * (the main lcore must never wait for a worker, which may itself wait
 * for the main lcore to drain the stream ring). */
static bool workers_have_room(void)
{
	for (unsigned c = 0; c < ms.n; c++)
		if (rte_ring_free_count(ms.w[c].in) < DP_BURST)
			return false;
	return true;
}

static void to_worker(unsigned c, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(ms.w[c].in, m) != 0) {
		DP_INC(tx_drop);
		rte_pktmbuf_free(m);
	}
}

/* One burst's packets, grouped per worker in arrival order, then one ring
 * operation per worker (room for a whole burst was checked first). */
struct dispatch {
	struct rte_mbuf *m[DP_MAX_WORKERS][DP_BURST];
	unsigned n[DP_MAX_WORKERS];
};

static void dispatch_flush(struct dispatch *d)
{
	for (unsigned c = 0; c < ms.n; c++) {
		unsigned k = d->n[c], q;

		if (!k)
			continue;
		q = rte_ring_sp_enqueue_burst(ms.w[c].in, (void **)d->m[c], k, NULL);
		if (q < k) {
			DP_ADD(tx_drop, k - q);
			rte_pktmbuf_free_bulk(d->m[c] + q, k - q);
		}
		d->n[c] = 0;
	}
}

static unsigned rx_il(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct dispatch d;
	uint64_t now_tsc = 0;
	unsigned n;

	if (dp_cfg.il_port == DP_NO_PORT || !workers_have_room())
		return 0;
	n = rte_eth_rx_burst(dp_cfg.il_port, 0, pkts, DP_BURST);
	if (!n)
		return 0;
	now_tsc = rte_get_timer_cycles(); /* one clock read per burst */
	memset(d.n, 0, sizeof(d.n));
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct ftmb_wire_view v;

		if (dp_parse(m, &v, "master<-IL") != FTMB_WIRE_OK) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (v.type == FTMB_W_PKT) {
			const struct ftmb_w_pkt *p = v.body;
			unsigned c = p->kind == FTMB_PKT_TICK ? p->tick_core % ms.n
				: dp_flow_hash(v.frame, v.frame_len) % ms.n;
			if (!ms.il.up)
				dp_peer_seen(&ms.il, 0);
			ms.il.last_seen_tsc = now_tsc;
			/* drop Ethernet padding after the FTMB payload */
			rte_pktmbuf_trim(m, (uint16_t)(m->data_len - FTMB_ETH_HLEN -
				sizeof(struct ftmb_hdr) - v.hdr->length));
			d.m[c][d.n[c]++] = m;
			continue;
		}
		if (v.type == FTMB_W_HB && dp_hb_from(&v, FTMB_ROLE_IL)) {
			DP_INC(hb_rx);
			dp_peer_seen(&ms.il, ((const struct ftmb_w_hb *)v.body)->epoch);
		} else if (v.type >= FTMB_W_EXT_FIRST) {
			dispatch_flush(&d); /* what came before it reaches the workers first */
			dp_ext_frame(dp_cfg.il_port, m, &v);
			continue;
		} else {
			DP_INC(unexpected);
		}
		rte_pktmbuf_free(m);
	}
	dispatch_flush(&d);
	return n;
}

/* The IL is gone: outside traffic reaches the master's own ports. */
static unsigned rx_direct(uint8_t mb_port, uint16_t port)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n;

	if (port == DP_NO_PORT || ms.il.up || !ms.direct_enabled || !workers_have_room())
		return 0;
	if (dp_cfg.direct_after_il_loss && !ms.il.last_seen_tsc)
		return 0; /* no IL seen yet */
	n = rte_eth_rx_burst(port, 0, pkts, DP_BURST);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		struct ftmb_w_pkt *p;
		uint16_t flen = m->data_len;

		DP_INC(rx_outside);
		if (m->nb_segs != 1 || flen < FTMB_ETH_HLEN ||
		    ftmb_wire_ethertype(f, flen) == FTMB_ETHERTYPE) {
			DP_INC(spoofed);
			rte_pktmbuf_free(m);
			continue;
		}
		unsigned c = dp_flow_hash(f, flen) % ms.n;
		p = dp_encap(m, FTMB_W_PKT, sizeof(*p), flen);
		if (!p) {
			rte_pktmbuf_free(m);
			continue;
		}
		p->pkt_id = ms.direct_id++;
		p->ts_ns = dp_now_ns();
		p->in_port = mb_port;
		p->kind = FTMB_PKT_FRAME;
		p->tick_core = 0;
		p->frame_len = flen;
		p->reserved = 0;
		DP_INC(direct_in);
		to_worker(c, m);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* main lcore: TX of the streams, OL protocol                          */
/* ------------------------------------------------------------------ */

static void send_sync(void)
{
	struct ftmb_w_sync *s;
	struct rte_mbuf *m = dp_frame_new(FTMB_W_SYNC, (uint16_t)(sizeof(*s) + 16u * ms.n),
					  (void **)&s);
	uint64_t *v;

	if (!m)
		return;
	s->n_cores = (uint8_t)ms.n;
	s->gen = ms.sync_gen;
	s->ol_epoch = ms.ol.epoch;
	v = (uint64_t *)(s + 1);
	for (unsigned c = 0; c < ms.n; c++) {
		v[c] = ms.sync_pos[c];
		v[ms.n + c] = 0;
	}
	dp_tx_ctl(dp_cfg.ol_port, m);
}

static void forget_unsent_pals(void);

static void go_protected(uint64_t now_tsc)
{
	forget_unsent_pals(); /* nothing before the sync point is resent */
	ms.sync_gen++;
	for (unsigned c = 0; c < ms.n; c++) {
		ms.sync_pos[c] = ms.pals_seen_end[c];
		ms.last_ack_progress[c] = now_tsc;
	}
	ms.protected = true;
	ms.ol_acked = false;
	send_sync();
	ms.next_sync = now_tsc + dp_us_to_tsc(dp_cfg.hb_us);
	DP_LOG(NOTICE, "master: protected (OL epoch %" PRIu64 ")\n", ms.ol.epoch);
}

static void go_unprotected(void)
{
	ms.protected = false;
	/* frames the gone OL did not take: outputs among them are lost */
	for (unsigned i = 0; i < ms.n_pending; i++) {
		const struct ftmb_hdr *h = rte_pktmbuf_mtod_offset(ms.pending[i],
			const struct ftmb_hdr *, FTMB_ETH_HLEN);
		if (h->type == FTMB_W_DATA)
			DP_INC(tx_drop);
	}
	rte_pktmbuf_free_bulk(ms.pending, ms.n_pending);
	ms.n_pending = 0;
	DP_LOG(WARNING, "master: OL gone, sending outputs straight out (unprotected)\n");
}

static void forget_unsent_pals(void)
{
	rte_spinlock_lock(&ms.rq_lock);
	for (unsigned c = 0; c < ms.n; c++)
		ftmb_resendq_ack(ms.rq, c, ms.pals_seen_end[c]);
	rte_spinlock_unlock(&ms.rq_lock);
}

static unsigned tx_streams(void)
{
	struct rte_mbuf *pkts[DP_BURST], *to_ol[DP_BURST], *direct[2][DP_BURST];
	unsigned n, nol = 0, nd[2] = {0, 0};
	bool dropped_pals = false;

	if (ms.n_pending) {
		/* backpressure: the OL link is full; keep each stream's order */
		unsigned s = dp_tx_some(dp_cfg.ol_port, ms.pending, ms.n_pending);
		memmove(ms.pending, ms.pending + s, (ms.n_pending - s) * sizeof(ms.pending[0]));
		ms.n_pending -= s;
		if (ms.n_pending)
			return s;
	}
	n = rte_ring_sc_dequeue_burst(ms.to_tx, (void **)pkts, DP_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct ftmb_hdr *h = rte_pktmbuf_mtod_offset(m, const struct ftmb_hdr *,
								   FTMB_ETH_HLEN);
		const void *body = h + 1;

		switch (h->type) {
		case FTMB_W_PALS: {
			const struct ftmb_w_pals *b = body;
			ms.pals_seen_end[b->core] = b->first + b->count;
			if (!ms.protected) {
				dropped_pals = true;
				rte_pktmbuf_free(m);
				continue;
			}
			DP_INC(pal_frames);
			if (dp_cfg.drop_pals && ++ms.pal_frame_count % dp_cfg.drop_pals == 0) {
				DP_INC(pal_dropped);
				rte_pktmbuf_free(m);
				continue;
			}
			break;
		}
		case FTMB_W_DATA:
			if (!ms.protected) {
				const struct ftmb_w_data *d = body;
				uint8_t port = d->out_port;
				rte_pktmbuf_adj(m, (uint16_t)(FTMB_ETH_HLEN + sizeof(*h) +
					sizeof(*d) + 8u * d->n_vec));
				direct[port][nd[port]++] = m;
				DP_INC(direct_out);
				continue;
			}
			DP_INC(data_frames);
			break;
		case FTMB_W_NOOUT:
			if (!ms.protected) {
				rte_pktmbuf_free(m);
				continue;
			}
			DP_INC(noout);
			break;
		}
		to_ol[nol++] = m;
	}
	if (nol) {
		unsigned s = dp_tx_some(dp_cfg.ol_port, to_ol, nol);
		memcpy(ms.pending, to_ol + s, (nol - s) * sizeof(to_ol[0]));
		ms.n_pending = nol - s;
	}
	for (unsigned p = 0; p < 2; p++) {
		DP_ADD(pkts_out, nd[p]);
		dp_tx(dp_cfg.out_port[p], direct[p], nd[p]);
	}
	if (dropped_pals)
		forget_unsent_pals();
	return n;
}

#define DP_RESEND_MAX_FRAMES 32 /* per core per round: a gap is usually at the head */
static void resend_one(void *arg, unsigned core, uint64_t first_pos, uint32_t count,
		       const struct ftmb_pal *pals)
{
	unsigned *budget = arg;
	uint32_t done = 0;

	while (done < count && *budget) {
		--*budget;
		uint32_t k = RTE_MIN(count - done, (uint32_t)FTMB_PALS_PER_FRAME);
		struct ftmb_w_pals *b;
		struct rte_mbuf *m = dp_frame_new(FTMB_W_PALS,
			(uint16_t)(sizeof(*b) + k * sizeof(struct ftmb_w_pal)), (void **)&b);
		if (!m)
			return;
		b->core = (uint16_t)core;
		b->count = (uint16_t)k;
		b->first = first_pos + done;
		memcpy(b + 1, pals + done, k * sizeof(struct ftmb_w_pal));
		DP_INC(pal_resent);
		dp_tx_ctl(dp_cfg.ol_port, m);
		done += k;
	}
}

static void resend_check(uint64_t now_tsc)
{
	uint64_t unacked_total = 0;
	static uint64_t next_check;

	if (now_tsc < next_check)
		return;
	next_check = now_tsc + dp_us_to_tsc(RTE_MAX(dp_cfg.resend_us / 8, 10u));
	rte_spinlock_lock(&ms.rq_lock);
	for (unsigned c = 0; c < ms.n; c++) {
		uint64_t un = ftmb_resendq_unacked_pals(ms.rq, c);
		unacked_total += un;
		if (!un)
			ms.last_ack_progress[c] = now_tsc; /* the clock starts at the first unacked PAL */
		if (!un || !ms.protected ||
		    now_tsc - ms.last_ack_progress[c] < dp_us_to_tsc(dp_cfg.resend_us))
			continue;
		unsigned budget = DP_RESEND_MAX_FRAMES;
		ftmb_resendq_foreach(ms.rq, c, resend_one, &budget);
		ms.last_ack_progress[c] = now_tsc;
	}
	rte_spinlock_unlock(&ms.rq_lock);
	dp_stats.unacked_pals = unacked_total;
}

static void handle_ack(const struct ftmb_wire_view *v, uint64_t now_tsc)
{
	const struct ftmb_w_ack *a = v->body;

	DP_INC(acks);
	if (dp_peer_seen(&ms.ol, a->ol_epoch) || !ms.protected) {
		go_protected(now_tsc);
		return;
	}
	if (a->ol_epoch != ms.ol.epoch || a->sync_gen != ms.sync_gen)
		return; /* an ack of an older sync: positions of another start */
	ms.ol_acked = true;
	rte_spinlock_lock(&ms.rq_lock);
	for (unsigned c = 0; c < RTE_MIN((unsigned)a->n_cores, ms.n); c++) {
		if (v->vec[c] > ms.acked[c]) {
			ms.acked[c] = v->vec[c];
			ms.last_ack_progress[c] = now_tsc;
			ftmb_resendq_ack(ms.rq, c, v->vec[c]);
		}
	}
	rte_spinlock_unlock(&ms.rq_lock);
}

static unsigned rx_ol(uint64_t now_tsc)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n;

	if (dp_cfg.ol_port == DP_NO_PORT)
		return 0;
	n = rte_eth_rx_burst(dp_cfg.ol_port, 0, pkts, DP_BURST);
	for (unsigned i = 0; i < n; i++) {
		struct ftmb_wire_view v;

		if (dp_parse(pkts[i], &v, "master<-OL") == FTMB_WIRE_OK) {
			if (v.type == FTMB_W_ACK) {
				handle_ack(&v, now_tsc);
			} else if (v.type == FTMB_W_HB && dp_hb_from(&v, FTMB_ROLE_OL)) {
				const struct ftmb_w_hb *hb = v.body;
				DP_INC(hb_rx);
				if (dp_peer_seen(&ms.ol, hb->epoch))
					go_protected(now_tsc);
			} else if (v.type >= FTMB_W_EXT_FIRST) {
				dp_ext_frame(dp_cfg.ol_port, pkts[i], &v);
				continue;
			} else {
				DP_INC(unexpected);
			}
		}
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

static unsigned quiesce_poll(void)
{
	master_quiesce_fn cb = ms.q_cb;

	if (!ms.quiesce)
		return 0;
	for (unsigned c = 0; c < ms.n; c++)
		if (!__atomic_load_n(&ms.w[c].parked, __ATOMIC_ACQUIRE))
			return 0;
	/* every worker is at a packet boundary with its PALs flushed */
	DP_INC(quiesces);
	cb(ms.q_arg);
	ms.q_cb = NULL;
	__atomic_store_n(&ms.quiesce, false, __ATOMIC_RELEASE);
	return 1;
}

unsigned dp_master_poll(uint64_t now_tsc)
{
	unsigned work = 0;

	work += rx_ol(now_tsc);
	work += rx_il();
	work += rx_direct(MB_PORT_INSIDE, ms.direct_in[MB_PORT_INSIDE]);
	if (ms.direct_in[MB_PORT_OUTSIDE] != ms.direct_in[MB_PORT_INSIDE])
		work += rx_direct(MB_PORT_OUTSIDE, ms.direct_in[MB_PORT_OUTSIDE]);
	work += tx_streams();
	work += quiesce_poll();
	if (dp_peer_check(&ms.ol, now_tsc) && ms.protected)
		go_unprotected();
	dp_peer_check(&ms.il, now_tsc);
	resend_check(now_tsc);
	if (ms.protected && !ms.ol_acked && now_tsc >= ms.next_sync) {
		send_sync(); /* the first one may have been lost */
		ms.next_sync = now_tsc + dp_us_to_tsc(dp_cfg.hb_us);
	}
	if (now_tsc >= ms.next_hb) {
		uint32_t fl = ms.protected ? FTMB_HB_PROTECTED : 0;
		ms.next_hb = now_tsc + dp_us_to_tsc(dp_cfg.hb_us);
		dp_send_hb(dp_cfg.il_port, FTMB_ROLE_MASTER, ms.epoch, fl);
		dp_send_hb(dp_cfg.ol_port, FTMB_ROLE_MASTER, ms.epoch, fl);
	}
	return work;
}

int dp_master_init(unsigned n_workers, uint64_t epoch)
{
	char name[32];

	if (n_workers == 0 || n_workers > DP_MAX_WORKERS)
		rte_exit(EXIT_FAILURE, "master: %u worker lcores; need 1..%u (EAL --lcores: "
			 "the main lcore does I/O, every other lcore is a core)\n",
			 n_workers, DP_MAX_WORKERS);
	if (dp_cfg.il_port == DP_NO_PORT && dp_cfg.in_port[0] == DP_NO_PORT &&
	    dp_cfg.in_port[1] == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "master: needs --il-port (and/or --in-* direct ports)\n");
	ms.n = n_workers;
	ms.epoch = epoch;
	ms.direct_in[0] = dp_cfg.in_port[0];
	ms.direct_in[1] = dp_cfg.in_port[1];
	ms.direct_enabled = ms.direct_in[0] != DP_NO_PORT || ms.direct_in[1] != DP_NO_PORT;
	ms.il.name = "IL";
	ms.ol.name = "OL";
	ms.direct_id = (1ull << 63) | (epoch / 1000);
	rte_spinlock_init(&ms.rq_lock);
	ms.to_tx = rte_ring_create("ftmb_to_tx", 16384, rte_socket_id(), RING_F_SC_DEQ);
	if (!ms.to_tx)
		rte_exit(EXIT_FAILURE, "master: stream ring: %s\n", rte_strerror(rte_errno));
	for (unsigned c = 0; c < ms.n; c++) {
		snprintf(name, sizeof(name), "ftmb_w%u", c);
		ms.w[c].core = c;
		ms.w[c].in = rte_ring_create(name, 4096, rte_socket_id(),
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!ms.w[c].in)
			rte_exit(EXIT_FAILURE, "master: worker ring: %s\n", rte_strerror(rte_errno));
	}
	ms.rq = ftmb_resendq_create(ms.n);
	if (!ms.rq)
		rte_exit(EXIT_FAILURE, "master: cannot create the resend queue\n");
	if (ftmb_core_init(ms.n, dp_cfg.seed, FTMB_MODE_RECORD) != 0)
		rte_exit(EXIT_FAILURE, "master: ftmb_core_init(%u) failed\n", ms.n);
	dp_port_setup(dp_cfg.il_port);
	dp_port_setup(dp_cfg.ol_port);
	for (unsigned p = 0; p < 2; p++) {
		dp_port_setup(dp_cfg.in_port[p]);
		dp_port_setup(dp_cfg.out_port[p]);
	}
	if (mb_init(dp_cfg.mb_argc, dp_cfg.mb_argv, ms.n) != 0)
		rte_exit(EXIT_FAILURE, "master: mb_init failed\n");
	return 0;
}

void *dp_master_worker(unsigned c) { return &ms.w[c]; }

void dp_master_fini(void)
{
	/* drain what the workers left so every output leaves */
	while (tx_streams())
		;
}

/* ---- hooks ---- */

int master_request_quiesce(master_quiesce_fn cb, void *arg)
{
	if (ms.quiesce)
		return -EBUSY;
	ms.q_cb = cb;
	ms.q_arg = arg;
	__atomic_store_n(&ms.quiesce, true, __ATOMIC_RELEASE);
	return 0;
}

int master_quiesce_sync(master_quiesce_fn cb, void *arg)
{
	int ret = master_request_quiesce(cb, arg);

	if (ret)
		return ret;
	while (ms.quiesce && !dp_force_quit)
		dp_master_poll(rte_get_timer_cycles());
	return ms.quiesce ? -EINTR : 0;
}

unsigned master_workers(void) { return ms.n; }
uint64_t master_last_pkt_id(unsigned c) { return c < ms.n ? ms.w[c].last_pkt_id : 0; }
uint64_t master_stream_pos(unsigned c) { return c < ms.n ? ms.w[c].stream_pos : 0; }
void master_set_stream_pos(unsigned c, uint64_t pos) { if (c < ms.n) ms.w[c].stream_pos = pos; }
bool master_protected(void) { return ms.protected; }
