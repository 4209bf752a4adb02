/*
 * testmb.c: the recovery suite's middlebox: a NAT plus a shared-counter
 * monitor, with multi-core shared state, written as ftmbcc's output would
 * be (hand-instrumented: every access to shared state between
 * __ftmb_begin and __ftmb_end, globals and descriptors registered by a
 * constructor), so the suite does not depend on the compiler.
 *
 * State:
 *   nat_buckets  (shared, under the lock nat_mu) hash table in the arena:
 *                flow -> public port; entries malloc'd from the arena
 *                when a flow appears
 *   next_port    (shared) the port allocator, touched under nat_mu
 *   total_pkts   (shared) packets seen
 *   port_hist    (shared) packets per (public port & 15): the monitor
 *   core_pkts    (local)  packets per core
 *   ballast      arena bytes allocated at init (--ballast-mb N), to give
 *                checkpoints a realistic size
 * Every inside packet (UDP/IPv4) gets its source rewritten to
 * 198.51.100.1:<port of its flow> and leaves on the outside port; anything
 * else is dropped.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb.h"
#include "middlebox.h"

#define NAT_BUCKETS 4096u
#define FIRST_PORT 1024u

struct nat_entry {
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	uint16_t public_port;
	uint16_t pad;
	struct nat_entry *next;
};

static struct nat_entry **nat_buckets;
static pthread_mutex_t nat_mu = PTHREAD_MUTEX_INITIALIZER; /* unlocked at every packet boundary */
static uint32_t next_port = FIRST_PORT;
static uint64_t total_pkts;
static uint64_t port_hist[16];
static uint64_t core_pkts[128];
static uint8_t *ballast;
static uint64_t ballast_bytes;

/* Descriptors (ftmbcc: one per shared variable, stable id = FNV-1a). */
static ftmb_var_t V_nat = FTMB_VAR_INIT(0, "testmb.c:nat_mu");
static ftmb_var_t V_port = FTMB_VAR_INIT(0, "testmb.c:next_port");
static ftmb_var_t V_total = FTMB_VAR_INIT(0, "testmb.c:total_pkts");
static ftmb_var_t V_hist = FTMB_VAR_INIT(0, "testmb.c:port_hist");

static struct ftmb_global testmb_globals[] = {
	{ 0, "testmb.c:nat_buckets", &nat_buckets, sizeof(nat_buckets) },
	{ 0, "testmb.c:next_port", &next_port, sizeof(next_port) },
	{ 0, "testmb.c:total_pkts", &total_pkts, sizeof(total_pkts) },
	{ 0, "testmb.c:port_hist", port_hist, sizeof(port_hist) },
	{ 0, "testmb.c:core_pkts", core_pkts, sizeof(core_pkts) },
	{ 0, "testmb.c:ballast", &ballast, sizeof(ballast) },
	{ 0, "testmb.c:ballast_bytes", &ballast_bytes, sizeof(ballast_bytes) },
};

__attribute__((constructor)) static void testmb_register(void)
{
	static ftmb_var_t *const vars[] = { &V_nat, &V_port, &V_total, &V_hist };

	for (size_t i = 0; i < sizeof(testmb_globals) / sizeof(testmb_globals[0]); i++)
		testmb_globals[i].id = __ftmb_id(testmb_globals[i].name);
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		vars[i]->id = __ftmb_id(vars[i]->name);
	__ftmb_register_tu("testmb.c", FTMB_ABI_VERSION, testmb_globals,
			   sizeof(testmb_globals) / sizeof(testmb_globals[0]), vars,
			   sizeof(vars) / sizeof(vars[0]));
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

int mb_init(int argc, char **argv, unsigned n_cores)
{
	(void)n_cores;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ballast-mb") == 0 && i + 1 < argc) {
			ballast_bytes = strtoull(argv[++i], NULL, 10) << 20;
		} else {
			fprintf(stderr, "testmb: unknown argument '%s' (--ballast-mb N)\n", argv[i]);
			return -1;
		}
	}
	nat_buckets = __ftmb_calloc(NAT_BUCKETS, sizeof(*nat_buckets));
	if (nat_buckets == NULL)
		return -1;
	if (ballast_bytes) {
		ballast = __ftmb_malloc(ballast_bytes);
		if (ballast == NULL)
			return -1;
		for (uint64_t i = 0; i < ballast_bytes; i += 8)
			*(uint64_t *)(ballast + i) = i * 0x9e3779b97f4a7c15ull;
	}
	return 0;
}

/* Shared: the flow's public port, allocated on first sight. The table is
 * guarded by nat_mu, a lock that is shared state (its acquisition is the
 * logged access, SPEC §3), so the critical sections replay in the recorded
 * order; the allocations and the port counter inside are accesses of
 * their own, logged after the lock's (accesses never nest). */
static uint16_t nat_port(uint32_t sip, uint32_t dip, uint16_t sp, uint16_t dp)
{
	uint32_t h = (sip * 2654435761u) ^ (dip * 40503u) ^ ((uint32_t)sp << 16 | dp);
	struct nat_entry *e, **head;
	uint16_t port;

	__ftmb_lock_begin(&V_nat);
	pthread_mutex_lock(&nat_mu);
	__ftmb_lock_end(&V_nat, 1);
	head = &nat_buckets[h % NAT_BUCKETS];
	for (e = *head; e != NULL; e = e->next)
		if (e->src_ip == sip && e->dst_ip == dip && e->src_port == sp && e->dst_port == dp)
			break;
	if (e == NULL) {
		e = __ftmb_malloc(sizeof(*e));
		if (e != NULL) {
			e->src_ip = sip;
			e->dst_ip = dip;
			e->src_port = sp;
			e->dst_port = dp;
			__ftmb_begin(&V_port);
			e->public_port = (uint16_t)next_port++;
			__ftmb_end(&V_port, FTMB_RMW);
			e->next = *head;
			*head = e;
		}
	}
	port = e ? e->public_port : 0;
	pthread_mutex_unlock(&nat_mu);
	return port;
}

int mb_process(struct mb_pkt *pkt)
{
	uint8_t *f = pkt->data;
	uint16_t port;

	if (pkt->in_port != MB_PORT_INSIDE || pkt->len < 42 || f[12] != 0x08 || f[13] != 0x00 ||
	    f[23] != 17)
		return MB_DROP;
	port = nat_port(rd32(f + 26), rd32(f + 30), rd16(f + 34), rd16(f + 36));
	if (port == 0)
		return MB_DROP;
	f[26] = 198; f[27] = 51; f[28] = 100; f[29] = 1;
	wr16(f + 34, port);

	__ftmb_begin(&V_total);
	total_pkts++;
	__ftmb_end(&V_total, FTMB_RMW);
	__ftmb_begin(&V_hist);
	port_hist[port & 15]++;
	__ftmb_end(&V_hist, FTMB_RMW);
	core_pkts[pkt->core]++;
	return MB_PORT_OUTSIDE;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	(void)core;
	(void)now_ns;
}

/* Read by the node's DUMP (cores stopped). */
int ftmb_node_mb_dump(char *buf, size_t cap)
{
	size_t l = 0;
	unsigned flows = 0;

	for (unsigned b = 0; b < NAT_BUCKETS; b++)
		for (struct nat_entry *e = nat_buckets[b]; e; e = e->next)
			flows++;
	l += (size_t)snprintf(buf + l, cap - l, "total=%llu flows=%u next_port=%u hist=",
			      (unsigned long long)total_pkts, flows, next_port);
	for (unsigned i = 0; i < 16 && l < cap; i++)
		l += (size_t)snprintf(buf + l, cap - l, "%s%llu", i ? "," : "",
				      (unsigned long long)port_hist[i]);
	return 0;
}
