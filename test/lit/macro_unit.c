// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A macro whose body accesses shared state is rewritten as one unit around
// its whole expansion when it is an expression.
#include <ftmb.h>
__ftmb_shared int count;
#define GET() (count)
#define BUMP() (count++)
int f(void)
{
	BUMP();
	return GET() + 1;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_count = FTMB_VAR_INIT(0xb1e5e28e4479a274ULL, "count");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_count); BUMP(); __ftmb_end_rmw(&__ftmb_var_count); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_count); __auto_type __ftmb_r2 = GET(); __ftmb_end_read(&__ftmb_var_count); __ftmb_r2; }) + 1;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of macro_unit.c>"
// CHECK: { 0xb1e5e28e4479a274ULL, "count", (void *)&count, sizeof(count) },
// CHECK: &__ftmb_var_count,
// CHECK: __ftmb_register_tu("macro_unit.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
