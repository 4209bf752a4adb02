// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Shared unions behave like structs.
#include <ftmb.h>
union u { int i; float f; };
__ftmb_shared union u val;
int f(void)
{
	val.f = 1.0f;
	return val.i;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_val = FTMB_VAR_INIT(0x690422194ed16e3cULL, "val");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_p1 = &(val.f); __typeof__(*__ftmb_p1) __ftmb_v1 = (1.0f); __ftmb_begin(&__ftmb_var_val); ((*__ftmb_p1) = __ftmb_v1); __ftmb_end_write(&__ftmb_var_val); });
// CHECK-NEXT: return ({ __auto_type __ftmb_p2 = &(val.i); __ftmb_begin(&__ftmb_var_val); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_val); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of union_shared.c>"
// CHECK: { 0x690422194ed16e3cULL, "val", (void *)&val, sizeof(val) },
// CHECK: &__ftmb_var_val,
// CHECK: __ftmb_register_tu("union_shared.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
