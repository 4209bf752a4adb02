/* unit_check.h: a minimal check macro for the recovery unit tests. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H
#include <stdio.h>
#include <stdlib.h>

static int unit_failures;
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			unit_failures++;                                       \
		}                                                              \
	} while (0)
#define UNIT_DONE(name)                                                        \
	do {                                                                   \
		if (unit_failures) {                                           \
			fprintf(stderr, "%s: %d failure(s)\n", name, unit_failures); \
			return 1;                                              \
		}                                                              \
		printf("%s: ok\n", name);                                      \
		return 0;                                                      \
	} while (0)
#endif
