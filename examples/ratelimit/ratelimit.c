/*
 * ratelimit.c: the rate limiter's hosting interface.
 *
 * Theory of operation: a packet from inside finds its tenant (subnet of
 * its source address, or its VLAN), reads the clock, and asks the
 * tenant's bucket for a token (rl_bucket.c): pass or drop. Packets from
 * outside pass untouched. A frame that does not parse has no tenant and
 * is dropped. The clock is CLOCK_MONOTONIC; under ftmb it is the input
 * logger's timestamp of the packet, so a replay refills identically.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbopt.h"
#include "middlebox.h"
#include "pkt.h"
#include "ratelimit.h"

struct rl_config rl_cfg;


int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "ratelimit";
	struct rl_config c = { RL_TENANT_SUBNET, 24, 1000, 100, RL_MAX_TENANTS / 2, n_cores };
	if (n_cores < 1 || n_cores > 64) {
		fprintf(stderr, "%s: n_cores must be 1..64, got %u\n", prog, n_cores);
		return -1;
	}
	struct mbopt o;
	const char *name, *value;
	uint64_t x;
	int r;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		if (strcmp(name, "tenant") == 0) {
			if (strcmp(value, "subnet") == 0) {
				c.kind = RL_TENANT_SUBNET;
			} else if (strcmp(value, "vlan") == 0) {
				c.kind = RL_TENANT_VLAN;
			} else {
				fprintf(stderr, "%s: --tenant wants subnet or vlan, got '%s'\n",
					prog, value);
				return -1;
			}
		} else if (strcmp(name, "prefix") == 0) {
			if (mbopt_uint(prog, name, value, 0, 32, &x))
				return -1;
			c.prefix = (unsigned)x;
		} else if (strcmp(name, "rate") == 0) {
			if (mbopt_uint(prog, name, value, 0, 1000000000, &x))
				return -1;
			c.rate = x;
		} else if (strcmp(name, "burst") == 0) {
			if (mbopt_uint(prog, name, value, 1, 1000000000, &x))
				return -1;
			c.burst = x;
		} else if (strcmp(name, "max-tenants") == 0) {
			if (mbopt_uint(prog, name, value, 1, RL_MAX_TENANTS / 2, &x))
				return -1;
			c.max_tenants = (uint32_t)x;
		} else {
			return mbopt_unknown(prog, name);
		}
	}
	if (r < 0)
		return -1;
	rl_cfg = c;
	pthread_mutex_lock(&rl_lock);
	for (unsigned i = 0; i < RL_MAX_TENANTS; i++)
		rl_bucket[i].in_use = 0;
	rl_n_tenants = 0;
	pthread_mutex_unlock(&rl_lock);
	return 0;
}

static uint32_t tenant_of(const struct pkt_view *v)
{
	if (rl_cfg.kind == RL_TENANT_VLAN)
		return v->vlan;
	uint32_t mask = rl_cfg.prefix == 0 ? 0 : ~0u << (32 - rl_cfg.prefix);
	return v->saddr & mask;
}

int mb_process(struct mb_pkt *pkt)
{
	struct pkt_view v;
	if (pkt->core >= rl_cfg.n_cores || pkt->in_port > MB_PORT_OUTSIDE ||
	    pkt_parse(pkt->data, pkt->len, &v) != 0)
		return MB_DROP;
	if (pkt->in_port == MB_PORT_OUTSIDE)
		return MB_PORT_INSIDE;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return rl_take(tenant_of(&v), now) == 1 ? MB_PORT_OUTSIDE : MB_DROP;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	(void)core;
	(void)now_ns;
}
