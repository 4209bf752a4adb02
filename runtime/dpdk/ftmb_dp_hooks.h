/*
 * ftmb_dp_hooks.h: what the dataplane roles offer to checkpointing and
 * recovery (runtime/ckpt). Every function here must be called from the
 * role's main lcore, e.g. from a control hook (dp_set_control_hook), which
 * that lcore calls once per loop iteration. See docs/runtime.md "Hooks".
 */
#ifndef FTMB_DP_HOOKS_H
#define FTMB_DP_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct ftmb_ol;
struct ftmb_wire_view;
struct rte_mbuf;

/* ---- every role ---- */
/* Called on the main lcore once per loop iteration; returns work done
 * (0 lets the loop back off when idle). One hook per process. */
typedef unsigned (*dp_control_fn)(void *arg, uint64_t now_tsc);
void dp_set_control_hook(dp_control_fn fn, void *arg);
/* FTMB frames of extension types (FTMB_W_EXT_FIRST..LAST, for ckpt's own
 * messages) received on any role port are handed here (the hook owns m:
 * free it). Without a hook they are counted as unexpected and freed. */
typedef void (*dp_ext_frame_fn)(void *arg, uint16_t port, struct rte_mbuf *m,
				const struct ftmb_wire_view *v);
void dp_set_ext_frame_hook(dp_ext_frame_fn fn, void *arg);
/* This incarnation's epoch (start time, ns), as sent in heartbeats. */
uint64_t dp_epoch(void);

/* ---- input logger ---- */
/* Drop logged records with pkt_id <= upto_pkt_id (a checkpoint the backup
 * holds covers them). Never drops records not yet sent. */
void il_trim(uint64_t upto_pkt_id);
/* Re-send every logged record with pkt_id >= pkt_id, in order, to `port`
 * (which also becomes the master port); new input is logged and sent
 * after them. Returns 0, or -1 if pkt_id is older than the log's oldest
 * record (the replay would miss packets). */
int il_replay_from(uint64_t pkt_id, uint16_t port);
/* Stop (true) / resume (false) forwarding and taking input (a takeover:
 * the old master must get nothing more; il_replay_from follows). */
void il_pause(bool paused);
/* Send new records to `port` from now on. */
void il_switch_master(uint16_t port);
uint64_t il_next_pkt_id(void);     /* id the next record will get      */
uint64_t il_oldest_pkt_id(void);   /* oldest record held (0: log empty) */

/* ---- master ---- */
/* Ask every worker to stop at a packet boundary. When all have stopped
 * (each flushed its PALs, so MAX[c] and the streams are settled), cb(arg)
 * runs on the main lcore; workers resume when it returns. The request is
 * asynchronous: it returns 0 at once (-EBUSY if one is pending) and cb
 * runs from a later master poll. master_quiesce_sync() polls until done. */
typedef void (*master_quiesce_fn)(void *arg);
int master_request_quiesce(master_quiesce_fn cb, void *arg);
int master_quiesce_sync(master_quiesce_fn cb, void *arg);
unsigned master_workers(void);
/* Last input packet id core c finished (valid inside a quiesce cb). */
uint64_t master_last_pkt_id(unsigned core);
/* Stream position (data + no-output records) core c has emitted. */
uint64_t master_stream_pos(unsigned core);
void master_set_stream_pos(unsigned core, uint64_t pos);
bool master_protected(void);       /* OL up and synced                  */
/* Inside a quiesce cb: every IL input id <= it has been processed by its
 * core (a core with queued packets counts up to its last_pkt_id only). */
uint64_t master_input_watermark(void);
/* After a restore (dp_master_init_restored): core c already holds the
 * effect of its inputs <= last_pkt_id[c] (replayed ones are skipped), the
 * first PAL the OL gets from this master is at pal_pos[c] (its SYNC), and
 * the checkpoint's watermark. */
void master_resume_from(const uint64_t *last_pkt_id, const uint64_t *pal_pos, unsigned n,
			uint64_t watermark);

/* ---- output logger ---- */
/* The release state (R[c], stored PALs, held FIFOs); NULL before the
 * first SYNC. Positions in it are relative to ol_stream_base(c): a PAL at
 * master position p is stored at p - ol_stream_base(c). */
struct ftmb_ol *ol_state(void);
uint64_t ol_stream_base(unsigned core);
/* A checkpoint covering master PAL positions < pal_pos[c] and input
 * packets < pkt_id is safe at the backup: drop what it covers. */
void ol_trim(const uint64_t *pal_pos, unsigned n_cores, uint64_t below_pkt_id);
/* Take streams from `port` from now on; wait for its SYNC (a SYNC whose
 * positions equal the current R keeps the state, any other starts afresh). */
void ol_switch_master(uint16_t port);

#endif /* FTMB_DP_HOOKS_H */
