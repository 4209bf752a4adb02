// Parse errors: clang's diagnostics, non-zero exit, no output file.
// RUN: rm -f %t.c
// RUN: not %ftmbcc %s -o %t.c 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: not ls %t.c
#include <ftmb.h>
int f(void)
{
    return undeclared_thing + 1;
}
// CHECK: diag_parse_error.c:9:12: error: use of undeclared identifier 'undeclared_thing'
// CHECK: ftmbcc: error: 1 error parsing '{{.*}}diag_parse_error.c'; no output written
