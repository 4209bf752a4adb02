// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Per-object rmw through a pointer whose value is computed once.
#include <ftmb.h>
struct __ftmb_shared conn { long bytes; };
struct conn *lookup(int key);
void f(int key, long n)
{
	lookup(key)->bytes += n;
}

// CHECK-LABEL: void f(int key, long n)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_o1 = (lookup(key)); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o1); __auto_type __ftmb_p1 = &(__ftmb_o1->bytes); __auto_type __ftmb_v1 = (n); __ftmb_begin(__ftmb_d1); ((*__ftmb_p1) += __ftmb_v1); __ftmb_end_rmw(__ftmb_d1); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pointer_field_obj_rmw.c>"
// CHECK: __ftmb_register_tu("pointer_field_obj_rmw.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
