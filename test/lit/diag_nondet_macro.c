// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A clock or random call buried in the body of a macro defined in a header
// cannot be redirected (macros of the file itself are edited in place).
#include <ftmb.h>
#include "Inputs/jitter.h"
int f(void)
{
    return JITTER();
// CHECK: diag_nondet_macro.c:[[@LINE-1]]:12: error: call to 'rand' inside a macro body cannot be redirected to the runtime [-Wftmb-macro]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     return JITTER();
// CHECK-NEXT: {{^}}      |            ^
// CHECK-NEXT: diag_nondet_macro.c:[[@LINE-4]]:12: note: call rand() directly instead of through the macro
}
