/*
 * mbopt.h: the examples' option parsing for mb_init(argc, argv).
 * Options are "--name value" or "--name=value"; argv[0] is the
 * middlebox name and is skipped. No global state (unlike getopt), so a
 * middlebox can be initialised again, e.g. by its unit tests.
 */
#ifndef EXAMPLES_MBOPT_H
#define EXAMPLES_MBOPT_H

#include <stdint.h>

struct mbopt {
	int argc;
	char **argv;
	int i;
};

static inline void mbopt_start(struct mbopt *o, int argc, char **argv)
{
	o->argc = argc;
	o->argv = argv;
	o->i = 1;
}

/* Next option: 1 with *name (without the dashes) and *value set, 0 at the
 * end, -1 after printing why (not an option, or a missing value). */
int mbopt_next(struct mbopt *o, const char **name, const char **value);

/* Unsigned integer in [lo, hi]: 0, or -1 after printing why. */
int mbopt_uint(const char *prog, const char *name, const char *value,
	       uint64_t lo, uint64_t hi, uint64_t *out);

/* "LO-HI" with lo <= hi, both in [min, max]: 0, or -1 after printing why. */
int mbopt_range(const char *prog, const char *name, const char *value,
		uint64_t min, uint64_t max, uint64_t *lo, uint64_t *hi);

/* Dotted-quad IPv4 address (host order): 0, or -1 after printing why. */
int mbopt_ipv4(const char *prog, const char *name, const char *value, uint32_t *out);

/* "A.B.C.D/LEN": 0, or -1 after printing why. */
int mbopt_prefix(const char *prog, const char *name, const char *value,
		 uint32_t *addr, unsigned *len);

/* Prints "prog: unknown option --name" and returns -1. */
int mbopt_unknown(const char *prog, const char *name);

#endif /* EXAMPLES_MBOPT_H */
