// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// x = y = v: the inner write completes before the outer one starts.
#include <ftmb.h>
__ftmb_shared int x, y;
void f(int v)
{
	x = y = v;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_y = FTMB_VAR_INIT(0xaf63f44c86021554ULL, "y");
// CHECK-LABEL: void f(int v)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(x) __ftmb_v2 = (({ __typeof__(y) __ftmb_v1 = (v); __ftmb_begin(&__ftmb_var_y); __auto_type __ftmb_r1 = (y = __ftmb_v1); __ftmb_end_write(&__ftmb_var_y); __ftmb_r1; })); __ftmb_begin(&__ftmb_var_x); (x = __ftmb_v2); __ftmb_end_write(&__ftmb_var_x); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of assign_chain.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: { 0xaf63f44c86021554ULL, "y", (void *)&y, sizeof(y) },
// CHECK: &__ftmb_var_x,
// CHECK: &__ftmb_var_y,
// CHECK: __ftmb_register_tu("assign_chain.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
