/* mbopt.c: see mbopt.h. */
#include "mbopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

static char opt_name[64];

int mbopt_next(struct mbopt *o, const char **name, const char **value)
{
	if (o->i >= o->argc)
		return 0;
	const char *prog = o->argc > 0 && o->argv[0] ? o->argv[0] : "middlebox";
	const char *a = o->argv[o->i];
	if (a == NULL || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
		fprintf(stderr, "%s: expected an option (--name value), got '%s'\n",
			prog, a ? a : "(null)");
		return -1;
	}
	a += 2;
	const char *eq = strchr(a, '=');
	if (eq != NULL) {
		size_t n = (size_t)(eq - a);
		if (n >= sizeof(opt_name)) {
			fprintf(stderr, "%s: option name too long: --%s\n", prog, a);
			return -1;
		}
		memcpy(opt_name, a, n);
		opt_name[n] = '\0';
		*name = opt_name;
		*value = eq + 1;
		o->i++;
		return 1;
	}
	if (o->i + 1 >= o->argc) {
		fprintf(stderr, "%s: option --%s needs a value\n", prog, a);
		return -1;
	}
	*name = a;
	*value = o->argv[o->i + 1];
	o->i += 2;
	return 1;
}

int mbopt_uint(const char *prog, const char *name, const char *value,
	       uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	errno = 0;
	if (value == NULL || *value == '\0' || *value == '-')
		goto bad;
	unsigned long long x = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		goto bad;
	*out = x;
	return 0;
bad:
	fprintf(stderr, "%s: --%s wants an integer in [%llu, %llu], got '%s'\n", prog,
		name, (unsigned long long)lo, (unsigned long long)hi, value ? value : "");
	return -1;
}

int mbopt_range(const char *prog, const char *name, const char *value,
		uint64_t min, uint64_t max, uint64_t *lo, uint64_t *hi)
{
	char buf[64];
	const char *dash = value ? strchr(value, '-') : NULL;
	if (dash == NULL || (size_t)(dash - value) >= sizeof(buf)) {
		fprintf(stderr, "%s: --%s wants LO-HI, got '%s'\n", prog, name,
			value ? value : "");
		return -1;
	}
	memcpy(buf, value, (size_t)(dash - value));
	buf[dash - value] = '\0';
	if (mbopt_uint(prog, name, buf, min, max, lo) != 0 ||
	    mbopt_uint(prog, name, dash + 1, min, max, hi) != 0)
		return -1;
	if (*lo > *hi) {
		fprintf(stderr, "%s: --%s: LO greater than HI in '%s'\n", prog, name, value);
		return -1;
	}
	return 0;
}

int mbopt_ipv4(const char *prog, const char *name, const char *value, uint32_t *out)
{
	if (pkt_parse_ipv4(value, out) != 0) {
		fprintf(stderr, "%s: --%s wants an IPv4 address A.B.C.D, got '%s'\n",
			prog, name, value ? value : "");
		return -1;
	}
	return 0;
}

int mbopt_prefix(const char *prog, const char *name, const char *value,
		 uint32_t *addr, unsigned *len)
{
	char buf[32];
	const char *slash = value ? strchr(value, '/') : NULL;
	uint64_t l;
	if (slash == NULL || (size_t)(slash - value) >= sizeof(buf))
		goto bad;
	memcpy(buf, value, (size_t)(slash - value));
	buf[slash - value] = '\0';
	if (pkt_parse_ipv4(buf, addr) != 0)
		goto bad;
	if (mbopt_uint(prog, name, slash + 1, 0, 32, &l) != 0)
		return -1;
	*len = (unsigned)l;
	return 0;
bad:
	fprintf(stderr, "%s: --%s wants A.B.C.D/LEN, got '%s'\n", prog, name,
		value ? value : "");
	return -1;
}

int mbopt_unknown(const char *prog, const char *name)
{
	fprintf(stderr, "%s: unknown option --%s\n", prog, name);
	return -1;
}
