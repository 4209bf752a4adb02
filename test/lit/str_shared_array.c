// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// String functions on a shared buffer: one access of the whole call
// (destination = write, source = read).
#include <ftmb.h>
#include <stdio.h>
#include <string.h>
__ftmb_shared char name[32];
unsigned long f(const char *s, int id)
{
	strncpy(name, s, sizeof name - 1);
	snprintf(name, sizeof name, "flow-%d", id);
	return strlen(name) + (strcmp(name, s) == 0);
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_name = FTMB_VAR_INIT(0xc4bcadba8e631b86ULL, "name");
// CHECK-LABEL: unsigned long f(const char *s, int id)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_name); strncpy(name, s, sizeof name - 1); __ftmb_end_write(&__ftmb_var_name); });
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_name); snprintf(name, sizeof name, "flow-%d", id); __ftmb_end_write(&__ftmb_var_name); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_name); __auto_type __ftmb_r3 = strlen(name); __ftmb_end_read(&__ftmb_var_name); __ftmb_r3; }) + (({ __ftmb_begin(&__ftmb_var_name); __auto_type __ftmb_r4 = strcmp(name, s); __ftmb_end_read(&__ftmb_var_name); __ftmb_r4; }) == 0);
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of str_shared_array.c>"
// CHECK: { 0xc4bcadba8e631b86ULL, "name", (void *)&name, sizeof(name) },
// CHECK: &__ftmb_var_name,
// CHECK: __ftmb_register_tu("str_shared_array.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
