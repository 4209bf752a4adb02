// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Arguments of ordinary calls.
#include <ftmb.h>
__ftmb_shared int x, y;
int add(int a, int b);
int f(void)
{
	return add(x, y++);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_y = FTMB_VAR_INIT(0xaf63f44c86021554ULL, "y");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return add(({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; }), ({ __ftmb_begin(&__ftmb_var_y); __auto_type __ftmb_r2 = y++; __ftmb_end_rmw(&__ftmb_var_y); __ftmb_r2; }));
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_call_args.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: { 0xaf63f44c86021554ULL, "y", (void *)&y, sizeof(y) },
// CHECK: &__ftmb_var_x,
// CHECK: &__ftmb_var_y,
// CHECK: __ftmb_register_tu("pos_call_args.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
