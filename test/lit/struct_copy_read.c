// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Copying a whole shared struct is one read access.
#include <ftmb.h>
struct cfg { int a; char name[8]; };
__ftmb_shared struct cfg cfg;
int f(void)
{
	struct cfg local = cfg;
	return local.a;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_cfg = FTMB_VAR_INIT(0xf5e618190ce6f5e1ULL, "cfg");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: struct cfg local = ({ __ftmb_begin(&__ftmb_var_cfg); __auto_type __ftmb_r1 = cfg; __ftmb_end_read(&__ftmb_var_cfg); __ftmb_r1; });
// CHECK-NEXT: return local.a;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of struct_copy_read.c>"
// CHECK: { 0xf5e618190ce6f5e1ULL, "cfg", (void *)&cfg, sizeof(cfg) },
// CHECK: &__ftmb_var_cfg,
// CHECK: __ftmb_register_tu("struct_copy_read.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
