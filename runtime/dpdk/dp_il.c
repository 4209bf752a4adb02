/*
 * dp_il.c: the input logger (SPEC §2).
 *
 * Theory of operation: every frame from the networks (and every tick)
 * becomes a record {packet id, IL timestamp, in_port, kind, frame} appended
 * to the log, a byte ring bounded by --log-bytes. Forwarding is "send the
 * log from the cursor to the master": normally the cursor is at the head
 * and the received mbuf itself is encapsulated and sent (the log keeps a
 * byte copy); after il_replay_from() the cursor is moved back and records
 * are rebuilt from the log and sent in order before anything newer, so the
 * master (or the backup taking over) sees one gapless, increasing sequence
 * of ids. Ids come from one counter, so they increase strictly; ticks take
 * ids from the same counter and are therefore replayed like packets.
 * Invariants: tail <= cursor <= head (in record order); il_trim() never
 * passes the cursor. When the log is at its bound: --log-full evict drops
 * the oldest records (counted in il_log_full, logged: a failure of the
 * master before the next checkpoint loses them) and keeps traffic flowing;
 * --log-full drop refuses the new packet instead.
 * FTMB-ethertype frames from the networks are spoofs: dropped, counted.
 * Every logged record can be sent again (rec_to_mbuf): a frame longer than
 * one mbuf can carry behind the FTMB headers (il.max_frame) is refused at
 * input (il_too_long), because the backlog sends records strictly in
 * order, and a record that could never be framed would block it, and with
 * it all input, for good (silently, before: rec_to_mbuf's failure was not
 * counted; test/realtcp/README.md). An mbuf shortage is counted (mbuf_fail)
 * and retried at the next poll; a backlog that stays stuck longer than
 * --peer-timeout-us is logged.
 */
#include "dp.h"
#include "ftmb_dp_hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "middlebox.h"

struct il_rec {
	uint64_t pkt_id;
	uint64_t ts_ns;
	uint16_t len;      /* frame bytes that follow                       */
	uint8_t in_port;
	uint8_t kind;      /* enum ftmb_pkt_kind; 0xff = wrap marker        */
	uint16_t tick_core;
	uint16_t pad;
};
#define IL_WRAP 0xff
#define IL_REC_SIZE(len) RTE_ALIGN_CEIL(sizeof(struct il_rec) + (len), 8)

static struct {
	uint8_t *buf;
	uint64_t size;
	uint64_t head, tail, cursor; /* byte offsets in buf                  */
	uint64_t used;               /* bytes between tail and head (+waste) */
	uint64_t records;
	uint64_t next_id;
	uint64_t oldest_id;
	uint64_t epoch;
	uint16_t master_port;
	struct dp_peer master;
	bool master_protected;
	bool started;                /* input taken at least once          */
	bool paused;                 /* il_pause: a takeover is under way  */
	uint64_t next_hb, next_tick;
	uint64_t tokens, last_refill;
	uint16_t max_frame;          /* longest frame rec_to_mbuf can carry */
	uint64_t backlog_since;      /* TSC the backlog last made no progress */
} il;

/* Offsets always point at a record or at head: a wrap marker means "0". */
static uint64_t norm(uint64_t off)
{
	if (off != il.head && ((struct il_rec *)(il.buf + off))->kind == IL_WRAP)
		return 0;
	return off;
}

static struct il_rec *rec_at(uint64_t off)
{
	return (struct il_rec *)(il.buf + norm(off));
}

static uint64_t rec_next(uint64_t off)
{
	off = norm(off);
	return norm(off + IL_REC_SIZE(((struct il_rec *)(il.buf + off))->len));
}

static void update_gauges(void)
{
	il.used = il.records == 0 ? 0
		: il.head > il.tail ? il.head - il.tail : il.size - il.tail + il.head;
	dp_stats.il_log_bytes = il.used;
	dp_stats.il_log_records = il.records;
}

static void log_drop_oldest(void)
{
	uint64_t next = rec_next(il.tail);

	if (norm(il.cursor) == norm(il.tail))
		il.cursor = next; /* evicting a record never sent: replay lost it */
	il.tail = next;
	if (--il.records == 0) {
		il.tail = il.head = il.cursor = 0;
		il.oldest_id = 0;
	} else {
		il.oldest_id = rec_at(il.tail)->pkt_id;
	}
}

/* Is there room for a record of rsize bytes (plus a wrap marker)? */
static bool log_fits(uint64_t rsize)
{
	uint64_t need = rsize + sizeof(struct il_rec);

	if (il.records == 0) {
		il.head = il.tail = il.cursor = 0;
		return need <= il.size;
	}
	if (il.head > il.tail)
		return il.head + need <= il.size || need <= il.tail;
	return il.head + need <= il.tail; /* wrapped; head == tail is full */
}

/* Write a record (header h, then h->len bytes of frame) at r.
 * The log is written once and read again only for a replay, a backlog or
 * an eviction, long after its lines have left the cache (it is tens of
 * MiB): a plain store would first fetch each line from memory (a read for
 * ownership), the IL's dearest step (about 30 ns per 64-byte packet). So
 * the record goes out with non-temporal stores, which write whole lines
 * without fetching them. Nothing reads a record right after writing it
 * (the fast path of rx_outside keeps what it needs), and log_fence()
 * (an sfence) orders these stores before anything that reads the log:
 * the end of each burst, and the rare paths that rebuild a frame from a
 * record just written. */
_Static_assert(sizeof(struct il_rec) == 24, "il_rec is three 8-byte words");
static inline void log_store(struct il_rec *r, const struct il_rec *h, const void *frame)
{
#if defined(__x86_64__)
	long long *d = (long long *)(void *)r, w;
	const uint8_t *s = frame;
	unsigned full = h->len / 8u, rest = h->len % 8u;

	for (unsigned i = 0; i < 3; i++) {
		memcpy(&w, (const uint8_t *)h + 8 * i, 8);
		_mm_stream_si64(d + i, w);
	}
	d += 3;
	for (unsigned i = 0; i < full; i++) {
		memcpy(&w, s + 8 * i, 8);
		_mm_stream_si64(d + i, w);
	}
	if (rest) { /* the record is padded to 8 bytes (IL_REC_SIZE) */
		w = 0;
		memcpy(&w, s + 8 * full, rest);
		_mm_stream_si64(d + full, w);
	}
#else
	*r = *h;
	if (h->len)
		memcpy(r + 1, frame, h->len);
#endif
}

static inline void log_fence(void)
{
#if defined(__x86_64__)
	_mm_sfence();
#endif
}

/* Append a record; returns it or NULL (log full with --log-full drop). */
static struct il_rec *log_append(uint8_t kind, uint8_t in_port, uint16_t tick_core,
				 const void *frame, uint16_t len, uint64_t ts)
{
	uint64_t rsize = IL_REC_SIZE(len);
	struct il_rec *r;

	while (!log_fits(rsize)) {
		DP_INC(il_log_full);
		if (dp_cfg.log_full == DP_LOG_FULL_DROP || il.records == 0) {
			DP_LOG_RL(ERR, "IL log full (%" PRIu64 " bytes, --log-bytes) and "
				  "--log-full drop: refusing input until a checkpoint trims it\n",
				  il.size);
			return NULL;
		}
		DP_LOG_RL(ERR, "IL log full (%" PRIu64 " bytes, --log-bytes): evicting the "
			  "oldest records; no checkpoint trims the log, a master failure now "
			  "loses them\n", il.size);
		log_drop_oldest();
	}
	if (il.head > il.tail && il.head + rsize + sizeof(struct il_rec) > il.size) {
		((struct il_rec *)(il.buf + il.head))->kind = IL_WRAP;
		if (il.cursor == il.head)
			il.cursor = 0;
		il.head = 0;
	}
	r = (struct il_rec *)(il.buf + il.head);
	log_store(r, &(struct il_rec){.pkt_id = il.next_id, .ts_ns = ts, .len = len,
				      .in_port = in_port, .kind = kind,
				      .tick_core = tick_core}, frame);
	if (il.records++ == 0)
		il.oldest_id = il.next_id;
	il.next_id++;
	il.head += rsize;
	DP_INC(il_logged);
	update_gauges();
	return r;
}

/* Is the send cursor at offset off (a cursor on a wrap marker means 0)?
 * Reads the log only in that rare case (not the record at off, which may
 * still be on its way to memory). */
static inline bool cursor_at(uint64_t off)
{
	if (il.cursor == off)
		return true;
	return off == 0 && il.cursor != il.head &&
	       ((struct il_rec *)(il.buf + il.cursor))->kind == IL_WRAP;
}

static void fill_pkt_hdr(struct ftmb_w_pkt *p, const struct il_rec *r)
{
	p->pkt_id = r->pkt_id;
	p->ts_ns = r->ts_ns;
	p->in_port = r->in_port;
	p->kind = r->kind;
	p->tick_core = r->tick_core;
	p->frame_len = r->len;
	p->reserved = 0;
}

/* Build an mbuf for a logged record (replay / ticks). */
static struct rte_mbuf *rec_to_mbuf(const struct il_rec *r)
{
	struct ftmb_w_pkt *p;
	/* the frame is copied over the body's tail: only the header is zeroed;
	 * NULL (counted in mbuf_fail) only when no mbuf is free: every
	 * logged frame fits (il.max_frame) */
	struct rte_mbuf *m = dp_frame_new_part(FTMB_W_PKT, (uint16_t)(sizeof(*p) + r->len),
					       sizeof(*p), (void **)&p);

	if (!m)
		return NULL;
	fill_pkt_hdr(p, r);
	memcpy(p + 1, r + 1, r->len);
	return m;
}

/* Send up to a burst of records from the cursor (replay / backlog). */
/* Send out[0..n) whose records start at offs[]; what the port refuses
 * stays in the log: the cursor goes back to the first unsent record. */
static unsigned send_records(struct rte_mbuf **out, const uint64_t *offs, unsigned n)
{
	unsigned sent = dp_tx_some(il.master_port, out, n);

	if (sent < n) {
		il.cursor = offs[sent];
		rte_pktmbuf_free_bulk(out + sent, n - sent);
	}
	DP_ADD(il_forwarded, sent);
	return sent;
}

static unsigned send_backlog(void)
{
	struct rte_mbuf *out[DP_BURST];
	uint64_t offs[DP_BURST];
	unsigned n = 0;

	while (n < DP_BURST && il.records && norm(il.cursor) != il.head) {
		struct il_rec *r = rec_at(il.cursor);
		struct rte_mbuf *m = rec_to_mbuf(r);

		if (!m)
			break;
		offs[n] = norm(il.cursor);
		out[n++] = m;
		il.cursor = rec_next(il.cursor);
	}
	n = send_records(out, offs, n);
	DP_ADD(il_replayed, n);
	return n;
}

static unsigned rx_outside(uint8_t mb_port, uint16_t port, uint64_t now_tsc)
{
	struct rte_mbuf *pkts[DP_BURST], *out[DP_BURST];
	uint64_t offs[DP_BURST];
	unsigned n, nout = 0, max = DP_BURST;
	uint64_t ts;

	if (port == DP_NO_PORT)
		return 0;
	if (dp_cfg.rate_pps) {
		uint64_t hz = rte_get_timer_hz();
		uint64_t add = (now_tsc - il.last_refill) * dp_cfg.rate_pps / hz;
		if (add) {
			il.tokens = RTE_MIN(il.tokens + add, (uint64_t)DP_BURST);
			il.last_refill = now_tsc;
		}
		max = (unsigned)RTE_MIN(il.tokens, (uint64_t)DP_BURST);
		if (!max)
			return 0;
	}
	n = dp_rx_burst(port, pkts, (uint16_t)max);
	if (dp_cfg.rate_pps)
		il.tokens -= n;
	if (!n)
		return 0;
	dp_prefetch_burst(pkts, n, false);
	ts = dp_now_ns(); /* one clock read per burst, none per empty poll */
	for (unsigned i = 0; i < n; i++) {
		dp_prefetch_next(pkts, i, n, false);
		struct rte_mbuf *m = pkts[i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		struct il_rec *r;
		struct ftmb_w_pkt *p;

		DP_INC(rx_outside);
		if (m->nb_segs != 1 || m->data_len < FTMB_ETH_HLEN) {
			DP_INC(malformed);
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(m->data_len > il.max_frame)) {
			DP_INC(il_too_long);
			DP_LOG_RL(WARNING, "IL: %u-byte frame dropped: the log can re-send at most "
				  "%u bytes in one mbuf\n", m->data_len, il.max_frame);
			rte_pktmbuf_free(m);
			continue;
		}
		if (ftmb_wire_ethertype(f, m->data_len) == FTMB_ETHERTYPE) {
			DP_INC(spoofed);
			DP_LOG_RL(WARNING, "IL: FTMB frame from the %s network dropped (spoofing?)\n",
				  mb_port == MB_PORT_INSIDE ? "inside" : "outside");
			rte_pktmbuf_free(m);
			continue;
		}
		r = log_append(FTMB_PKT_FRAME, mb_port, 0, f, m->data_len, ts);
		if (!r) {
			rte_pktmbuf_free(m);
			continue;
		}
		/* fast path: nothing older waits to be sent */
		if (cursor_at((uint64_t)((uint8_t *)r - il.buf))) {
			uint16_t flen = m->data_len;

			p = dp_encap(m, FTMB_W_PKT, sizeof(*p), flen);
			if (!p) {
				struct rte_mbuf *c;
				log_fence(); /* r is read back */
				c = rec_to_mbuf(r);
				rte_pktmbuf_free(m);
				if (!c)
					continue; /* stays at the cursor: sent later */
				m = c;
			} else { /* the header from what was logged, not read back */
				fill_pkt_hdr(p, &(struct il_rec){.pkt_id = il.next_id - 1,
					.ts_ns = ts, .len = flen, .in_port = mb_port,
					.kind = FTMB_PKT_FRAME});
			}
			offs[nout] = (uint64_t)((uint8_t *)r - il.buf);
			il.cursor = il.head; /* r was the last record appended */
			out[nout++] = m;
		} else {
			rte_pktmbuf_free(m); /* sent from the log, in order */
		}
	}
	log_fence();
	send_records(out, offs, nout);
	return n;
}

static unsigned inject_ticks(uint64_t now_tsc)
{
	unsigned n = 0;
	uint64_t ts;

	if (!dp_cfg.tick_us || now_tsc < il.next_tick)
		return 0;
	il.next_tick = now_tsc + dp_us_to_tsc(dp_cfg.tick_us);
	ts = dp_now_ns();
	for (unsigned c = 0; c < dp_cfg.tick_cores; c++) {
		if (!log_append(FTMB_PKT_TICK, 0, (uint16_t)c, NULL, 0, ts))
			break;
		DP_INC(il_ticks);
		n++;
	}
	log_fence();
	return n + send_backlog();
}

static unsigned rx_master(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = dp_rx_burst(il.master_port, pkts, DP_BURST);

	for (unsigned i = 0; i < n; i++) {
		struct ftmb_wire_view v;

		if (dp_parse(pkts[i], &v, "IL<-master") == FTMB_WIRE_OK) {
			if (v.type == FTMB_W_HB && dp_hb_from(&v, FTMB_ROLE_MASTER)) {
				const struct ftmb_w_hb *hb = v.body;
				DP_INC(hb_rx);
				dp_peer_seen(&il.master, hb->epoch);
				il.master_protected = v.hdr->flags & FTMB_HB_PROTECTED;
			} else if (v.type >= FTMB_W_EXT_FIRST) {
				dp_ext_frame(il.master_port, pkts[i], &v);
				continue;
			} else {
				DP_INC(unexpected);
			}
		}
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

int dp_il_init(uint64_t epoch)
{
	il.size = dp_cfg.log_bytes;
	if (il.size < 4096)
		rte_exit(EXIT_FAILURE, "--log-bytes %" PRIu64 ": at least 4096\n", il.size);
	/* every page mapped now (MAP_POPULATE): a page fault per 4 KiB of log
	 * while traffic flows costs the IL more than the copies themselves.
	 * (malloc + memset did not do it: the compiler makes that calloc,
	 * which skips zeroing fresh mmap pages, so they faulted in later.) */
	il.buf = mmap(NULL, il.size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (il.buf == MAP_FAILED)
		rte_exit(EXIT_FAILURE, "IL: cannot map a %" PRIu64 "-byte log: %s\n", il.size,
			 strerror(errno));
	il.epoch = epoch;
	il.next_id = epoch / 1000; /* µs since 1970: larger than any earlier run's */
	il.master_port = dp_cfg.master_port;
	il.master.name = "master";
	if (il.master_port == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "IL: --master-port is required\n");
	if (dp_cfg.in_port[0] == DP_NO_PORT && dp_cfg.in_port[1] == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "IL: --in-inside and/or --in-outside is required\n");
	dp_port_setup(il.master_port);
	dp_port_setup(dp_cfg.in_port[0]);
	dp_port_setup(dp_cfg.in_port[1]);
	il.last_refill = rte_get_timer_cycles();
	il.max_frame = (uint16_t)(rte_pktmbuf_data_room_size(dp_pktmbuf_pool()) -
				  RTE_PKTMBUF_HEADROOM - FTMB_ETH_HLEN - sizeof(struct ftmb_hdr) -
				  sizeof(struct ftmb_w_pkt));
	return 0;
}

unsigned dp_il_poll(uint64_t now_tsc)
{
	unsigned work = rx_master();

	if (now_tsc >= il.next_hb) {
		il.next_hb = now_tsc + dp_us_to_tsc(dp_cfg.hb_us);
		dp_send_hb(il.master_port, FTMB_ROLE_IL, il.epoch, 0);
	}
	dp_peer_check(&il.master, now_tsc);
	if (il.paused)
		return work; /* input waits in the NIC, the log keeps the rest */
	if (il.records && norm(il.cursor) != il.head) {
		unsigned sent = send_backlog();

		work += sent;
		if (norm(il.cursor) != il.head) {
			/* the master is behind: leave input in the NIC; say so
			 * when it lasts (a stalled backlog must be visible) */
			if (sent || !il.backlog_since)
				il.backlog_since = now_tsc;
			else if (now_tsc - il.backlog_since > dp_us_to_tsc(dp_cfg.peer_timeout_us))
				DP_LOG_RL(WARNING, "IL: %" PRIu64 " records wait for the master "
					  "port for > %u us (it refuses them)\n",
					  dp_stats.il_logged - dp_stats.il_forwarded,
					  dp_cfg.peer_timeout_us);
			return work;
		}
		il.backlog_since = 0;
	}
	if (dp_cfg.wait_protected && !il.started && !il.master_protected)
		return work; /* only the start waits: later, no downtime */
	il.started = true;
	work += inject_ticks(now_tsc);
	work += rx_outside(MB_PORT_INSIDE, dp_cfg.in_port[MB_PORT_INSIDE], now_tsc);
	if (dp_cfg.in_port[MB_PORT_OUTSIDE] != dp_cfg.in_port[MB_PORT_INSIDE])
		work += rx_outside(MB_PORT_OUTSIDE, dp_cfg.in_port[MB_PORT_OUTSIDE], now_tsc);
	return work;
}

/* ---- hooks ---- */

void il_trim(uint64_t upto_pkt_id)
{
	while (il.records && norm(il.tail) != norm(il.cursor)) {
		struct il_rec *r = rec_at(il.tail);
		if (r->pkt_id > upto_pkt_id)
			break;
		log_drop_oldest();
	}
	update_gauges();
}

int il_replay_from(uint64_t pkt_id, uint16_t port)
{
	uint64_t off = il.tail;

	il.master_port = port;
	if (!il.records || pkt_id < il.oldest_id)
		return il.records && pkt_id < il.oldest_id ? -1 : 0;
	while (norm(off) != il.head && rec_at(off)->pkt_id < pkt_id)
		off = rec_next(off);
	il.cursor = off;
	return 0;
}

void il_pause(bool paused)
{
	il.paused = paused;
}

void il_switch_master(uint16_t port)
{
	il.master_port = port;
}

uint64_t il_next_pkt_id(void) { return il.next_id; }
uint64_t il_oldest_pkt_id(void) { return il.records ? il.oldest_id : 0; }
