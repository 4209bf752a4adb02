// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// time(): the argument is cast to the runtime's long *.
#include <ftmb.h>
#include <time.h>
time_t f(void)
{
	time_t t;
	time(&t);
	return t + time(NULL);
}

// CHECK-LABEL: time_t f(void)
// CHECK-NEXT: {
// CHECK-NEXT: time_t t;
// CHECK-NEXT: __ftmb_time((long *)(&t));
// CHECK-NEXT: return t + __ftmb_time(NULL);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nondet_time.c>"
// CHECK: __ftmb_register_tu("nondet_time.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
