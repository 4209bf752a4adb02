// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Designated initializers.
#include <ftmb.h>
struct pair { int a, b; };
__ftmb_shared int x;
int f(void)
{
	struct pair p = { .b = x, .a = 1 };
	return p.b;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: struct pair p = { .b = ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; }), .a = 1 };
// CHECK-NEXT: return p.b;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_designated.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("pos_designated.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
