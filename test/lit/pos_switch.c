// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// switch on a shared value, and accesses in case bodies.
#include <ftmb.h>
__ftmb_shared int state;
int f(void)
{
	switch (state) {
	case 0:
		state = 1;
		break;
	default:
		state++;
	}
	return 0;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_state = FTMB_VAR_INIT(0xee63aaad45b1b116ULL, "state");
// CHECK-LABEL: int f(void)
// CHECK-NEXT: {
// CHECK-NEXT: switch (({ __ftmb_begin(&__ftmb_var_state); __auto_type __ftmb_r1 = state; __ftmb_end_read(&__ftmb_var_state); __ftmb_r1; })) {
// CHECK-NEXT: case 0:
// CHECK-NEXT: ({ __typeof__(state) __ftmb_v2 = (1); __ftmb_begin(&__ftmb_var_state); (state = __ftmb_v2); __ftmb_end_write(&__ftmb_var_state); });
// CHECK-NEXT: break;
// CHECK-NEXT: default:
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_state); state++; __ftmb_end_rmw(&__ftmb_var_state); });
// CHECK-NEXT: }
// CHECK-NEXT: return 0;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of pos_switch.c>"
// CHECK: { 0xee63aaad45b1b116ULL, "state", (void *)&state, sizeof(state) },
// CHECK: &__ftmb_var_state,
// CHECK: __ftmb_register_tu("pos_switch.c", FTMB_ABI_VERSION, __ftmb_globals, 1, __ftmb_vars, 1);
