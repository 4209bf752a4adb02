/*
 * monitor.h: a traffic monitor for the ftmb examples: per-flow and
 * global packet and byte counters; it forwards everything.
 *
 * The global counters come in copies: with --sharing K, core c adds to
 * copy c / K, so each copy is updated by K cores (K = 1: per-core
 * counters, K = n_cores: one counter for all). This is the FTMB paper's
 * "sharing level" knob: the more cores share a counter, the more its
 * accesses contend. The total is the sum of the copies.
 *
 * State and who touches it:
 *   shared (marked below):
 *     struct mon_counter  the type is marked, so every object of it is
 *                         shared state with its own access counter: the
 *                         copies in mon_global[]
 *     struct mon_flow     likewise: the per-flow entries, in a table
 *                         allocated by mb_init (both directions of a flow,
 *                         possibly on two cores, update one entry)
 *     mon_flow_lock       mutex taken to find or claim a flow's slot
 *     mon_n_flows         number of flows tracked
 *   local: the configuration and the table's address and size, written
 *   once by mb_init.
 */
#ifndef MONITOR_H
#define MONITOR_H

#include <pthread.h>
#include <stdint.h>

#include "flow.h"
#include "ftmb.h"

#define MON_MAX_CORES 64
#define MON_MAX_FLOWS (1u << 20)

struct __ftmb_shared mon_counter {
	uint64_t pkts;
	uint64_t bytes;
};

/* Which flow a slot holds: written once, under mon_flow_lock. */
struct mon_flow_id {
	uint8_t in_use;
	struct flow_key key;      /* canonical (direction-free) key */
};

struct __ftmb_shared mon_flow {
	struct mon_flow_id id;
	uint64_t pkts[2];         /* [0] arrived inside, [1] outside; atomic adds */
	uint64_t bytes[2];
};

extern struct mon_counter mon_global[MON_MAX_CORES];
extern struct mon_counter mon_untracked;   /* not parsed, or table full */
extern pthread_mutex_t mon_flow_lock __ftmb_shared;
extern uint32_t mon_n_flows __ftmb_shared;     /* flows tracked */

struct mon_config {
	unsigned sharing;
	unsigned n_cores;
	uint32_t table_size;       /* power of two, >= 2 * max_flows */
	uint32_t max_flows;
};
extern struct mon_config mon_cfg;
extern struct mon_flow *mon_flows;   /* mon_cfg.table_size entries */

void mon_table_reset(void);

/* Finds or claims the slot of a canonical key (mon_table.c); returns its
 * index, or -1 when max_flows are tracked already. Takes mon_flow_lock. */
int32_t mon_flow_slot(const struct flow_key *canon);

/* Reading (tests, reports): totals over the copies, and one flow. */
uint64_t mon_total_pkts(void);
uint64_t mon_total_bytes(void);
uint64_t mon_untracked_pkts(void);
uint32_t mon_flow_count(void);
/* 0 and the counters of the flow with this (any-direction) key, or -1. */
int mon_flow_get(const struct flow_key *k, uint64_t pkts[2], uint64_t bytes[2]);

#endif /* MONITOR_H */
