// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Members of a shared struct variable.
#include <ftmb.h>
struct pt { int x, y; };
__ftmb_shared struct pt p;
int f(void)
{
	p.x = 1;
	return p.y;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_p = FTMB_VAR_INIT(0xaf63ed4c8602096fULL, "p");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(p.x); __typeof__(*__ftmb_p1) __ftmb_v1 = (1); __ftmb_begin(&__ftmb_var_p); ((*__ftmb_p1) = __ftmb_v1); __ftmb_end_write(&__ftmb_var_p); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(p.y); __ftmb_begin(&__ftmb_var_p); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_p); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of member_dot.c>"
// CHECK: { 0xaf63ed4c8602096fULL, "p", (void *)&p, sizeof(p) },
// CHECK: &__ftmb_var_p,
// CHECK: __ftmb_register_tu("member_dot.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
