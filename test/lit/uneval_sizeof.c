// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// sizeof and _Alignof operands are not evaluated: left alone.
#include <ftmb.h>
__ftmb_shared int x;
__ftmb_shared int arr[4];
unsigned long f(void)
{
	return sizeof(x) + sizeof arr + __alignof__(arr) + _Alignof(int) + sizeof(arr[x]);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_arr = FTMB_VAR_INIT(0xe756b1190570b338ULL, "arr");
// CHECK-LABEL: unsigned long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return sizeof(x) + sizeof arr + __alignof__(arr) + _Alignof(int) + sizeof(arr[x]);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of uneval_sizeof.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: { 0xe756b1190570b338ULL, "arr", (void *)&arr, sizeof(arr) },
// CHECK: &__ftmb_var_x,
// CHECK: &__ftmb_var_arr,
// CHECK: __ftmb_register_tu("uneval_sizeof.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
