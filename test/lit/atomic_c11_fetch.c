// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// C11 atomics on shared objects: the whole call is one FTMB_ATOMIC access.
#include <ftmb.h>
#include <stdatomic.h>
__ftmb_shared atomic_long hits;
long f(void)
{
	atomic_fetch_add(&hits, 1);
	return atomic_fetch_sub_explicit(&hits, 2, memory_order_relaxed);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_hits = FTMB_VAR_INIT(0x732dfbcc9b0cf0bbULL, "hits");
// CHECK-LABEL: long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_hits); atomic_fetch_add(&hits, 1); __ftmb_end_atomic(&__ftmb_var_hits); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_hits); __auto_type __ftmb_r2 = atomic_fetch_sub_explicit(&hits, 2, memory_order_relaxed); __ftmb_end_atomic(&__ftmb_var_hits); __ftmb_r2; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_c11_fetch.c>"
// CHECK: { 0x732dfbcc9b0cf0bbULL, "hits", (void *)&hits, sizeof(hits) },
// CHECK: &__ftmb_var_hits,
// CHECK: __ftmb_register_tu("atomic_c11_fetch.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
