// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// An argument that contains another shared access is evaluated before the
// atomic's lock is taken (one lock at a time).
#include <ftmb.h>
#include <stdatomic.h>
__ftmb_shared atomic_int counters[4];
__ftmb_shared int which;
void f(void)
{
	atomic_fetch_add(&counters[which], 1);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_counters = FTMB_VAR_INIT(0x87c95941ec75cf30ULL, "counters");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_which = FTMB_VAR_INIT(0xce989e88581f9422ULL, "which");
// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_a2_0 = ((void)0, &counters[({ __ftmb_begin(&__ftmb_var_which); __auto_type __ftmb_r1 = which; __ftmb_end_read(&__ftmb_var_which); __ftmb_r1; })]); __ftmb_begin(&__ftmb_var_counters); atomic_fetch_add(__ftmb_a2_0, 1); __ftmb_end_atomic(&__ftmb_var_counters); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_args_hoisted.c>"
// CHECK: { 0x87c95941ec75cf30ULL, "counters", (void *)&counters, sizeof(counters) },
// CHECK: { 0xce989e88581f9422ULL, "which", (void *)&which, sizeof(which) },
// CHECK: &__ftmb_var_counters,
// CHECK: &__ftmb_var_which,
// CHECK: __ftmb_register_tu("atomic_args_hoisted.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
