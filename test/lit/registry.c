// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// The registry lists every file-scope and static variable defined here:
// shared or not; not extern declarations, const data or thread-locals.
#include <ftmb.h>
int plain = 1;
static double ratio;
__ftmb_shared long shared_counter;
extern int elsewhere;
const int table[3] = { 1, 2, 3 };
_Thread_local int per_thread;
char buf[64];
int tentative;
int tentative;
int use(void)
{
	return plain + (int)ratio + elsewhere + table[0] + per_thread + buf[0] + tentative;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_shared_counter = FTMB_VAR_INIT(0xffd4e8cd008c88ffULL, "shared_counter");
// CHECK-LABEL: int use(void)
// CHECK-NEXT: {
// CHECK-NEXT: return plain + (int)ratio + elsewhere + table[0] + per_thread + buf[0] + tentative;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of registry.c>"
// CHECK: { 0xfd4d194e1652b207ULL, "plain", (void *)&plain, sizeof(plain) },
// CHECK: { 0x1d171a89e1b6fa10ULL, "registry.c:ratio", (void *)&ratio, sizeof(ratio) },
// CHECK: { 0xffd4e8cd008c88ffULL, "shared_counter", (void *)&shared_counter, sizeof(shared_counter) },
// CHECK: { 0x00613019135a9162ULL, "buf", (void *)&buf, sizeof(buf) },
// CHECK: { 0xcc4d4627678515e9ULL, "tentative", (void *)&tentative, sizeof(tentative) },
// CHECK: &__ftmb_var_shared_counter,
// CHECK: __ftmb_register_tu("registry.c", FTMB_ABI_VERSION, __ftmb_globals, 5, __ftmb_vars, 1);
