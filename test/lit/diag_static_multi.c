// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// Several function statics in one declaration: split them.
#include <ftmb.h>
int f(void)
{
    static int a, b;
// CHECK: diag_static_multi.c:[[@LINE-1]]:5: error: several function-static variables in one declaration [-Wftmb-static-local]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     static int a, b;
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_static_multi.c:[[@LINE-4]]:5: note: declare one static variable per declaration
    return a++ + b++;
}
