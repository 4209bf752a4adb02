// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// Passing the address to a function ftmbcc does not know is an escape.
#include <ftmb.h>
__ftmb_shared long counter;
void bump(long *p);
void f(void)
{
    bump(&counter);
// CHECK: diag_escape_call.c:[[@LINE-1]]:10: error: address of shared variable 'counter' escapes: passed to function 'bump' [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     bump(&counter);
// CHECK-NEXT: {{^}}      |          ^
// CHECK-NEXT: diag_escape_call.c:{{[0-9]+}}:10: note: access the variable directly
}
