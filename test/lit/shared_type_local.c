// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An automatic variable of a shared type lives on one thread's stack: not logged.
#include <ftmb.h>
struct __ftmb_shared conn { int state; };
int f(void)
{
	struct conn c = { 0 };
	c.state = 2;
	return c.state;
}

// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: struct conn c = { 0 };
// CHECK-NEXT: c.state = 2;
// CHECK-NEXT: return c.state;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_type_local.c>"
// CHECK: __ftmb_register_tu("shared_type_local.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
