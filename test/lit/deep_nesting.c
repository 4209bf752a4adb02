// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Nested shared subscripts compose innermost first.
#include <ftmb.h>
__ftmb_shared int a[8];
int f(int i)
{
	return a[a[a[i]]];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_a = FTMB_VAR_INIT(0xaf63dc4c8601ec8cULL, "a");
// CHECK-LABEL: int f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __auto_type __ftmb_p3 = &(a[({ __auto_type __ftmb_p2 = &(a[({ __auto_type __ftmb_p1 = &(a[i]); __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r1 = (*__ftmb_p1); __ftmb_end_read(&__ftmb_var_a); __ftmb_r1; })]); __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_a); __ftmb_r2; })]); __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r3 = (*__ftmb_p3); __ftmb_end_read(&__ftmb_var_a); __ftmb_r3; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of deep_nesting.c>"
// CHECK: { 0xaf63dc4c8601ec8cULL, "a", (void *)&a, sizeof(a) },
// CHECK: &__ftmb_var_a,
// CHECK: __ftmb_register_tu("deep_nesting.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
