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
 *  the OL's cumulative ACK covers it. An ACK flagged FTMB_ACK_GAP(c) (the
 *  OL received a batch of core c beyond its R[c]: one was lost) makes the
 *  master resend core c's unacknowledged batches at once, from the acked
 *  position on, once per acked position (the OL flags every frame that
 *  was in flight behind the lost one). As a fallback (the resend or the
 *  gap ack lost too, or no later batch to reveal the gap), if a core has
 *  unacknowledged PALs and no ack progress for --resend-us, they are all
 *  sent again. The OL ignores what it holds. A lost PAL batch thus delays
 *  releases (the OL's R[c] stops before the gap) by about a round trip,
 *  and never allows one early.
 *  Resent batches wait in a queue of their own (resend_out) that the TX
 *  task empties before anything else, so a full OL link delays them
 *  instead of losing them.
 *  Send window (back-pressure for the OL's hold FIFOs): an output waits
 *  at the OL until R >= its vector V, and a stalled R (a lost batch)
 *  makes the OL hold every output that arrives meanwhile: with a deep
 *  link that is more than its FIFO takes. So the TX task keeps, per core,
 *  the vectors of the DATA frames it sent that the OL's last ACK does not
 *  cover yet (V <= acked, componentwise; a core's vectors grow, so the
 *  covered ones are a prefix): at most that many outputs of core c can be
 *  held at the OL. When the count reaches the FIFO size the OL announces
 *  in every ACK (hold_log2), core c's DATA and NOOUT frames are set aside
 *  in order (defer[c]) until ACKs cover enough; PALS frames and other
 *  cores' frames go on, so the PALs that will open the window are never
 *  stuck behind the outputs that wait for them. Hence the OL's FIFO never
 *  overflows while it runs on the current SYNC (after a switch to a new
 *  OL the count restarts from zero).
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
 *  Worker I/O (--role single with one worker): the main lcore there also
 *  runs the generator, the IL and the OL, so the worker takes the master's
 *  I/O: its loop reads the IL port, processes, and writes the OL port
 *  (master_io_poll, the same code the main lcore runs otherwise), with
 *  no ring in between: a burst read from the IL port is processed at once
 *  (dispatch_flush), and the stream frames it makes go to the OL port
 *  at once when nothing waits before them (stream_out). Every
 *  queue of the master's ports then has one user, the worker; what would
 *  touch a queue of the main lcore's goes through a ring instead (outputs
 *  sent straight out while no OL is up: direct_ring, which the main lcore
 *  drains, and empties at once when the OL takes a SYNC, so that no
 *  output released under that SYNC overtakes them: dp_master_flush_direct).
 *  The worker counts into its own block (dp_cnt), folded into
 *  dp_stats by the main lcore. The main lcore's master task is then only
 *  the quiesce check (the worker parks as any worker does; the callback
 *  still runs on the main lcore) and that drain. Extension frames
 *  (checkpointing) are not taken in this mode: --role single has no
 *  backup. The ordering arguments above are unchanged: one stream ring,
 *  one TX task, now on the worker.
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
#include "ftmb_replay.h"
#include "middlebox.h"

#define DP_RESEND_MAX_FRAMES 32 /* per core per round: a gap is usually at the head */
#define DP_RESEND_OUT (DP_RESEND_MAX_FRAMES * DP_MAX_WORKERS)
/* Send window slots per core: at least the mbuf pool (every deferred frame
 * is an mbuf, so a defer queue never fills) and any sane --hold-cap. */
#define DP_WIN_SLOTS 16384u
/* Stream frames one tx_frames call takes (a burst's PALS and DATA). */
#define DP_TX_MAX (2 * DP_BURST)
#define DP_PFRAMES 8
/* Stream frames waiting for the TX task above which no input is taken. */
#define DP_TX_HIGH 2048u

struct worker {
	unsigned core;
	struct rte_ring *in;
	uint64_t stream_pos;      /* DATA + NOOUT records emitted           */
	uint64_t last_pkt_id;
	uint64_t skip_upto;       /* after a restore: ids <= it are in the state */
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
	/* worker I/O: PALS frames of this burst, sent with the staged frames
	 * in one go (PALs first) */
	struct rte_mbuf *pframes[DP_PFRAMES];
	unsigned n_pframes;
	/* counted here, published once per burst (publish_counts): a
	 * per-packet atomic add on dp_stats would pull its cache line away
	 * from the main lcore, which writes it all the time */
	uint64_t n_pkts, n_ticks, n_pals;
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
	uint64_t nack_from[DP_MAX_WORKERS]; /* acked position of the last gap resend */
	/* TX task: send window and deferred frames (see "Send window") */
	uint32_t ol_hold;              /* outputs per core the OL holds (0: not said) */
	struct dp_win {
		uint64_t *v;           /* DP_WIN_SLOTS vectors of ms.n entries */
		uint32_t head, tail;   /* free-running */
	} win[DP_MAX_WORKERS];
	struct dp_defer {
		struct rte_mbuf **m;   /* DP_WIN_SLOTS frames */
		uint32_t head, tail;
	} defer[DP_MAX_WORKERS];
	uint32_t n_deferred;           /* frames in all defer[] */
	struct rte_mbuf *resend_out[DP_RESEND_OUT]; /* resent PALS frames not yet sent */
	unsigned n_resend_out;
	uint64_t sync_pos[DP_MAX_WORKERS];
	uint64_t next_hb, next_sync;
	uint32_t sync_gen;
	bool direct_enabled;           /* poll --in-* while the IL is gone     */
	uint16_t direct_in[2];
	uint64_t direct_id;
	uint64_t pal_frame_count;      /* for --drop-pals                      */
	struct rte_mbuf *pending[DP_TX_MAX]; /* stream frames the OL port refused */
	unsigned n_pending;
	uint64_t last_dispatched;      /* last IL id handed to a worker        */
	bool il_unread;                /* rx_il did not read the IL link (no room) */
	bool restored;                 /* state from a checkpoint (backup)     */
	/* quiesce; from here on what the main lcore reads in worker_io mode,
	 * on a cache line of its own (the worker writes the fields above) */
	volatile bool quiesce __rte_cache_aligned;
	master_quiesce_fn q_cb;
	void *q_arg;
	/* --role single with one worker: the worker lcore does the I/O too
	 * (see "Worker I/O" above) */
	bool worker_io;
	struct rte_ring *direct_ring;  /* worker_io: outputs sent straight out */
	uint64_t next_timers __rte_cache_aligned; /* peer checks, resends, sync, hb */
	struct dp_counters io_stats __rte_cache_aligned; /* worker_io: its counters */
	struct dp_counters io_folded;  /* what of io_stats is in dp_stats already */
} ms;

_Static_assert(sizeof(struct ftmb_w_pal) == sizeof(struct ftmb_pal), "PAL wire layout");

static RTE_DEFINE_PER_LCORE(struct worker *, cur_worker);

static unsigned master_io_poll(uint64_t now_tsc);
static unsigned tx_streams(void);
static void tx_frames(struct rte_mbuf **pkts, unsigned n, unsigned n_old);
static void win_reset(void);

/* ------------------------------------------------------------------ */
/* worker side                                                         */
/* ------------------------------------------------------------------ */

/* The resend queue is shared by the workers (push) and the TX task (ack,
 * resend); with worker I/O both are the one worker, and a locked
 * instruction per PAL batch (which also waits for the frame's stores to
 * drain) is measurable there. */
static inline void rq_lock(void)
{
	if (!ms.worker_io)
		rte_spinlock_lock(&ms.rq_lock);
}

static inline void rq_unlock(void)
{
	if (!ms.worker_io)
		rte_spinlock_unlock(&ms.rq_lock);
}

/* Hand n stream frames of this worker to the TX task, in order. With
 * worker I/O the worker is the TX task: when nothing waits before them
 * (frames the link refused, resends, deferred frames, the ring), they are
 * framed for the link at once (tx_frames), without a ring hop; otherwise
 * they queue on the stream ring behind what waits. */
static void stream_out(struct rte_mbuf **m, unsigned n)
{
	unsigned done = 0;

	if (ms.worker_io && !ms.n_pending && !ms.n_resend_out && !ms.n_deferred &&
	    rte_ring_empty(ms.to_tx)) {
		while (done < n) {
			unsigned k = RTE_MIN(n - done, (unsigned)DP_TX_MAX);
			tx_frames(m + done, k, 0);
			done += k;
		}
		return;
	}
	while (done < n) {
		done += rte_ring_enqueue_burst(ms.to_tx, (void **)m + done, n - done, NULL);
		if (done < n) {
			if (dp_force_quit) {
				rte_pktmbuf_free_bulk(m + done, n - done);
				return;
			}
			rte_pause();
		}
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
	rq_lock();
	ftmb_resendq_push(ms.rq, w->core, w->palbuf_first, k, w->palbuf);
	rq_unlock();
	m = dp_frame_new_part(FTMB_W_PALS, (uint16_t)(sizeof(*b) + k * sizeof(struct ftmb_w_pal)),
			      sizeof(*b), (void **)&b);
	if (m) {
		b->core = (uint16_t)w->core;
		b->count = (uint16_t)k;
		b->reserved = 0;
		b->first = w->palbuf_first;
		memcpy(b + 1, w->palbuf, k * sizeof(struct ftmb_w_pal));
		if (ms.worker_io) { /* out with the burst's outputs, ahead of them */
			if (w->n_pframes == DP_PFRAMES) {
				stream_out(w->pframes, w->n_pframes);
				w->n_pframes = 0;
			}
			w->pframes[w->n_pframes++] = m;
		} else {
			stream_out(&m, 1);
		}
	} /* else: the resend queue still has them */
	w->palbuf_first += k;
	w->n_palbuf = 0;
}

static void publish_counts(struct worker *w)
{
	if (ms.worker_io) { /* the only worker: its own block */
		DP_ADD(pkts_in, w->n_pkts);
		DP_ADD(ticks_in, w->n_ticks);
		DP_ADD(pals, w->n_pals);
	} else {
		if (w->n_pkts)
			DP_ATOMIC_ADD(pkts_in, w->n_pkts);
		if (w->n_ticks)
			DP_ATOMIC_ADD(ticks_in, w->n_ticks);
		if (w->n_pals)
			DP_ATOMIC_ADD(pals, w->n_pals);
	}
	w->n_pkts = w->n_ticks = w->n_pals = 0;
}

/* End of a burst: PALs first, then the outputs and no-output records. */
static void flush_stream(struct worker *w)
{
	publish_counts(w);

	flush_pals(w);
	if (w->n_pframes) {
		/* worker I/O: the burst's PALS frames, then its outputs, in one
		 * array, so the OL link gets them in one transmission */
		struct rte_mbuf *all[DP_PFRAMES + RTE_DIM(w->staged)];

		memcpy(all, w->pframes, w->n_pframes * sizeof(all[0]));
		memcpy(all + w->n_pframes, w->staged, w->n_staged * sizeof(all[0]));
		stream_out(all, w->n_pframes + w->n_staged);
		w->n_pframes = 0;
	} else if (w->n_staged) {
		stream_out(w->staged, w->n_staged);
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
		/* a few PALs per packet: a loop, not a libc call per record */
		for (uint32_t i = 0; i < k; i++)
			w->palbuf[w->n_palbuf + i] = rec->pals[done + i];
		w->n_palbuf += k;
		done += k;
		if (w->n_palbuf == FTMB_PALS_PER_FRAME) {
			flush_pals(w); /* PALs may go ahead of staged outputs: never behind */
			w->palbuf_first = rec->first_pos + done;
		}
	}
	w->n_pals += rec->count;
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
	for (unsigned i = 0; i < rec->n_vec; i++) /* 1..8 words: no libc call */
		((ftmb_wire_u64 *)(d + 1))[i] = rec->vec[i];
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

	if (unlikely(id <= w->skip_upto)) { /* replayed, already in the restored state */
		rte_pktmbuf_free(m);
		return;
	}

	rte_pktmbuf_adj(m, FTMB_ETH_HLEN + sizeof(struct ftmb_hdr) + sizeof(*ph));
	w->n_out = 0;
	w->in_packet = true;
	ftmb_packet_begin(id, ts);
	if (kind == FTMB_PKT_TICK) {
		rte_pktmbuf_free(m);
		mb_tick(w->core, ts);
		w->n_ticks++;
	} else {
		struct mb_pkt p = {
			.data = rte_pktmbuf_mtod(m, uint8_t *),
			.len = rte_pktmbuf_data_len(m),
			.cap = (uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)),
			.in_port = (uint16_t)in_port,
			.core = (uint16_t)w->core,
		};
		int verdict = mb_process(&p);

		w->n_pkts++;
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

/* Parked: wait until the main lcore ran the quiesce callback. The wait
 * backs off like an idle loop (spin, then growing sleeps): a worker lcore
 * that shares a CPU with the main lcore must not spin it away while the
 * main lcore waits for the last worker and then forks (seen: checkpoints
 * stalled and heartbeats late enough for a false suspicion). */
static void park_wait(struct worker *w)
{
	struct dp_idle idle = {0};

	__atomic_store_n(&w->parked, true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ms.quiesce, __ATOMIC_ACQUIRE) && !dp_force_quit)
		dp_idle_step(&idle, 0);
	__atomic_store_n(&w->parked, false, __ATOMIC_RELEASE);
}

/* Park at a packet boundary until the main lcore ran the quiesce cb. */
static void worker_park(struct worker *w)
{
	ftmb_core_flush(w->core);
	flush_stream(w);
	if (ms.worker_io)
		tx_streams(); /* hand what is settled to the OL link first */
	park_wait(w);
}

/* The one worker of --role single also does the master's I/O: read the IL
 * port, process, write the OL port, all in one loop on its lcore. */
static void worker_io_loop(struct worker *w)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_idle idle = {0};

	dp_cnt = &ms.io_stats;
	while (!dp_force_quit) {
		unsigned work, n;

		if (ms.quiesce) {
			worker_park(w);
			continue;
		}
		work = master_io_poll(rte_get_timer_cycles());
		n = rte_ring_sc_dequeue_burst(w->in, (void **)pkts, DP_BURST, NULL);
		for (unsigned i = 0; i < n; i++)
			process_one(w, pkts[i]);
		if (n) {
			ftmb_core_flush(w->core);
			flush_stream(w);
			work += tx_streams(); /* out in this round: latency */
		}
		dp_idle_step(&idle, work + n);
	}
	ftmb_core_flush(w->core);
	flush_stream(w);
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
	if (ms.worker_io) {
		worker_io_loop(w);
		return 0;
	}
	while (!dp_force_quit) {
		unsigned n;

		if (ms.quiesce) {
			ftmb_core_flush(w->core);
			flush_stream(w);
			park_wait(w);
			continue;
		}
		n = rte_ring_sc_dequeue_burst(w->in, (void **)pkts, DP_BURST, NULL);
		dp_prefetch_burst(pkts, n, true);
		for (unsigned i = 0; i < n; i++) {
			dp_prefetch_next(pkts, i, n, true);
			process_one(w, pkts[i]);
		}
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
 * for the main lcore to drain the stream ring).
 *
 * Replay margin. In replay a worker may wait for its turn on a variable
 * (replay.c) until another worker has processed a packet B that comes
 * later in the input. In the recorded run B's burst was read while this
 * worker's ring held at most cap - 2 bursts (the room asked for outside
 * replay), and the packets between its own and B were all in it; in
 * replay the ring then holds no more than that plus one burst's
 * misalignment (B is at most DP_BURST - 1 into its recorded burst), so
 * asking for only one burst of room lets the main lcore read B. With the
 * same room in both, a worker that lagged by a whole ring in the recording
 * (a starved CPU) could keep the main lcore from ever reading the packet
 * it waits for: a deadlock. */
static bool workers_have_room(void)
{
	const unsigned room = ftmb_replay_done() ? 2 * DP_BURST : DP_BURST;

	/* and the way to the OL is clear: nothing refused by the link,
	 * nothing waiting for the send window, the stream ring not filling.
	 * Otherwise new input would only pile up mbufs here (the pool is
	 * shared with the IL and the OL in one process: exhausting it stops
	 * heartbeats too); the IL keeps the backlog in its log instead. */
	if (ms.n_pending || ms.n_deferred || rte_ring_count(ms.to_tx) >= DP_TX_HIGH)
		return false;
	for (unsigned c = 0; c < ms.n; c++)
		if (rte_ring_free_count(ms.w[c].in) < room)
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
	if (ms.worker_io) {
		/* this is the one worker's lcore: process the burst now, no
		 * ring hop (a packet boundary, as the ring's would be) */
		struct worker *w = &ms.w[0];

		if (!d->n[0])
			return;
		for (unsigned i = 0; i < d->n[0]; i++)
			process_one(w, d->m[0][i]);
		d->n[0] = 0;
		ftmb_core_flush(w->core);
		flush_stream(w);
		return;
	}
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

	if (dp_cfg.il_port == DP_NO_PORT)
		return 0;
	ms.il_unread = !workers_have_room();
	if (ms.il_unread)
		return 0; /* back-pressure: the IL keeps the input in its log */
	n = dp_rx_burst(dp_cfg.il_port, pkts, DP_BURST);
	if (!n)
		return 0;
	dp_prefetch_burst(pkts, n, true);
	now_tsc = rte_get_timer_cycles(); /* one clock read per burst */
	memset(d.n, 0, sizeof(d.n));
	for (unsigned i = 0; i < n; i++) {
		dp_prefetch_next(pkts, i, n, true);
		struct rte_mbuf *m = pkts[i];
		struct ftmb_wire_view v;

		if (dp_parse(m, &v, "master<-IL") != FTMB_WIRE_OK) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (v.type == FTMB_W_PKT) {
			const struct ftmb_w_pkt *p = v.body;
			unsigned c = p->kind == FTMB_PKT_TICK ? p->tick_core % ms.n
				: ms.n == 1 ? 0 : dp_flow_hash(v.frame, v.frame_len) % ms.n;
			if (!ms.il.up)
				dp_peer_seen(&ms.il, 0);
			ms.il.last_seen_tsc = now_tsc;
			ms.last_dispatched = p->pkt_id;
			/* drop Ethernet padding after the FTMB payload (one
			 * segment: dp_parse checked) */
			dp_trim1(m, (uint16_t)(m->data_len - FTMB_ETH_HLEN -
				sizeof(struct ftmb_hdr) - v.hdr->length));
			d.m[c][d.n[c]++] = m;
			continue;
		}
		if (v.type == FTMB_W_HB && dp_hb_from(&v, FTMB_ROLE_IL)) {
			DP_INC(hb_rx);
			dp_peer_seen(&ms.il, ((const struct ftmb_w_hb *)v.body)->epoch);
		} else if (v.type >= FTMB_W_EXT_FIRST && !ms.worker_io) {
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
	n = dp_rx_burst(port, pkts, DP_BURST);
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
		unsigned c = ms.n == 1 ? 0 : dp_flow_hash(f, flen) % ms.n;
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
		ms.nack_from[c] = UINT64_MAX;
	}
	ms.protected = true;
	ms.ol_acked = false;
	win_reset(); /* a new OL holds nothing yet */
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
	win_reset(); /* deferred frames now leave unprotected (tx_streams) */
	DP_LOG(WARNING, "master: OL gone, sending outputs straight out (unprotected)\n");
}

static void forget_unsent_pals(void)
{
	rq_lock();
	for (unsigned c = 0; c < ms.n; c++)
		ftmb_resendq_ack(ms.rq, c, ms.pals_seen_end[c]);
	rq_unlock();
}

/* ---- send window (see "Send window" above); TX task only ---- */

static inline uint32_t win_limit(void)
{
	return ms.ol_hold ? RTE_MIN(ms.ol_hold, DP_WIN_SLOTS) : DP_WIN_SLOTS;
}

static inline bool win_room(unsigned c, uint32_t extra)
{
	return ms.win[c].tail - ms.win[c].head + extra < win_limit();
}

static inline void win_push(unsigned c, const void *vec)
{
	struct dp_win *w = &ms.win[c];

	uint64_t *dst = &w->v[(size_t)(w->tail & (DP_WIN_SLOTS - 1)) * ms.n];

	for (unsigned i = 0; i < ms.n; i++)
		dst[i] = ((const ftmb_wire_u64 *)vec)[i];
	w->tail++;
}

/* The ACKs now cover acked[]: forget the outputs that can no longer be held. */
static void win_advance(void)
{
	for (unsigned c = 0; c < ms.n; c++) {
		struct dp_win *w = &ms.win[c];

		while (w->head != w->tail &&
		       ftmb_release_ok(&w->v[(size_t)(w->head & (DP_WIN_SLOTS - 1)) * ms.n],
				       ms.acked, ms.n))
			w->head++;
	}
}

static void win_reset(void)
{
	for (unsigned c = 0; c < ms.n; c++)
		ms.win[c].head = ms.win[c].tail;
}

static inline const struct ftmb_hdr *frame_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct ftmb_hdr *, FTMB_ETH_HLEN);
}

/* core of a DATA or NOOUT frame (both start with a u16 core) */
static inline unsigned frame_core(struct rte_mbuf *m)
{
	return *(const uint16_t *)(const void *)(frame_hdr(m) + 1);
}

/* Should a fresh DATA (data) or NOOUT frame of core c wait? Behind
 * frames of c that wait, or when c's window is full. A full defer[c]
 * cannot happen (every deferred frame is an mbuf of a pool smaller than
 * DP_WIN_SLOTS); were it ever full, the frame would go out anyway. */
static inline bool must_defer(unsigned c, bool data)
{
	const struct dp_defer *d = &ms.defer[c];

	if (d->tail - d->head >= DP_WIN_SLOTS)
		return false;
	return d->head != d->tail || (data && !win_room(c, 0));
}

static void defer_push(unsigned c, struct rte_mbuf *m)
{
	struct dp_defer *d = &ms.defer[c];

	d->m[d->tail++ & (DP_WIN_SLOTS - 1)] = m;
	ms.n_deferred++;
}

/* Deferred frames that may go now (all of them when unprotected), core by
 * core in their order, into pkts (at most max). */
static unsigned take_deferred(struct rte_mbuf **pkts, unsigned max)
{
	unsigned n = 0;

	for (unsigned c = 0; c < ms.n && n < max; c++) {
		struct dp_defer *d = &ms.defer[c];
		uint32_t data = 0;

		while (d->head != d->tail && n < max) {
			struct rte_mbuf *m = d->m[d->head & (DP_WIN_SLOTS - 1)];

			if (ms.protected && frame_hdr(m)->type == FTMB_W_DATA) {
				if (!win_room(c, data))
					break;
				data++;
			}
			d->head++;
			ms.n_deferred--;
			pkts[n++] = m;
		}
	}
	return n;
}

/* Resent PALS frames first: they are what releases wait for. Returns how
 * many are still waiting for room on the link. */
static unsigned tx_resends(void)
{
	unsigned s;

	if (!ms.protected) {
		rte_pktmbuf_free_bulk(ms.resend_out, ms.n_resend_out);
		ms.n_resend_out = 0;
		return 0;
	}
	s = dp_tx_some(dp_cfg.ol_port, ms.resend_out, ms.n_resend_out);
	memmove(ms.resend_out, ms.resend_out + s, (ms.n_resend_out - s) * sizeof(ms.resend_out[0]));
	ms.n_resend_out -= s;
	return ms.n_resend_out;
}

static unsigned tx_streams(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = 0, n_old = 0;

	if (ms.n_resend_out && tx_resends())
		return 0;
	if (ms.n_pending) {
		/* backpressure: the OL link is full; keep each stream's order */
		unsigned s = dp_tx_some(dp_cfg.ol_port, ms.pending, ms.n_pending);
		memmove(ms.pending, ms.pending + s, (ms.n_pending - s) * sizeof(ms.pending[0]));
		ms.n_pending -= s;
		if (ms.n_pending)
			return s;
	}
	if (unlikely(ms.n_deferred))
		n = n_old = take_deferred(pkts, DP_BURST);
	n += rte_ring_sc_dequeue_burst(ms.to_tx, (void **)pkts + n, DP_BURST - n, NULL);
	if (!ms.worker_io)
		dp_prefetch_burst(pkts + n_old, n - n_old, true); /* written by the workers' lcores */
	tx_frames(pkts, n, n_old);
	return n;
}

/* Stream frames pkts[0..n) (at most DP_TX_MAX; the first n_old come from
 * defer[] and may go now) to the OL link, or straight out while no OL is
 * up; see "Send window" for the frames that wait. */
static void tx_frames(struct rte_mbuf **pkts, unsigned n, unsigned n_old)
{
	struct rte_mbuf *to_ol[DP_TX_MAX], *direct[2][DP_TX_MAX];
	unsigned nol = 0, nd[2] = {0, 0};
	bool dropped_pals = false;

	for (unsigned i = 0; i < n; i++) {
		if (i >= n_old && !ms.worker_io)
			dp_prefetch_next(pkts, i, n, true);
		struct rte_mbuf *m = pkts[i];
		const struct ftmb_hdr *h = frame_hdr(m);
		const void *body = h + 1;
		bool fresh = i >= n_old; /* not from defer[]: may have to wait */

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
		case FTMB_W_DATA: {
			const struct ftmb_w_data *d = body;
			if (!ms.protected) {
				uint8_t port = d->out_port;
				rte_pktmbuf_adj(m, (uint16_t)(FTMB_ETH_HLEN + sizeof(*h) +
					sizeof(*d) + 8u * d->n_vec));
				direct[port][nd[port]++] = m;
				DP_INC(direct_out);
				continue;
			}
			if (fresh && must_defer(d->core, true)) {
				defer_push(d->core, m); /* the OL may hold no more of its outputs */
				continue;
			}
			win_push(d->core, d + 1);
			DP_INC(data_frames);
			break;
		}
		case FTMB_W_NOOUT: {
			unsigned c = frame_core(m);
			if (!ms.protected) {
				rte_pktmbuf_free(m);
				continue;
			}
			if (fresh && must_defer(c, false)) {
				defer_push(c, m); /* keeps its place behind deferred outputs */
				continue;
			}
			DP_INC(noout);
			break;
		}
		}
		to_ol[nol++] = m;
	}
	if (nol) {
		unsigned s = dp_tx_some(dp_cfg.ol_port, to_ol, nol);
		memcpy(ms.pending, to_ol + s, (nol - s) * sizeof(to_ol[0]));
		ms.n_pending = nol - s;
	}
	for (unsigned p = 0; p < 2; p++) {
		if (ms.worker_io && nd[p]) {
			/* the out ports' queues belong to the main lcore (the OL) */
			unsigned q;
			for (unsigned i = 0; i < nd[p]; i++)
				direct[p][i]->port = (uint16_t)p;
			q = rte_ring_sp_enqueue_burst(ms.direct_ring, (void **)direct[p], nd[p], NULL);
			if (q < nd[p]) {
				DP_ADD(tx_drop, nd[p] - q);
				rte_pktmbuf_free_bulk(direct[p] + q, nd[p] - q);
			}
			continue;
		}
		DP_ADD(pkts_out, nd[p]);
		dp_tx(dp_cfg.out_port[p], direct[p], nd[p]);
	}
	if (dropped_pals)
		forget_unsent_pals();
}

static void resend_one(void *arg, unsigned core, uint64_t first_pos, uint32_t count,
		       const struct ftmb_pal *pals)
{
	unsigned *budget = arg;
	uint32_t done = 0;

	while (done < count && *budget && ms.n_resend_out < DP_RESEND_OUT) {
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
		ms.resend_out[ms.n_resend_out++] = m;
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
	rq_lock();
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
	rq_unlock();
	dp_cnt->unacked_pals = unacked_total;
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
	ms.ol_hold = a->hold_log2 ? 1u << RTE_MIN(a->hold_log2, 24u) : 0;
	rq_lock();
	for (unsigned c = 0; c < RTE_MIN((unsigned)a->n_cores, ms.n); c++) {
		if (v->vec[c] > ms.acked[c]) {
			ms.acked[c] = v->vec[c];
			ms.last_ack_progress[c] = now_tsc;
			ftmb_resendq_ack(ms.rq, c, v->vec[c]);
		}
		if ((v->hdr->flags & FTMB_ACK_GAP(c)) && v->vec[c] != ms.nack_from[c]) {
			/* a batch of core c was lost: resend from the ack now */
			unsigned budget = DP_RESEND_MAX_FRAMES;
			ms.nack_from[c] = v->vec[c];
			ms.last_ack_progress[c] = now_tsc;
			DP_INC(pal_nacks);
			ftmb_resendq_foreach(ms.rq, c, resend_one, &budget);
		}
	}
	rq_unlock();
	win_advance();
}

static unsigned rx_ol(uint64_t now_tsc)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n;

	if (dp_cfg.ol_port == DP_NO_PORT)
		return 0;
	n = dp_rx_burst(dp_cfg.ol_port, pkts, DP_BURST);
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
			} else if (v.type >= FTMB_W_EXT_FIRST && !ms.worker_io) {
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

/* Add what the worker counted since the last fold to dp_stats (main lcore;
 * the worker's block has one writer, read here with atomic loads). */
static void fold_io_stats(void)
{
	const uint64_t *src = (const uint64_t *)&ms.io_stats;
	uint64_t *seen = (uint64_t *)&ms.io_folded, *dst = (uint64_t *)&dp_stats;

	for (unsigned i = 0; i < sizeof(struct dp_counters) / sizeof(uint64_t); i++) {
		uint64_t v = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		if (v != seen[i]) {
			/* atomic: workers add to a few of these (pkts_in, tx_drop) */
			__atomic_fetch_add(&dst[i], v - seen[i], __ATOMIC_RELAXED);
			seen[i] = v;
		}
	}
}

/* worker_io: outputs the worker sent straight out (no OL) leave here. */
static unsigned drain_direct(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(ms.direct_ring, (void **)pkts, DP_BURST, NULL);

	dp_tx_out(pkts, n);
	return n;
}

/* Called by the OL (main lcore) when a SYNC arrives: the worker put every
 * output it sent straight out before that SYNC into direct_ring before it
 * sent the SYNC, so sending them all now, before the OL releases anything
 * of the new sync, keeps the outputs in the order the worker made them
 * (without it, the first protected output could overtake the last direct
 * one still in the ring). No-op without worker_io. */
void dp_master_flush_direct(void)
{
	if (ms.direct_ring)
		while (drain_direct())
			;
}

/* The master's main-lcore task when its worker does the I/O: the quiesce
 * check, outputs sent straight out, and the worker's counters. (Reading
 * the IL port here instead, where those frames are still in the cache,
 * was measured too: the main lcore, which also runs the IL and the OL,
 * then limits the pipeline, 2.0-2.4 against 2.7-3.0 Mpps for testfwd.) */
static unsigned main_side_poll(void)
{
	static unsigned polls; /* main lcore only: not in ms, which the worker writes */
	unsigned work = quiesce_poll() + drain_direct();

	if (++polls >= 64) {
		polls = 0;
		fold_io_stats();
	}
	return work;
}

unsigned dp_master_poll(uint64_t now_tsc)
{
	if (ms.worker_io)
		return main_side_poll();
	/* frames that wait for an ACK to open the window count as work: the
	 * drain at exit (dp_main.c) must not take them for idleness */
	return master_io_poll(now_tsc) + quiesce_poll() + (ms.n_deferred != 0);
}

/* Heartbeats, peer timeouts, resends and SYNC resends are in ms or tens of
 * µs: checking their clocks every DP_MASTER_TIMER_US is soon enough and
 * keeps them out of the per-burst path. */
#define DP_MASTER_TIMER_US 10

/* RX from IL and OL, TX of the streams, and (every few µs) the timers. */
static unsigned master_io_poll(uint64_t now_tsc)
{
	unsigned work = 0;

	work += rx_ol(now_tsc);
	work += rx_il();
	work += rx_direct(MB_PORT_INSIDE, ms.direct_in[MB_PORT_INSIDE]);
	if (ms.direct_in[MB_PORT_OUTSIDE] != ms.direct_in[MB_PORT_INSIDE])
		work += rx_direct(MB_PORT_OUTSIDE, ms.direct_in[MB_PORT_OUTSIDE]);
	work += tx_streams();
	if (now_tsc < ms.next_timers)
		return work;
	ms.next_timers = now_tsc + dp_us_to_tsc(DP_MASTER_TIMER_US);
	if (dp_peer_check(&ms.ol, now_tsc) && ms.protected)
		go_unprotected();
	if (ms.il_unread && ms.il.up) /* not listening: its silence says nothing */
		ms.il.last_seen_tsc = now_tsc;
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
	/* one worker in --role single: it does the master's I/O itself (its
	 * ports are net_ring links of this process, see dp_main.c) */
	ms.worker_io = dp_cfg.role == DP_ROLE_SINGLE && n_workers == 1;
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
	/* every worker enqueues its stream, the TX task dequeues; with worker
	 * I/O both are the one worker: no atomic needed on either side */
	ms.to_tx = rte_ring_create("ftmb_to_tx", 16384, rte_socket_id(),
				   RING_F_SC_DEQ | (ms.worker_io ? RING_F_SP_ENQ : 0));
	if (!ms.to_tx)
		rte_exit(EXIT_FAILURE, "master: stream ring: %s\n", rte_strerror(rte_errno));
	if (ms.worker_io) {
		ms.direct_ring = rte_ring_create("ftmb_direct", 4096, rte_socket_id(),
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!ms.direct_ring)
			rte_exit(EXIT_FAILURE, "master: direct ring: %s\n", rte_strerror(rte_errno));
		DP_LOG(INFO, "master: one worker, which also does the master's I/O\n");
	}
	for (unsigned c = 0; c < ms.n; c++) {
		snprintf(name, sizeof(name), "ftmb_w%u", c);
		ms.w[c].core = c;
		ms.w[c].in = rte_ring_create(name, 4096, rte_socket_id(),
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!ms.w[c].in)
			rte_exit(EXIT_FAILURE, "master: worker ring: %s\n", rte_strerror(rte_errno));
	}
	for (unsigned c = 0; c < ms.n; c++) {
		ms.win[c].v = calloc((size_t)DP_WIN_SLOTS * ms.n, sizeof(uint64_t));
		ms.defer[c].m = calloc(DP_WIN_SLOTS, sizeof(struct rte_mbuf *));
		if (!ms.win[c].v || !ms.defer[c].m)
			rte_exit(EXIT_FAILURE, "master: cannot allocate the send window\n");
	}
	ms.rq = ftmb_resendq_create(ms.n);
	if (!ms.rq)
		rte_exit(EXIT_FAILURE, "master: cannot create the resend queue\n");
	if (!ms.restored && ftmb_core_init(ms.n, dp_cfg.seed, FTMB_MODE_RECORD) != 0)
		rte_exit(EXIT_FAILURE, "master: ftmb_core_init(%u) failed\n", ms.n);
	dp_port_setup(dp_cfg.il_port);
	dp_port_setup(dp_cfg.ol_port);
	for (unsigned p = 0; p < 2; p++) {
		dp_port_setup(dp_cfg.in_port[p]);
		dp_port_setup(dp_cfg.out_port[p]);
	}
	if (!ms.restored && mb_init(dp_cfg.mb_argc, dp_cfg.mb_argv, ms.n) != 0)
		rte_exit(EXIT_FAILURE, "master: mb_init failed\n");
	/* memif clients (IL, OL) must connect after this: DPDK 22.11's server
	 * refuses a client before its port started, and the client never retries */
	DP_LOG(NOTICE, "master: ports started, waiting for the OL and the IL\n");
	return 0;
}

/* A backup taking over: the cores (ftmb_ckpt_restore_cores) and the
 * middlebox state come from a checkpoint, so neither ftmb_core_init nor
 * mb_init runs. */
int dp_master_init_restored(unsigned n_workers, uint64_t epoch)
{
	ms.restored = true;
	return dp_master_init(n_workers, epoch);
}

void *dp_master_worker(unsigned c) { return &ms.w[c]; }

void dp_master_fini(void)
{
	if (ms.worker_io) {
		/* the worker has stopped: its I/O and counters come home */
		fold_io_stats();
		ms.worker_io = false;
		while (drain_direct())
			;
	}
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

uint64_t master_input_watermark(void)
{
	uint64_t w = ms.last_dispatched;

	/* a core with queued packets has done exactly its ids <= last_pkt_id */
	for (unsigned c = 0; c < ms.n; c++)
		if (!rte_ring_empty(ms.w[c].in) && ms.w[c].last_pkt_id < w)
			w = ms.w[c].last_pkt_id;
	return w;
}

void master_resume_from(const uint64_t *last_pkt_id, const uint64_t *pal_pos, unsigned n,
			uint64_t watermark)
{
	for (unsigned c = 0; c < n && c < ms.n; c++) {
		ms.w[c].last_pkt_id = ms.w[c].skip_upto = last_pkt_id[c];
		ms.pals_seen_end[c] = pal_pos[c];
	}
	ms.last_dispatched = watermark;
}
