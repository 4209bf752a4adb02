// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Allocation or random calls inside a macro defined in this file: the token
// in the #define is renamed (the same for every expansion).
#include <ftmb.h>
#include <stdlib.h>
struct node { int v; };
#define NEW(T) ((T *)malloc(sizeof(T)))
#define JITTER() (rand() % 8 + 1)
int f(void)
{
	struct node *n = NEW(struct node);
	int j = JITTER() + JITTER();
	free(n);
	return j;
}

// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: struct node *n = NEW(struct node);
// CHECK-NEXT: int j = JITTER() + JITTER();
// CHECK-NEXT: __ftmb_free(n);
// CHECK-NEXT: return j;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nondet_macro_define.c>"
// CHECK: __ftmb_register_tu("nondet_macro_define.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
// DEF: #define NEW(T) ((T *)__ftmb_malloc(sizeof(T)))
// DEF: #define JITTER() (__ftmb_rand() % 8 + 1)
// RUN: grep -v '^//' %t.c | FileCheck --check-prefix=DEF %s
