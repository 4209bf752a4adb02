/*
 * monitor_dump.c: the recovery node's dump hook for examples/monitor
 * (cores stopped: plain reads are exact): packets counted in the global
 * counter copies, and flows tracked.
 */
#include <stdio.h>

#include "monitor.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	unsigned long long pkts = mon_untracked.pkts;

	for (unsigned i = 0; i < MON_MAX_CORES; i++)
		pkts += mon_global[i].pkts;
	snprintf(buf, cap, "total=%llu flows=%u", pkts, mon_n_flows);
	return 0;
}
