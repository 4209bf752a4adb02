// REQUIRES: ftmb-runtime
// RUN: %gcc -O1 -w -I%ftmb_include %s -o %t.orig && %t.orig > %t.orig.out
// RUN: %ftmbcc %s -o %t.c
// RUN: %gcc -O1 -Wall -Wextra -Werror -fsanitize=alignment -fsanitize-undefined-trap-on-error -I%ftmb_include %t.c -o %t.gcc %ftmb_rtlib
// RUN: %t.gcc > %t.gcc.out && diff %t.orig.out %t.gcc.out
// RUN: %clang19 -O1 -Wall -Wextra -Werror -fsanitize=alignment -fsanitize-undefined-trap-on-error -I%ftmb_include %t.c -o %t.clang %ftmb_rtlib
// RUN: %t.clang > %t.clang.out && diff %t.orig.out %t.clang.out
// RUN: FileCheck %s < %t.gcc.out
// Misaligned members of shared packed structs run under
// -fsanitize=alignment (a misaligned access through a normally aligned
// pointer traps) with the same output as the original program.
#include <ftmb.h>
#include <stdint.h>
#include <stdio.h>
struct inner { int a; int b; unsigned bf : 4; };
#pragma pack(push, 1)
struct pk {
	int8_t c;
	int64_t v;
	int32_t arr[4];
	struct inner in;
};
#pragma pack(pop)
struct __attribute__((packed)) __ftmb_shared obj { char tag; long n; };
static __ftmb_shared struct pk g = { 1, 5, { 1, 2, 3, 4 }, { 7, 8, 9 } };
static __ftmb_shared struct pk gs[2];
static __ftmb_shared int which = 1;
static struct obj objs[2] = { { 'a', 10 }, { 'b', 20 } };
struct __ftmb_shared flow { long bytes; };
#pragma pack(push, 1)
struct holder { char c; struct flow fl; };
#pragma pack(pop)
static struct holder h = { 'h', { 100 } };

int main(void)
{
	struct obj *o = &objs[1];
	g.v += 3;
	g.arr[1] = g.arr[2] * 2;
	g.in.b++;
	g.arr[which] += 5;
	gs[which].in.bf = 3;
	gs[which].in.a = g.arr[which];
	o->n--;
	h.fl.bytes += g.v;
	printf("%lld %d %d %d %d %d %ld %ld\n", (long long)g.v, g.arr[1], g.in.b, (int)gs[1].in.bf,
	       gs[which].in.a, gs[0].in.a, o->n, h.fl.bytes);
	return 0;
}
// CHECK: 8 11 9 3 11 0 19 108
