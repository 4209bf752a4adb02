// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// __sync builtins.
#include <ftmb.h>
__ftmb_shared int lockword;
__ftmb_shared long count;
int f(void)
{
	__sync_fetch_and_add(&count, 1);
	while (__sync_lock_test_and_set(&lockword, 1))
		;
	__sync_lock_release(&lockword);
	return __sync_bool_compare_and_swap(&count, 1, 2);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_lockword = FTMB_VAR_INIT(0xd5649073adb13f96ULL, "lockword");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_count = FTMB_VAR_INIT(0xb1e5e28e4479a274ULL, "count");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_count); __sync_fetch_and_add(&count, 1); __ftmb_end_atomic(&__ftmb_var_count); });
// CHECK-NEXT: while (({ __ftmb_begin(&__ftmb_var_lockword); __auto_type __ftmb_r2 = __sync_lock_test_and_set(&lockword, 1); __ftmb_end_atomic(&__ftmb_var_lockword); __ftmb_r2; }))
// CHECK-NEXT: ;
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_lockword); __sync_lock_release(&lockword); __ftmb_end_atomic(&__ftmb_var_lockword); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_count); __auto_type __ftmb_r4 = __sync_bool_compare_and_swap(&count, 1, 2); __ftmb_end_atomic(&__ftmb_var_count); __ftmb_r4; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of sync_builtin.c>"
// CHECK: { 0xd5649073adb13f96ULL, "lockword", (void *)&lockword, sizeof(lockword) },
// CHECK: { 0xb1e5e28e4479a274ULL, "count", (void *)&count, sizeof(count) },
// CHECK: &__ftmb_var_lockword,
// CHECK: &__ftmb_var_count,
// CHECK: __ftmb_register_tu("sync_builtin.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
