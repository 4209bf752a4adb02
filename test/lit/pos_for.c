// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Loop headers: init and increment are statements (void form), the
// condition keeps its value.
#include <ftmb.h>
__ftmb_shared int i;
int sum(void)
{
	int s = 0;
	for (i = 0; i < 4; i++)
		s += i;
	return s;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_i = FTMB_VAR_INIT(0xaf63e44c8601fa24ULL, "i");
// CHECK-LABEL: int sum(void)
// CHECK-NEXT: {
// CHECK-NEXT: int s = 0;
// CHECK-NEXT: for (({ __typeof__(i) __ftmb_v1 = (0); __ftmb_begin(&__ftmb_var_i); (i = __ftmb_v1); __ftmb_end_write(&__ftmb_var_i); }); ({ __ftmb_begin(&__ftmb_var_i); __auto_type __ftmb_r2 = i; __ftmb_end_read(&__ftmb_var_i); __ftmb_r2; }) < 4; ({ __ftmb_begin(&__ftmb_var_i); i++; __ftmb_end_rmw(&__ftmb_var_i); }))
// CHECK-NEXT: s += ({ __ftmb_begin(&__ftmb_var_i); __auto_type __ftmb_r4 = i; __ftmb_end_read(&__ftmb_var_i); __ftmb_r4; });
// CHECK-NEXT: return s;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_for.c>"
// CHECK: { 0xaf63e44c8601fa24ULL, "i", (void *)&i, sizeof(i) },
// CHECK: &__ftmb_var_i,
// CHECK: __ftmb_register_tu("pos_for.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
