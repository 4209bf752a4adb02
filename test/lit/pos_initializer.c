// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Initialisers of locals, including aggregates.
#include <ftmb.h>
__ftmb_shared int x;
int f(void)
{
	int a = x;
	int arr[2] = { x, a };
	return arr[0] + arr[1];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: int a = ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; });
// CHECK-NEXT: int arr[2] = { ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r2 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r2; }), a };
// CHECK-NEXT: return arr[0] + arr[1];
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_initializer.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("pos_initializer.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
