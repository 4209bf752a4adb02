/*
 * dp.h: shared pieces of the ftmb dataplane (runtime/dpdk): configuration,
 * counters, ports, the idle back-off, the flow hash and the role entry
 * points. See docs/runtime.md for how the roles are run.
 *
 * Threading model (every role): the main lcore runs the role's I/O tasks
 * (IL, master RX/TX/control, OL; in --role single all of them, one after
 * the other in one loop); each other lcore is a master worker running the
 * middlebox on one core context. An ethdev queue is only ever touched by
 * the main lcore, so ports need one RX and one TX queue. Workers talk to
 * the main lcore through rte_rings only.
 */
#ifndef FTMB_DP_H
#define FTMB_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_ethdev.h>
#include <rte_string_fns.h>

#include "ftmb_wire.h"

extern int ftmb_dp_logtype;
#define DP_LOG(level, ...) \
	rte_log(RTE_LOG_##level, ftmb_dp_logtype, "ftmb: " __VA_ARGS__)

/* Log at most once per second per call site (malformed frames & co). */
#define DP_LOG_RL(level, ...)                                              \
	do {                                                               \
		static uint64_t dp_rl_last_;                               \
		uint64_t dp_rl_now_ = rte_get_timer_cycles();              \
		if (dp_rl_now_ - dp_rl_last_ > rte_get_timer_hz()) {       \
			dp_rl_last_ = dp_rl_now_;                          \
			DP_LOG(level, __VA_ARGS__);                        \
		}                                                          \
	} while (0)

#define DP_NO_PORT 0xffffu
#define DP_BURST 32
#define DP_MAX_WORKERS FTMB_WIRE_MAX_CORES
#define DP_MAX_OUTPUTS 8 /* outputs of one input packet (mb_emit + verdict) */
#define DP_MAX_BACKUP_LINKS 4 /* IL/OL: --backup-port links (backups in turn) */

enum dp_role {
	DP_ROLE_NONE = 0,
	DP_ROLE_IL,
	DP_ROLE_MASTER,
	DP_ROLE_OL,
	DP_ROLE_SINGLE,
	DP_ROLE_UNPROTECTED,
	DP_ROLE_BACKUP,          /* warm backup (dp_ckpt_backup.c)             */
};
/* The --role name of this process (dp_cfg.role): "il", "master", ... */
const char *dp_role_name(void);

enum dp_log_full { DP_LOG_FULL_EVICT = 0, DP_LOG_FULL_DROP = 1 };

struct dp_config {
	enum dp_role role;
	/* ports (ethdev ids; DP_NO_PORT = none) */
	uint16_t in_port[2];     /* [mb_port]: traffic from that network      */
	uint16_t out_port[2];    /* [mb_port]: traffic sent to that network   */
	uint16_t master_port;    /* IL: to master; OL: from master            */
	uint16_t il_port;        /* master: from IL                           */
	uint16_t ol_port;        /* master: to OL                             */
	/* middlebox */
	int mb_argc;
	char *mb_argv[64];
	/* timing */
	uint32_t tick_us;        /* IL: tick interval (0 = no ticks)           */
	uint32_t tick_cores;     /* IL: ticks per interval, one per core      */
	uint32_t hb_us;          /* heartbeat interval                         */
	uint32_t peer_timeout_us;/* peer declared gone after this silence      */
	uint32_t ack_us;         /* OL: ack interval                           */
	uint32_t resend_us;      /* master: resend unacked PALs after this     */
	/* IL */
	uint64_t log_bytes;      /* IL log memory bound                        */
	enum dp_log_full log_full;
	bool wait_protected;     /* IL: forward only after master says OL up  */
	uint64_t rate_pps;       /* IL: pace outside input (0 = unpaced)       */
	/* master */
	uint32_t drop_pals;      /* drop every Nth PALS frame (test injection) */
	bool direct_after_il_loss; /* master: no direct input before an IL was seen */
	uint32_t quiesce_every_ms; /* master/single: exercise the quiesce barrier */
	uint64_t seed;
	/* OL */
	uint32_t hold_cap;       /* held packets per core                      */
	const char *event_log;   /* OL: release/PAL event log (tests)          */
	/* checkpoints and recovery (dp_ckpt_*.c, docs/recovery.md) */
	uint16_t backup_port;    /* IL/OL: link to the backup (backup_ports[0]) */
	uint16_t backup_ports[DP_MAX_BACKUP_LINKS]; /* IL/OL: the standby backup's link,
				    then the next backup's after each takeover */
	unsigned n_backup_ports;
	const char *ckpt_peer;   /* master: backup's HOST:PORT (TCP ckpt, UDP hb) */
	const char *ckpt_listen; /* backup: HOST:PORT to listen on             */
	uint32_t ckpt_interval_ms; /* master: checkpoint period               */
	uint32_t hb_timeout_ms;  /* backup: master dead after this silence     */
	uint32_t ckpt_throttle_us; /* tests: writer sleeps this per MiB        */
	uint32_t ckpt_inject_bad;  /* tests: backup sends N rounds of bad ext frames */
	/* all */
	uint32_t idle_sleep_max_us; /* 0: busy poll                            */
	bool status;             /* one status line per second                */
	uint64_t run_ms;         /* stop after this long (0 = until signal)    */
	uint64_t stop_after_idle_ms; /* stop after no traffic for this long   */
	const char *ctl_path;    /* --ctl: control socket for ftmbctl (dp_ctl.c) */
	/* bench (single/unprotected only) */
	uint64_t gen_pkts;       /* built-in generator: packets (0 = off)     */
	uint32_t gen_flows;
	uint32_t gen_window;     /* packets in flight (closed loop)           */
	uint16_t gen_len;
	const char *gen_report;  /* write results here (key=value lines)      */
	uint32_t link_ring;      /* single: slots of the role links (0: 4096) */
};

extern struct dp_config dp_cfg;
extern volatile bool dp_force_quit;

/* ---- counters (X-macro: declared once, shown by telemetry/status) ---- */
#define DP_COUNTERS(X)                                                        \
	X(rx_outside)      /* frames received from the networks            */ \
	X(spoofed)         /* FTMB-ethertype frames from outside (dropped) */ \
	X(malformed)       /* FTMB frames rejected by the parser           */ \
	X(unexpected)      /* well-formed frames of the wrong type/role    */ \
	X(il_logged)       /* IL: records appended to the log              */ \
	X(il_forwarded)    /* IL: records sent to the master               */ \
	X(il_log_full)     /* IL: packets dropped/evicted: log at bound    */ \
	X(il_ticks)        /* IL: tick records injected                    */ \
	X(il_replayed)     /* IL: records re-sent by il_replay_from        */ \
	X(il_too_long)     /* IL: frames too long to log and re-send       */ \
	X(pkts_in)         /* master: input packets processed              */ \
	X(ticks_in)        /* master: ticks processed                      */ \
	X(direct_in)       /* master: packets taken from the direct port   */ \
	X(pals)            /* master: PALs created                         */ \
	X(pal_frames)      /* PALS frames sent / received                  */ \
	X(pal_resent)      /* master: PALS frames resent                   */ \
	X(pal_dropped)     /* master: PALS frames dropped by --drop-pals   */ \
	X(ol_pals)         /* OL: PALs accepted in order                   */ \
	X(pal_gaps)        /* OL: PALS frames rejected for a gap           */ \
	X(pal_dups)        /* OL: PALS frames already held                 */ \
	X(pal_nacks)       /* OL: gap ACKs sent / master: resends they made */ \
	X(data_frames)     /* DATA frames sent / received                  */ \
	X(noout)           /* NOOUT records sent / received                */ \
	X(direct_out)      /* master: outputs sent straight out (OL down)  */ \
	X(held)            /* OL: packets currently held (gauge)           */ \
	X(released)        /* OL: packets released                         */ \
	X(dup_suppressed)  /* OL: outputs dropped as already released      */ \
	X(hold_full)       /* OL: DATA dropped, hold FIFO full             */ \
	X(unsynced)        /* OL: frames before the master's SYNC          */ \
	X(pkts_out)        /* frames sent to the networks                  */ \
	X(tx_drop)         /* data frames a port refused (lost)            */ \
	X(ctl_drop)        /* control frames (HB/ACK/SYNC/resend) refused  */ \
	X(no_route)        /* outputs for a port with no --out-* set       */ \
	X(mbuf_fail)       /* mbuf allocation failures                     */ \
	X(acks)            /* ACK frames sent / received                   */ \
	X(hb_tx)           /* heartbeats sent                              */ \
	X(hb_rx)           /* heartbeats received                          */ \
	X(peer_down)       /* peer declared gone (timeouts)                */ \
	X(peer_up)         /* peer (re)joined                              */ \
	X(release_ns_sum)  /* OL: sum of hold times                        */ \
	X(il_log_bytes)    /* IL: bytes in the log (gauge)                 */ \
	X(il_log_records)  /* IL: records in the log (gauge)               */ \
	X(ol_pals_stored)  /* OL: PALs stored (gauge)                      */ \
	X(unacked_pals)    /* master: PALs awaiting ack (gauge)            */ \
	X(quiesces)        /* master: quiesce callbacks run                */ \
	X(ckpt_started)    /* master: checkpoints forked                   */ \
	X(ckpt_confirmed)  /* master: COVERs from the backup               */ \
	X(ckpt_failed)     /* master: writer failed / fork failed          */ \
	X(ckpt_accepted)   /* backup: complete, valid images stored        */ \
	X(ckpt_rejected)   /* backup: complete images refused              */ \
	X(ckpt_aborted)    /* backup: half-received images dropped         */ \
	X(covers)          /* IL/OL: COVERs applied (trims)                */ \
	X(takeovers)       /* takeovers done (backup) / served (IL, OL)    */ \
	X(cut_pals)        /* OL: PALs sent to / backup: received for a cut */ \
	X(il_trimmed_upto) /* IL: watermark of the last COVER (gauge)      */ \
	X(il_paused)       /* IL: 1 while a takeover pauses it (gauge)     */ \
	X(hb_bad)          /* backup: malformed heartbeat datagrams        */ \
	X(wrong_link)      /* IL/OL: ckpt frames on a link not theirs      */

struct dp_counters {
#define DP_X(n) uint64_t n;
	DP_COUNTERS(DP_X)
#undef DP_X
};
extern struct dp_counters dp_stats;
/* The block this thread counts into: &dp_stats, except on a thread that
 * does a role's I/O next to the main lcore (--role single: the master's
 * I/O on its worker lcore), which counts into a block of its own that the
 * main lcore folds into dp_stats (so no counter has two plain writers). */
extern __thread struct dp_counters *dp_cnt;
#define DP_INC(n) (dp_cnt->n++)
#define DP_ADD(n, v) (dp_cnt->n += (v))
/* Counters bumped by workers (several threads). */
#define DP_ATOMIC_ADD(n, v) __atomic_fetch_add(&dp_stats.n, (v), __ATOMIC_RELAXED)

/* ---- idle back-off ---- */
struct dp_idle {
	uint32_t empty;
	uint32_t sleep_us;
};
/* Call once per loop with the work done; spins, then sleeps growing. */
void dp_idle_step(struct dp_idle *s, unsigned work);

/* ---- time ---- */
uint64_t dp_now_ns(void);          /* CLOCK_REALTIME ns                */
/* rte_get_timer_hz(), read once at start-up (dp_app_start): the per-poll
 * timer checks must not pay a call and a division by a variable. */
extern uint64_t dp_tsc_hz;
static inline uint64_t dp_us_to_tsc(uint64_t us)
{
	return us * dp_tsc_hz / 1000000u;
}

/* ---- ports ---- */
struct rte_mempool *dp_pktmbuf_pool(void);
/* Configure and start port (1 RX + 1 TX queue, promiscuous). Exits on
 * failure (start-up only). */
void dp_port_setup(uint16_t port);

/* Every rx/tx burst of the roles goes through these: on a memif port the
 * burst is bracketed so that the PMD's unmapping of a departed peer's
 * memory waits for it (dp_memif_guard.c); other ports pay one branch. */
extern bool dp_port_guarded[RTE_MAX_ETHPORTS];
struct guard_slot;
void dp_memif_guard_port(uint16_t port);
/* At exit: run close_ports on the EAL interrupt thread and leave that
 * thread parked (dp_memif_guard.c); false: it did not, the caller must. */
bool dp_memif_close_and_park(void (*close_ports)(void));
/* Main loop: warn about a memif client whose link stays down (4 checks/s). */
void dp_memif_watch(uint64_t now_tsc);
struct guard_slot *dp_guard_enter(void);
void dp_guard_exit(struct guard_slot *s);
static inline uint16_t dp_burst(bool tx, uint16_t port, struct rte_mbuf **m, uint16_t n)
{
	struct guard_slot *g = unlikely(port < RTE_MAX_ETHPORTS && dp_port_guarded[port]) ?
		dp_guard_enter() : NULL;
	uint16_t k = tx ? rte_eth_tx_burst(port, 0, m, n) : rte_eth_rx_burst(port, 0, m, n);

	if (unlikely(g != NULL))
		dp_guard_exit(g);
	return k;
}
#define dp_rx_burst(port, m, n) dp_burst(false, (port), (m), (n))
#define dp_tx_burst(port, m, n) dp_burst(true, (port), (m), (n))
/* At exit, right before rte_eal_cleanup: stop and close every started port
 * (flushes pcaps); with memif ports, the EAL interrupt thread stays parked. */
void dp_ports_stop(void);
/* Send n mbufs; what the port refuses after a few tries is freed and
 * counted in tx_drop. */
void dp_tx(uint16_t port, struct rte_mbuf **m, unsigned n);
/* Send each of n (<= DP_BURST) mbufs out of the --out-* port named by its
 * m->port (an enum mb_port), one dp_tx per port; counted in pkts_out. */
void dp_tx_out(struct rte_mbuf **m, unsigned n);
/* Free callback for mbufs handed around as void * (held outputs). */
void dp_mbuf_free_cb(void *arg, void *pkt);
/* Send what the port takes now (a few tries); returns how many. The
 * caller keeps the rest (backpressure between roles). */
/* Send one control frame; a refusal is counted in ctl_drop. */
void dp_tx_ctl(uint16_t port, struct rte_mbuf *m);
unsigned dp_tx_some(uint16_t port, struct rte_mbuf **m, unsigned n);

/* A burst that another lcore wrote (a ring port, a worker ring): ask for
 * the lines each packet will need a few packets ahead, so the cache misses
 * overlap instead of coming one per packet. The data's address is not read
 * from the mbuf (that would wait for the header's miss first): an mbuf of
 * this program's pool (dp_pktmbuf_pool: no private area) has its buffer
 * right after struct rte_mbuf, its data RTE_PKTMBUF_HEADROOM into it, and
 * the FTMB headers that roles prepend in the line before that. A guess
 * that is wrong (another pool) costs a useless prefetch, nothing else.
 * Used alike by the protected and the unprotected programs wherever a
 * burst crosses lcores (hdrs: also the line before the data, for frames
 * that carry FTMB headers). */
#define DP_PREFETCH_AHEAD 8
static inline void dp_prefetch_pkt(const struct rte_mbuf *m, bool hdrs)
{
	const uint8_t *buf = (const uint8_t *)m + sizeof(struct rte_mbuf);

	rte_prefetch0(m);
	if (hdrs)
		rte_prefetch0(buf + RTE_PKTMBUF_HEADROOM - RTE_CACHE_LINE_SIZE);
	rte_prefetch0(buf + RTE_PKTMBUF_HEADROOM);
}
static inline void dp_prefetch_burst(struct rte_mbuf **m, unsigned n, bool hdrs)
{
	for (unsigned i = 0; i < n && i < DP_PREFETCH_AHEAD; i++)
		dp_prefetch_pkt(m[i], hdrs);
}
/* In the loop over such a burst, at packet i: packet i + DP_PREFETCH_AHEAD. */
static inline void dp_prefetch_next(struct rte_mbuf **m, unsigned i, unsigned n, bool hdrs)
{
	if (i + DP_PREFETCH_AHEAD < n)
		dp_prefetch_pkt(m[i + DP_PREFETCH_AHEAD], hdrs);
}

/* Cut the tail of a one-segment mbuf (rte_pktmbuf_trim also walks to the
 * last segment, reading the mbuf's second cache line, which the lcore
 * that wrote the frame still holds). */
static inline void dp_trim1(struct rte_mbuf *m, uint16_t len)
{
	m->data_len = (uint16_t)(m->data_len - len);
	m->pkt_len -= len;
}

/* ---- flow hash (deterministic, direction-specific) ---- */
uint32_t dp_flow_hash(const uint8_t *frame, uint16_t len);

/* ---- frames ---- */
/* Prepend Ethernet + ftmb_hdr + body_len bytes; returns the body. */
void *dp_encap(struct rte_mbuf *m, uint8_t type, uint16_t body_len, uint16_t extra_len);
/* A new mbuf holding a copy of frame[0..len); NULL when no mbuf is free. */
struct rte_mbuf *dp_mbuf_copy(const void *frame, uint16_t len);
/* New mbuf holding an FTMB frame whose body is body_len bytes. */
struct rte_mbuf *dp_frame_new(uint8_t type, uint16_t body_len, void **body);
/* The same, but only the first zero_len bytes of the body (and the
 * Ethernet padding) are zeroed: for a caller that writes the rest (PAL
 * batches, logged frames), which need not pay for clearing it first. */
struct rte_mbuf *dp_frame_new_part(uint8_t type, uint16_t body_len, uint16_t zero_len,
				   void **body);
/* Parse an mbuf (must be one segment); counts & logs rejects. Returns
 * FTMB_WIRE_OK or an error. */
int dp_parse(struct rte_mbuf *m, struct ftmb_wire_view *v, const char *from);
/* Is this HB from a role we expect on that port (the master's role also
 * covers a backup that took over)? A link that echoes our own frames
 * (af_packet sees outgoing frames) must not look like a live peer. */
static inline bool dp_hb_from(const struct ftmb_wire_view *v, uint8_t role)
{
	uint8_t r = ((const struct ftmb_w_hb *)v->body)->role;
	return r == role || (role == FTMB_ROLE_MASTER && r == FTMB_ROLE_BACKUP);
}
/* Send a heartbeat on port. */
void dp_send_hb(uint16_t port, uint8_t role, uint64_t epoch, uint32_t flags);

/* ---- peers (liveness from heartbeats/acks) ---- */
struct dp_peer {
	const char *name;
	uint64_t last_seen_tsc;
	uint64_t epoch;
	bool up;
};
/* Note traffic from peer; returns true if it just (re)joined or its epoch changed. */
bool dp_peer_seen(struct dp_peer *p, uint64_t epoch);
/* Returns true if the peer just went down (silence > peer_timeout_us). */
bool dp_peer_check(struct dp_peer *p, uint64_t now_tsc);

/* ---- hooks (dp_hooks.c) ---- */
unsigned dp_control_poll(uint64_t now_tsc);
bool dp_has_control_hook(void); /* false: no checkpointing in this process */
void dp_ext_frame(uint16_t port, struct rte_mbuf *m, const struct ftmb_wire_view *v);

void dp_main_loop(unsigned (*poll)(uint64_t now_tsc));
void dp_print_stats(void);

/* ---- status & telemetry ---- */
void dp_telemetry_init(void);
void dp_status_tick(uint64_t now_tsc);

/* ---- roles ---- */
/* A role's I/O task: one poll; returns work done (frames handled). */
int dp_il_init(uint64_t epoch);
unsigned dp_il_poll(uint64_t now_tsc);
int dp_master_init(unsigned n_workers, uint64_t epoch);
int dp_master_init_restored(unsigned n_workers, uint64_t epoch); /* backup: no mb_init */
unsigned dp_master_poll(uint64_t now_tsc);
int dp_master_worker_main(void *arg);
void dp_master_fini(void);
void dp_master_flush_direct(void); /* --role single: see dp_master.c */
int dp_ol_init(uint64_t epoch);
unsigned dp_ol_poll(uint64_t now_tsc);
void dp_ol_fini(void);

/* Built-in generator and sink (bench): feeds in_port[INSIDE]'s peer ring,
 * reads the out ports, measures latency. */
void dp_gen_setup(void);
extern volatile uint64_t dp_gen_dropped; /* inputs finished without output */
unsigned dp_gen_poll(uint64_t now_tsc);
bool dp_gen_done(void);
void dp_gen_report(void);

/* Options and EAL start; returns after rte_eal_init and option parsing. */
void dp_app_start(int argc, char **argv, enum dp_role default_role);
/* Mbuf dynfield holding a u64 timestamp (TSC) for latency figures. */
extern int dp_ts_dynfield;
static inline uint64_t *dp_mbuf_ts(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_ts_dynfield, uint64_t *);
}

#endif /* FTMB_DP_H */
