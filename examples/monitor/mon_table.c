/*
 * mon_table.c: the monitor's flow table.
 *
 * Theory of operation: open addressing with linear probing over a
 * power-of-two table at most half full (max_flows <= table_size / 2), so
 * a probe always ends at the key or at a free slot. Entries are never
 * removed, so a flow's slot index is fixed once claimed: after
 * mon_flow_slot() returns, the caller updates the entry's counters with
 * atomic adds without holding the lock. Claiming (probe + write key +
 * in_use) happens under mon_flow_lock, so two cores seeing the two
 * directions of a new flow claim one slot.
 */
#include <string.h>

#include "monitor.h"

struct mon_counter mon_global[MON_MAX_CORES];
struct mon_counter mon_untracked;
pthread_mutex_t mon_flow_lock = PTHREAD_MUTEX_INITIALIZER;
struct mon_flow *mon_flows;
uint32_t mon_n_flows;

static int32_t probe(const struct flow_key *k, int claim)
{
	uint32_t mask = mon_cfg.table_size - 1;
	for (uint32_t i = flow_hash(k) & mask;; i = (i + 1) & mask) {
		struct mon_flow_id e = mon_flows[i].id; /* one logged read per probed slot */
		if (!e.in_use) {
			if (!claim || mon_n_flows >= mon_cfg.max_flows)
				return -1;
			e.key.saddr = k->saddr;
			e.key.daddr = k->daddr;
			e.key.sport = k->sport;
			e.key.dport = k->dport;
			e.key.proto = k->proto;
			e.in_use = 1;
			mon_flows[i].id = e;
			mon_n_flows++;
			return (int32_t)i;
		}
		if (e.key.saddr == k->saddr && e.key.daddr == k->daddr &&
		    e.key.sport == k->sport && e.key.dport == k->dport && e.key.proto == k->proto)
			return (int32_t)i;
	}
}

int32_t mon_flow_slot(const struct flow_key *canon)
{
	pthread_mutex_lock(&mon_flow_lock);
	int32_t i = probe(canon, 1);
	pthread_mutex_unlock(&mon_flow_lock);
	return i;
}

void mon_table_reset(void)
{
	mon_n_flows = 0;
}

uint32_t mon_flow_count(void)
{
	pthread_mutex_lock(&mon_flow_lock);
	uint32_t n = mon_n_flows;
	pthread_mutex_unlock(&mon_flow_lock);
	return n;
}

int mon_flow_get(const struct flow_key *k, uint64_t pkts[2], uint64_t bytes[2])
{
	struct flow_key c = flow_key_canon(*k);
	pthread_mutex_lock(&mon_flow_lock);
	int32_t i = probe(&c, 0);
	if (i >= 0)
		for (int d = 0; d < 2; d++) {
			pkts[d] = __atomic_load_n(&mon_flows[i].pkts[d], __ATOMIC_RELAXED);
			bytes[d] = __atomic_load_n(&mon_flows[i].bytes[d], __ATOMIC_RELAXED);
		}
	pthread_mutex_unlock(&mon_flow_lock);
	return i >= 0 ? 0 : -1;
}

uint64_t mon_total_pkts(void)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < MON_MAX_CORES; i++)
		n += __atomic_load_n(&mon_global[i].pkts, __ATOMIC_RELAXED);
	return n;
}

uint64_t mon_total_bytes(void)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < MON_MAX_CORES; i++)
		n += __atomic_load_n(&mon_global[i].bytes, __ATOMIC_RELAXED);
	return n;
}

uint64_t mon_untracked_pkts(void)
{
	return __atomic_load_n(&mon_untracked.pkts, __ATOMIC_RELAXED);
}
