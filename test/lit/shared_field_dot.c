// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An annotated member of a global object reached with '.'.
#include <ftmb.h>
struct flow { __ftmb_shared long bytes; };
struct flow global_flow;
long f(void)
{
	return global_flow.bytes;
}

// CHECK-LABEL: long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __auto_type __ftmb_o1 = &(global_flow); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x4fdf95bd7698fee8ULL, "struct flow", __ftmb_o1); __auto_type __ftmb_p1 = &((*__ftmb_o1).bytes); __ftmb_begin(__ftmb_d1); __auto_type __ftmb_r1 = (*__ftmb_p1); __ftmb_end_read(__ftmb_d1); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of shared_field_dot.c>"
// CHECK: { 0x51d6b8c1e7754e1fULL, "global_flow", (void *)&global_flow, sizeof(global_flow) },
// CHECK: __ftmb_register_tu("shared_field_dot.c", FTMB_ABI_VERSION, __ftmb_globals, 1, (ftmb_var_t *const *)0, 0);
