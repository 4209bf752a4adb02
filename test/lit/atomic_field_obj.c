// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An atomic on a member of a shared struct type: per-object descriptor.
#include <ftmb.h>
#include <stdatomic.h>
struct __ftmb_shared stats { atomic_long pkts; };
void f(struct stats *s)
{
	atomic_fetch_add(&s->pkts, 1);
}

// CHECK-LABEL: void f(struct stats *s)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_o1 = (s); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x1a549d461aa35093ULL, "struct stats", __ftmb_o1); __auto_type __ftmb_a1_0 = ((void)0, &__ftmb_o1->pkts); __ftmb_begin(__ftmb_d1); atomic_fetch_add(__ftmb_a1_0, 1); __ftmb_end_atomic(__ftmb_d1); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_field_obj.c>"
// CHECK: __ftmb_register_tu("atomic_field_obj.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
