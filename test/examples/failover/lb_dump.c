/*
 * lb_dump.c: the recovery node's dump hook for examples/lb (cores stopped
 * when it runs: plain reads are exact).
 *
 * Theory of operation: it recounts the load from the flow table itself
 * (live entries per backend, each found again by lb_table_lookup on its own
 * key) and reports it next to lb_load[], so the checker can require
 * lb_load == recount == flows per backend seen in the released packets;
 * "flows=" lists each live flow as client_port:backend, for the checker to
 * compare with the backend every released packet of that flow went to.
 */
#include <stdio.h>
#include <string.h>

#include "lb.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	unsigned recount[LB_MAX_BACKENDS] = { 0 }, in_use = 0, bad = 0;
	char loads[256] = "", counted[256] = "", flows[3000] = "";
	size_t fl = 0;

	for (unsigned i = 0; i < lb_cfg.max_flows && i < LB_MAX_FLOWS; i++) {
		const struct lb_flow_entry *e = &lb_flow[i];
		if (!e->in_use)
			continue;
		in_use++;
		if (e->backend >= lb_cfg.n_backends ||
		    lb_table_lookup(e->proto, e->client_addr, e->client_port, e->vport) != (int32_t)i) {
			bad++;
			continue;
		}
		recount[e->backend]++;
		if (fl + 16 < sizeof(flows))
			fl += (size_t)snprintf(flows + fl, sizeof(flows) - fl, "%s%u:%u", fl ? "," : "",
					       e->client_port, e->backend);
		else
			bad++;   /* more flows than the report holds */
	}
	for (unsigned b = 0; b < lb_cfg.n_backends; b++) {
		size_t l = strlen(loads), c = strlen(counted);
		snprintf(loads + l, sizeof(loads) - l, "%s%u", b ? "," : "", lb_load[b]);
		snprintf(counted + c, sizeof(counted) - c, "%s%u", b ? "," : "", recount[b]);
	}
	snprintf(buf, cap,
		 "live=%u in_use=%u table_bad=%u new=%llu to_backend=%llu no_flow=%llu "
		 "loads=%s recount=%s flows=%s",
		 lb_live, in_use, bad, (unsigned long long)lb_counters[LB_CTR_NEW],
		 (unsigned long long)lb_counters[LB_CTR_TO_BACKEND],
		 (unsigned long long)lb_counters[LB_CTR_NO_FLOW], loads, counted, flows);
	return 0;
}
