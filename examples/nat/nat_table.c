/*
 * nat_table.c: the NAT's mapping table, its port pool and hash chains.
 *
 * Theory of operation: entry i of nat_map[] *is* external port lo+i, so
 * the pool and the table are one array. A free entry sits on the free
 * list (nat_free_head, linked by .next); a live one sits on exactly one
 * hash chain (nat_bucket[hash of its forward key], linked by .next).
 * Invariants, all kept under nat_lock:
 *   - every entry is either free (on the free list, in_use 0) or live (on
 *     its chain, in_use 1), never both, never neither;
 *   - hence an external port belongs to at most one live flow, and a
 *     flow's port stays the same until its entry is removed;
 *   - nat_live counts live entries.
 * Reverse lookup (outside -> inside) needs no chain: the port names the
 * entry.
 *
 * Entries are read and written whole (a struct copy) where a packet needs
 * several of their fields: under ftmb each access to nat_map is one
 * logged access (a PAL), so this keeps a packet at a few PALs.
 */
#include <string.h>

#include "nat.h"

#include "flow.h"

struct nat_mapping nat_map[NAT_MAX_PORTS];
int32_t nat_bucket[NAT_BUCKETS];
int32_t nat_free_head;
uint32_t nat_live;
uint64_t nat_counters[NAT_CTR_MAX];
pthread_mutex_t nat_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t bucket_of(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			  uint32_t remote_addr, uint16_t remote_port)
{
	struct flow_key k = { in_addr, remote_addr, in_port, remote_port, proto };
	return flow_hash(&k) & (NAT_BUCKETS - 1);
}

void nat_table_reset(void)
{
	unsigned n = (unsigned)nat_cfg.port_hi - nat_cfg.port_lo + 1;
	for (unsigned b = 0; b < NAT_BUCKETS; b++)
		nat_bucket[b] = NAT_NIL;
	for (unsigned i = 0; i < NAT_MAX_PORTS; i++) {
		nat_map[i].in_use = 0;
		nat_map[i].next = i + 1 < n ? (int32_t)(i + 1) : NAT_NIL;
	}
	nat_free_head = 0;
	nat_live = 0;
	for (unsigned c = 0; c < NAT_CTR_MAX; c++)
		nat_counters[c] = 0;
}

int32_t nat_table_lookup(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			 uint32_t remote_addr, uint16_t remote_port)
{
	uint32_t b = bucket_of(proto, in_addr, in_port, remote_addr, remote_port);
	for (int32_t i = nat_bucket[b]; i != NAT_NIL;) {
		struct nat_mapping e = nat_map[i]; /* one read of the whole entry */
		if (e.in_addr == in_addr && e.in_port == in_port && e.remote_addr == remote_addr &&
		    e.remote_port == remote_port && e.proto == proto)
			return i;
		i = e.next;
	}
	return NAT_NIL;
}

int32_t nat_table_insert(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			 uint32_t remote_addr, uint16_t remote_port, uint64_t now_ns)
{
	int32_t i = nat_free_head;
	if (i == NAT_NIL)
		return NAT_NIL;
	struct nat_mapping e = nat_map[i];
	nat_free_head = e.next;
	uint32_t b = bucket_of(proto, in_addr, in_port, remote_addr, remote_port);
	e.in_use = 1;
	e.proto = proto;
	e.in_addr = in_addr;
	e.in_port = in_port;
	e.remote_addr = remote_addr;
	e.remote_port = remote_port;
	e.last_seen_ns = now_ns;
	e.next = nat_bucket[b];
	nat_map[i] = e;                        /* one write of the whole entry */
	nat_bucket[b] = i;
	nat_live++;
	return i;
}

void nat_table_remove(int32_t idx)
{
	uint32_t b = bucket_of(nat_map[idx].proto, nat_map[idx].in_addr, nat_map[idx].in_port,
			       nat_map[idx].remote_addr, nat_map[idx].remote_port);
	if (nat_bucket[b] == idx) {
		nat_bucket[b] = nat_map[idx].next;
	} else {
		int32_t p = nat_bucket[b];
		while (p != NAT_NIL && nat_map[p].next != idx)
			p = nat_map[p].next;
		if (p == NAT_NIL)
			return; /* not on its chain: cannot happen (invariant) */
		nat_map[p].next = nat_map[idx].next;
	}
	nat_map[idx].in_use = 0;
	nat_map[idx].next = nat_free_head;
	nat_free_head = idx;
	nat_live--;
}

uint64_t nat_counter(enum nat_counter c)
{
	return __atomic_load_n(&nat_counters[c], __ATOMIC_RELAXED);
}

uint32_t nat_live_mappings(void)
{
	pthread_mutex_lock(&nat_lock);
	uint32_t n = nat_live;
	pthread_mutex_unlock(&nat_lock);
	return n;
}
