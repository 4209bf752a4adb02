// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A write: the right-hand side is evaluated before the lock is taken.
#include <ftmb.h>
__ftmb_shared int x;
void set(int v)
{
	x = v * 2;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: void set(int v)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(x) __ftmb_v1 = (v * 2); __ftmb_begin(&__ftmb_var_x); (x = __ftmb_v1); __ftmb_end_write(&__ftmb_var_x); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of write_plain.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("write_plain.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
