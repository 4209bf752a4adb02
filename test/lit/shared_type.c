// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An annotated struct type: every field of every object, even via pointers.
#include <ftmb.h>
struct __ftmb_shared conn { int state; int pkts; };
int step(struct conn *c)
{
	c->pkts++;
	if (c->state == 0)
		c->state = 1;
	return c->pkts;
}

// CHECK-LABEL: int step(struct conn *c)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_o1 = (c); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o1); __auto_type __ftmb_p1 = &(__ftmb_o1->pkts); __ftmb_begin(__ftmb_d1); (*__ftmb_p1)++; __ftmb_end_rmw(__ftmb_d1); });
// CHECK-NEXT: if (({ __auto_type __ftmb_o2 = (c); ftmb_var_t *__ftmb_d2 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o2); __auto_type __ftmb_p2 = &(__ftmb_o2->state); __ftmb_begin(__ftmb_d2); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(__ftmb_d2); __ftmb_r2; }) == 0)
// CHECK-NEXT: ({ __auto_type __ftmb_o3 = (c); ftmb_var_t *__ftmb_d3 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o3); __auto_type __ftmb_p3 = &(__ftmb_o3->state); __typeof__(*__ftmb_p3) __ftmb_v3 = (1); __ftmb_begin(__ftmb_d3); ((*__ftmb_p3) = __ftmb_v3); __ftmb_end_write(__ftmb_d3); });
// CHECK-NEXT: return ({ __auto_type __ftmb_o4 = (c); ftmb_var_t *__ftmb_d4 = __ftmb_obj(0x196c53a565432fbeULL, "struct conn", __ftmb_o4); __auto_type __ftmb_p4 = &(__ftmb_o4->pkts); __ftmb_begin(__ftmb_d4); __auto_type __ftmb_r4 = (*__ftmb_p4); __ftmb_end_read(__ftmb_d4); __ftmb_r4; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_type.c>"
// CHECK: __ftmb_register_tu("shared_type.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
