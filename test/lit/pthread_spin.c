// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// pthread spinlocks.
#include <ftmb.h>
#include <pthread.h>
__ftmb_shared pthread_spinlock_t sl;
void f(void)
{
	pthread_spin_lock(&sl);
	pthread_spin_unlock(&sl);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_sl = FTMB_VAR_INIT(0x08d93a07b579358aULL, "sl");
// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_lock_begin(&__ftmb_var_sl); __auto_type __ftmb_r1 = pthread_spin_lock(&sl); __ftmb_lock_end(&__ftmb_var_sl, __ftmb_r1 == 0); });
// CHECK-NEXT: pthread_spin_unlock(&sl);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pthread_spin.c>"
// CHECK: { 0x08d93a07b579358aULL, "sl", (void *)&sl, sizeof(sl) },
// CHECK: &__ftmb_var_sl,
// CHECK: __ftmb_register_tu("pthread_spin.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
