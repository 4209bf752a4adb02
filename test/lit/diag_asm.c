// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// asm operands on shared state cannot be logged.
#include <ftmb.h>
__ftmb_shared int x;
void f(void)
{
    __asm__ volatile("" : "+r"(x));
// CHECK: diag_asm.c:[[@LINE-1]]:32: error: shared variable 'x' used as an asm operand [-Wftmb-asm]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     __asm__ volatile("" : "+r"(x));
// CHECK-NEXT: {{^}}      |                                ^
// CHECK-NEXT: diag_asm.c:[[@LINE-4]]:32: note: copy it to a local variable outside the asm statement, or mark the function __ftmb_audited
}
