/*
 * dp_ckpt.h: checkpoints, the warm backup and the takeover on the DPDK
 * roles (docs/recovery.md "On the DPDK roles"). The roles' own code only
 * offers hooks (ftmb_dp_hooks.h); everything here runs on each process's
 * main lcore from its control hook or ext-frame hook:
 *   dp_ckpt_loggers.c  IL and OL side: COVER trims, TAKEOVER/CUT/REPLAY
 *   dp_ckpt_master.c   the master's agent: checkpoints, heartbeats
 *   dp_ckpt_backup.c   --role backup: store, detector, takeover
 *   dp_ckpt_common.c   frames and the checks shared by all of them
 */
#ifndef DP_CKPT_H
#define DP_CKPT_H

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"
#include "dp_ckpt_wire.h"

/* IL / OL with --backup-port: install the hooks. */
void dp_ckpt_il_attach(void);
void dp_ckpt_ol_attach(void);
/* Master with --ckpt-peer: install the checkpoint agent. */
void dp_ckpt_master_attach(void);
/* --role backup: runs until the process is told to stop (as master after
 * a takeover). */
void dp_ckpt_backup_main(unsigned n_workers, uint64_t epoch);

/* ---- the master's agent (also run by a backup that took over) ---- */
/* Start checkpointing to dp_cfg.ckpt_peer (if set); sequence numbers go
 * on after first_seq - 1. */
void dp_ckpt_agent_start(uint64_t first_seq);
unsigned dp_ckpt_agent_poll(uint64_t now_tsc);
void dp_ckpt_agent_stop(void);

/* ---- shared (dp_ckpt_common.c) ---- */
/* Check an extension frame's body length against its type; false (counted
 * malformed, logged) if it is wrong. */
bool dp_ckpt_ext_ok(const struct ftmb_wire_view *v, const char *where);
/* New extension frame with a body of len bytes (zeroed); NULL if no mbuf. */
struct rte_mbuf *dp_ckpt_frame(uint8_t type, uint16_t len, void **body);
/* Send a control frame; false if the port refused it. */
bool dp_ckpt_send(uint16_t port, struct rte_mbuf *m);
/* Receive up to a burst on port, hand extension frames to the process's
 * ext-frame hook and drop the rest (counted; heartbeats just counted).
 * For ports no role polls (the IL/OL's backup link, a backup's links
 * before it is master). Returns frames received. */
unsigned dp_ckpt_poll_port(uint16_t port, const char *where);
uint64_t dp_ckpt_mono_ns(void);

#endif /* DP_CKPT_H */
