// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// *(a + i) on a shared array is an access to the array.
#include <ftmb.h>
__ftmb_shared int a[4];
int f(int i)
{
	*(a + i) = 3;
	return *(a + 1);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_a = FTMB_VAR_INIT(0xaf63dc4c8601ec8cULL, "a");
// CHECK-LABEL: int f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(*(a + i)); __typeof__(*__ftmb_p1) __ftmb_v1 = (3); __ftmb_begin(&__ftmb_var_a); ((*__ftmb_p1) = __ftmb_v1); __ftmb_end_write(&__ftmb_var_a); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(*(a + 1)); __ftmb_begin(&__ftmb_var_a); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_a); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pointer_arith.c>"
// CHECK: { 0xaf63dc4c8601ec8cULL, "a", (void *)&a, sizeof(a) },
// CHECK: &__ftmb_var_a,
// CHECK: __ftmb_register_tu("pointer_arith.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
