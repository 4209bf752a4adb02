// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Uses as function pointers are renamed too.
#include <ftmb.h>
#include <stdlib.h>
int (*gen)(void);
void (*release)(void *);
void f(void)
{
	gen = rand;
	release = free;
}

// CHECK-LABEL: void f(void)
// CHECK-NEXT: {
// CHECK-NEXT: gen = __ftmb_rand;
// CHECK-NEXT: release = __ftmb_free;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nondet_fnptr.c>"
// CHECK: { 0xd4e26d18faaa8af5ULL, "gen", (void *)&gen, sizeof(gen) },
// CHECK: { 0xa63d4c9b882b10feULL, "release", (void *)&release, sizeof(release) },
// CHECK: __ftmb_register_tu("nondet_fnptr.c", FTMB_ABI_VERSION, __ftmb_globals, 2, (ftmb_var_t *const *)0, 0);
