/*
 * ratelimit.h: per-tenant rate limiting with token buckets, for the ftmb
 * examples.
 *
 * A tenant is the inside host's subnet (--tenant subnet, --prefix LEN) or
 * the frame's VLAN (--tenant vlan). Each tenant has a bucket of --burst
 * tokens refilled at --rate tokens per second from the clock
 * (clock_gettime); a packet from inside to outside takes one token or is
 * dropped when the bucket is empty. Traffic from outside passes.
 *
 * State and who touches it:
 *   shared (marked below; a tenant's flows run on all cores):
 *     rl_bucket[]    the buckets (open-addressed by tenant id)
 *     rl_n_tenants   buckets in use
 *     rl_lock        mutex making refill-and-take atomic
 *   local: the configuration, written once by mb_init.
 */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#include "ftmb.h"

#define RL_MAX_TENANTS 8192      /* power of two */
#define RL_MILLI 1000ull         /* tokens are kept in thousandths */

struct rl_bucket_entry {
	uint8_t in_use;
	uint32_t tenant;
	uint64_t tokens_milli;     /* current tokens x 1000                   */
	uint64_t last_ns;          /* clock at the last refill                */
	uint64_t granted_milli;    /* tokens ever put in, burst included, x1000 */
	uint64_t passed, dropped;
};

extern struct rl_bucket_entry rl_bucket[RL_MAX_TENANTS] __ftmb_shared;
extern uint32_t rl_n_tenants __ftmb_shared;
extern pthread_mutex_t rl_lock __ftmb_shared;

enum rl_tenant_kind { RL_TENANT_SUBNET, RL_TENANT_VLAN };

struct rl_config {
	enum rl_tenant_kind kind;
	unsigned prefix;           /* subnet length for RL_TENANT_SUBNET      */
	uint64_t rate;             /* tokens per second (0: burst only)       */
	uint64_t burst;            /* bucket size, tokens                     */
	uint32_t max_tenants;      /* <= RL_MAX_TENANTS / 2                   */
	unsigned n_cores;
};
extern struct rl_config rl_cfg;

/* Token bucket arithmetic (rl_bucket.c), pure: refills *tokens from
 * last_ns to now_ns, capped at burst; returns the thousandths added. */
uint64_t rl_refill(uint64_t *tokens_milli, uint64_t last_ns, uint64_t now_ns,
		   uint64_t rate, uint64_t burst);

/* Takes one token from the tenant's bucket (created full on first use);
 * 1 = pass, 0 = drop, -1 = no room for a new tenant. Takes rl_lock. */
int rl_take(uint32_t tenant, uint64_t now_ns);

/* Reading (tests, reports): 0 and the tenant's totals, or -1. */
int rl_tenant_stats(uint32_t tenant, uint64_t *passed, uint64_t *dropped,
		    uint64_t *granted_milli);

#endif /* RATELIMIT_H */
