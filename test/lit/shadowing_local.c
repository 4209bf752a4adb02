// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A local that shadows a shared variable is not shared.
#include <ftmb.h>
__ftmb_shared int x;
int f(void)
{
	int x = 3;
	x++;
	return x;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: int x = 3;
// CHECK-NEXT: x++;
// CHECK-NEXT: return x;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shadowing_local.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("shadowing_local.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
