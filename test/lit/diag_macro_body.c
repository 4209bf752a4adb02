// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A statement macro whose body touches shared state cannot be rewritten at
// its expansion (it is not an expression).
#include <ftmb.h>
__ftmb_shared int hits;
#define COUNT_HIT() do { hits++; } while (0)
void f(void)
{
    COUNT_HIT();
// CHECK: diag_macro_body.c:[[@LINE-1]]:5: error: access to shared state 'hits' inside the body of macro 'COUNT_HIT' cannot be rewritten [-Wftmb-macro]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     COUNT_HIT();
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_macro_body.c:[[@LINE-4]]:5: note: pass the shared variable to the macro as an argument, turn the macro into an inline function, or mark the enclosing function __ftmb_audited
}
