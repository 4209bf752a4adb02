// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An annotated struct member: accesses are ordered per object, the
// descriptor comes from __ftmb_obj(type id, "struct T", object address).
#include <ftmb.h>
struct flow { __ftmb_shared long bytes; long local_only; };
void account(struct flow *f, long n)
{
	f->bytes += n;
	f->local_only += n;
}

// CHECK-LABEL: void account(struct flow *f, long n)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_o1 = (f); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x4fdf95bd7698fee8ULL, "struct flow", __ftmb_o1); __auto_type __ftmb_p1 = &(__ftmb_o1->bytes); __auto_type __ftmb_v1 = (n); __ftmb_begin(__ftmb_d1); ((*__ftmb_p1) += __ftmb_v1); __ftmb_end_rmw(__ftmb_d1); });
// CHECK-NEXT: f->local_only += n;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_field.c>"
// CHECK: __ftmb_register_tu("shared_field.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
