// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Lock acquisitions of a shared mutex are lock accesses; unlock passes through.
#include <ftmb.h>
#include <pthread.h>
__ftmb_shared pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
__ftmb_shared int value;
int f(void)
{
	pthread_mutex_lock(&m);
	int v = value++;
	pthread_mutex_unlock(&m);
	return v;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_m = FTMB_VAR_INIT(0xaf63e04c8601f358ULL, "m");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_value = FTMB_VAR_INIT(0x7ce4fd9430e80ceaULL, "value");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_lock_begin(&__ftmb_var_m); __auto_type __ftmb_r1 = pthread_mutex_lock(&m); __ftmb_lock_end(&__ftmb_var_m, __ftmb_r1 == 0); });
// CHECK-NEXT: int v = ({ __ftmb_begin(&__ftmb_var_value); __auto_type __ftmb_r2 = value++; __ftmb_end_rmw(&__ftmb_var_value); __ftmb_r2; });
// CHECK-NEXT: pthread_mutex_unlock(&m);
// CHECK-NEXT: return v;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pthread_mutex.c>"
// CHECK: { 0xaf63e04c8601f358ULL, "m", (void *)&m, sizeof(m) },
// CHECK: { 0x7ce4fd9430e80ceaULL, "value", (void *)&value, sizeof(value) },
// CHECK: &__ftmb_var_m,
// CHECK: &__ftmb_var_value,
// CHECK: __ftmb_register_tu("pthread_mutex.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 2);
