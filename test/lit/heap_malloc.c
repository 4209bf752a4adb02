// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// The malloc family goes to the checkpointed arena.
#include <ftmb.h>
#include <stdlib.h>
#include <string.h>
char *f(const char *s)
{
	int *a = malloc(4 * sizeof *a);
	int *b = calloc(4, sizeof *b);
	a = realloc(a, 8 * sizeof *a);
	void *c = aligned_alloc(64, 64);
	void *d;
	if (posix_memalign(&d, 64, 128) == 0)
		free(d);
	free(a);
	free(b);
	free(c);
	char *t = strndup(s, 3);
	free(t);
	return strdup(s);
}

// CHECK-LABEL: char *f(const char *s)
// CHECK-NEXT: {
// CHECK-NEXT: int *a = __ftmb_malloc(4 * sizeof *a);
// CHECK-NEXT: int *b = __ftmb_calloc(4, sizeof *b);
// CHECK-NEXT: a = __ftmb_realloc(a, 8 * sizeof *a);
// CHECK-NEXT: void *c = __ftmb_aligned_alloc(64, 64);
// CHECK-NEXT: void *d;
// CHECK-NEXT: if (__ftmb_posix_memalign(&d, 64, 128) == 0)
// CHECK-NEXT: __ftmb_free(d);
// CHECK-NEXT: __ftmb_free(a);
// CHECK-NEXT: __ftmb_free(b);
// CHECK-NEXT: __ftmb_free(c);
// CHECK-NEXT: char *t = __ftmb_strndup(s, 3);
// CHECK-NEXT: __ftmb_free(t);
// CHECK-NEXT: return __ftmb_strdup(s);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of heap_malloc.c>"
// CHECK: __ftmb_register_tu("heap_malloc.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
