// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Accesses in if/while/do conditions.
#include <ftmb.h>
__ftmb_shared int ready;
int wait_ready(int n)
{
	if (ready)
		n++;
	while (!ready && n < 10)
		n++;
	do
		n--;
	while (ready > n);
	return n;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_ready = FTMB_VAR_INIT(0x8935baf305f374b4ULL, "ready");
// CHECK-LABEL: int wait_ready(int n)
// CHECK-NEXT: {
// CHECK-NEXT: if (({ __ftmb_begin(&__ftmb_var_ready); __auto_type __ftmb_r1 = ready; __ftmb_end_read(&__ftmb_var_ready); __ftmb_r1; }))
// CHECK-NEXT: n++;
// CHECK-NEXT: while (!({ __ftmb_begin(&__ftmb_var_ready); __auto_type __ftmb_r2 = ready; __ftmb_end_read(&__ftmb_var_ready); __ftmb_r2; }) && n < 10)
// CHECK-NEXT: n++;
// CHECK-NEXT: do
// CHECK-NEXT: n--;
// CHECK-NEXT: while (({ __ftmb_begin(&__ftmb_var_ready); __auto_type __ftmb_r3 = ready; __ftmb_end_read(&__ftmb_var_ready); __ftmb_r3; }) > n);
// CHECK-NEXT: return n;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_conditions.c>"
// CHECK: { 0x8935baf305f374b4ULL, "ready", (void *)&ready, sizeof(ready) },
// CHECK: &__ftmb_var_ready,
// CHECK: __ftmb_register_tu("pos_conditions.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
