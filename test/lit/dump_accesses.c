// --dump-accesses: one line per access, file:line:col: variable: kind.
// RUN: %ftmbcc --dump-accesses %s | FileCheck %s
#include <ftmb.h>
#include <pthread.h>
#include <stdatomic.h>
__ftmb_shared int x;
__ftmb_shared static atomic_int a;
__ftmb_shared pthread_mutex_t m;
struct __ftmb_shared conn { int st; };
int f(struct conn *c)
{
    int v = x;
// CHECK: dump_accesses.c:[[@LINE-1]]:13: x: read
    x = v;
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:5: x: write
    x += 2;
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:5: x: rmw
    atomic_fetch_add(&a, 1);
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:5: dump_accesses.c:a: atomic
    pthread_mutex_lock(&m);
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:5: m: lock
    pthread_mutex_unlock(&m);
    c->st++;
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:5: struct conn: rmw
    return sizeof(x);
}
__ftmb_audited int g(void)
{
    return x;
// CHECK-NEXT: dump_accesses.c:[[@LINE-1]]:12: x: unlogged
}
// CHECK-NOT: {{.}}
