// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Bitfields have no address: the enclosing struct is addressed instead, and
// the result temporary has the type of the promoted value, __typeof__(+(...))
// (gcc rejects __auto_type on a bit-field).
#include <ftmb.h>
struct flags { unsigned a : 3, b : 5; };
__ftmb_shared struct flags fl;
unsigned f(void)
{
	return fl.b;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_fl = FTMB_VAR_INIT(0x08985807b541d18fULL, "fl");
// CHECK-LABEL: unsigned f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __auto_type __ftmb_p1 = &(fl); __ftmb_begin(&__ftmb_var_fl); __typeof__(+(__ftmb_p1->b)) __ftmb_r1 = __ftmb_p1->b; __ftmb_end_read(&__ftmb_var_fl); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of bitfield_read.c>"
// CHECK: { 0x08985807b541d18fULL, "fl", (void *)&fl, sizeof(fl) },
// CHECK: &__ftmb_var_fl,
// CHECK: __ftmb_register_tu("bitfield_read.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
