// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// s[i].f with s a shared variable and f a shared field: one access, logged
// on the variable's (static) descriptor.
#include <ftmb.h>
struct e { __ftmb_shared int f; };
__ftmb_shared struct e s[4];
int f(int i)
{
	return s[i].f;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_s = FTMB_VAR_INIT(0xaf63ee4c86020b22ULL, "s");
// CHECK-LABEL: int f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __auto_type __ftmb_p1 = &(s[i].f); __ftmb_begin(&__ftmb_var_s); __auto_type __ftmb_r1 = (*__ftmb_p1); __ftmb_end_read(&__ftmb_var_s); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nested_var_and_field.c>"
// CHECK: { 0xaf63ee4c86020b22ULL, "s", (void *)&s, sizeof(s) },
// CHECK: &__ftmb_var_s,
// CHECK: __ftmb_register_tu("nested_var_and_field.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
