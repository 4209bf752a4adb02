// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// One call touching two shared objects would need two locks at once.
#include <ftmb.h>
#include <string.h>
__ftmb_shared char a[8];
__ftmb_shared char b[8];
void f(void)
{
    memcpy(a, b, sizeof a);
// CHECK: diag_multi_call.c:[[@LINE-1]]:5: error: call touches two shared objects ('a' and 'b') [-Wftmb-multi]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     memcpy(a, b, sizeof a);
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_multi_call.c:[[@LINE-4]]:5: note: copy one of them through a local temporary first
}
