/*
 * nat.h: a network address and port translator (in the spirit of Click's
 * MazuNAT) for the ftmb examples.
 *
 * Inside hosts open flows to the outside; the NAT gives each flow an
 * external port from a pool, rewrites the source address and port (and
 * the checksums), and translates the replies back. A mapping expires
 * after --timeout seconds without packets, swept incrementally by mb_tick.
 *
 * State and who touches it:
 *   shared (marked __ftmb_shared below; any core may touch it, because a
 *   flow's replies can arrive on another core than its outbound packets):
 *     nat_map[]        one entry per external port: the mapping, its hash
 *                      chain link, its last-seen time; entry i is port lo+i
 *     nat_bucket[]     heads of the hash chains (forward lookup)
 *     nat_free_head    the free list of external ports (through .next)
 *     nat_live         number of live mappings
 *     nat_counters[]   statistics
 *     nat_lock         the mutex that makes a lookup-or-allocate atomic
 *   local (unmarked): per-core clock and sweep cursor (each core touches
 *   only its own slot), and the configuration, written once by mb_init.
 */
#ifndef NAT_H
#define NAT_H

#include <pthread.h>
#include <stdint.h>

#include "ftmb.h"

#define NAT_MAX_PORTS 65536
#define NAT_BUCKETS 16384           /* power of two */
#define NAT_MAX_CORES 64
enum { NAT_NIL = -1 };       /* "no entry" (an enum: no macro in accesses) */

struct nat_mapping {
	uint8_t in_use;
	uint8_t proto;
	uint16_t in_port;           /* inside host's port                 */
	uint32_t in_addr;           /* inside host's address              */
	uint32_t remote_addr;       /* outside peer (endpoint-dependent)  */
	uint16_t remote_port;
	int32_t next;               /* hash chain, or free list when free */
	uint64_t last_seen_ns;
};

enum nat_counter {
	NAT_CTR_OUT,            /* translated inside -> outside           */
	NAT_CTR_IN,             /* translated outside -> inside           */
	NAT_CTR_NEW,            /* mappings created                       */
	NAT_CTR_EXPIRED,        /* mappings expired                       */
	NAT_CTR_NO_PORT,        /* dropped: pool exhausted                */
	NAT_CTR_NO_MAPPING,     /* dropped: reply without a mapping       */
	NAT_CTR_INVALID,        /* dropped: not IPv4 TCP/UDP or malformed */
	NAT_CTR_MAX
};

extern struct nat_mapping nat_map[NAT_MAX_PORTS] __ftmb_shared;
extern int32_t nat_bucket[NAT_BUCKETS] __ftmb_shared;
extern int32_t nat_free_head __ftmb_shared;
extern uint32_t nat_live __ftmb_shared;
extern uint64_t nat_counters[NAT_CTR_MAX] __ftmb_shared;
extern pthread_mutex_t nat_lock __ftmb_shared;

/* Configuration (mb_init only). */
struct nat_config {
	uint32_t external_ip;
	uint16_t port_lo, port_hi;
	uint64_t timeout_ns;
	unsigned sweep;             /* entries each core checks per tick */
	unsigned n_cores;
};
extern struct nat_config nat_cfg;

/* Table operations (nat_table.c); callers hold nat_lock. Entries are
 * named by index, never by pointer. */
void nat_table_reset(void);
int32_t nat_table_lookup(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			 uint32_t remote_addr, uint16_t remote_port);
int32_t nat_table_insert(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			 uint32_t remote_addr, uint16_t remote_port, uint64_t now_ns);
void nat_table_remove(int32_t idx);

/* Reading statistics (for tests and the runner's report). */
uint64_t nat_counter(enum nat_counter c);
uint32_t nat_live_mappings(void);

#endif /* NAT_H */
