// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Two blocks of one function with statics of the same name: distinct names.
#include <ftmb.h>
int f(int c)
{
	if (c) {
		static int n;
		return ++n;
	} else {
		static int n = 10;
		return --n;
	}
}

// CHECK-LABEL: int f(int c)
// CHECK-NEXT: {
// CHECK-NEXT: if (c) {
// CHECK-NEXT: ;
// CHECK-NEXT: return ++__ftmb_fs_f__n;
// CHECK-NEXT: } else {
// CHECK-NEXT: ;
// CHECK-NEXT: return --__ftmb_fs_f__n_2;
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of function_static_blocks.c>"
// CHECK: { 0xd8d8666ae1d541acULL, "function_static_blocks.c:f:n", (void *)&__ftmb_fs_f__n, sizeof(__ftmb_fs_f__n) },
// CHECK: { 0x286eb508c887f121ULL, "function_static_blocks.c:f:n_2", (void *)&__ftmb_fs_f__n_2, sizeof(__ftmb_fs_f__n_2) },
// CHECK: __ftmb_register_tu("function_static_blocks.c", FTMB_ABI_VERSION, __ftmb_globals, 2, (ftmb_var_t *const *)0, 0);
