/*
 * lb.c: the load balancer's hosting interface.
 *
 * Theory of operation:
 *   request (inside port, to VIP:vport): under lb_lock, look the flow up
 *     by (proto, client, client port, vport) or choose the least-loaded
 *     backend and insert it; then rewrite destination address and MAC to
 *     the backend and send it out of the outside port.
 *   reply (outside port, from a backend): under lb_lock, find the flow by
 *     the same key read from the reply and check the reply comes from
 *     that flow's backend; then rewrite the source to the VIP.
 *   mb_tick: each core sweeps its slice of the table, freeing flows idle
 *     longer than --timeout, which lowers their backend's load.
 * Lookup-or-choose-and-insert is one critical section, so a flow's two
 * directions (possibly on two cores) always see one backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb.h"
#include "mbopt.h"
#include "middlebox.h"
#include "pkt.h"

struct lb_config lb_cfg;

static uint64_t core_now_ns[LB_MAX_CORES];
static uint32_t core_sweep_pos[LB_MAX_CORES];

static void count(enum lb_counter c)
{
	__atomic_fetch_add(&lb_counters[c], 1, __ATOMIC_RELAXED);
}

/* "A.B.C.D" or "A.B.C.D@aa:bb:cc:dd:ee:ff"; the default MAC is
 * 02:00:0a:xx:xx:xx from the address. */
static int parse_backend(const char *prog, const char *v, uint32_t *addr, uint8_t mac[6])
{
	char ip[32];
	const char *at = strchr(v, '@');
	size_t n = at ? (size_t)(at - v) : strlen(v);
	if (n >= sizeof(ip))
		goto bad;
	memcpy(ip, v, n);
	ip[n] = '\0';
	if (pkt_parse_ipv4(ip, addr) != 0)
		goto bad;
	if (at == NULL) {
		uint8_t d[6] = { 0x02, 0x00, (uint8_t)(*addr >> 24), (uint8_t)(*addr >> 16),
				 (uint8_t)(*addr >> 8), (uint8_t)*addr };
		memcpy(mac, d, 6);
		return 0;
	}
	unsigned m[6];
	char tail;
	if (sscanf(at + 1, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &tail) != 6)
		goto bad;
	for (int i = 0; i < 6; i++) {
		if (m[i] > 255)
			goto bad;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
bad:
	fprintf(stderr, "%s: --backend wants A.B.C.D[@aa:bb:cc:dd:ee:ff], got '%s'\n", prog, v);
	return -1;
}

int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "lb";
	struct lb_config c;
	memset(&c, 0, sizeof(c));
	c.vip = 0xc0000201u; /* 192.0.2.1 */
	c.timeout_ns = 60ull * 1000000000ull;
	c.max_flows = LB_MAX_FLOWS;
	c.sweep = 64;
	c.n_cores = n_cores;
	if (n_cores < 1 || n_cores > LB_MAX_CORES) {
		fprintf(stderr, "%s: n_cores must be 1..%d, got %u\n", prog, LB_MAX_CORES, n_cores);
		return -1;
	}
	struct mbopt o;
	const char *name, *value;
	uint64_t x;
	int r;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		if (strcmp(name, "vip") == 0) {
			if (mbopt_ipv4(prog, name, value, &c.vip))
				return -1;
		} else if (strcmp(name, "backend") == 0) {
			if (c.n_backends == LB_MAX_BACKENDS) {
				fprintf(stderr, "%s: at most %d backends\n", prog, LB_MAX_BACKENDS);
				return -1;
			}
			if (parse_backend(prog, value, &c.backend_addr[c.n_backends],
					  c.backend_mac[c.n_backends]))
				return -1;
			c.n_backends++;
		} else if (strcmp(name, "timeout") == 0) {
			if (mbopt_uint(prog, name, value, 1, 86400, &x))
				return -1;
			c.timeout_ns = x * 1000000000ull;
		} else if (strcmp(name, "max-flows") == 0) {
			if (mbopt_uint(prog, name, value, 1, LB_MAX_FLOWS, &x))
				return -1;
			c.max_flows = (unsigned)x;
		} else if (strcmp(name, "sweep") == 0) {
			if (mbopt_uint(prog, name, value, 1, LB_MAX_FLOWS, &x))
				return -1;
			c.sweep = (unsigned)x;
		} else {
			return mbopt_unknown(prog, name);
		}
	}
	if (r < 0)
		return -1;
	if (c.n_backends == 0) { /* default pool: 10.1.0.1 .. 10.1.0.4 */
		for (unsigned b = 0; b < 4; b++)
			parse_backend(prog, b == 0 ? "10.1.0.1" : b == 1 ? "10.1.0.2"
					    : b == 2 ? "10.1.0.3" : "10.1.0.4",
				      &c.backend_addr[b], c.backend_mac[b]);
		c.n_backends = 4;
	}
	lb_cfg = c;
	memset(core_now_ns, 0, sizeof(core_now_ns));
	for (unsigned i = 0; i < LB_MAX_CORES; i++)
		core_sweep_pos[i] = i;
	pthread_mutex_lock(&lb_lock);
	lb_table_reset();
	pthread_mutex_unlock(&lb_lock);
	return 0;
}

static int request(struct pkt_view *v, unsigned core)
{
	if (v->daddr != lb_cfg.vip) {
		count(LB_CTR_NOT_VIP);
		return MB_DROP;
	}
	int backend = -1;
	pthread_mutex_lock(&lb_lock);
	int32_t i = lb_table_lookup(v->proto, v->saddr, v->sport, v->dport);
	if (i == LB_NIL) {
		unsigned b = lb_choose_backend();
		i = lb_table_insert(v->proto, v->saddr, v->sport, v->dport, (uint8_t)b,
				    core_now_ns[core]);
		if (i != LB_NIL) {
			backend = (int)b;
			count(LB_CTR_NEW);
		}
	} else {
		backend = lb_flow[i].backend;
		lb_flow[i].last_seen_ns = core_now_ns[core];
	}
	pthread_mutex_unlock(&lb_lock);
	if (backend < 0) {
		count(LB_CTR_NO_FLOW);
		return MB_DROP;
	}
	pkt_set_daddr(v, lb_cfg.backend_addr[backend]);
	pkt_set_dst_mac(v, lb_cfg.backend_mac[backend]);
	count(LB_CTR_TO_BACKEND);
	return MB_PORT_OUTSIDE;
}

static int reply(struct pkt_view *v, unsigned core)
{
	int ok = 0;
	pthread_mutex_lock(&lb_lock);
	int32_t i = lb_table_lookup(v->proto, v->daddr, v->dport, v->sport);
	uint8_t backend = i != LB_NIL ? lb_flow[i].backend : 0;
	if (i != LB_NIL && lb_cfg.backend_addr[backend] == v->saddr) {
		lb_flow[i].last_seen_ns = core_now_ns[core];
		ok = 1;
	}
	pthread_mutex_unlock(&lb_lock);
	if (!ok) {
		count(LB_CTR_NO_FLOW);
		return MB_DROP;
	}
	pkt_set_saddr(v, lb_cfg.vip);
	count(LB_CTR_TO_CLIENT);
	return MB_PORT_INSIDE;
}

int mb_process(struct mb_pkt *pkt)
{
	struct pkt_view v;
	if (pkt->core >= lb_cfg.n_cores || pkt->in_port > MB_PORT_OUTSIDE ||
	    pkt_parse(pkt->data, pkt->len, &v) != 0) {
		count(LB_CTR_INVALID);
		return MB_DROP;
	}
	return pkt->in_port == MB_PORT_INSIDE ? request(&v, pkt->core) : reply(&v, pkt->core);
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	if (core >= lb_cfg.n_cores)
		return;
	core_now_ns[core] = now_ns;
	uint32_t pos = core_sweep_pos[core];
	pthread_mutex_lock(&lb_lock);
	for (unsigned k = 0; k < lb_cfg.sweep; k++) {
		if (pos >= lb_cfg.max_flows)
			pos = core;
		if (pos >= lb_cfg.max_flows)
			break;
		struct lb_flow_entry e = lb_flow[pos]; /* one logged read per entry */
		if (e.in_use && now_ns > e.last_seen_ns &&
		    now_ns - e.last_seen_ns > lb_cfg.timeout_ns) {
			lb_table_remove((int32_t)pos);
			count(LB_CTR_EXPIRED);
		}
		pos += lb_cfg.n_cores;
	}
	pthread_mutex_unlock(&lb_lock);
	core_sweep_pos[core] = pos;
}
