/*
 * rl_bucket.c: token buckets per tenant.
 *
 * Theory of operation: a bucket holds at most `burst` tokens; between two
 * uses, (now - last) * rate / 1e9 tokens flow in (kept in thousandths so
 * slow rates still accumulate; elapsed time is capped at the time a full
 * refill takes, so the product cannot overflow). A packet passes iff a
 * whole token is there, and takes it. Refill and take happen under rl_lock
 * as one step, so over any run a tenant's passed packets never exceed
 * the tokens granted to it: burst + rate x (time since its first packet).
 * granted_milli records exactly that, for the tests to check. Buckets
 * live in an open-addressed table that is at most half full, never
 * shrinking (tenants are few and long-lived).
 */
#include "ratelimit.h"

#include "flow.h"

struct rl_bucket_entry rl_bucket[RL_MAX_TENANTS];
uint32_t rl_n_tenants;
pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t rl_refill(uint64_t *tokens_milli, uint64_t last_ns, uint64_t now_ns,
		   uint64_t rate, uint64_t burst)
{
	uint64_t cap = burst * RL_MILLI;
	if (rate == 0 || now_ns <= last_ns || *tokens_milli >= cap)
		return 0;
	uint64_t dt = now_ns - last_ns;
	uint64_t full_ns = (cap / rate + 1) * 1000000ull; /* ns to refill cap thousandths */
	if (dt > full_ns)
		dt = full_ns;
	/* thousandths = dt[ns] * rate[1/s] * 1000 / 1e9 = dt * rate / 1e6 */
	uint64_t add = dt / 1000ull * rate / 1000ull;
	if (add > cap - *tokens_milli)
		add = cap - *tokens_milli;
	*tokens_milli += add;
	return add;
}

static uint32_t slot_hash(uint32_t tenant)
{
	struct flow_key k = { tenant, 0, 0, 0, 0 };
	return flow_hash(&k) & (RL_MAX_TENANTS - 1);
}

int rl_take(uint32_t tenant, uint64_t now_ns)
{
	int verdict;
	struct rl_bucket_entry e;
	pthread_mutex_lock(&rl_lock);
	uint32_t i = slot_hash(tenant);
	for (;;) { /* one logged read per probed bucket */
		e = rl_bucket[i];
		if (!e.in_use || e.tenant == tenant)
			break;
		i = (i + 1) & (RL_MAX_TENANTS - 1);
	}
	if (!e.in_use) {
		if (rl_n_tenants >= rl_cfg.max_tenants) {
			pthread_mutex_unlock(&rl_lock);
			return -1;
		}
		rl_n_tenants++;
		e.in_use = 1;
		e.tenant = tenant;
		e.tokens_milli = rl_cfg.burst * RL_MILLI;
		e.granted_milli = rl_cfg.burst * RL_MILLI;
		e.last_ns = now_ns;
		e.passed = 0;
		e.dropped = 0;
	}
	e.granted_milli += rl_refill(&e.tokens_milli, e.last_ns, now_ns, rl_cfg.rate, rl_cfg.burst);
	if (now_ns > e.last_ns)
		e.last_ns = now_ns;
	if (e.tokens_milli >= RL_MILLI) {
		e.tokens_milli -= RL_MILLI;
		e.passed++;
		verdict = 1;
	} else {
		e.dropped++;
		verdict = 0;
	}
	rl_bucket[i] = e; /* one logged write */
	pthread_mutex_unlock(&rl_lock);
	return verdict;
}

int rl_tenant_stats(uint32_t tenant, uint64_t *passed, uint64_t *dropped,
		    uint64_t *granted_milli)
{
	int rc = -1;
	pthread_mutex_lock(&rl_lock);
	uint32_t i = slot_hash(tenant);
	for (uint32_t n = 0; n < RL_MAX_TENANTS && rl_bucket[i].in_use; n++) {
		if (rl_bucket[i].tenant == tenant) {
			*passed = rl_bucket[i].passed;
			*dropped = rl_bucket[i].dropped;
			*granted_milli = rl_bucket[i].granted_milli;
			rc = 0;
			break;
		}
		i = (i + 1) & (RL_MAX_TENANTS - 1);
	}
	pthread_mutex_unlock(&rl_lock);
	return rc;
}
