// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A file-scope pointer initialised with the address of shared state.
#include <ftmb.h>
__ftmb_shared int x;
__ftmb_shared int arr[4];
int *px = &x;
// CHECK: diag_escape_global_init.c:[[@LINE-1]]:11: error: address of shared variable 'x' escapes: stored in a pointer [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] | int *px = &x;
// CHECK-NEXT: {{^}}      |           ^
int *pa = arr;
// CHECK: diag_escape_global_init.c:[[@LINE-1]]:11: error: address of shared variable 'arr' escapes: stored in a pointer [-Wftmb-escape]
unsigned long ok = sizeof(&x);
