// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// Functions defined in headers are not rewritten: calling one that touches
// shared state (directly or through another header function) is an error.
#include "Inputs/inline_state.h"
long f(struct flow *fl)
{
    count_hit();
// CHECK: diag_header_inline.c:[[@LINE-1]]:5: error: function 'count_hit' (defined in {{.*}}inline_state.h:5) accesses shared state 'hits', but ftmbcc only rewrites the file it compiles [-Wftmb-header]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     count_hit();
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_header_inline.c:[[@LINE-4]]:5: note: define the function in a .c file, or mark it __ftmb_audited after review
    bump_both(fl);
// CHECK: diag_header_inline.c:[[@LINE-1]]:5: error: function 'flow_bump' (defined in {{.*}}inline_state.h:6) accesses shared state 'struct flow'
    return pure_helper(2);
}
// CHECK-NOT: pure_helper
