// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A pointer into a shared array (not dereferenced at once) escapes.
#include <ftmb.h>
__ftmb_shared int arr[8];
int f(int i)
{
    int *p = arr + i;
// CHECK: diag_escape_pointer_arith.c:[[@LINE-1]]:14: error: address of shared variable 'arr' escapes: its address is used where ftmbcc cannot follow it [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     int *p = arr + i;
// CHECK-NEXT: {{^}}      |              ^
    return *p;
}
