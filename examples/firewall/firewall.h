/*
 * firewall.h: a stateful firewall for the ftmb examples.
 *
 * Policy: everything from inside may go out (a TCP connection must open
 * with a SYN); from outside, only packets of a connection an inside host
 * opened get in. TCP connections follow a small state machine (below);
 * every state has an idle timeout, and mb_tick sweeps expired connections
 * (timers advance only with ticks: each core's clock is its last tick).
 *
 * State and who touches it:
 *   shared (marked below; a connection's replies may meet another core):
 *     fw_conn[]       the connection table (entries linked into hash
 *                     chains or the free list by .next)
 *     fw_bucket[]     hash chain heads, keyed by the inside->outside key
 *     fw_free_head    free list head
 *     fw_live         live connections
 *     fw_counters[]   statistics
 *     fw_lock         mutex over the table
 *   local: per-core clocks and sweep cursors; the configuration.
 */
#ifndef FIREWALL_H
#define FIREWALL_H

#include <pthread.h>
#include <stdint.h>

#include "ftmb.h"

#define FW_MAX_CONNS 65536
#define FW_BUCKETS 16384          /* power of two */
#define FW_MAX_CORES 64
enum { FW_NIL = -1 };        /* "no entry" (an enum: no macro in accesses) */

/* TCP connection states (UDP uses FW_UDP). */
enum fw_state {
	FW_FREE = 0,
	FW_SYN_SENT,      /* inside sent SYN                          */
	FW_ESTABLISHED,   /* outside answered SYN-ACK                 */
	FW_CLOSING,       /* a FIN was seen                           */
	FW_CLOSED,        /* RST, or FINs both ways: linger then free */
	FW_UDP,           /* UDP "connection"                         */
	FW_N_STATES
};

struct fw_conn_entry {
	uint8_t state;            /* enum fw_state                   */
	uint8_t proto;
	uint8_t fin_in, fin_out;  /* FIN seen from outside / inside  */
	uint32_t in_addr, out_addr;
	uint16_t in_port, out_port;
	int32_t next;
	uint64_t last_seen_ns;
};

enum fw_counter {
	FW_CTR_PASS_OUT,
	FW_CTR_PASS_IN,
	FW_CTR_DROP_IN,         /* inbound without a matching connection  */
	FW_CTR_DROP_OUT,        /* outbound TCP without SYN, or full table */
	FW_CTR_INVALID,
	FW_CTR_NEW,
	FW_CTR_EXPIRED,
	FW_CTR_MAX
};

extern struct fw_conn_entry fw_conn[FW_MAX_CONNS] __ftmb_shared;
extern int32_t fw_bucket[FW_BUCKETS] __ftmb_shared;
extern int32_t fw_free_head __ftmb_shared;
extern uint32_t fw_live __ftmb_shared;
extern uint64_t fw_counters[FW_CTR_MAX] __ftmb_shared;
extern pthread_mutex_t fw_lock __ftmb_shared;

struct fw_config {
	uint64_t timeout_ns[FW_N_STATES];
	unsigned max_conns;
	unsigned sweep;
	unsigned n_cores;
};
extern struct fw_config fw_cfg;

/* Table (fw_table.c); callers hold fw_lock; entries named by index. */
void fw_table_reset(void);
int32_t fw_table_lookup(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t out_addr, uint16_t out_port);
int32_t fw_table_insert(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t out_addr, uint16_t out_port);
void fw_table_remove(int32_t idx);

/* TCP state transition (fw_state.c), pure: from state, a packet with
 * `flags` in direction `inbound`; returns the new state, or FW_FREE when
 * the packet is not allowed in that state. */
enum fw_state fw_tcp_next(enum fw_state s, uint8_t flags, int inbound,
			  uint8_t *fin_in, uint8_t *fin_out);

uint64_t fw_counter(enum fw_counter c);
uint32_t fw_live_conns(void);

#endif /* FIREWALL_H */
