// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Compound assignments are one read-modify-write access.
#include <ftmb.h>
__ftmb_shared unsigned x;
void ops(unsigned v)
{
	x += v;
	x -= 1;
	x *= 3;
	x <<= 2;
	x |= v;
	x %= 7;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: void ops(unsigned v)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_v1 = (v); __ftmb_begin(&__ftmb_var_x); (x += __ftmb_v1); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_v2 = (1); __ftmb_begin(&__ftmb_var_x); (x -= __ftmb_v2); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_v3 = (3); __ftmb_begin(&__ftmb_var_x); (x *= __ftmb_v3); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_v4 = (2); __ftmb_begin(&__ftmb_var_x); (x <<= __ftmb_v4); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_v5 = (v); __ftmb_begin(&__ftmb_var_x); (x |= __ftmb_v5); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_v6 = (7); __ftmb_begin(&__ftmb_var_x); (x %= __ftmb_v6); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of rmw_compound.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("rmw_compound.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
