// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Subscripts of a shared array: the element is addressed before the lock.
#include <ftmb.h>
__ftmb_shared int arr[8];
int f(int i)
{
	arr[i] = 1;
	return arr[i + 1];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_arr = FTMB_VAR_INIT(0xe756b1190570b338ULL, "arr");
// CHECK-LABEL: int f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(arr[i]); __typeof__(*__ftmb_p1) __ftmb_v1 = (1); __ftmb_begin(&__ftmb_var_arr); ((*__ftmb_p1) = __ftmb_v1); __ftmb_end_write(&__ftmb_var_arr); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(arr[i + 1]); __ftmb_begin(&__ftmb_var_arr); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_arr); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of array_subscript.c>"
// CHECK: { 0xe756b1190570b338ULL, "arr", (void *)&arr, sizeof(arr) },
// CHECK: &__ftmb_var_arr,
// CHECK: __ftmb_register_tu("array_subscript.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
