/*
 * firewall_dump.c: the recovery node's dump hook for examples/firewall
 * (cores stopped when it runs: plain reads are exact).
 *
 * Theory of operation: besides the counters, it audits the connection
 * table's structure: every entry reachable from a hash chain is in use and
 * is found again by fw_table_lookup on its own key (so it sits on its
 * key's chain), chains end (no cycle: at most max_conns steps), the free
 * list holds only free entries, chained + free == max_conns and fw_live ==
 * chained. A table restored from a checkpoint or rebuilt by replay that
 * lost or duplicated an entry, or broke a link, fails one of these.
 * "states=" counts the live connections per TCP/UDP state, for the
 * checker to compare with a failure-free run.
 */
#include <stdio.h>

#include "firewall.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	unsigned chained = 0, free_n = 0, bad = 0, states[FW_N_STATES] = { 0 };

	for (unsigned b = 0; b < FW_BUCKETS; b++)
		for (int32_t i = fw_bucket[b]; i != FW_NIL; i = fw_conn[i].next) {
			const struct fw_conn_entry *e = &fw_conn[i];
			if (i < 0 || (unsigned)i >= fw_cfg.max_conns || ++chained > fw_cfg.max_conns) {
				bad++;
				break;
			}
			if (e->state == FW_FREE || e->state >= FW_N_STATES ||
			    fw_table_lookup(e->proto, e->in_addr, e->in_port, e->out_addr,
					    e->out_port) != i)
				bad++;
			else
				states[e->state]++;
		}
	for (int32_t i = fw_free_head; i != FW_NIL; i = fw_conn[i].next) {
		if (i < 0 || (unsigned)i >= fw_cfg.max_conns || ++free_n > fw_cfg.max_conns) {
			bad++;
			break;
		}
		if (fw_conn[i].state != FW_FREE)
			bad++;
	}
	if (chained + free_n != fw_cfg.max_conns || fw_live != chained)
		bad++;
	snprintf(buf, cap,
		 "live=%u chained=%u free=%u table_bad=%u pass_out=%llu pass_in=%llu "
		 "drop_in=%llu drop_out=%llu invalid=%llu new=%llu states=%u,%u,%u,%u,%u,%u",
		 fw_live, chained, free_n, bad,
		 (unsigned long long)fw_counters[FW_CTR_PASS_OUT],
		 (unsigned long long)fw_counters[FW_CTR_PASS_IN],
		 (unsigned long long)fw_counters[FW_CTR_DROP_IN],
		 (unsigned long long)fw_counters[FW_CTR_DROP_OUT],
		 (unsigned long long)fw_counters[FW_CTR_INVALID],
		 (unsigned long long)fw_counters[FW_CTR_NEW], states[0], states[1], states[2],
		 states[3], states[4], states[5]);
	return 0;
}
