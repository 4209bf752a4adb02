/*
 * nat_dump.c: the recovery node's dump hook for examples/nat (cores are
 * stopped when it runs, so plain reads are exact): packets translated
 * inside -> outside, and live mappings.
 */
#include <stdio.h>

#include "nat.h"

int ftmb_node_mb_dump(char *buf, size_t cap)
{
	snprintf(buf, cap, "total=%llu flows=%u",
		 (unsigned long long)nat_counters[NAT_CTR_OUT], nat_live);
	return 0;
}
