// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// __ftmb_audited functions are left as written (listed as unlogged).
#include <ftmb.h>
__ftmb_shared int x;
__ftmb_audited int peek(void)
{
	int *p = &x;
	return *p + x;
}
int normal(void)
{
	return x;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: __ftmb_audited int peek(void)
// CHECK-NEXT: {
// CHECK-NEXT: int *p = &x;
// CHECK-NEXT: return *p + x;
// CHECK-NEXT: }
// CHECK-LABEL: int normal(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r1 = x; __ftmb_end_read(&__ftmb_var_x); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of audited.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("audited.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
