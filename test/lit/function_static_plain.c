// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Plain function statics are hoisted too (registry), uses renamed, not logged.
#include <ftmb.h>
int calls(void)
{
	static int n;
	static const char *names[] = { "a", "b" };
	n++;
	return n + (names[0][0] == 'a');
}

// CHECK-LABEL: int calls(void)
// CHECK-NEXT: {
// CHECK-NEXT: ;
// CHECK-NEXT: ;
// CHECK-NEXT: __ftmb_fs_calls__n++;
// CHECK-NEXT: return __ftmb_fs_calls__n + (__ftmb_fs_calls__names[0][0] == 'a');
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of function_static_plain.c>"
// CHECK: { 0x95edd7b781ff26afULL, "function_static_plain.c:calls:n", (void *)&__ftmb_fs_calls__n, sizeof(__ftmb_fs_calls__n) },
// CHECK: { 0x60ca55b607f8dd09ULL, "function_static_plain.c:calls:names", (void *)&__ftmb_fs_calls__names, sizeof(__ftmb_fs_calls__names) },
// CHECK: __ftmb_register_tu("function_static_plain.c", FTMB_ABI_VERSION, __ftmb_globals, 2, (ftmb_var_t *const *)0, 0);
// Hoisted declarations keep their original line numbers:
// RUN: FileCheck --check-prefix=HOIST %s < %t.c
// HOIST: #line 9 "{{.*}}function_static_plain.c"
// HOIST-NEXT: static int __ftmb_fs_calls__n;
// HOIST-NEXT: #line 7 "{{.*}}function_static_plain.c"
// HOIST: #line 10 "{{.*}}function_static_plain.c"
// HOIST-NEXT: static const char *__ftmb_fs_calls__names[] = { "a", "b" };
