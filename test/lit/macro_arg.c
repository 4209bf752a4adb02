// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A shared variable passed as a macro argument is rewritten in place.
#include <ftmb.h>
__ftmb_shared int x;
#define TWICE(v) (2 * (v))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
int f(int y)
{
	return TWICE(x) + MAX(y, 3);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: int f(int y)
// CHECK-NEXT: {
// CHECK-NEXT: return TWICE(({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; })) + MAX(y, 3);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of macro_arg.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("macro_arg.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
