// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// Members of packed structs are never addressed through a plain pointer
// (a misaligned int64_t * is undefined behaviour). Without subexpressions
// to evaluate first, the member is spelled in place inside the lock; with
// some (a shared index), the pointer's type is an alignment-1 typedef of the
// member's type. Members of ordinary structs keep the `&(...)` form.
#include <ftmb.h>
#include <stdint.h>
struct inner { int a; int b; unsigned bf : 4; };
#pragma pack(push, 1)
struct pk {
	int8_t c;
	int64_t v;
	int32_t arr[4];
	struct inner in;
};
#pragma pack(pop)
struct __attribute__((packed)) __ftmb_shared obj { char tag; long n; };
struct plain { char c; long v; };
__ftmb_shared struct pk g;
__ftmb_shared struct pk gs[2];
__ftmb_shared struct plain pl;
__ftmb_shared int which;

long f(struct obj *o)
{
	g.v += 3;
	g.arr[1] = g.arr[2] * 2;
	g.in.b++;
	g.arr[which] = 5;
	gs[which].in.bf = 1;
	o->n--;
	pl.v = 1;
	return g.v;
}

// CHECK-LABEL: long f(struct obj *o)
// CHECK-NEXT: {
// CHECK-NEXT: ({ __auto_type __ftmb_v1 = (3); __ftmb_begin(&__ftmb_var_g); ((g.v) += __ftmb_v1); __ftmb_end_rmw(&__ftmb_var_g); });
// CHECK-NEXT: ({ __typeof__(g.arr[1]) __ftmb_v3 = (({ __ftmb_begin(&__ftmb_var_g); __auto_type __ftmb_r2 = (g.arr[2]); __ftmb_end_read(&__ftmb_var_g); __ftmb_r2; }) * 2); __ftmb_begin(&__ftmb_var_g); ((g.arr[1]) = __ftmb_v3); __ftmb_end_write(&__ftmb_var_g); });
// CHECK-NEXT: ({ __ftmb_begin(&__ftmb_var_g); (g.in.b)++; __ftmb_end_rmw(&__ftmb_var_g); });
// CHECK-NEXT: ({ typedef __typeof__(g.arr[({ __ftmb_begin(&__ftmb_var_which); __auto_type __ftmb_r5 = which; __ftmb_end_read(&__ftmb_var_which); __ftmb_r5; })]) __ftmb_u6 __attribute__((aligned(1))); __ftmb_u6 *__ftmb_p6 = &(g.arr[({ __ftmb_begin(&__ftmb_var_which); __auto_type __ftmb_r5 = which; __ftmb_end_read(&__ftmb_var_which); __ftmb_r5; })]); __typeof__(*__ftmb_p6) __ftmb_v6 = (5); __ftmb_begin(&__ftmb_var_g); ((*__ftmb_p6) = __ftmb_v6); __ftmb_end_write(&__ftmb_var_g); });
// CHECK-NEXT: ({ typedef __typeof__(gs[{{.*}}].in) __ftmb_u8 __attribute__((aligned(1))); __ftmb_u8 *__ftmb_p8 = &(gs[{{.*}}].in); unsigned int __ftmb_v8 = (1); __ftmb_begin(&__ftmb_var_gs); (__ftmb_p8->bf = __ftmb_v8); __ftmb_end_write(&__ftmb_var_gs); });
// CHECK-NEXT: ({ __auto_type __ftmb_o9 = (o); ftmb_var_t *__ftmb_d9 = __ftmb_obj({{.*}}, "struct obj", __ftmb_o9); __ftmb_begin(__ftmb_d9); (__ftmb_o9->n)--; __ftmb_end_rmw(__ftmb_d9); });
// CHECK-NEXT: ({ __auto_type __ftmb_p10 = &(pl.v); __typeof__(*__ftmb_p10) __ftmb_v10 = (1); __ftmb_begin(&__ftmb_var_pl); ((*__ftmb_p10) = __ftmb_v10); __ftmb_end_write(&__ftmb_var_pl); });
// CHECK-NEXT: return ({ __ftmb_begin(&__ftmb_var_g); __auto_type __ftmb_r11 = (g.v); __ftmb_end_read(&__ftmb_var_g); __ftmb_r11; });
// CHECK-NEXT: }

// An object of an annotated type inside a packed struct: the object pointer
// has an alignment-1 type too.
struct __ftmb_shared flow { long bytes; };
#pragma pack(push, 1)
struct holder { char c; struct flow fl; };
#pragma pack(pop)
struct holder h;
void bump(long n)
{
	h.fl.bytes += n;
}
// CHECK-LABEL: void bump(long n)
// CHECK-NEXT: {
// CHECK-NEXT: ({ typedef __typeof__(h.fl) __ftmb_t12 __attribute__((aligned(1))); __ftmb_t12 *__ftmb_o12 = &(h.fl); ftmb_var_t *__ftmb_d12 = __ftmb_obj({{.*}}, "struct flow", __ftmb_o12); __auto_type __ftmb_v12 = (n); __ftmb_begin(__ftmb_d12); (((*__ftmb_o12).bytes) += __ftmb_v12); __ftmb_end_rmw(__ftmb_d12); });
// CHECK-NEXT: }
