// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Plain operators on an _Atomic variable are atomic accesses; the result
// temporary has the non-atomic type.
#include <ftmb.h>
__ftmb_shared _Atomic int n;
int f(void)
{
	n++;
	n += 2;
	return n + 1;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_n = FTMB_VAR_INIT(0xaf63e34c8601f871ULL, "n");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_n); n++; __ftmb_end_atomic(&__ftmb_var_n); });
// CHECK-NEXT: ({ __auto_type __ftmb_v2 = (2); __ftmb_begin(&__ftmb_var_n); (n += __ftmb_v2); __ftmb_end_atomic(&__ftmb_var_n); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_n); __typeof__((void)0, n) __ftmb_r3 = n; __ftmb_end_atomic(&__ftmb_var_n); __ftmb_r3; }) + 1;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of atomic_var_plain.c>"
// CHECK: { 0xaf63e34c8601f871ULL, "n", (void *)&n, sizeof(n) },
// CHECK: &__ftmb_var_n,
// CHECK: __ftmb_register_tu("atomic_var_plain.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
