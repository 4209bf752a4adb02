/*
 * Regression (differential seeds 1032, 1036, 1038, 1148 of the default
 * profile): a compound assignment to a shared variable whose right-hand
 * side is a bit-field. ftmbcc evaluated the right-hand side first into
 * `__auto_type __ftmb_v1 = (l.f0);`, which gcc and clang refuse
 * ("'__auto_type' used with a bit-field initializer"), so the rewritten
 * program did not compile. Both the plain shared scalar (g_1 ^= l.f0) and
 * a shared bit-field target (g_2.f0 |= l.f1) showed it.
 * Expected: rewritten program builds and prints the same line.
 */
#include <stdio.h>
#include "ftmb.h"

struct S {
	unsigned f0 : 5;
	signed f1 : 7;
};

static __ftmb_shared int g_1 = 7;
static __ftmb_shared struct S g_2 = { 9, -3 };

int main(void)
{
	struct S l = { 3, -2 };

	g_1 ^= l.f0;
	g_1 += g_2.f1;
	g_2.f0 |= l.f1;
	printf("%d %d %d\n", g_1, g_2.f0, g_2.f1);
	return 0;
}
