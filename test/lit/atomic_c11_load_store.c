// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// atomic_load returns a value; atomic_store is void (void form).
#include <ftmb.h>
#include <stdatomic.h>
__ftmb_shared atomic_int flag;
int f(int v)
{
	atomic_store(&flag, v);
	return atomic_load(&flag);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_flag = FTMB_VAR_INIT(0xd5f2d079088c0b17ULL, "flag");
// CHECK-LABEL: int f(int v)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_flag); atomic_store(&flag, v); __ftmb_end_atomic(&__ftmb_var_flag); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_flag); __auto_type __ftmb_r2 = atomic_load(&flag); __ftmb_end_atomic(&__ftmb_var_flag); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_c11_load_store.c>"
// CHECK: { 0xd5f2d079088c0b17ULL, "flag", (void *)&flag, sizeof(flag) },
// CHECK: &__ftmb_var_flag,
// CHECK: __ftmb_register_tu("atomic_c11_load_store.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
