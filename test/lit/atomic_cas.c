// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// compare-exchange: the expected value is a local (not shared).
#include <ftmb.h>
#include <stdatomic.h>
#include <stdbool.h>
__ftmb_shared atomic_int v;
bool f(int want)
{
	int expected = 0;
	return atomic_compare_exchange_strong(&v, &expected, want);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_v = FTMB_VAR_INIT(0xaf63eb4c86020609ULL, "v");
// CHECK-LABEL: bool f(int want)
// CHECK-NEXT: {
// CHECK-NEXT: int expected = 0;
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_v); __auto_type __ftmb_r1 = atomic_compare_exchange_strong(&v, &expected, want); __ftmb_end_atomic(&__ftmb_var_v); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_cas.c>"
// CHECK: { 0xaf63eb4c86020609ULL, "v", (void *)&v, sizeof(v) },
// CHECK: &__ftmb_var_v,
// CHECK: __ftmb_register_tu("atomic_cas.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
