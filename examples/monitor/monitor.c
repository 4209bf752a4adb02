/*
 * monitor.c: the monitor's hosting interface.
 *
 * Theory of operation: every packet adds 1 and its length to its core's
 * copy of the global counter (copy core / --sharing) and, when it parses
 * as IPv4 TCP/UDP, to its flow's entry, in the direction it arrived from;
 * then it goes out of the other port. All additions are atomic, so the
 * counters are exact whatever the interleaving: the sum of the copies is
 * the number of packets seen, and a flow's counters are the packets of
 * that flow. Nothing expires (no timers); the table holds --max-flows
 * flows, later ones count as untracked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbopt.h"
#include "middlebox.h"
#include "monitor.h"
#include "pkt.h"

struct mon_config mon_cfg;

static void add(unsigned g, uint16_t len)
{
	__atomic_fetch_add(&mon_global[g].pkts, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&mon_global[g].bytes, len, __ATOMIC_RELAXED);
}

int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "monitor";
	if (n_cores < 1 || n_cores > MON_MAX_CORES) {
		fprintf(stderr, "%s: n_cores must be 1..%d, got %u\n", prog, MON_MAX_CORES, n_cores);
		return -1;
	}
	struct mon_config c = { .sharing = n_cores, .n_cores = n_cores, .max_flows = 65536 };
	struct mbopt o;
	const char *name, *value;
	uint64_t x;
	int r;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		if (strcmp(name, "sharing") == 0) {
			if (mbopt_uint(prog, name, value, 1, n_cores, &x))
				return -1;
			c.sharing = (unsigned)x;
		} else if (strcmp(name, "max-flows") == 0) {
			if (mbopt_uint(prog, name, value, 1, MON_MAX_FLOWS, &x))
				return -1;
			c.max_flows = (uint32_t)x;
		} else {
			return mbopt_unknown(prog, name);
		}
	}
	if (r < 0)
		return -1;
	c.table_size = 2;
	while (c.table_size < 2 * c.max_flows)
		c.table_size *= 2;
	struct mon_flow *t = calloc(c.table_size, sizeof(*t));
	if (t == NULL) {
		fprintf(stderr, "%s: cannot allocate a table of %u flows\n", prog, c.table_size);
		return -1;
	}
	free(mon_flows);
	mon_flows = t;
	mon_cfg = c;
	for (unsigned i = 0; i < MON_MAX_CORES; i++) {
		mon_global[i].pkts = 0;
		mon_global[i].bytes = 0;
	}
	mon_untracked.pkts = 0;
	mon_untracked.bytes = 0;
	pthread_mutex_lock(&mon_flow_lock);
	mon_table_reset();
	pthread_mutex_unlock(&mon_flow_lock);
	return 0;
}

int mb_process(struct mb_pkt *pkt)
{
	if (pkt->core >= mon_cfg.n_cores || pkt->in_port > MB_PORT_OUTSIDE)
		return MB_DROP;
	add(pkt->core / mon_cfg.sharing, pkt->len);
	struct pkt_view v;
	int32_t slot = -1;
	if (pkt_parse(pkt->data, pkt->len, &v) == 0) {
		struct flow_key k = flow_key_canon(flow_key_of(&v));
		slot = mon_flow_slot(&k);
	}
	if (slot < 0) {
		__atomic_fetch_add(&mon_untracked.pkts, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&mon_untracked.bytes, pkt->len, __ATOMIC_RELAXED);
	} else {
		unsigned d = pkt->in_port == MB_PORT_INSIDE ? 0 : 1;
		__atomic_fetch_add(&mon_flows[slot].pkts[d], 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&mon_flows[slot].bytes[d], pkt->len, __ATOMIC_RELAXED);
	}
	return pkt->in_port == MB_PORT_INSIDE ? MB_PORT_OUTSIDE : MB_PORT_INSIDE;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	(void)core;
	(void)now_ns;
}
