/*
 * dp_ol.c: the output logger (SPEC §2, §4).
 *
 * Theory of operation: frames from the master are fed to the core
 * library's release state (struct ftmb_ol): PALS batches advance R[c]
 * (only in order, gaps rejected until the master resends), DATA frames are
 * decapsulated and held in core c's FIFO with their vector V, NOOUT
 * records are noted. After every burst, each core's FIFO is released from
 * its head while V <= R (ftmb_ol_release_poll_all); released packets leave
 * by the port of their verdict, already-released duplicates are dropped.
 * The OL acknowledges R[c] (+ the stream base, below) every --ack-us when
 * it changed, so the master can trim its resend queue. A PALS frame that
 * starts beyond R[c] means a batch of core c was lost on the link: the OL
 * then acks at once with the header flag FTMB_ACK_GAP(c) (a negative
 * acknowledgement), and the master resends from R[c] as soon as it reads
 * it, so held outputs wait about one round trip, not the resend timer.
 * One gap ack per R[c] value, repeated at most every --ack-us while R[c]
 * stays there (the frames that were in flight behind the lost one all
 * arrive as gaps; they need no ack each). A hold FIFO that is nonetheless
 * full drops the DATA frame (the link is FIFO, so the OL cannot stop
 * reading it without also stopping the PALs the held outputs wait for):
 * counted in hold_full, logged at ERR with the running count. It should
 * not happen: every ACK tells the master how many outputs a FIFO holds
 * (hold_log2), and the master sends no DATA of core c while that many of
 * c's sent outputs may still be held (dp_master.c, "Send window"): the
 * back-pressure that keeps a stalled R from overflowing the FIFO.
 * Streams start at a SYNC from the master: positions in it become this
 * OL's base (stream position p of core c is position p - base[c] in the
 * release state), so an OL started while the master has been running for a
 * while starts with R = base and never waits for PALs it cannot get. A
 * SYNC of a new generation with other positions restarts the state (held
 * packets are dropped, counted in hold_full); one of the same generation
 * is a resend and ignored.
 * With --event-log, every PAL accepted ("P core pos pkt_id"), hold
 * ("H core pkt out V...") and release ("R core pkt out R...") is written,
 * so a test can check offline that no packet left before its PALs arrived.
 */
#include "dp.h"
#include "ftmb_dp_hooks.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "ftmb_release.h"

static struct {
	struct ftmb_ol *st;
	unsigned n;
	uint64_t base[FTMB_WIRE_MAX_CORES];
	bool synced;
	uint32_t sync_gen;
	uint64_t epoch;
	uint16_t master_port;
	struct dp_peer master;
	bool ack_now;
	uint32_t gap_flags;    /* FTMB_ACK_GAP bits for the next ack          */
	uint64_t nack_r[FTMB_WIRE_MAX_CORES];   /* R[c] of the last gap ack    */
	uint64_t nack_tsc[FTMB_WIRE_MAX_CORES]; /* when it was sent            */
	uint64_t last_acked_sum;
	uint64_t next_ack, next_hb, next_autotrim, next_sweep;
	uint64_t last_released[FTMB_WIRE_MAX_CORES]; /* input id, per core */
	FILE *ev;
	uint64_t now_tsc;      /* TSC read once per poll (hold/release stamps) */
	uint64_t hold_tsc_sum; /* hold times not yet added to release_ns_sum  */
	uint64_t ns_per_tsc_q32; /* 1e9 / hz in 32.32 fixed point              */
	struct rte_mbuf *out[2][DP_BURST];
	unsigned nout[2];
} ol;

static void flush_out(void)
{
	if (ol.hold_tsc_sum) { /* one conversion per burst, not per packet */
		DP_ADD(release_ns_sum, (uint64_t)(((unsigned __int128)ol.hold_tsc_sum *
						   ol.ns_per_tsc_q32) >> 32));
		ol.hold_tsc_sum = 0;
	}
	for (unsigned p = 0; p < 2; p++) {
		DP_ADD(pkts_out, ol.nout[p]);
		dp_tx(dp_cfg.out_port[p], ol.out[p], ol.nout[p]);
		ol.nout[p] = 0;
	}
}

static void on_release(void *arg, unsigned core, uint64_t pkt_id, uint32_t out_idx,
		       void *pkt, int duplicate)
{
	struct rte_mbuf *m = pkt;
	unsigned port = m->port & 1;

	(void)arg;
	dp_stats.held--;
	if (duplicate) {
		DP_INC(dup_suppressed);
		rte_pktmbuf_free(m);
		return;
	}
	DP_INC(released);
	ol.last_released[core] = pkt_id;
	ol.hold_tsc_sum += ol.now_tsc - *dp_mbuf_ts(m);
	if (ol.ev) {
		const uint64_t *R = ftmb_ol_R(ol.st);
		fprintf(ol.ev, "R %u %" PRIu64 " %u", core, pkt_id, out_idx);
		for (unsigned c = 0; c < ol.n; c++)
			fprintf(ol.ev, " %" PRIu64, R[c] + ol.base[c]);
		fputc('\n', ol.ev);
	}
	ol.out[port][ol.nout[port]++] = m;
	if (ol.nout[port] == DP_BURST)
		flush_out();
}

static void drop_state(void)
{
	if (!ol.st)
		return;
	ftmb_ol_drop_held_fn(ol.st, dp_mbuf_free_cb, NULL);
	DP_ADD(hold_full, dp_stats.held);
	dp_stats.held = 0;
	ftmb_ol_destroy(ol.st);
	ol.st = NULL;
}

static void send_ack(void)
{
	struct ftmb_w_ack *a;
	struct rte_mbuf *m;
	uint64_t *r;

	if (!ol.synced)
		return;
	m = dp_frame_new(FTMB_W_ACK, (uint16_t)(sizeof(*a) + 8u * ol.n), (void **)&a);
	if (!m)
		return;
	a->n_cores = (uint8_t)ol.n;
	/* the master's send window: what a hold FIFO takes (ftmb_ol_create
	 * rounds hold_cap up; the power of two at or below it is safe) */
	a->hold_log2 = (uint8_t)(31 - __builtin_clz(dp_cfg.hold_cap | 1));
	a->sync_gen = ol.sync_gen;
	a->ol_epoch = ol.epoch;
	r = (uint64_t *)(a + 1);
	if (ol.gap_flags) {
		rte_pktmbuf_mtod_offset(m, struct ftmb_hdr *, FTMB_ETH_HLEN)->flags = ol.gap_flags;
		ol.gap_flags = 0;
		DP_INC(pal_nacks);
	}
	ol.last_acked_sum = 0;
	for (unsigned c = 0; c < ol.n; c++) {
		r[c] = ftmb_ol_received(ol.st, c) + ol.base[c];
		ol.last_acked_sum += r[c];
	}
	DP_INC(acks);
	dp_tx_ctl(ol.master_port, m);
	ol.ack_now = false;
}

static void on_sync(const struct ftmb_wire_view *v)
{
	const struct ftmb_w_sync *s = v->body;
	bool same = ol.st && ol.n == s->n_cores;

	if (s->ol_epoch != ol.epoch) {
		DP_INC(unexpected);
		return;
	}
	if (ol.synced && s->gen == ol.sync_gen) {
		ol.ack_now = true; /* a resend: it did not see our ack yet */
		return;
	}
	for (unsigned c = 0; same && c < s->n_cores; c++)
		if (ftmb_ol_received(ol.st, c) + ol.base[c] != v->vec[c])
			same = false;
	if (!same) {
		drop_state();
		ol.n = s->n_cores;
		ol.st = ftmb_ol_create(ol.n, dp_cfg.hold_cap);
		if (!ol.st) {
			DP_LOG_RL(ERR, "OL: cannot create release state for %u cores\n", ol.n);
			return;
		}
		for (unsigned c = 0; c < ol.n; c++) {
			ol.base[c] = v->vec[c];
			ol.nack_tsc[c] = 0; /* a gap of the new streams is acked at once */
		}
		ol.gap_flags = 0;
	}
	dp_master_flush_direct(); /* --role single: what left unprotected goes first */
	ol.synced = true;
	ol.sync_gen = s->gen;
	ol.ack_now = true;
	DP_LOG(NOTICE, "OL: synced with master (gen %u, %u cores)\n", s->gen, ol.n);
}

/* A PALS frame of core c arrived beyond R[c] (r, in master positions):
 * ask for a resend at once, once per R[c] value (again after --ack-us if
 * R[c] has not moved: the resend may have been lost too). */
static void note_gap(unsigned c, uint64_t r)
{
	if (r == ol.nack_r[c] && ol.now_tsc - ol.nack_tsc[c] < dp_us_to_tsc(dp_cfg.ack_us))
		return;
	ol.nack_r[c] = r;
	ol.nack_tsc[c] = ol.now_tsc;
	ol.gap_flags |= FTMB_ACK_GAP(c);
	ol.ack_now = true;
}

static void on_pals(const struct ftmb_wire_view *v)
{
	const struct ftmb_w_pals *b = v->body;
	struct ftmb_pal copy[FTMB_PALS_PER_FRAME];
	const struct ftmb_pal *pals;
	uint64_t first = b->first, skip = 0, old_r;
	enum ftmb_batch_result res;

	if (b->core >= ol.n) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "OL: PALS for core %u of %u\n", b->core, ol.n);
		return;
	}
	DP_INC(pal_frames);
	if (first + b->count <= ol.base[b->core]) {
		DP_INC(pal_dups);
		return;
	}
	if (first < ol.base[b->core])
		skip = ol.base[b->core] - first;
	if (((uintptr_t)(v->pals + skip) & (_Alignof(struct ftmb_pal) - 1)) == 0) {
		pals = (const struct ftmb_pal *)(const void *)(v->pals + skip); /* in place */
	} else { /* e.g. memif: the receiving mbuf decides the alignment */
		memcpy(copy, v->pals + skip, (b->count - skip) * sizeof(struct ftmb_pal));
		pals = copy;
	}
	old_r = ftmb_ol_received(ol.st, b->core) + ol.base[b->core];
	res = ftmb_ol_pal_batch(ol.st, b->core, first + skip - ol.base[b->core],
				(uint32_t)(b->count - skip), pals);
	switch (res) {
	case FTMB_BATCH_ACCEPTED: {
		uint64_t r = ftmb_ol_received(ol.st, b->core) + ol.base[b->core];
		uint64_t from = first + skip;
		DP_ADD(ol_pals, r - old_r);
		if (ol.ev)
			for (uint64_t p = RTE_MAX(from, old_r); p < r; p++)
				fprintf(ol.ev, "P %u %" PRIu64 " %" PRIu64 "\n", b->core, p,
					pals[p - from].pkt_id);
		break;
	}
	case FTMB_BATCH_DUPLICATE: DP_INC(pal_dups); break;
	case FTMB_BATCH_GAP:
		DP_INC(pal_gaps);
		note_gap(b->core, old_r);
		break;
	default:
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "OL: PAL batch rejected (%d)\n", res);
	}
}

static void on_data(struct rte_mbuf *m, const struct ftmb_wire_view *v)
{
	const struct ftmb_w_data *d = v->body;
	uint64_t V[FTMB_WIRE_MAX_CORES];
	uint16_t hdr = (uint16_t)(v->frame - rte_pktmbuf_mtod(m, const uint8_t *));
	uint64_t pkt_id = d->pkt_id;
	unsigned core = d->core, out_idx = d->out_idx, port = d->out_port;

	if (d->n_vec != ol.n) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "OL: DATA with %u-entry vector, %u cores\n", d->n_vec, ol.n);
		rte_pktmbuf_free(m);
		return;
	}
	for (unsigned c = 0; c < ol.n; c++)
		V[c] = v->vec[c] > ol.base[c] ? v->vec[c] - ol.base[c] : 0;
	DP_INC(data_frames);
	if (ol.ev) {
		fprintf(ol.ev, "H %u %" PRIu64 " %u", core, pkt_id, out_idx);
		for (unsigned c = 0; c < ol.n; c++)
			fprintf(ol.ev, " %" PRIu64, v->vec[c]);
		fputc('\n', ol.ev);
	}
	rte_pktmbuf_adj(m, hdr);
	dp_trim1(m, (uint16_t)(m->data_len - d->frame_len)); /* one segment: dp_parse */
	m->port = (uint16_t)port;
	*dp_mbuf_ts(m) = ol.now_tsc;
	if (ftmb_ol_hold(ol.st, core, pkt_id, out_idx, V, m) == 0) {
		dp_stats.held++;
		return;
	}
	DP_INC(hold_full);
	DP_LOG_RL(ERR, "OL: hold FIFO of core %u full (--hold-cap %u, R %" PRIu64
		  "): output %u of packet %" PRIu64 " DROPPED (%" PRIu64 " so far)\n",
		  core, dp_cfg.hold_cap, ftmb_ol_received(ol.st, core) + ol.base[core],
		  out_idx, pkt_id, dp_cnt->hold_full);
	rte_pktmbuf_free(m);
}

/* Frames taken from the master per poll: a master burst of DP_BURST
 * outputs comes with its PALS frames (one per 56 PALs, sent ahead of the
 * outputs in one transmission), so the OL takes such a burst whole
 * instead of leaving its last outputs for the next poll. */
#define OL_RX_BURST (2 * DP_BURST)
static unsigned rx_master(uint64_t now_tsc)
{
	struct rte_mbuf *pkts[OL_RX_BURST];
	unsigned n = dp_rx_burst(ol.master_port, pkts, OL_RX_BURST);

	if (!n)
		return 0;
	dp_prefetch_burst(pkts, n, true);
	ol.now_tsc = rte_get_timer_cycles();
	(void)now_tsc;
	for (unsigned i = 0; i < n; i++) {
		dp_prefetch_next(pkts, i, n, true);
		struct rte_mbuf *m = pkts[i];
		struct ftmb_wire_view v;

		if (dp_parse(m, &v, "OL<-master") != FTMB_WIRE_OK) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (v.type == FTMB_W_HB && dp_hb_from(&v, FTMB_ROLE_MASTER)) {
			DP_INC(hb_rx);
			dp_peer_seen(&ol.master, ((const struct ftmb_w_hb *)v.body)->epoch);
		} else if (v.type == FTMB_W_SYNC) {
			on_sync(&v);
		} else if (v.type >= FTMB_W_EXT_FIRST) {
			dp_ext_frame(ol.master_port, m, &v);
			continue;
		} else if (v.type == FTMB_W_PALS || v.type == FTMB_W_DATA ||
			   v.type == FTMB_W_NOOUT) {
			if (!ol.synced || !ol.st) {
				DP_INC(unsynced);
			} else if (v.type == FTMB_W_PALS) {
				on_pals(&v);
			} else if (v.type == FTMB_W_DATA) {
				on_data(m, &v);
				continue;
			} else {
				const struct ftmb_w_noout *no = v.body;
				DP_INC(noout);
				__atomic_fetch_add(&dp_gen_dropped, 1, __ATOMIC_RELAXED);
				if (no->core < ol.n)
					ftmb_ol_no_output(ol.st, no->core, no->pkt_id);
				else
					DP_INC(malformed);
			}
		} else {
			DP_INC(unexpected);
		}
		rte_pktmbuf_free(m);
	}
	return n;
}

/* Without checkpointing in this deployment (no control hook: nothing will
 * ever compute a recovery cut or replay), the stored PALs and the ids of
 * released outputs serve nobody: drop them every millisecond, so a long
 * run keeps constant memory and the store stays small enough to be
 * written in the cache (every 10 ms, it grew to megabytes at a few Mpps:
 * each new PAL line then came from memory). With ckpt, ol_trim() does
 * this at each checkpoint. */
static void autotrim(uint64_t now_tsc)
{
	uint64_t below = UINT64_MAX;

	if (dp_has_control_hook() || now_tsc < ol.next_autotrim)
		return;
	ol.next_autotrim = now_tsc + dp_us_to_tsc(1000);
	for (unsigned c = 0; c < ol.n; c++) {
		ftmb_ol_trim(ol.st, c, ftmb_ol_received(ol.st, c));
		if (ol.last_released[c] && ol.last_released[c] < below)
			below = ol.last_released[c];
	}
	if (below != UINT64_MAX)
		ftmb_ol_released_forget_below(ol.st, below);
}

unsigned dp_ol_poll(uint64_t now_tsc)
{
	unsigned got = rx_master(now_tsc), work = got;

	/* Only a frame from the master (PALS: R grows; DATA: a new head;
	 * SYNC) can make a held packet releasable, and a sweep releases all
	 * that can go: an empty poll skips it (a sweep every 100 us anyway). */
	if (ol.st && ol.synced && (got || now_tsc >= ol.next_sweep)) {
		ol.next_sweep = now_tsc + dp_us_to_tsc(100);
		ol.now_tsc = rte_get_timer_cycles();
		work += (unsigned)ftmb_ol_release_poll_all(ol.st, on_release, NULL);
		flush_out();
	}
	if (ol.st && ol.synced) {
		autotrim(now_tsc);
		if (ol.ack_now || now_tsc >= ol.next_ack) {
			uint64_t sum = 0;
			for (unsigned c = 0; c < ol.n; c++)
				sum += ftmb_ol_received(ol.st, c) + ol.base[c];
			if (ol.ack_now || sum != ol.last_acked_sum)
				send_ack();
			ol.next_ack = now_tsc + dp_us_to_tsc(dp_cfg.ack_us);
		}
	}
	if (now_tsc >= ol.next_hb) {
		ol.next_hb = now_tsc + dp_us_to_tsc(dp_cfg.hb_us);
		dp_send_hb(ol.master_port, FTMB_ROLE_OL, ol.epoch, ol.synced ? FTMB_HB_PROTECTED : 0);
		if (ol.synced)
			send_ack(); /* keeps the master's view fresh when idle */
	}
	dp_peer_check(&ol.master, now_tsc);
	return work;
}

int dp_ol_init(uint64_t epoch)
{
	ol.epoch = epoch;
	ol.ns_per_tsc_q32 = (uint64_t)(((unsigned __int128)1000000000ull << 32) / dp_tsc_hz);
	ol.master_port = dp_cfg.master_port;
	ol.master.name = "master";
	if (ol.master_port == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "OL: --master-port is required\n");
	if (dp_cfg.out_port[0] == DP_NO_PORT && dp_cfg.out_port[1] == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "OL: --out-inside and/or --out-outside is required\n");
	if (dp_cfg.event_log) {
		ol.ev = fopen(dp_cfg.event_log, "w");
		if (!ol.ev)
			rte_exit(EXIT_FAILURE, "OL: cannot write %s\n", dp_cfg.event_log);
	}
	dp_port_setup(ol.master_port);
	dp_port_setup(dp_cfg.out_port[0]);
	dp_port_setup(dp_cfg.out_port[1]);
	return 0;
}

void dp_ol_fini(void)
{
	if (ol.st) {
		ol.now_tsc = rte_get_timer_cycles();
		ftmb_ol_release_poll_all(ol.st, on_release, NULL);
		flush_out();
	}
	if (ol.ev)
		fclose(ol.ev);
	ol.ev = NULL;
}

/* ---- hooks ---- */

struct ftmb_ol *ol_state(void) { return ol.st; }
uint64_t ol_stream_base(unsigned c) { return c < FTMB_WIRE_MAX_CORES ? ol.base[c] : 0; }

void ol_trim(const uint64_t *pal_pos, unsigned n_cores, uint64_t below_pkt_id)
{
	if (!ol.st)
		return;
	for (unsigned c = 0; c < n_cores && c < ol.n; c++)
		if (pal_pos[c] > ol.base[c])
			ftmb_ol_trim(ol.st, c, pal_pos[c] - ol.base[c]);
	ftmb_ol_released_forget_below(ol.st, below_pkt_id);
}

void ol_switch_master(uint16_t port)
{
	ol.master_port = port;
	ol.synced = false;
}
