// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Enums and pointers as shared scalars.
#include <ftmb.h>
enum color { RED, GREEN };
__ftmb_shared enum color c;
void f(void)
{
	c = GREEN;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_c = FTMB_VAR_INIT(0xaf63de4c8601eff2ULL, "c");
// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(c) __ftmb_v1 = (GREEN); __ftmb_begin(&__ftmb_var_c); (c = __ftmb_v1); __ftmb_end_write(&__ftmb_var_c); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of enum_var.c>"
// CHECK: { 0xaf63de4c8601eff2ULL, "c", (void *)&c, sizeof(c) },
// CHECK: &__ftmb_var_c,
// CHECK: __ftmb_register_tu("enum_var.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
