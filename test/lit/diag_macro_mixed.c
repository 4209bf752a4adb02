// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A macro expansion rewritten as a unit must not contain other rewritten
// accesses (its lock would be held while they take theirs).
#include <ftmb.h>
__ftmb_shared int a;
__ftmb_shared int b;
#define ADD_A(v) (a + (v))
int f(void)
{
    return ADD_A(b);
// CHECK: diag_macro_mixed.c:[[@LINE-1]]:12: error: macro expansion mixes its own shared access with rewritten arguments [-Wftmb-macro]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     return ADD_A(b);
// CHECK-NEXT: {{^}}      |            ^
// CHECK-NEXT: diag_macro_mixed.c:[[@LINE-4]]:12: note: evaluate the arguments into local variables before using the macro
}
