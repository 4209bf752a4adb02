// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A volatile shared variable is read exactly once.
#include <ftmb.h>
__ftmb_shared volatile int flag;
int f(void)
{
	int a = flag;
	flag = a + 1;
	return a;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_flag = FTMB_VAR_INIT(0xd5f2d079088c0b17ULL, "flag");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: int a = ({ __ftmb_begin(&__ftmb_var_flag); __auto_type __ftmb_r1 = flag; __ftmb_end_read(&__ftmb_var_flag); __ftmb_r1; });
// CHECK-NEXT: ({ __typeof__(flag) __ftmb_v2 = (a + 1); __ftmb_begin(&__ftmb_var_flag); (flag = __ftmb_v2); __ftmb_end_write(&__ftmb_var_flag); });
// CHECK-NEXT: return a;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of volatile_var.c>"
// CHECK: { 0xd5f2d079088c0b17ULL, "flag", (void *)&flag, sizeof(flag) },
// CHECK: &__ftmb_var_flag,
// CHECK: __ftmb_register_tu("volatile_var.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
