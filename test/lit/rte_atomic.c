// REQUIRES: dpdk
// RUN: %ftmbcc %s -o %t.c -- %dpdk_cflags
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %dpdk_cflags %t.c
// RUN: %clang_strict %dpdk_cflags %t.c
// DPDK atomics on shared counters.
#include <ftmb.h>
#include <rte_atomic.h>
__ftmb_shared rte_atomic32_t active;
int f(void)
{
	rte_atomic32_inc(&active);
	return rte_atomic32_read(&active);
}

// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_active); rte_atomic32_inc(&active); __ftmb_end_atomic(&__ftmb_var_active); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_active); __auto_type __ftmb_r2 = rte_atomic32_read(&active); __ftmb_end_atomic(&__ftmb_var_active); __ftmb_r2; });
// CHECK-NEXT: }
