// REQUIRES: dpdk
// RUN: %ftmbcc %s -o %t.c -- %dpdk_cflags
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %dpdk_cflags %t.c
// RUN: %clang_strict %dpdk_cflags %t.c
// rte_spinlock_lock is void (acquired = 1); trylock returns 1 on success.
#include <ftmb.h>
#include <rte_spinlock.h>
__ftmb_shared rte_spinlock_t lk = RTE_SPINLOCK_INITIALIZER;
int f(void)
{
	rte_spinlock_lock(&lk);
	rte_spinlock_unlock(&lk);
	return rte_spinlock_trylock(&lk);
}

// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_lock_begin(&__ftmb_var_lk); rte_spinlock_lock(&lk); __ftmb_lock_end(&__ftmb_var_lk, 1); });
// CHECK-NEXT: rte_spinlock_unlock(&lk);
// CHECK-NEXT: return ({ __ftmb_lock_begin(&__ftmb_var_lk); __auto_type __ftmb_r2 = rte_spinlock_trylock(&lk); __ftmb_lock_end(&__ftmb_var_lk, __ftmb_r2 != 0); __ftmb_r2; });
// CHECK-NEXT: }
