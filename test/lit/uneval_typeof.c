// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// typeof is not evaluated.
#include <ftmb.h>
__ftmb_shared long x;
long f(void)
{
	__typeof__(x) y = 3;
	return (__typeof__(x))y;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: __typeof__(x) y = 3;
// CHECK-NEXT: return (__typeof__(x))y;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of uneval_typeof.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("uneval_typeof.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
