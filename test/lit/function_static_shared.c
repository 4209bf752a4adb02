// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A shared function-static variable is hoisted to file scope (so the registry
// can take its address) and gets a static descriptor "file:func:var".
#include <ftmb.h>
int next_id(void)
{
	__ftmb_shared static int counter = 100;
	return counter++;
}

// CHECK: static ftmb_var_t __ftmb_fsvar_next_id__counter = FTMB_VAR_INIT(0x6a9fbf8472214ed0ULL, "function_static_shared.c:next_id:counter");
// CHECK-LABEL: int next_id(void)
// CHECK-NEXT: {
// CHECK-NEXT: ;
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_fsvar_next_id__counter); __auto_type __ftmb_r1 = __ftmb_fs_next_id__counter++; __ftmb_end_rmw(&__ftmb_fsvar_next_id__counter); __ftmb_r1; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of function_static_shared.c>"
// CHECK: { 0x6a9fbf8472214ed0ULL, "function_static_shared.c:next_id:counter", (void *)&__ftmb_fs_next_id__counter, sizeof(__ftmb_fs_next_id__counter) },
// CHECK: &__ftmb_fsvar_next_id__counter,
// CHECK: __ftmb_register_tu("function_static_shared.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
// RUN: FileCheck --check-prefix=HOIST %s < %t.c
// HOIST: static ftmb_var_t __ftmb_fsvar_next_id__counter = FTMB_VAR_INIT(0x{{[0-9a-f]+}}ULL, "function_static_shared.c:next_id:counter");
// HOIST: #line 10 "{{.*}}function_static_shared.c"
// HOIST-NEXT: __ftmb_shared static int __ftmb_fs_next_id__counter = 100;
