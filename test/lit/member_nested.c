// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Nested members and arrays inside a shared struct.
#include <ftmb.h>
struct in { int v[4]; };
struct out { struct in in; struct in arr[2]; };
__ftmb_shared struct out o;
int f(int i)
{
	o.in.v[i]++;
	return o.arr[1].v[i];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_o = FTMB_VAR_INIT(0xaf63e24c8601f6beULL, "o");
// CHECK-LABEL: int f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(o.in.v[i]); __ftmb_begin(&__ftmb_var_o); (*__ftmb_p1)++; __ftmb_end_rmw(&__ftmb_var_o); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(o.arr[1].v[i]); __ftmb_begin(&__ftmb_var_o); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_o); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of member_nested.c>"
// CHECK: { 0xaf63e24c8601f6beULL, "o", (void *)&o, sizeof(o) },
// CHECK: &__ftmb_var_o,
// CHECK: __ftmb_register_tu("member_nested.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
