// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// The definition in another file inherits the header's annotation; it is
// registered here and its weak descriptor defined.
#include "Inputs/shared_state.h"
long packets;
int table[16];
struct counters ctr;
void count(void)
{
	packets++;
}

// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_packets = FTMB_VAR_INIT(0x747ac0ec4bc12286ULL, "packets");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_table = FTMB_VAR_INIT(0x77203729b376a83fULL, "table");
// CHECK: __attribute__((weak)) ftmb_var_t __ftmb_var_ctr = FTMB_VAR_INIT(0xf5b6f3190cbf4640ULL, "ctr");
// CHECK-LABEL: void count(void)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_packets); packets++; __ftmb_end_rmw(&__ftmb_var_packets); });
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of extern_definition.c>"
// CHECK: { 0x747ac0ec4bc12286ULL, "packets", (void *)&packets, sizeof(packets) },
// CHECK: { 0x77203729b376a83fULL, "table", (void *)&table, sizeof(table) },
// CHECK: { 0xf5b6f3190cbf4640ULL, "ctr", (void *)&ctr, sizeof(ctr) },
// CHECK: &__ftmb_var_packets,
// CHECK: &__ftmb_var_table,
// CHECK: &__ftmb_var_ctr,
// CHECK: __ftmb_register_tu("extern_definition.c", FTMB_ABI_VERSION, __ftmb_globals, 3, __ftmb_vars, 3);
