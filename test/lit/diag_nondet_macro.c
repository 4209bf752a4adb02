// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A clock or random call buried in a macro body cannot be redirected.
#include <ftmb.h>
#include <stdlib.h>
#define JITTER() (rand() % 8 + 1)
int f(void)
{
    return JITTER();
// CHECK: diag_nondet_macro.c:[[@LINE-1]]:12: error: call to 'rand' inside a macro body cannot be redirected to the runtime [-Wftmb-macro]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     return JITTER();
// CHECK-NEXT: {{^}}      |            ^
// CHECK-NEXT: diag_nondet_macro.c:[[@LINE-4]]:12: note: call rand() directly instead of through the macro
}
