// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// A function static initialised with label addresses (computed goto) or
// local enumerators cannot be moved to file scope for the registry.
#include <ftmb.h>
int dispatch(int op)
{
    static void *table[] = { &&add, &&sub };
// CHECK: diag_static_label.c:[[@LINE-1]]:5: error: function-static variable 'table' is initialised with the address of a label, which cannot be moved to file scope [-Wftmb-static-local]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     static void *table[] = { &&add, &&sub };
// CHECK-NEXT: {{^}}      |     ^
// CHECK-NEXT: diag_static_label.c:[[@LINE-4]]:5: note: initialise it at run time, or declare it at file scope
    goto *table[op & 1];
add:
    return 1;
sub:
    return -1;
}
int sized(void)
{
    enum { LOCAL_N = 4 };
    static int buf[LOCAL_N];
// CHECK: diag_static_label.c:[[@LINE-1]]:5: error: function-static variable 'buf' is initialised with a name declared inside the function, which cannot be moved to file scope [-Wftmb-static-local]
    return buf[0];
}
