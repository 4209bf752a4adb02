// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Both arms of ?: are rewritten separately; only the evaluated one runs.
#include <ftmb.h>
__ftmb_shared int a, b;
int pick(int c)
{
	return c ? a : b++;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_a = FTMB_VAR_INIT(0xaf63dc4c8601ec8cULL, "a");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_b = FTMB_VAR_INIT(0xaf63df4c8601f1a5ULL, "b");
// CHECK-LABEL: int pick(int c)
// CHECK-NEXT: {
// CHECK-NEXT: return c ? ({ __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r1 = a; __ftmb_end_read(&__ftmb_var_a); __ftmb_r1; }) : ({ __ftmb_begin(&__ftmb_var_b); __auto_type __ftmb_r2 = b++; __ftmb_end_rmw(&__ftmb_var_b); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_ternary.c>"
// CHECK: { 0xaf63dc4c8601ec8cULL, "a", (void *)&a, sizeof(a) },
// CHECK: { 0xaf63df4c8601f1a5ULL, "b", (void *)&b, sizeof(b) },
// CHECK: &__ftmb_var_a,
// CHECK: &__ftmb_var_b,
// CHECK: __ftmb_register_tu("pos_ternary.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
