// Qualified names in --dump-accesses: file:func:var for function statics.
// RUN: %ftmbcc --dump-accesses %s | %FileCheck %s
#include <ftmb.h>
int next(void)
{
    __ftmb_shared static int seq;
    return ++seq;
// CHECK: dump_function_static.c:[[@LINE-1]]:12: dump_function_static.c:next:seq: rmw
}
