/*
 * Regression (differential seeds 16, 18, 46 of the small profile, with
 * -fsanitize=alignment): an access to a member of a shared packed struct
 * (csmith emits `#pragma pack(1)` structs). ftmbcc rewrote `g_1.f1 += 3`
 * and the read of `g_1.f1` through `__auto_type __ftmb_p = &(g_1.f1);
 * ... *__ftmb_p ...`: a plain `int64_t *` to a misaligned member, which
 * is undefined behaviour (the original's direct member access is compiled
 * as an unaligned access). x86 happens to tolerate it, strict-alignment
 * targets fault, and `-fsanitize=alignment` traps (SIGILL) in the
 * rewritten program only. gcc does not warn: -Waddress-of-packed-member
 * is silent for a pointer whose type comes from __auto_type.
 * Expected: same output, no trap (e.g. access the member in place, or copy
 * with memcpy / __ftmb_read_range for packed members).
 */
#include <stdio.h>
#include <stdint.h>
#include "ftmb.h"

#pragma pack(push)
#pragma pack(1)
struct S0 {
	int8_t f0;
	int64_t f1;
	int32_t f2;
};
#pragma pack(pop)

static __ftmb_shared struct S0 g_1 = { 1, 5, -7 };

int main(void)
{
	g_1.f1 += 3;
	g_1.f2 = g_1.f2 * 2;
	printf("%lld %d\n", (long long)g_1.f1, (int)g_1.f2);
	return 0;
}
