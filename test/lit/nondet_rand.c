// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Random numbers come from the runtime's per-packet generator.
#include <ftmb.h>
#include <stdlib.h>
int f(unsigned *seed)
{
	srand(42);
	srandom(7);
	return rand() + (int)random() + rand_r(seed);
}

// CHECK-LABEL: int f(unsigned *seed)
// CHECK-NEXT: {
// CHECK-NEXT: __ftmb_srand(42);
// CHECK-NEXT: __ftmb_srand(7);
// CHECK-NEXT: return __ftmb_rand() + (int)__ftmb_random() + __ftmb_rand_r(seed);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nondet_rand.c>"
// CHECK: __ftmb_register_tu("nondet_rand.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
