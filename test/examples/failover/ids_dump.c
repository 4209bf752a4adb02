/*
 * ids_dump.c: the recovery node's dump hook for examples/ids (cores
 * stopped when it runs: plain reads are exact): the last alert's sequence
 * number, alerts per signature and alerts the host could not queue.
 */
#include <stdio.h>
#include <string.h>

#include "ids.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	size_t l = (size_t)snprintf(buf, cap, "alert_seq=%llu emit_failed=%llu alerts=",
				    (unsigned long long)ids_alert_seq,
				    (unsigned long long)ids_emit_failed);

	for (unsigned s = 0; s < ids_cfg.n_sigs && l < cap; s++)
		l += (size_t)snprintf(buf + l, cap - l, "%s%llu", s ? "," : "",
				      (unsigned long long)ids_alerts[s]);
	return 0;
}
