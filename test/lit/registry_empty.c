// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A file without globals still registers (with an empty table).
#include <ftmb.h>
int f(int a)
{
	return a + 1;
}

// CHECK-LABEL: int f(int a)
// CHECK-NEXT: {
// CHECK-NEXT: return a + 1;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of registry_empty.c>"
// CHECK: __ftmb_register_tu("registry_empty.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
