// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// The address of a shared variable stored in a pointer cannot be followed.
#include <ftmb.h>
__ftmb_shared int x;
int f(void)
{
    int *p = &x;
// CHECK: diag_escape_store.c:[[@LINE-1]]:14: error: address of shared variable 'x' escapes: stored in a pointer [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     int *p = &x;
// CHECK-NEXT: {{^}}      |              ^
// CHECK-NEXT: diag_escape_store.c:[[@LINE-4]]:14: note: access the variable directly, or annotate the pointed-to struct type __ftmb_shared (accesses through pointers are then logged per object), or mark the function __ftmb_audited
    p = &x;
// CHECK: diag_escape_store.c:[[@LINE-1]]:9: error: address of shared variable 'x' escapes: stored in a pointer [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     p = &x;
// CHECK-NEXT: {{^}}      |         ^
    return *p;
}
// CHECK: 2 errors generated; no output written.
