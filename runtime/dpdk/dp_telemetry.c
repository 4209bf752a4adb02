/*
 * dp_telemetry.c: live figures. /ftmb/stats (every counter of dp.h plus
 * derived ones) through DPDK telemetry, readable with dpdk-telemetry.py
 * (--file-prefix of the role); a one-line status per second on stdout
 * when it is a terminal or with --status; the --ctl control socket
 * (dp_ctl.c, protected program only) is started here too.
 */
#include "dp.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_telemetry.h>

static int stats_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "role", dp_role_name());
#define DP_X(n) rte_tel_data_add_dict_u64(d, #n, dp_stats.n);
	DP_COUNTERS(DP_X)
#undef DP_X
	rte_tel_data_add_dict_u64(d, "release_delay_avg_ns",
				  dp_stats.released ? dp_stats.release_ns_sum / dp_stats.released : 0);
	rte_tel_data_add_dict_u64(d, "pals_per_packet_x1000",
				  dp_stats.pkts_in ? dp_stats.pals * 1000 / dp_stats.pkts_in : 0);
	return 0;
}

/* Defined in dp_ctl.c, which only the protected program links (its
 * checkpoint agent uses dp_ctl.c, so the member is always pulled in
 * there); a weak reference keeps the unprotected program free of it. */
void dp_ctl_start(void) __attribute__((weak));

void dp_telemetry_init(void)
{
	rte_telemetry_register_cmd("/ftmb/stats", stats_cmd,
		"ftmb dataplane counters of this role (see docs/runtime.md)");
	if (dp_ctl_start)
		dp_ctl_start();
	else if (dp_cfg.ctl_path)
		rte_exit(EXIT_FAILURE, "--ctl: only the roles of the protected program have a "
			 "control socket\n");
}

void dp_status_tick(uint64_t now_tsc)
{
	static uint64_t next, last_in, last_out;
	uint64_t in, out;

	if (!dp_cfg.status || now_tsc < next)
		return;
	next = now_tsc + rte_get_timer_hz();
	in = dp_stats.rx_outside + dp_stats.pkts_in;
	out = dp_stats.pkts_out;
	printf("[%s] in %" PRIu64 "/s out %" PRIu64 "/s pals %" PRIu64 " held %" PRIu64
	       " release %" PRIu64 "ns log %" PRIu64 "B/%" PRIu64 " unacked %" PRIu64
	       " drops %" PRIu64 " bad %" PRIu64 "\n",
	       dp_role_name(), in - last_in, out - last_out, dp_stats.pals, dp_stats.held,
	       dp_stats.released ? dp_stats.release_ns_sum / dp_stats.released : 0,
	       dp_stats.il_log_bytes, dp_stats.il_log_records, dp_stats.unacked_pals,
	       dp_stats.tx_drop + dp_stats.hold_full + dp_stats.il_log_full,
	       dp_stats.malformed + dp_stats.spoofed);
	fflush(stdout);
	last_in = in;
	last_out = out;
}
