// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// Returning the address of shared state.
#include <ftmb.h>
__ftmb_shared int table[8];
__ftmb_shared int x;
int *f(void)
{
    return &x;
// CHECK: diag_escape_return.c:[[@LINE-1]]:12: error: address of shared variable 'x' escapes: returned [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     return &x;
// CHECK-NEXT: {{^}}      |            ^
}
int *g(void)
{
    return table;
// CHECK: diag_escape_return.c:[[@LINE-1]]:12: error: address of shared variable 'table' escapes: returned [-Wftmb-escape]
}
