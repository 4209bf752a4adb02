// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// x = x + 1 is two accesses: a read (inside the right-hand side), then a write.
#include <ftmb.h>
__ftmb_shared int x;
void bump(void)
{
	x = x + 1;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: void bump(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(x) __ftmb_v2 = (({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; }) + 1); __ftmb_begin(&__ftmb_var_x); (x = __ftmb_v2); __ftmb_end_write(&__ftmb_var_x); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of read_then_write.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("read_then_write.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
