// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
#include <ftmb.h>
__ftmb_shared int x;
int get(void)
{
	return x;
}
// CHECK-LABEL: int get(void)
// CHECK: __ftmb_end_read(&__ftmb_var_x)
