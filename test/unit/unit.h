/* unit.h: a tiny test harness; each test is one ctest case
 * (ftmb_unit <name>), run in its own process (the runtime is a singleton). */
#ifndef FTMB_UNIT_H
#define FTMB_UNIT_H

#include <stdio.h>
#include <stdlib.h>

extern int unit_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			unit_failures++;                                       \
		}                                                              \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                     \
	do {                                                                   \
		unsigned long long a_ = (unsigned long long)(a);               \
		unsigned long long b_ = (unsigned long long)(b);               \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%llu != %llu)\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			unit_failures++;                                       \
		}                                                              \
	} while (0)

typedef void (*unit_fn)(void);
struct unit_test {
	const char *name;
	unit_fn fn;
};

/* Runs fn in a child process; returns its wait status (for tests that
 * expect an abort with a message). stderr of the child is captured into
 * buf (NUL-terminated). */
int unit_run_child(void (*fn)(void), char *buf, size_t cap);

#endif
