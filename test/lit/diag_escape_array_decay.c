// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck --strict-whitespace %s < %t.err
// RUN: not ls %t.c
// An array decays to a pointer outside [] and recognised calls: an escape.
#include <ftmb.h>
#include <stdio.h>
__ftmb_shared char name[16];
void show(const char *s);
int f(void)
{
    show(name);
// CHECK: diag_escape_array_decay.c:[[@LINE-1]]:10: error: address of shared variable 'name' escapes: passed to function 'show' [-Wftmb-escape]
// CHECK-NEXT: {{^}}{{ +}}[[@LINE-2]] |     show(name);
// CHECK-NEXT: {{^}}      |          ^
    return puts(name);
// CHECK: diag_escape_array_decay.c:[[@LINE-1]]:17: error: address of shared variable 'name' escapes: passed to function 'puts' [-Wftmb-escape]
}
