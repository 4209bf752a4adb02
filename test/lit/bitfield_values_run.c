// REQUIRES: ftmb-runtime
// RUN: %gcc -O1 -w -I%ftmb_include %s -o %t.orig && %t.orig > %t.orig.out
// RUN: %ftmbcc %s -o %t.c
// RUN: %gcc -O1 -Wall -Wextra -Werror -I%ftmb_include %t.c -o %t.gcc %ftmb_rtlib
// RUN: %t.gcc > %t.gcc.out && diff %t.orig.out %t.gcc.out
// RUN: %clang19 -O1 -w -I%ftmb_include %s -o %t.corig && %t.corig > %t.corig.out
// RUN: %clang19 -O1 -Wall -Wextra -Werror -I%ftmb_include %t.c -o %t.clang %ftmb_rtlib
// RUN: %t.clang > %t.clang.out && diff %t.corig.out %t.clang.out
// RUN: FileCheck %s < %t.gcc.out
// The values computed from bit-fields are the same as written and as
// rewritten (gcc and clang-19): a read of a shared bit-field has the
// promoted type (an unsigned:5 field divides as int), a 40-bit field of a
// uint64_t keeps each compiler's own semantics (gcc computes in 40 bits),
// and `x op= bitfield` is unchanged by the +(...) of its right-hand side.
#include <ftmb.h>
#include <stdint.h>
#include <stdio.h>
struct bits {
	unsigned u5 : 5;
	signed s7 : 7;
	uint64_t u40 : 40;
	_Bool b : 1;
};
static __ftmb_shared struct bits g = { 3, -2, 0xffffffffffull, 1 };
static __ftmb_shared long total = -6;
static __ftmb_shared unsigned long wide = 0;

int main(void)
{
	struct bits l = { 2, -3, 0xffffffffffull, 1 };
	long q = -6 / g.u5;          /* int division: -2 */
	total /= l.u5;               /* -3 */
	total -= l.s7;               /* 0 */
	total += g.b;                /* 1 */
	wide = g.u40 + 1;            /* gcc: 0 (40-bit), clang: 2^40 */
	wide += l.u40 + 1;
	g.s7 -= l.s7;                /* -2 - -3 = 1 */
	printf("q=%ld total=%ld wide=%lu s7=%d\n", q, total, wide, g.s7);
	return 0;
}
// CHECK: q=-2 total=1 wide=0 s7=1
