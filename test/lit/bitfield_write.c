// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Writing a bitfield: value converted to the field's type, as C does.
#include <ftmb.h>
struct flags { unsigned a : 3, b : 5; };
__ftmb_shared struct flags fl;
void f(unsigned v)
{
	fl.a = v;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_fl = FTMB_VAR_INIT(0x08985807b541d18fULL, "fl");
// CHECK-LABEL: void f(unsigned v)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(fl); unsigned int __ftmb_v1 = (v); __ftmb_begin(&__ftmb_var_fl); (__ftmb_p1->a = __ftmb_v1); __ftmb_end_write(&__ftmb_var_fl); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of bitfield_write.c>"
// CHECK: { 0x08985807b541d18fULL, "fl", (void *)&fl, sizeof(fl) },
// CHECK: &__ftmb_var_fl,
// CHECK: __ftmb_register_tu("bitfield_write.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
