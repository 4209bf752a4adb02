/*
 * lb_table.c: the load balancer's flow table.
 *
 * Theory of operation: as in the NAT and the firewall, a fixed array of
 * entries; free ones on the free list (lb_free_head), live ones on the
 * hash chain of their key (proto, client addr, client port, VIP port),
 * the key both a request and its reply carry. Under lb_lock, insert and
 * remove also keep lb_load[backend] equal to the number of live flows on
 * that backend (the invariant the choice relies on); it is updated with
 * atomic adds so lb_backend_load() may read it without the lock.
 */
#include "lb.h"

#include "flow.h"

struct lb_flow_entry lb_flow[LB_MAX_FLOWS];
int32_t lb_bucket[LB_BUCKETS];
int32_t lb_free_head;
uint32_t lb_live;
uint32_t lb_load[LB_MAX_BACKENDS];
uint64_t lb_counters[LB_CTR_MAX];
pthread_mutex_t lb_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t bucket_of(uint8_t proto, uint32_t client_addr, uint16_t client_port,
			  uint16_t vport)
{
	struct flow_key k = { client_addr, 0, client_port, vport, proto };
	return flow_hash(&k) & (LB_BUCKETS - 1);
}

void lb_table_reset(void)
{
	for (unsigned b = 0; b < LB_BUCKETS; b++)
		lb_bucket[b] = LB_NIL;
	for (unsigned i = 0; i < LB_MAX_FLOWS; i++) {
		lb_flow[i].in_use = 0;
		lb_flow[i].next = i + 1 < lb_cfg.max_flows ? (int32_t)(i + 1) : LB_NIL;
	}
	lb_free_head = 0;
	lb_live = 0;
	for (unsigned b = 0; b < LB_MAX_BACKENDS; b++)
		lb_load[b] = 0;
	for (unsigned c = 0; c < LB_CTR_MAX; c++)
		lb_counters[c] = 0;
}

int32_t lb_table_lookup(uint8_t proto, uint32_t client_addr, uint16_t client_port,
			uint16_t vport)
{
	uint32_t b = bucket_of(proto, client_addr, client_port, vport);
	for (int32_t i = lb_bucket[b]; i != LB_NIL;) {
		struct lb_flow_entry e = lb_flow[i]; /* one read of the whole entry */
		if (e.client_addr == client_addr && e.client_port == client_port &&
		    e.vport == vport && e.proto == proto)
			return i;
		i = e.next;
	}
	return LB_NIL;
}

int32_t lb_table_insert(uint8_t proto, uint32_t client_addr, uint16_t client_port,
			uint16_t vport, uint8_t backend, uint64_t now_ns)
{
	int32_t i = lb_free_head;
	if (i == LB_NIL)
		return LB_NIL;
	struct lb_flow_entry e = lb_flow[i];
	lb_free_head = e.next;
	uint32_t b = bucket_of(proto, client_addr, client_port, vport);
	e.in_use = 1;
	e.proto = proto;
	e.client_addr = client_addr;
	e.client_port = client_port;
	e.vport = vport;
	e.backend = backend;
	e.last_seen_ns = now_ns;
	e.next = lb_bucket[b];
	lb_flow[i] = e;                        /* one write of the whole entry */
	lb_bucket[b] = i;
	lb_live++;
	__atomic_fetch_add(&lb_load[backend], 1, __ATOMIC_RELAXED);
	return i;
}

void lb_table_remove(int32_t idx)
{
	uint32_t b = bucket_of(lb_flow[idx].proto, lb_flow[idx].client_addr,
			       lb_flow[idx].client_port, lb_flow[idx].vport);
	if (lb_bucket[b] == idx) {
		lb_bucket[b] = lb_flow[idx].next;
	} else {
		int32_t p = lb_bucket[b];
		while (p != LB_NIL && lb_flow[p].next != idx)
			p = lb_flow[p].next;
		if (p == LB_NIL)
			return; /* not on its chain: cannot happen (invariant) */
		lb_flow[p].next = lb_flow[idx].next;
	}
	__atomic_fetch_sub(&lb_load[lb_flow[idx].backend], 1, __ATOMIC_RELAXED);
	lb_flow[idx].in_use = 0;
	lb_flow[idx].next = lb_free_head;
	lb_free_head = idx;
	lb_live--;
}

uint64_t lb_counter(enum lb_counter c)
{
	return __atomic_load_n(&lb_counters[c], __ATOMIC_RELAXED);
}

uint32_t lb_backend_load(unsigned backend)
{
	return backend < LB_MAX_BACKENDS ? __atomic_load_n(&lb_load[backend], __ATOMIC_RELAXED) : 0;
}

uint32_t lb_live_flows(void)
{
	pthread_mutex_lock(&lb_lock);
	uint32_t n = lb_live;
	pthread_mutex_unlock(&lb_lock);
	return n;
}
