/*
 * ckpt_store.c: the backup's checkpoint store. Theory of operation in
 * ftmb_ckpt_store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_ckpt_store.h"

struct buffer {
	uint8_t *p;
	uint64_t cap;
	uint64_t len;
};

struct ftmb_ckpt_store {
	uint64_t max_image;
	struct buffer cur;            /* validated image (len 0: none)     */
	struct buffer rx;             /* image being received              */
	struct ftmb_ckpt_header hdr;  /* header of rx once rx.len >= 64    */
	uint64_t want;                /* total_len of rx, 0 until header   */
	int skipping;                 /* rx refused early: discard `want`  */
	struct ftmb_ckpt_view cur_view; /* view of cur (points into cur.p) */
	struct ftmb_ckpt_store_stats st;
};

static int reserve(struct buffer *b, uint64_t n)
{
	uint8_t *p;

	if (b->cap >= n)
		return 0;
	if (posix_memalign((void **)&p, 64, (size_t)n) != 0)
		return -1;
	if (b->len > 0)
		memcpy(p, b->p, (size_t)b->len);
	free(b->p);
	b->p = p;
	b->cap = n;
	return 0;
}

struct ftmb_ckpt_store *ftmb_ckpt_store_create(uint64_t max_image)
{
	struct ftmb_ckpt_store *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->max_image = max_image;
	if (reserve(&s->rx, sizeof(struct ftmb_ckpt_header)) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void ftmb_ckpt_store_destroy(struct ftmb_ckpt_store *s)
{
	if (s == NULL)
		return;
	free(s->cur.p);
	free(s->rx.p);
	free(s);
}

static void reset_rx(struct ftmb_ckpt_store *s)
{
	s->rx.len = 0;
	s->want = 0;
	s->skipping = 0;
}

void ftmb_ckpt_store_cover(const struct ftmb_ckpt_view *v, struct ftmb_ckpt_cover *cover)
{
	memset(cover, 0, sizeof(*cover));
	cover->seq = v->hdr->seq;
	cover->watermark = v->meta->input_watermark;
	cover->n_cores = v->hdr->n_cores;
	for (uint32_t c = 0; c < v->hdr->n_cores; c++)
		cover->max[c] = v->cores[c].max;
}

static enum ftmb_store_event finish(struct ftmb_ckpt_store *s, struct ftmb_ckpt_cover *cover,
				    char *err, size_t errlen)
{
	struct ftmb_ckpt_view v;
	struct buffer tmp;

	if (s->skipping) {
		reset_rx(s);
		s->st.rejected++;
		return FTMB_STORE_REJECTED;   /* err was set when skipping began */
	}
	if (ftmb_ckpt_validate(s->rx.p, (size_t)s->rx.len, &v, err, errlen) < 0) {
		reset_rx(s);
		s->st.rejected++;
		return FTMB_STORE_REJECTED;
	}
	if (s->cur.len > 0 && v.hdr->seq <= ((const struct ftmb_ckpt_header *)s->cur.p)->seq) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "checkpoint %llu is not newer than the current %llu",
				 (unsigned long long)v.hdr->seq,
				 (unsigned long long)((const struct ftmb_ckpt_header *)s->cur.p)->seq);
		reset_rx(s);
		s->st.rejected++;
		return FTMB_STORE_REJECTED;
	}
	if (cover != NULL)
		ftmb_ckpt_store_cover(&v, cover);
	s->st.last_len = s->rx.len;
	s->st.last_state_bytes = v.meta->state_bytes;
	tmp = s->cur;
	s->cur = s->rx;
	s->cur_view = v;   /* v points into the buffer that is now cur */
	s->rx = tmp;
	reset_rx(s);
	s->st.accepted++;
	return FTMB_STORE_ACCEPTED;
}

enum ftmb_store_event ftmb_ckpt_store_feed(struct ftmb_ckpt_store *s, const void *buf,
					   size_t len, size_t *used,
					   struct ftmb_ckpt_cover *cover,
					   char *err, size_t errlen)
{
	const uint8_t *p = buf;
	size_t done = 0;

	/* After a swap rx may be the old, possibly empty, current buffer. */
	if (reserve(&s->rx, sizeof(struct ftmb_ckpt_header)) < 0) {
		*used = 0;
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "checkpoint store: out of memory");
		return FTMB_STORE_REJECTED;
	}
	while (done < len) {
		uint64_t goal = s->want ? s->want : sizeof(struct ftmb_ckpt_header);
		uint64_t n = goal - s->rx.len;

		if (n > len - done)
			n = len - done;
		if (!s->skipping)
			memcpy(s->rx.p + s->rx.len, p + done, (size_t)n);
		s->rx.len += n;
		done += (size_t)n;
		s->st.bytes += n;
		if (s->rx.len < goal)
			break;
		if (s->want == 0) {
			/* Header complete: learn the image length. */
			memcpy(&s->hdr, s->rx.p, sizeof(s->hdr));
			if (s->hdr.magic != FTMB_CKPT_MAGIC ||
			    s->hdr.total_len < sizeof(struct ftmb_ckpt_header) +
						   sizeof(struct ftmb_ckpt_trailer)) {
				/* Not a checkpoint stream: nothing to resynchronise on. */
				if (err != NULL && errlen > 0)
					snprintf(err, errlen, "checkpoint stream: bad header (magic %016llx)",
						 (unsigned long long)s->hdr.magic);
				reset_rx(s);
				s->st.rejected++;
				*used = len;
				return FTMB_STORE_REJECTED;
			}
			s->want = s->hdr.total_len;
			if (s->want > s->max_image || reserve(&s->rx, s->want) < 0) {
				if (err != NULL && errlen > 0)
					snprintf(err, errlen, "checkpoint of %llu bytes refused (limit %llu or no memory)",
						 (unsigned long long)s->want,
						 (unsigned long long)s->max_image);
				s->skipping = 1;
			}
			continue;
		}
		*used = done;
		return finish(s, cover, err, errlen);
	}
	*used = done;
	return FTMB_STORE_MORE;
}

void ftmb_ckpt_store_abort(struct ftmb_ckpt_store *s)
{
	if (s->rx.len > 0)
		s->st.aborted++;
	reset_rx(s);
}

uint64_t ftmb_ckpt_store_pending(const struct ftmb_ckpt_store *s)
{
	return s->rx.len;
}

int ftmb_ckpt_store_current(const struct ftmb_ckpt_store *s, struct ftmb_ckpt_view *v)
{
	if (s->cur.len == 0)
		return -1;
	*v = s->cur_view;
	return 0;
}

void ftmb_ckpt_store_get_stats(const struct ftmb_ckpt_store *s, struct ftmb_ckpt_store_stats *st)
{
	*st = s->st;
}
