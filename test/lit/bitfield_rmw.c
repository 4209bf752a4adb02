// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// ++ and += on bitfields.
#include <ftmb.h>
struct flags { unsigned a : 3; int b : 5; };
__ftmb_shared struct flags fl;
int f(void)
{
	fl.a++;
	fl.b += 2;
	return fl.b;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_fl = FTMB_VAR_INIT(0x08985807b541d18fULL, "fl");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(fl); __ftmb_begin(&__ftmb_var_fl); __ftmb_p1->a++; __ftmb_end_rmw(&__ftmb_var_fl); });
// CHECK-NEXT: ({ __auto_type __ftmb_p2 = &(fl); __auto_type __ftmb_v2 = (2); __ftmb_begin(&__ftmb_var_fl); (__ftmb_p2->b += __ftmb_v2); __ftmb_end_rmw(&__ftmb_var_fl); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p3 = &(fl); __ftmb_begin(&__ftmb_var_fl); __typeof__(+(__ftmb_p3->b)) __ftmb_r3 = __ftmb_p3->b; __ftmb_end_read(&__ftmb_var_fl); __ftmb_r3; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of bitfield_rmw.c>"
// CHECK: { 0x08985807b541d18fULL, "fl", (void *)&fl, sizeof(fl) },
// CHECK: &__ftmb_var_fl,
// CHECK: __ftmb_register_tu("bitfield_rmw.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
