// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Assigning a null pointer constant to a shared pointer: the temporary has
// the variable's type, so 0 stays a null pointer constant.
#include <ftmb.h>
__ftmb_shared char *name;
void f(void)
{
	name = 0;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_name = FTMB_VAR_INIT(0xc4bcadba8e631b86ULL, "name");
// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(name) __ftmb_v1 = (0); __ftmb_begin(&__ftmb_var_name); (name = __ftmb_v1); __ftmb_end_write(&__ftmb_var_name); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of null_pointer_assign.c>"
// CHECK: { 0xc4bcadba8e631b86ULL, "name", (void *)&name, sizeof(name) },
// CHECK: &__ftmb_var_name,
// CHECK: __ftmb_register_tu("null_pointer_assign.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
