/*
 * ids_sig.c: signatures and matching.
 *
 * Theory of operation: signatures are few and short, so each payload is
 * searched for each of them in turn (memchr for the first byte, memcmp
 * for the rest: about linear in the payload per signature); a packet raises one alert per distinct signature it
 * contains. Signatures are written as text with \xNN escapes for
 * arbitrary bytes and \\ for a backslash; the printable name keeps the
 * escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ids_sig_parse(const char *prog, const char *text, struct ids_signature *s)
{
	uint8_t b[IDS_MAX_SIG_LEN];
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (n == IDS_MAX_SIG_LEN) {
			fprintf(stderr, "%s: signature longer than %d bytes: '%s'\n", prog,
				IDS_MAX_SIG_LEN, text);
			return -1;
		}
		if (*p != '\\') {
			b[n++] = (uint8_t)*p;
			continue;
		}
		if (p[1] == '\\') {
			b[n++] = '\\';
			p++;
		} else if (p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
			b[n++] = (uint8_t)(hexval(p[2]) * 16 + hexval(p[3]));
			p += 3;
		} else {
			fprintf(stderr, "%s: bad escape in signature '%s' (use \\xNN or \\\\)\n",
				prog, text);
			return -1;
		}
	}
	if (n == 0) {
		fprintf(stderr, "%s: empty signature\n", prog);
		return -1;
	}
	s->bytes = malloc(n);
	s->name = strdup(text);
	if (s->bytes == NULL || s->name == NULL) {
		ids_sig_free(s);
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	memcpy(s->bytes, b, n);
	s->len = n;
	return 0;
}

void ids_sig_free(struct ids_signature *s)
{
	free(s->bytes);
	free(s->name);
	s->bytes = NULL;
	s->name = NULL;
	s->len = 0;
}

/* 1 if needle[0..m) occurs in hay[0..n), m >= 1. */
static int contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	const uint8_t *p = hay, *end = hay + n;
	while ((size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (p == NULL)
			return 0;
		if (memcmp(p, needle, m) == 0)
			return 1;
		p++;
	}
	return 0;
}

int ids_match(const uint8_t *data, size_t len, unsigned from)
{
	for (unsigned i = from; i < ids_cfg.n_sigs; i++)
		if (contains(data, len, ids_cfg.sig[i].bytes, ids_cfg.sig[i].len))
			return (int)i;
	return -1;
}
