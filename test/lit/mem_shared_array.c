// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// memcpy/memset into or out of a shared array: one access to the array.
#include <ftmb.h>
#include <string.h>
__ftmb_shared char name[16];
void set(const char *s)
{
	memset(name, 0, sizeof name);
	memcpy(name, s, 8);
}
int same(const char *s)
{
	char copy[16];
	memcpy(copy, name, sizeof copy);
	return memcmp(name, s, 4) == 0 && copy[0];
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_name = FTMB_VAR_INIT(0xc4bcadba8e631b86ULL, "name");
// CHECK-LABEL: void set(const char *s)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_name); memset(name, 0, sizeof name); __ftmb_end_write(&__ftmb_var_name); });
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_name); memcpy(name, s, 8); __ftmb_end_write(&__ftmb_var_name); });
// CHECK-NEXT: }
// CHECK-LABEL: int same(const char *s)
// CHECK-NEXT: {
// CHECK-NEXT: char copy[16];
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_name); memcpy(copy, name, sizeof copy); __ftmb_end_read(&__ftmb_var_name); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_name); __auto_type __ftmb_r4 = memcmp(name, s, 4); __ftmb_end_read(&__ftmb_var_name); __ftmb_r4; }) == 0 && copy[0];
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of mem_shared_array.c>"
// CHECK: { 0xc4bcadba8e631b86ULL, "name", (void *)&name, sizeof(name) },
// CHECK: &__ftmb_var_name,
// CHECK: __ftmb_register_tu("mem_shared_array.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
