// REQUIRES: dpdk
// RUN: %ftmbcc %s -o %t.c -- %dpdk_cflags
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %dpdk_cflags %t.c
// RUN: %clang_strict %dpdk_cflags %t.c
// rte_malloc family goes to the checkpointed arena; rte_rand to the runtime.
#include <ftmb.h>
#include <rte_malloc.h>
#include <rte_random.h>
void *f(void)
{
	void *p = rte_zmalloc("flow", 64, 0);
	rte_free(p);
	p = rte_malloc(NULL, 32, 64);
	(void)rte_rand();
	return p;
}

// CHECK-LABEL: void *f(void)
// CHECK-NEXT: {
// CHECK-NEXT: void *p = __ftmb_rte_zmalloc("flow", 64, 0);
// CHECK-NEXT: __ftmb_rte_free(p);
// CHECK-NEXT: p = __ftmb_rte_malloc(NULL, 32, 64);
// CHECK-NEXT: (void)__ftmb_rte_rand();
// CHECK-NEXT: return p;
// CHECK-NEXT: }
