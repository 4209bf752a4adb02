// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// The annotation on a header's extern declaration applies in every file.
#include "Inputs/shared_state.h"
long total(int i)
{
	return packets + table[i] + ctr.in;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_packets = FTMB_VAR_INIT(0x747ac0ec4bc12286ULL, "packets");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_table = FTMB_VAR_INIT(0x77203729b376a83fULL, "table");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_ctr = FTMB_VAR_INIT(0xf5b6f3190cbf4640ULL, "ctr");
// CHECK-LABEL: long total(int i)
// CHECK-NEXT: {
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_packets); __auto_type __ftmb_r1 = packets; __ftmb_end_read(&__ftmb_var_packets); __ftmb_r1; }) + ({ __auto_type __ftmb_p2 = &(table[i]); __ftmb_begin(&__ftmb_var_table); __auto_type __ftmb_r2 = (*__ftmb_p2); __ftmb_end_read(&__ftmb_var_table); __ftmb_r2; }) + ({ __auto_type __ftmb_p3 = &(ctr.in); __ftmb_begin(&__ftmb_var_ctr); __auto_type __ftmb_r3 = (*__ftmb_p3); __ftmb_end_read(&__ftmb_var_ctr); __ftmb_r3; });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of extern_header.c>"
// CHECK: &__ftmb_var_packets,
// CHECK: &__ftmb_var_table,
// CHECK: &__ftmb_var_ctr,
// CHECK: __ftmb_register_tu("extern_header.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, __ftmb_vars, 3);
