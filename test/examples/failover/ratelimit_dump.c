/*
 * ratelimit_dump.c: the recovery node's dump hook for examples/ratelimit
 * (cores stopped when it runs: plain reads are exact): every bucket in use
 * as b=tenant/passed/dropped/granted_milli/tokens_milli, so the checker
 * can require passed == outputs released for the tenant, passed + dropped
 * == the tenant's packets in the trace, and passed * 1000 + tokens ==
 * granted (a token is never spent twice nor lost).
 */
#include <stdio.h>

#include "ratelimit.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	size_t l = (size_t)snprintf(buf, cap, "tenants=%u", rl_n_tenants);

	for (unsigned i = 0; i < RL_MAX_TENANTS && l < cap; i++) {
		const struct rl_bucket_entry *e = &rl_bucket[i];
		if (e->in_use)
			l += (size_t)snprintf(buf + l, cap - l, " b=%u/%llu/%llu/%llu/%llu", e->tenant,
					      (unsigned long long)e->passed,
					      (unsigned long long)e->dropped,
					      (unsigned long long)e->granted_milli,
					      (unsigned long long)e->tokens_milli);
	}
	return 0;
}
