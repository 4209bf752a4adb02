// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// ++ and -- (pre and post) are rmw accesses; the value is preserved.
#include <ftmb.h>
__ftmb_shared int x;
int f(void)
{
	x++;
	--x;
	int a = x--;
	int b = ++x;
	return a + b;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_x); x++; __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_x); --x; __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: int a = ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r3 = x--; __ftmb_end_rmw(&__ftmb_var_x); __ftmb_r3; });
// CHECK-NEXT: int b = ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r4 = ++x; __ftmb_end_rmw(&__ftmb_var_x); __ftmb_r4; });
// CHECK-NEXT: return a + b;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of incdec.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("incdec.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
