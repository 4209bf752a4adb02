// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A mutex inside an object of a shared type.
#include <ftmb.h>
#include <pthread.h>
struct __ftmb_shared table { pthread_mutex_t lock; int n; };
int f(struct table *t)
{
	pthread_mutex_lock(&t->lock);
	int n = t->n;
	pthread_mutex_unlock(&t->lock);
	return n;
}

// CHECK-LABEL: int f(struct table *t)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_o1 = (t); ftmb_var_t *__ftmb_d1 = __ftmb_obj(0x0dd51b11993142c4ULL, "struct table", __ftmb_o1); __auto_type __ftmb_a1_0 = ((void)0, &__ftmb_o1->lock); __ftmb_lock_begin(__ftmb_d1); __auto_type __ftmb_r1 = pthread_mutex_lock(__ftmb_a1_0); __ftmb_lock_end(__ftmb_d1, __ftmb_r1 == 0); });
// CHECK-NEXT: int n = ({ __auto_type __ftmb_o2 = (t); ftmb_var_t *__ftmb_d2 = __ftmb_obj(0x0dd51b11993142c4ULL, "struct table", __ftmb_o2); __auto_type __ftmb_p2 = &(__ftmb_o2->n); __ftmb_begin(__ftmb_d2); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(__ftmb_d2); __ftmb_r2; });
// CHECK-NEXT: pthread_mutex_unlock(&t->lock);
// CHECK-NEXT: return n;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of lock_field_obj.c>"
// CHECK: __ftmb_register_tu("lock_field_obj.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
