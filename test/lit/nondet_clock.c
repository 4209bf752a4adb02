// RUN: %ftmbcc %s -o %t.c
// RUN: grep -v '^//' %t.c | FileCheck %s
// RUN: %gcc_strict %t.c
// RUN: %clang_strict %t.c
// clock_gettime (clockid_t cast) and gettimeofday.
#include <ftmb.h>
#include <sys/time.h>
#include <time.h>
long f(void)
{
	struct timespec ts;
	struct timeval tv;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	gettimeofday(&tv, NULL);
	return ts.tv_nsec + tv.tv_usec;
}

// CHECK-LABEL: long f(void)
// CHECK-NEXT: {
// CHECK-NEXT: struct timespec ts;
// CHECK-NEXT: struct timeval tv;
// CHECK-NEXT: __ftmb_clock_gettime(CLOCK_MONOTONIC, &ts);
// CHECK-NEXT: __ftmb_gettimeofday(&tv, NULL);
// CHECK-NEXT: return ts.tv_nsec + tv.tv_usec;
// CHECK-NEXT: }
// CHECK: #line 1 "<ftmb registry of nondet_clock.c>"
// CHECK: __ftmb_register_tu("nondet_clock.c", FTMB_ABI_VERSION, (struct ftmb_global *)0, 0, (ftmb_var_t *const *)0, 0);
