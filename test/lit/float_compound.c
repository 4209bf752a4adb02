// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// x += 0.5 on an int: the right-hand side keeps its type (computed in double).
#include <ftmb.h>
__ftmb_shared int x;
void f(void)
{
	x += 0.5;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_v1 = (0.5); __ftmb_begin(&__ftmb_var_x); (x += __ftmb_v1); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of float_compound.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("float_compound.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
