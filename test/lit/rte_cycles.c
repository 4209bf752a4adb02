// REQUIRES: dpdk
// RUN: %ftmbcc %s -o %t.c -- %dpdk_cflags
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %dpdk_cflags %t.c
// RUN: %clang_strict %dpdk_cflags %t.c
// TSC reads go to the runtime's clock (the packet's timestamp).
#include <ftmb.h>
#include <rte_cycles.h>
uint64_t f(void)
{
	uint64_t a = rte_rdtsc();
	uint64_t b = rte_get_timer_cycles();
	uint64_t c = rte_rdtsc_precise();
	return a + b + c + rte_get_tsc_hz();
}

// CHECK-LABEL: uint64_t f(void)
// CHECK-NEXT: {
// CHECK-NEXT: uint64_t a = __ftmb_rdtsc();
// CHECK-NEXT: uint64_t b = __ftmb_rdtsc();
// CHECK-NEXT: uint64_t c = __ftmb_rdtsc();
// CHECK-NEXT: return a + b + c + __ftmb_tsc_hz();
// CHECK-NEXT: }
