// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Two shared variables in one expression: two accesses, one after the other.
#include <ftmb.h>
__ftmb_shared int a, b;
int f(void)
{
	return a + b;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_a = FTMB_VAR_INIT(0xaf63dc4c8601ec8cULL, "a");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_b = FTMB_VAR_INIT(0xaf63df4c8601f1a5ULL, "b");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r1 = a; __ftmb_end_read(&__ftmb_var_a); __ftmb_r1; }) + ({ __ftmb_begin(&__ftmb_var_b); __auto_type __ftmb_r2 = b; __ftmb_end_read(&__ftmb_var_b); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of two_vars.c>"
// CHECK: { 0xaf63dc4c8601ec8cULL, "a", (void *)&a, sizeof(a) },
// CHECK: { 0xaf63df4c8601f1a5ULL, "b", (void *)&b, sizeof(b) },
// CHECK: &__ftmb_var_a,
// CHECK: &__ftmb_var_b,
// CHECK: __ftmb_register_tu("two_vars.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
