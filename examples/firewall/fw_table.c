/*
 * fw_table.c: the firewall's connection table.
 *
 * Theory of operation: a fixed array of entries; a free entry is on the
 * free list (fw_free_head, through .next, state FW_FREE), a live one on
 * exactly one hash chain (fw_bucket[hash of its inside->outside key]).
 * Both directions of a connection look it up by that one key (the inbound
 * packet's key is reversed first), so they always find the same entry.
 * All of it is kept under fw_lock; fw_live counts live entries.
 * Entries are read and written whole (struct copies) where several fields
 * are needed: under ftmb each access is one PAL.
 */
#include "firewall.h"

#include "flow.h"

struct fw_conn_entry fw_conn[FW_MAX_CONNS];
int32_t fw_bucket[FW_BUCKETS];
int32_t fw_free_head;
uint32_t fw_live;
uint64_t fw_counters[FW_CTR_MAX];
pthread_mutex_t fw_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t bucket_of(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			  uint32_t out_addr, uint16_t out_port)
{
	struct flow_key k = { in_addr, out_addr, in_port, out_port, proto };
	return flow_hash(&k) & (FW_BUCKETS - 1);
}

void fw_table_reset(void)
{
	for (unsigned b = 0; b < FW_BUCKETS; b++)
		fw_bucket[b] = FW_NIL;
	for (unsigned i = 0; i < FW_MAX_CONNS; i++) {
		fw_conn[i].state = FW_FREE;
		fw_conn[i].next = i + 1 < fw_cfg.max_conns ? (int32_t)(i + 1) : FW_NIL;
	}
	fw_free_head = 0;
	fw_live = 0;
	for (unsigned c = 0; c < FW_CTR_MAX; c++)
		fw_counters[c] = 0;
}

int32_t fw_table_lookup(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t out_addr, uint16_t out_port)
{
	uint32_t b = bucket_of(proto, in_addr, in_port, out_addr, out_port);
	for (int32_t i = fw_bucket[b]; i != FW_NIL;) {
		struct fw_conn_entry e = fw_conn[i]; /* one read of the whole entry */
		if (e.in_addr == in_addr && e.in_port == in_port && e.out_addr == out_addr &&
		    e.out_port == out_port && e.proto == proto)
			return i;
		i = e.next;
	}
	return FW_NIL;
}

int32_t fw_table_insert(uint8_t proto, uint32_t in_addr, uint16_t in_port,
			uint32_t out_addr, uint16_t out_port)
{
	int32_t i = fw_free_head;
	if (i == FW_NIL)
		return FW_NIL;
	struct fw_conn_entry e = fw_conn[i];
	fw_free_head = e.next;
	uint32_t b = bucket_of(proto, in_addr, in_port, out_addr, out_port);
	e.proto = proto;
	e.in_addr = in_addr;
	e.in_port = in_port;
	e.out_addr = out_addr;
	e.out_port = out_port;
	e.fin_in = 0;
	e.fin_out = 0;
	e.next = fw_bucket[b];
	fw_conn[i] = e;                        /* one write of the whole entry */
	fw_bucket[b] = i;
	fw_live++;
	return i;
}

void fw_table_remove(int32_t idx)
{
	uint32_t b = bucket_of(fw_conn[idx].proto, fw_conn[idx].in_addr, fw_conn[idx].in_port,
			       fw_conn[idx].out_addr, fw_conn[idx].out_port);
	if (fw_bucket[b] == idx) {
		fw_bucket[b] = fw_conn[idx].next;
	} else {
		int32_t p = fw_bucket[b];
		while (p != FW_NIL && fw_conn[p].next != idx)
			p = fw_conn[p].next;
		if (p == FW_NIL)
			return; /* not on its chain: cannot happen (invariant) */
		fw_conn[p].next = fw_conn[idx].next;
	}
	fw_conn[idx].state = FW_FREE;
	fw_conn[idx].next = fw_free_head;
	fw_free_head = idx;
	fw_live--;
}

uint64_t fw_counter(enum fw_counter c)
{
	return __atomic_load_n(&fw_counters[c], __ATOMIC_RELAXED);
}

uint32_t fw_live_conns(void)
{
	pthread_mutex_lock(&fw_lock);
	uint32_t n = fw_live;
	pthread_mutex_unlock(&fw_lock);
	return n;
}
