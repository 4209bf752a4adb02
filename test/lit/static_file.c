// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A file-scope static gets a static descriptor named after file:var.
#include <ftmb.h>
__ftmb_shared static int hits;
int f(void)
{
	return hits++;
}

// CHECK: static ftmb_var_t __ftmb_svar_hits = FTMB_VAR_INIT(0xa551a79422fe1c4bULL, "static_file.c:hits");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_svar_hits); __auto_type __ftmb_r1 = hits++; __ftmb_end_rmw(&__ftmb_svar_hits); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of static_file.c>"
// CHECK: { 0xa551a79422fe1c4bULL, "static_file.c:hits", (void *)&hits, sizeof(hits) },
// CHECK: &__ftmb_svar_hits,
// CHECK: __ftmb_register_tu("static_file.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
