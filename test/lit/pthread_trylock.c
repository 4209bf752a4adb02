// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// trylock: acquired = (result == 0); the result is kept.
#include <ftmb.h>
#include <pthread.h>
__ftmb_shared pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int f(void)
{
	if (pthread_mutex_trylock(&m) == 0) {
		pthread_mutex_unlock(&m);
		return 1;
	}
	return 0;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_m = FTMB_VAR_INIT(0xaf63e04c8601f358ULL, "m");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: if (({ __ftmb_lock_begin(&__ftmb_var_m); __auto_type __ftmb_r1 = pthread_mutex_trylock(&m); __ftmb_lock_end(&__ftmb_var_m, __ftmb_r1 == 0); __ftmb_r1; }) == 0) {
// CHECK-NEXT: pthread_mutex_unlock(&m);
// CHECK-NEXT: return 1;
// CHECK-NEXT: }
// CHECK-NEXT: return 0;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pthread_trylock.c>"
// CHECK: { 0xaf63e04c8601f358ULL, "m", (void *)&m, sizeof(m) },
// CHECK: &__ftmb_var_m,
// CHECK: __ftmb_register_tu("pthread_trylock.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
