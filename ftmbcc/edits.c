/*
 * edits.c: the sorted edit list.
 *
 * Theory of operation
 * -------------------
 * An edit replaces the byte range [off, off+len) of the original main file
 * by `text` (len 0 = insertion). Edits are produced bottom-up while the
 * cursor tree is walked in post-order: when a node needs a rewrite, all
 * edits its subtree produced are the tail of the list (they were pushed
 * after the node was entered), so edits_apply_range() folds them into the
 * node's own text and the tail is dropped (edits_truncate); the node then
 * pushes one edit for its whole range. Nested rewrites therefore compose
 * (inner text inside outer text), and at the end the list holds disjoint
 * edits, one per outermost rewritten construct.
 *
 * edits_finish() sorts by (offset, insertion order), drops exact duplicates
 * (a macro argument expanded twice yields the same edit twice) and treats
 * any remaining overlap as an internal error rather than corrupting the
 * output. The result is built in one pass over the source: O(n + e log e).
 */
#include "ftmbcc.h"

#include <stdlib.h>
#include <string.h>

void edits_push(struct edits *e, unsigned off, unsigned len, char *text)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n++] = (struct edit){ off, len, text, e->next_seq++ };
}

void edits_truncate(struct edits *e, size_t n)
{
	for (size_t i = n; i < e->n; i++)
		free(e->v[i].text);
	if (n < e->n)
		e->n = n;
}

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* insertions (len 0) before replacements at the same offset */
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *edits_apply_range(const struct edits *e, size_t from, const char *src,
			unsigned off, unsigned len, int *bad)
{
	unsigned end = off + len;
	size_t k = 0;
	struct edit *tmp = xmalloc((e->n - from + 1) * sizeof *tmp);
	for (size_t i = from; i < e->n; i++) {
		const struct edit *x = &e->v[i];
		if (x->off >= end || x->off + x->len <= off) {
			if (!(x->len == 0 && (x->off == off || x->off == end) && len == 0))
				continue; /* outside the range: not ours */
		}
		if (x->off < off || x->off + x->len > end) {
			*bad = 1; /* straddles the range boundary */
			free(tmp);
			return NULL;
		}
		tmp[k++] = *x;
	}
	qsort(tmp, k, sizeof *tmp, edit_cmp);
	struct strbuf b = { 0 };
	unsigned pos = off;
	for (size_t i = 0; i < k; i++) {
		struct edit *x = &tmp[i];
		if (i > 0 && x->off == tmp[i - 1].off && x->len == tmp[i - 1].len &&
		    !strcmp(x->text, tmp[i - 1].text))
			continue;
		if (x->off < pos) {
			*bad = 1;
			free(tmp);
			free(b.s);
			return NULL;
		}
		sb_add(&b, src + pos, x->off - pos);
		sb_puts(&b, x->text);
		pos = x->off + x->len;
	}
	sb_add(&b, src + pos, end - pos);
	free(tmp);
	return sb_take(&b);
}

int edits_finish(struct edits *e, const char *src, size_t src_len,
		 struct strbuf *out, unsigned *where)
{
	qsort(e->v, e->n, sizeof *e->v, edit_cmp);
	size_t pos = 0;
	for (size_t i = 0; i < e->n; i++) {
		struct edit *x = &e->v[i];
		if (i > 0 && x->off == e->v[i - 1].off && x->len == e->v[i - 1].len &&
		    !strcmp(x->text, e->v[i - 1].text))
			continue;
		if (x->off < pos || x->off + x->len > src_len) {
			*where = x->off;
			return -1;
		}
		sb_add(out, src + pos, x->off - pos);
		sb_puts(out, x->text);
		pos = x->off + x->len;
	}
	sb_add(out, src + pos, src_len - pos);
	return 0;
}
