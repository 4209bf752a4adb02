// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A shared pointer variable: p->f reads p (the shared state), not *p.
#include <ftmb.h>
struct node { int v; };
__ftmb_shared struct node *head;
int f(void)
{
	return head->v;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_head = FTMB_VAR_INIT(0x0a8f12cc5f9a0c03ULL, "head");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_head); __auto_type __ftmb_r1 = head; __ftmb_end_read(&__ftmb_var_head); __ftmb_r1; })->v;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_pointer_var.c>"
// CHECK: { 0x0a8f12cc5f9a0c03ULL, "head", (void *)&head, sizeof(head) },
// CHECK: &__ftmb_var_head,
// CHECK: __ftmb_register_tu("shared_pointer_var.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
