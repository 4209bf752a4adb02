/*
 * dp_ctl.c: the control socket of the DPDK roles (--ctl PATH): the same
 * `ftmbctl` that drives the recovery node asks an IL, master, OL or
 * backup process for its `status` or tells a master to hand over to its
 * backup (`failover`, a planned failover). docs/recovery.md "ftmbctl".
 *
 * Theory of operation.
 *  The socket is runtime/ckpt's ftmb_ctl server (ftmb_ctl.h): a thread of
 *  its own accepts one connection at a time, reads one command line and
 *  writes the reply. That thread never touches the data path:
 *   - `status` / `dump`: it formats "key=value" lines from the counters
 *     and gauges of dp_stats and from words the checkpoint agent and the
 *     backup publish for it (dp_ctl.h), each a naturally aligned 64-bit
 *     value read with a relaxed atomic load. A value is always one the
 *     main lcore wrote; the lines together are not an instantaneous
 *     snapshot (like /ftmb/stats telemetry). No pointer that the main
 *     lcore may free or swap is followed.
 *   - `failover`: the thread refuses at once what cannot work (not the
 *     master; no backup; no checkpoint confirmed yet), else hands the
 *     request to the main lcore through `fo.state` and waits up to
 *     FO_WAIT_MS for its answer. The checkpoint agent (dp_ckpt_master.c)
 *     polls for the request (one relaxed load per loop), carries out the
 *     planned failover and answers. Hand-over states, every change a
 *     compare-and-swap, so that exactly one side acts on each:
 *       IDLE -ctl-> ASKED -main-> TAKEN -main-> ANSWERED -ctl-> IDLE
 *       ASKED -ctl (timeout, never taken)-> IDLE
 *       TAKEN -ctl (timeout)-> ABANDONED -main (answer dropped)-> IDLE
 *     The answer buffer is written by the main lcore only in TAKEN and
 *     read by the thread only in ANSWERED (acquire/release), so they
 *     never touch it at the same time; a second request while one is
 *     under way (ASKED, TAKEN, ABANDONED) is refused.
 */
#define _GNU_SOURCE
#include "dp.h"
#include "dp_ctl.h"
#include "ftmb_dp_hooks.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftmb_ctl.h"

#define FO_WAIT_MS 1500u /* ftmbctl waits 2 s for a reply by default */

enum { FO_IDLE, FO_ASKED, FO_TAKEN, FO_ANSWERED, FO_ABANDONED };

static struct ftmb_ctl *srv;
static struct {
	int state;
	char answer[512];
} fo;

void dp_ctl_printf(struct dp_ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = RTE_MIN(o->len + (size_t)n, o->cap - 1);
}

#define ST(n) dp_ctl_rd(&dp_stats.n)

static void il_lines(struct dp_ctl_out *o)
{
	dp_ctl_printf(o, "il_log_packets=%" PRIu64 "\nil_log_bytes=%" PRIu64
		      "\nil_trimmed_upto=%" PRIu64 "\nil_logged=%" PRIu64
		      "\nil_forwarded=%" PRIu64 "\nil_log_full=%" PRIu64 "\npaused=%s"
		      "\nil_replayed=%" PRIu64 "\ncovers=%" PRIu64 "\n",
		      ST(il_log_records), ST(il_log_bytes), ST(il_trimmed_upto), ST(il_logged),
		      ST(il_forwarded), ST(il_log_full), ST(il_paused) ? "yes" : "no",
		      ST(il_replayed), ST(covers));
}

static void ol_lines(struct dp_ctl_out *o)
{
	uint64_t rel = ST(released), sum = ST(release_ns_sum);

	dp_ctl_printf(o, "ol_pals_stored=%" PRIu64 "\nol_pal_bytes=%" PRIu64 "\nol_held=%" PRIu64
		      "\nol_released=%" PRIu64 "\nol_suppressed=%" PRIu64 "\nol_hold_full=%" PRIu64
		      "\nrelease_delay_avg_ns=%" PRIu64 "\ncovers=%" PRIu64 "\n",
		      ST(ol_pals_stored), ST(ol_pals_stored) * (uint64_t)sizeof(struct ftmb_w_pal),
		      ST(held), rel, ST(dup_suppressed), ST(hold_full), rel ? sum / rel : 0,
		      ST(covers));
}

void dp_ctl_master_lines(struct dp_ctl_out *o)
{
	dp_ctl_printf(o, "role=master\npid=%d\ncores=%u\nol_protected=%s\npackets=%" PRIu64
		      "\npals=%" PRIu64 "\nunacked_pals=%" PRIu64 "\n",
		      (int)getpid(), master_workers(), master_protected() ? "yes" : "no",
		      ST(pkts_in), ST(pals), ST(unacked_pals));
	dp_ckpt_agent_status(o);
}

static void status(struct dp_ctl_out *o)
{
	switch (dp_cfg.role) {
	case DP_ROLE_MASTER:
		dp_ctl_master_lines(o);
		break;
	case DP_ROLE_BACKUP:
		dp_ckpt_backup_status(o);
		return; /* it prints failovers itself */
	default:
		dp_ctl_printf(o, "role=%s\npid=%d\n", dp_role_name(), (int)getpid());
		if (dp_cfg.role == DP_ROLE_IL || dp_cfg.role == DP_ROLE_SINGLE)
			il_lines(o);
		if (dp_cfg.role == DP_ROLE_OL || dp_cfg.role == DP_ROLE_SINGLE)
			ol_lines(o);
		break;
	}
	dp_ctl_printf(o, "failovers=%" PRIu64 "\n", ST(takeovers));
}

static void failover(struct dp_ctl_out *o)
{
	const char *why;
	int st;

	if (dp_cfg.role == DP_ROLE_BACKUP && !dp_ckpt_backup_is_master()) {
		dp_ctl_printf(o, "error=not the master (role backup, takeover state %s): ask the "
			      "master\n", dp_ckpt_backup_state_name());
		return;
	}
	if (dp_cfg.role != DP_ROLE_MASTER && dp_cfg.role != DP_ROLE_BACKUP) {
		dp_ctl_printf(o, "error=not the master (role %s): ask the master\n", dp_role_name());
		return;
	}
	why = dp_ckpt_agent_failover_refusal();
	if (why) {
		dp_ctl_printf(o, "error=%s: refusing\n", why);
		return;
	}
	st = FO_IDLE;
	if (!__atomic_compare_exchange_n(&fo.state, &st, FO_ASKED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		dp_ctl_printf(o, "error=a failover is under way already\n");
		return;
	}
	for (unsigned ms = 0; ms < FO_WAIT_MS; ms++) {
		if (__atomic_load_n(&fo.state, __ATOMIC_ACQUIRE) == FO_ANSWERED)
			goto answered;
		usleep(1000);
	}
	st = FO_ASKED;
	if (__atomic_compare_exchange_n(&fo.state, &st, FO_IDLE, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		dp_ctl_printf(o, "error=the master's main loop did not take the request within "
			      "%u ms\n", FO_WAIT_MS);
		return;
	}
	st = FO_TAKEN;
	if (__atomic_compare_exchange_n(&fo.state, &st, FO_ABANDONED, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		dp_ctl_printf(o, "failover=started\nfinal_ckpt=pending (see the master's log)\n");
		return;
	}
answered: /* st is FO_ANSWERED: the answer is complete and ours */
	dp_ctl_printf(o, "%s", fo.answer);
	__atomic_store_n(&fo.state, FO_IDLE, __ATOMIC_RELEASE);
}

/* The ftmb_ctl server thread. */
static void on_command(void *arg, const char *cmd, char *out, size_t cap)
{
	struct dp_ctl_out o = { .buf = out, .cap = cap, .len = 0 };

	(void)arg;
	if (cap)
		out[0] = '\0';
	if (!strcmp(cmd, "status") || !strcmp(cmd, "dump"))
		status(&o); /* dump: the state digest needs the cores stopped: not here */
	else if (!strcmp(cmd, "failover"))
		failover(&o);
	else
		dp_ctl_printf(&o, "error=unknown command '%.64s' (status, failover, dump)\n", cmd);
}

bool dp_ctl_failover_taken(void)
{
	int st = FO_ASKED;

	if (__atomic_load_n(&fo.state, __ATOMIC_RELAXED) != FO_ASKED)
		return false;
	return __atomic_compare_exchange_n(&fo.state, &st, FO_TAKEN, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

void dp_ctl_failover_answer(const char *fmt, ...)
{
	int st = __atomic_load_n(&fo.state, __ATOMIC_ACQUIRE);
	va_list ap;

	if (st == FO_TAKEN) {
		va_start(ap, fmt);
		vsnprintf(fo.answer, sizeof(fo.answer), fmt, ap);
		va_end(ap);
		if (__atomic_compare_exchange_n(&fo.state, &st, FO_ANSWERED, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
	}
	if (st == FO_ABANDONED) /* the client has its "started" already */
		__atomic_store_n(&fo.state, FO_IDLE, __ATOMIC_RELEASE);
}

static void ctl_stop(void)
{
	ftmb_ctl_stop(srv);
	srv = NULL;
}

/* --ctl PATH with every "%r" replaced by the role's name (il, master, ol,
 * backup): one option for a whole deployment's processes. */
static int expand_path(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = in; *p; p++) {
		const char *add = p[0] == '%' && p[1] == 'r' ? dp_role_name() : NULL;
		size_t len = add ? strlen(add) : 1;

		if (n + len >= cap)
			return -1;
		memcpy(out + n, add ? add : p, len);
		n += len;
		p += add != NULL;
	}
	out[n] = '\0';
	return 0;
}

void dp_ctl_start(void)
{
	static char path[108]; /* sun_path */

	if (!dp_cfg.ctl_path)
		return;
	if (expand_path(dp_cfg.ctl_path, path, sizeof(path)) < 0)
		rte_exit(EXIT_FAILURE, "--ctl %s: longer than a Unix socket path may be (%zu)\n",
			 dp_cfg.ctl_path, sizeof(path) - 1);
	srv = ftmb_ctl_start(path, on_command, NULL);
	if (!srv)
		rte_exit(EXIT_FAILURE, "--ctl %s: cannot listen: %s\n", path, strerror(errno));
	atexit(ctl_stop);
	DP_LOG(NOTICE, "control socket %s (ftmbctl -s %s status)\n", path, path);
}
