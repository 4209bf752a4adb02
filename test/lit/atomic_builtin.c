// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// __atomic builtins.
#include <ftmb.h>
__ftmb_shared long x;
long f(void)
{
	__atomic_store_n(&x, 5, __ATOMIC_RELEASE);
	return __atomic_add_fetch(&x, 1, __ATOMIC_SEQ_CST) + __atomic_load_n(&x, __ATOMIC_ACQUIRE);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_x); __atomic_store_n(&x, 5, __ATOMIC_RELEASE); __ftmb_end_atomic(&__ftmb_var_x); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r2 = __atomic_add_fetch(&x, 1, __ATOMIC_SEQ_CST); __ftmb_end_atomic(&__ftmb_var_x); __ftmb_r2; }) + ({ __ftmb_begin(&__ftmb_var_x); __auto_type __ftmb_r3 = __atomic_load_n(&x, __ATOMIC_ACQUIRE); __ftmb_end_atomic(&__ftmb_var_x); __ftmb_r3; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_builtin.c>"
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("atomic_builtin.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
