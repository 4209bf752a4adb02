// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Assigning a whole shared struct is one write access.
#include <ftmb.h>
struct cfg { int a; char name[8]; };
__ftmb_shared struct cfg cfg;
void f(struct cfg c)
{
	cfg = c;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_cfg = FTMB_VAR_INIT(0xf5e618190ce6f5e1ULL, "cfg");
// CHECK-LABEL: void f(struct cfg c)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __typeof__(cfg) __ftmb_v1 = (c); __ftmb_begin(&__ftmb_var_cfg); (cfg = __ftmb_v1); __ftmb_end_write(&__ftmb_var_cfg); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of struct_copy_write.c>"
// CHECK: { 0xf5e618190ce6f5e1ULL, "cfg", (void *)&cfg, sizeof(cfg) },
// CHECK: &__ftmb_var_cfg,
// CHECK: __ftmb_register_tu("struct_copy_write.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
