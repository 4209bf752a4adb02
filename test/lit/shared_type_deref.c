// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Whole-object copies through a pointer to a shared type.
#include <ftmb.h>
struct __ftmb_shared conn { int state; int pkts; };
int snapshot(struct conn *c)
{
	struct conn copy = *c;
	return copy.pkts;
}

// CHECK-LABEL: int snapshot(struct conn *c)
// CHECK-NEXT: {
// CHECK-NEXT: struct conn copy = ({ __auto_type __ftmb_o1 = (c); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o1); __auto_type __ftmb_p1 = &(*__ftmb_o1); __ftmb_begin(__ftmb_d1); __auto_type __ftmb_r1 = (*__ftmb_p1); __ftmb_end_read(__ftmb_d1); __ftmb_r1; });
// CHECK-NEXT: return copy.pkts;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_type_deref.c>"
// CHECK: __ftmb_register_tu("shared_type_deref.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
