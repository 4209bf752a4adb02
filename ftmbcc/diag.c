/*
 * diag.c: diagnostics in clang's format, so editors and CI parse them:
 *   file:line:col: error: message [-Wftmb-name]
 *      12 |     p = &x;
 *         |         ^
 *   file:line:col: note: how to fix it
 */
#include "ftmbcc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Line starts are indexed once per source (binary search afterwards), so
 * --dump-accesses stays linear in the number of accesses. */
static const char *idx_text;
static unsigned *idx_starts, idx_n;

void offset_to_linecol(const struct source *src, unsigned off, unsigned *line,
		       unsigned *col)
{
	if (idx_text != src->text) {
		free(idx_starts);
		idx_n = 1;
		for (size_t i = 0; i < src->len; i++)
			idx_n += src->text[i] == '\n';
		idx_starts = xmalloc(idx_n * sizeof *idx_starts);
		unsigned k = 0;
		idx_starts[k++] = 0;
		for (size_t i = 0; i < src->len; i++)
			if (src->text[i] == '\n')
				idx_starts[k++] = (unsigned)i + 1;
		idx_text = src->text;
	}
	unsigned lo = 0, hi = idx_n; /* last start <= off */
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (idx_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo + 1;
	*col = off - idx_starts[lo] + 1;
}

static void show_line(const struct source *src, unsigned off, unsigned line)
{
	unsigned b = off, e = off;
	while (b > 0 && src->text[b - 1] != '\n')
		b--;
	while (e < src->len && src->text[e] != '\n')
		e++;
	fprintf(stderr, "%5u | %.*s\n", line, (int)(e - b), src->text + b);
	fprintf(stderr, "      | ");
	for (unsigned i = b; i < off; i++)
		fputc(src->text[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

void diag_at(const struct source *src, unsigned off, const char *level,
	     const char *flag, const char *fmt, ...)
{
	unsigned line, col;
	offset_to_linecol(src, off, &line, &col);
	fprintf(stderr, "%s:%u:%u: %s: ", src->path, line, col, level);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (flag)
		fprintf(stderr, " [-Wftmb-%s]", flag);
	fputc('\n', stderr);
	show_line(src, off, line);
}

void diag_note(const struct source *src, unsigned off, const char *fmt, ...)
{
	unsigned line, col;
	offset_to_linecol(src, off, &line, &col);
	fprintf(stderr, "%s:%u:%u: note: ", src->path, line, col);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
