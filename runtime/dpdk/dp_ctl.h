/*
 * dp_ctl.h: the control socket of the DPDK roles (--ctl PATH), answered
 * with runtime/ckpt's ftmb_ctl server so that `ftmbctl` works against
 * every role (docs/recovery.md "ftmbctl"). dp_ctl.c serves it; the
 * checkpoint agent (dp_ckpt_master.c) and the backup (dp_ckpt_backup.c)
 * contribute their part of `status` and carry out `failover`.
 *
 * Threads: the ftmb_ctl server thread composes `status` from values the
 * main lcore publishes as naturally aligned words (64-bit counters,
 * gauges, timestamps; a few flags and state enums), read with relaxed
 * atomic loads (or as one aligned load, for master_workers() and
 * master_protected() of dp_master.c): each value is
 * whole, the set is not a snapshot (as with /ftmb/stats telemetry). It
 * never follows a pointer the main lcore may change (the backup's store
 * view, the OL's release state). `failover` is handed to the main lcore
 * (dp_ctl_failover_taken / dp_ctl_failover_answer), which alone acts.
 */
#ifndef DP_CTL_H
#define DP_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Start the server if --ctl was given (exits on failure); it stops at
 * exit (socket file removed). Called by dp_telemetry_init. */
void dp_ctl_start(void);

/* ---- the reply being written ---- */
struct dp_ctl_out {
	char *buf;
	size_t cap, len;
};
void dp_ctl_printf(struct dp_ctl_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Relaxed atomic load of a 64-bit word another thread writes. */
static inline uint64_t dp_ctl_rd(const volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* ---- `failover`, on the main lcore ---- */
/* A request is waiting: true once per request (the caller now owns it and
 * must answer it with dp_ctl_failover_answer, sooner or later). */
bool dp_ctl_failover_taken(void);
/* The answer ("key=value" lines; "error=..." for a refusal). If the
 * client stopped waiting, it is dropped. */
void dp_ctl_failover_answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- contributions (server thread; read-only) ---- */
/* Master role, or a backup that took over: the agent's lines. */
void dp_ckpt_agent_status(struct dp_ctl_out *o);
/* NULL if a planned failover may start now, else why not. */
const char *dp_ckpt_agent_failover_refusal(void);
/* The dataplane master's lines (role=master, pid, cores, packets, ...,
 * then the agent's): the master role and a backup that took over. */
void dp_ctl_master_lines(struct dp_ctl_out *o);
/* --role backup: every line (as a master once it took over). */
void dp_ckpt_backup_status(struct dp_ctl_out *o);
bool dp_ckpt_backup_is_master(void);
const char *dp_ckpt_backup_state_name(void);

#endif /* DP_CTL_H */
