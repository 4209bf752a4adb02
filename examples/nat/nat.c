/*
 * nat.c: the NAT's hosting interface (mb_init, mb_process, mb_tick).
 *
 * Theory of operation:
 *   inside -> outside: under nat_lock, find the flow's mapping by its
 *     forward key (proto, inside addr/port, remote addr/port) or allocate
 *     one from the pool; then, outside the lock, rewrite the source to
 *     (external ip, lo + entry index) with incremental checksum updates.
 *   outside -> inside: the destination port names the entry; under
 *     nat_lock check it is live and belongs to this remote peer
 *     (endpoint-dependent filtering), read the inside endpoint, refresh it;
 *     then rewrite the destination.
 *   mb_tick: each core sweeps its own slice of the table (entries
 *     i = core, core + n_cores, ...), --sweep entries per tick, and frees
 *     mappings idle for longer than --timeout. Time is the tick's clock:
 *     each core remembers its last now_ns and stamps entries with it.
 * The lock makes "lookup or allocate" atomic, so two cores handling two
 * packets of one new flow cannot give it two ports, and a port is never
 * on two live flows (nat_table.c).
 */
#include <stdio.h>
#include <string.h>

#include "middlebox.h"
#include "mbopt.h"
#include "nat.h"
#include "pkt.h"

struct nat_config nat_cfg;

/* Per-core: only core c touches slot c. */
static uint64_t core_now_ns[NAT_MAX_CORES];
static uint32_t core_sweep_pos[NAT_MAX_CORES];

static void count(enum nat_counter c)
{
	__atomic_fetch_add(&nat_counters[c], 1, __ATOMIC_RELAXED);
}

int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "nat";
	struct nat_config c = {
		.external_ip = 0xc6336401u, /* 198.51.100.1 */
		.port_lo = 10000,
		.port_hi = 19999,
		.timeout_ns = 60ull * 1000000000ull,
		.sweep = 64,
		.n_cores = n_cores,
	};
	if (n_cores < 1 || n_cores > NAT_MAX_CORES) {
		fprintf(stderr, "%s: n_cores must be 1..%d, got %u\n", prog, NAT_MAX_CORES, n_cores);
		return -1;
	}
	struct mbopt o;
	const char *name, *value;
	int r;
	uint64_t x, lo, hi;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		if (strcmp(name, "external-ip") == 0) {
			if (mbopt_ipv4(prog, name, value, &c.external_ip))
				return -1;
		} else if (strcmp(name, "port-range") == 0) {
			if (mbopt_range(prog, name, value, 1, 65535, &lo, &hi))
				return -1;
			c.port_lo = (uint16_t)lo;
			c.port_hi = (uint16_t)hi;
		} else if (strcmp(name, "timeout") == 0) {
			if (mbopt_uint(prog, name, value, 1, 86400, &x))
				return -1;
			c.timeout_ns = x * 1000000000ull;
		} else if (strcmp(name, "sweep") == 0) {
			if (mbopt_uint(prog, name, value, 1, NAT_MAX_PORTS, &x))
				return -1;
			c.sweep = (unsigned)x;
		} else {
			return mbopt_unknown(prog, name);
		}
	}
	if (r < 0)
		return -1;
	nat_cfg = c;
	memset(core_now_ns, 0, sizeof(core_now_ns));
	for (unsigned i = 0; i < NAT_MAX_CORES; i++)
		core_sweep_pos[i] = i;
	pthread_mutex_lock(&nat_lock);
	nat_table_reset();
	pthread_mutex_unlock(&nat_lock);
	return 0;
}

static int outbound(struct pkt_view *v, unsigned core)
{
	pthread_mutex_lock(&nat_lock);
	int32_t i = nat_table_lookup(v->proto, v->saddr, v->sport, v->daddr, v->dport);
	if (i == NAT_NIL) {
		i = nat_table_insert(v->proto, v->saddr, v->sport, v->daddr, v->dport,
				     core_now_ns[core]);
		if (i != NAT_NIL)
			count(NAT_CTR_NEW);
	} else {
		nat_map[i].last_seen_ns = core_now_ns[core];
	}
	pthread_mutex_unlock(&nat_lock);
	if (i == NAT_NIL) {
		count(NAT_CTR_NO_PORT);
		return MB_DROP;
	}
	pkt_set_saddr(v, nat_cfg.external_ip);
	pkt_set_sport(v, (uint16_t)(nat_cfg.port_lo + i));
	count(NAT_CTR_OUT);
	return MB_PORT_OUTSIDE;
}

static int inbound(struct pkt_view *v, unsigned core)
{
	if (v->daddr != nat_cfg.external_ip || v->dport < nat_cfg.port_lo ||
	    v->dport > nat_cfg.port_hi) {
		count(NAT_CTR_NO_MAPPING);
		return MB_DROP;
	}
	int32_t i = v->dport - nat_cfg.port_lo;
	uint32_t in_addr = 0;
	uint16_t in_port = 0;
	int ok = 0;
	pthread_mutex_lock(&nat_lock);
	struct nat_mapping e = nat_map[i];
	if (e.in_use && e.proto == v->proto && e.remote_addr == v->saddr &&
	    e.remote_port == v->sport) {
		in_addr = e.in_addr;
		in_port = e.in_port;
		nat_map[i].last_seen_ns = core_now_ns[core];
		ok = 1;
	}
	pthread_mutex_unlock(&nat_lock);
	if (!ok) {
		count(NAT_CTR_NO_MAPPING);
		return MB_DROP;
	}
	pkt_set_daddr(v, in_addr);
	pkt_set_dport(v, in_port);
	count(NAT_CTR_IN);
	return MB_PORT_INSIDE;
}

int mb_process(struct mb_pkt *pkt)
{
	struct pkt_view v;
	if (pkt->core >= nat_cfg.n_cores || pkt_parse(pkt->data, pkt->len, &v) != 0) {
		count(NAT_CTR_INVALID);
		return MB_DROP;
	}
	if (pkt->in_port == MB_PORT_INSIDE)
		return outbound(&v, pkt->core);
	if (pkt->in_port == MB_PORT_OUTSIDE)
		return inbound(&v, pkt->core);
	count(NAT_CTR_INVALID);
	return MB_DROP;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	if (core >= nat_cfg.n_cores)
		return;
	core_now_ns[core] = now_ns;
	unsigned n = (unsigned)nat_cfg.port_hi - nat_cfg.port_lo + 1;
	uint32_t pos = core_sweep_pos[core];
	pthread_mutex_lock(&nat_lock);
	for (unsigned k = 0; k < nat_cfg.sweep; k++) {
		if (pos >= n)
			pos = core; /* wrap to the start of this core's slice */
		if (pos >= n)
			break;  /* more cores than ports: nothing here */
		struct nat_mapping e = nat_map[pos]; /* one logged read per entry */
		if (e.in_use && now_ns > e.last_seen_ns &&
		    now_ns - e.last_seen_ns > nat_cfg.timeout_ns) {
			nat_table_remove((int32_t)pos);
			count(NAT_CTR_EXPIRED);
		}
		pos += nat_cfg.n_cores;
	}
	pthread_mutex_unlock(&nat_lock);
	core_sweep_pos[core] = pos;
}
