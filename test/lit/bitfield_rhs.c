// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// A bit-field as the value stored into shared state. `x op= s.bf` evaluates
// the right-hand side first as `+(s.bf)` (gcc and clang refuse __auto_type
// on a bit-field; integer promotion is what `op` does to it anyway), for
// every width including fields of a 64-bit type wider than 32 bits, _Bool and
// enum fields; `x = s.bf` converts to x's type; a hoisted call argument is
// `((void)0, arg)`; a macro expanding to a shared bit-field reads `+(...)`.
#include <ftmb.h>
#include <stdatomic.h>
#include <stdint.h>
enum colour { RED, GREEN, BLUE };
struct bits {
	unsigned u5 : 5;
	signed s7 : 7;
	unsigned u32 : 32;
	uint64_t u40 : 40;
	int64_t s63 : 63;
	_Bool b : 1;
	enum colour c : 3;
};
__ftmb_shared long total;
__ftmb_shared double ratio;
__ftmb_shared char *cursor;
__ftmb_shared _Bool flag;
__ftmb_shared _Atomic long hits;
__ftmb_shared int which;
__ftmb_shared struct bits shared_bits;
#define SHARED_U5() (shared_bits.u5)

void f(struct bits l, struct bits *arr)
{
	total ^= l.u5;
	total -= l.s7;
	total /= (l.u32);
	total += l.u40;
	total <<= l.s63;
	ratio *= l.u40;
	cursor += l.u5;
	flag |= l.b;
	total += l.c;
	total = l.u40;
	shared_bits.u5 += l.s7;
	atomic_fetch_add(&hits, arr[which].u5);
	total = SHARED_U5();
}

// CHECK-LABEL: void f(struct bits l, struct bits *arr)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_v1 = +(l.u5); __ftmb_begin(&__ftmb_var_total); (total ^= __ftmb_v1); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_v2 = +(l.s7); __ftmb_begin(&__ftmb_var_total); (total -= __ftmb_v2); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_v3 = +((l.u32)); __ftmb_begin(&__ftmb_var_total); (total /= __ftmb_v3); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_v4 = +(l.u40); __ftmb_begin(&__ftmb_var_total); (total += __ftmb_v4); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_v5 = +(l.s63); __ftmb_begin(&__ftmb_var_total); (total <<= __ftmb_v5); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_v6 = +(l.u40); __ftmb_begin(&__ftmb_var_ratio); (ratio *= __ftmb_v6); __ftmb_end_rmw(&__ftmb_var_ratio); });
// CHECK-NEXT: ({ __auto_type __ftmb_v7 = +(l.u5); __ftmb_begin(&__ftmb_var_cursor); (cursor += __ftmb_v7); __ftmb_end_rmw(&__ftmb_var_cursor); });
// CHECK-NEXT: ({ __auto_type __ftmb_v8 = +(l.b); __ftmb_begin(&__ftmb_var_flag); (flag |= __ftmb_v8); __ftmb_end_rmw(&__ftmb_var_flag); });
// CHECK-NEXT: ({ __auto_type __ftmb_v9 = +(l.c); __ftmb_begin(&__ftmb_var_total); (total += __ftmb_v9); __ftmb_end_rmw(&__ftmb_var_total); });
// CHECK-NEXT: ({ __typeof__(total) __ftmb_v10 = (l.u40); __ftmb_begin(&__ftmb_var_total); (total = __ftmb_v10); __ftmb_end_write(&__ftmb_var_total); });
// CHECK-NEXT: ({ __auto_type __ftmb_p11 = &(shared_bits); __auto_type __ftmb_v11 = +(l.s7); __ftmb_begin(&__ftmb_var_shared_bits); (__ftmb_p11->u5 += __ftmb_v11); __ftmb_end_rmw(&__ftmb_var_shared_bits); });
// CHECK-NEXT: ({ __auto_type __ftmb_a13_1 = ((void)0, arr[({ __ftmb_begin(&__ftmb_var_which); __auto_type __ftmb_r12 = which; __ftmb_end_read(&__ftmb_var_which); __ftmb_r12; })].u5); __ftmb_begin(&__ftmb_var_hits); atomic_fetch_add(&hits, __ftmb_a13_1); __ftmb_end_atomic(&__ftmb_var_hits); });
// CHECK-NEXT: ({ __typeof__(total) __ftmb_v15 = (({ __ftmb_begin(&__ftmb_var_shared_bits); __auto_type __ftmb_r14 = +(SHARED_U5()); __ftmb_end_read(&__ftmb_var_shared_bits); __ftmb_r14; })); __ftmb_begin(&__ftmb_var_total); (total = __ftmb_v15); __ftmb_end_write(&__ftmb_var_total); });
// CHECK-NEXT: }
