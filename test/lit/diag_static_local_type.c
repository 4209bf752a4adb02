// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A function static whose type is declared inside the function cannot be
// moved to file scope for the registry.
#include <ftmb.h>
int f(void)
{
    struct local { int a; };
    static struct local s;
// CHECK: diag_static_local_type.c:[[@LINE-1]]:5: error: function-static variable 's' has a type declared inside the function [-Wftmb-static-local]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     static struct local s;
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_static_local_type.c:[[@LINE-4]]:5: note: move the type declaration to file scope so the variable can be registered for checkpoints
    return s.a++;
}
