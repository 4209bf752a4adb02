// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Operands that are macro expansions (right-hand sides, object bases) are
// taken whole: `x += STEP`, `x = MAKE(3)`, `SLOT(i)->pkts`.
#include <ftmb.h>
#define STEP 2
#define MAKE(v) ((v) * 10)
#define SLOT(i) (slots[(i) & 3])
struct __ftmb_shared flow { long pkts; };
struct flow *slots[4];
__ftmb_shared long x;
void f(int i)
{
	x += STEP;
	x = MAKE(3);
	SLOT(i)->pkts++;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_x = FTMB_VAR_INIT(0xaf63f54c86021707ULL, "x");
// CHECK-LABEL: void f(int i)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_v1 = (STEP); __ftmb_begin(&__ftmb_var_x); (x += __ftmb_v1); __ftmb_end_rmw(&__ftmb_var_x); });
// CHECK-NEXT: ({ __typeof__(x) __ftmb_v2 = (MAKE(3)); __ftmb_begin(&__ftmb_var_x); (x = __ftmb_v2); __ftmb_end_write(&__ftmb_var_x); });
// CHECK-NEXT: ({ __auto_type __ftmb_o3 = (SLOT(i)); ftmb_var_t *__ftmb_d3 = __ftmb_obj(0x4fdf95bd7698fee8ULL, "struct flow", __ftmb_o3); __auto_type __ftmb_p3 = &(__ftmb_o3->pkts); __ftmb_begin(__ftmb_d3); (*__ftmb_p3)++; __ftmb_end_rmw(__ftmb_d3); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of macro_operands.c>"
// CHECK: { 0xe68c2e6bb1ee5646ULL, "slots", (void *)&slots, sizeof(slots) },
// CHECK: { 0xaf63f54c86021707ULL, "x", (void *)&x, sizeof(x) },
// CHECK: &__ftmb_var_x,
// CHECK: __ftmb_register_tu("macro_operands.c", FTMB_ABI_VERSION, __ftmb_globals, 2, __ftmb_vars, 1);
