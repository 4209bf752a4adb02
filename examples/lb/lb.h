/*
 * lb.h: an adaptive layer-4 load balancer for the ftmb examples.
 *
 * Clients (on the inside port) talk to a virtual address, the VIP. For a
 * new flow the balancer picks the backend with the fewest active flows
 * (ties broken at random), rewrites the destination address and MAC to
 * that backend's and sends it out of the outside port; the flow keeps its
 * backend for its whole life. A backend's replies (arriving on the
 * outside port) get the VIP back as their source. Idle flows expire after
 * --timeout seconds (swept by mb_tick) and stop counting as load.
 *
 * State and who touches it:
 *   shared (marked below):
 *     lb_flow[], lb_bucket[], lb_free_head, lb_live   the flow table
 *     lb_load[]       active flows per backend: read by every core to
 *                     choose, written when flows start and end
 *     lb_counters[]   statistics
 *     lb_lock         mutex over the table and the choice
 *   local: per-core clocks and sweep cursors; the configuration (VIP,
 *   backends), written once by mb_init.
 */
#ifndef LB_H
#define LB_H

#include <pthread.h>
#include <stdint.h>

#include "ftmb.h"

#define LB_MAX_FLOWS 65536
#define LB_BUCKETS 16384       /* power of two */
#define LB_MAX_BACKENDS 32
#define LB_MAX_CORES 64
enum { LB_NIL = -1 };        /* "no entry" (an enum: no macro in accesses) */

struct lb_flow_entry {
	uint8_t in_use;
	uint8_t proto;
	uint8_t backend;           /* index into lb_cfg.backend_*       */
	uint16_t client_port;
	uint16_t vport;            /* service port on the VIP           */
	uint32_t client_addr;
	int32_t next;
	uint64_t last_seen_ns;
};

enum lb_counter {
	LB_CTR_TO_BACKEND,
	LB_CTR_TO_CLIENT,
	LB_CTR_NEW,
	LB_CTR_EXPIRED,
	LB_CTR_NOT_VIP,         /* dropped: not addressed to the VIP       */
	LB_CTR_NO_FLOW,         /* dropped: reply without a flow / full    */
	LB_CTR_INVALID,
	LB_CTR_MAX
};

extern struct lb_flow_entry lb_flow[LB_MAX_FLOWS] __ftmb_shared;
extern int32_t lb_bucket[LB_BUCKETS] __ftmb_shared;
extern int32_t lb_free_head __ftmb_shared;
extern uint32_t lb_live __ftmb_shared;
extern uint32_t lb_load[LB_MAX_BACKENDS] __ftmb_shared;
extern uint64_t lb_counters[LB_CTR_MAX] __ftmb_shared;
extern pthread_mutex_t lb_lock __ftmb_shared;

struct lb_config {
	uint32_t vip;
	unsigned n_backends;
	uint32_t backend_addr[LB_MAX_BACKENDS];
	uint8_t backend_mac[LB_MAX_BACKENDS][6];
	uint64_t timeout_ns;
	unsigned max_flows;
	unsigned sweep;
	unsigned n_cores;
};
extern struct lb_config lb_cfg;

/* Flow table (lb_table.c); callers hold lb_lock. */
void lb_table_reset(void);
int32_t lb_table_lookup(uint8_t proto, uint32_t client_addr, uint16_t client_port,
			uint16_t vport);
int32_t lb_table_insert(uint8_t proto, uint32_t client_addr, uint16_t client_port,
			uint16_t vport, uint8_t backend, uint64_t now_ns);
void lb_table_remove(int32_t idx);

/* Least-loaded choice (lb_choose.c); caller holds lb_lock. */
unsigned lb_choose_backend(void);

uint64_t lb_counter(enum lb_counter c);
uint32_t lb_backend_load(unsigned backend);
uint32_t lb_live_flows(void);

#endif /* LB_H */
