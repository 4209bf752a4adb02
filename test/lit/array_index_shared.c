// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// The index is itself shared: its read completes (lock released) before the
// array's lock is taken -- at most one lock at a time.
#include <ftmb.h>
__ftmb_shared int arr[8];
__ftmb_shared int idx;
int f(void)
{
	return arr[idx];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_arr = FTMB_VAR_INIT(0xe756b1190570b338ULL, "arr");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_idx = FTMB_VAR_INIT(0x2b7def192bb7c6a8ULL, "idx");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(arr[({ __ftmb_begin(&__ftmb_var_idx); __auto_type __ftmb_r1 = idx; __ftmb_end_read(&__ftmb_var_idx); __ftmb_r1; })]); __ftmb_begin(&__ftmb_var_arr); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_arr); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of array_index_shared.c>"
// CHECK: { 0xe756b1190570b338ULL, "arr", (void *)&arr, sizeof(arr) },
// CHECK: { 0x2b7def192bb7c6a8ULL, "idx", (void *)&idx, sizeof(idx) },
// CHECK: &__ftmb_var_arr,
// CHECK: &__ftmb_var_idx,
// CHECK: __ftmb_register_tu("array_index_shared.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
