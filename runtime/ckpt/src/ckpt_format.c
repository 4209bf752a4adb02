/*
 * ckpt_format.c: writing and validating checkpoint images.
 *
 * Theory of operation: see ftmb_ckpt_format.h. The writer walks the
 * source once, passing every byte through the CRC before the sink, and
 * knows total_len up front (ftmb_ckpt_image_len) so the header can carry
 * it; the validator checks the trailer first (length, magic, CRC over the
 * whole prefix) and then walks the chunks with bounds checks on every
 * length before it is used, so no input can make it read outside buf.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftmb_ckpt_format.h"

_Static_assert(sizeof(struct ftmb_ckpt_header) == 64, "header layout");
_Static_assert(sizeof(struct ftmb_ckpt_chunk) == 24, "chunk layout");
_Static_assert(sizeof(struct ftmb_ckpt_trailer) == 24, "trailer layout");
_Static_assert(sizeof(struct ftmb_ckpt_meta) == 64, "meta layout");

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t pad8(uint64_t n)
{
	return (n + 7u) & ~(uint64_t)7u;
}

static uint64_t chunk_bytes(uint64_t payload)
{
	return sizeof(struct ftmb_ckpt_chunk) + pad8(payload);
}

uint64_t ftmb_ckpt_image_len(const struct ftmb_ckpt_source *src)
{
	uint64_t n = sizeof(struct ftmb_ckpt_header) + sizeof(struct ftmb_ckpt_trailer);

	n += chunk_bytes((uint64_t)src->n_cores * sizeof(struct ftmb_ckpt_core));
	n += chunk_bytes((uint64_t)src->n_vars * sizeof(struct ftmb_ckpt_var));
	n += chunk_bytes(sizeof(struct ftmb_ckpt_meta));
	for (size_t i = 0; i < src->n_globals; i++)
		n += chunk_bytes(src->globals[i].size);
	if (src->meta.arena_used > 0)
		n += chunk_bytes(src->meta.arena_used);
	return n;
}

/* Writer state: CRC of everything passed so far, and the sink. */
struct writer {
	ftmb_ckpt_out_fn out;
	void *arg;
	uint32_t crc;
	uint64_t written;
};

static int put(struct writer *w, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	w->crc = ftmb_ckpt_crc(buf, len, w->crc);
	w->written += len;
	return w->out(w->arg, buf, len);
}

static int put_chunk(struct writer *w, uint32_t kind, uint64_t id,
		     const void *payload, uint64_t len)
{
	static const uint8_t zeros[8];
	struct ftmb_ckpt_chunk c = { .kind = kind, .flags = 0, .id = id, .len = len };
	const uint8_t *p = payload;
	uint64_t left = len;

	if (put(w, &c, sizeof(c)) < 0)
		return -1;
	/* Stream large regions in slices (sinks may be sockets). */
	while (left > 0) {
		size_t n = left > (1u << 20) ? (1u << 20) : (size_t)left;
		if (put(w, p, n) < 0)
			return -1;
		p += n;
		left -= n;
	}
	return put(w, zeros, (size_t)(pad8(len) - len));
}

int ftmb_ckpt_write(const struct ftmb_ckpt_source *src, ftmb_ckpt_out_fn out,
		    void *arg, char *err, size_t errlen)
{
	struct writer w = { .out = out, .arg = arg, .crc = FTMB_CKPT_CRC_INIT, .written = 0 };
	struct ftmb_ckpt_header h;
	struct ftmb_ckpt_meta meta;
	struct ftmb_ckpt_trailer t;
	uint32_t n_chunks;

	if (src->n_cores == 0 || src->n_cores > FTMB_CKPT_MAX_CORES) {
		set_err(err, errlen, "checkpoint: bad number of cores %u", src->n_cores);
		return -1;
	}
	if ((src->n_vars > 0 && src->vars == NULL) || src->cores == NULL ||
	    (src->n_globals > 0 && src->globals == NULL) ||
	    (src->meta.arena_used > 0 && src->arena == NULL)) {
		set_err(err, errlen, "checkpoint: source has a NULL region");
		return -1;
	}
	n_chunks = 3u + (uint32_t)src->n_globals + (src->meta.arena_used > 0 ? 1u : 0u);

	meta = src->meta;
	meta.n_globals = src->n_globals;
	meta.state_bytes = src->meta.arena_used;
	for (size_t i = 0; i < src->n_globals; i++)
		meta.state_bytes += src->globals[i].size;

	memset(&h, 0, sizeof(h));
	h.magic = FTMB_CKPT_MAGIC;
	h.version = FTMB_CKPT_VERSION;
	h.header_len = sizeof(h);
	h.seq = src->seq;
	h.created_ns = src->created_ns;
	h.total_len = ftmb_ckpt_image_len(src);
	h.fingerprint = src->fingerprint;
	h.n_cores = src->n_cores;
	h.n_chunks = n_chunks;

	if (put(&w, &h, sizeof(h)) < 0 ||
	    put_chunk(&w, FTMB_CKPT_CORES, 0, src->cores,
		      (uint64_t)src->n_cores * sizeof(*src->cores)) < 0 ||
	    put_chunk(&w, FTMB_CKPT_VARS, 0, src->vars,
		      (uint64_t)src->n_vars * sizeof(*src->vars)) < 0 ||
	    put_chunk(&w, FTMB_CKPT_META, 0, &meta, sizeof(meta)) < 0)
		goto sink_error;
	for (size_t i = 0; i < src->n_globals; i++)
		if (put_chunk(&w, FTMB_CKPT_GLOBAL, src->globals[i].id,
			      src->globals[i].addr, src->globals[i].size) < 0)
			goto sink_error;
	if (src->meta.arena_used > 0 &&
	    put_chunk(&w, FTMB_CKPT_ARENA, src->meta.arena_base, src->arena,
		      src->meta.arena_used) < 0)
		goto sink_error;

	t.magic = FTMB_CKPT_END;
	t.total_len = h.total_len;
	t.n_chunks = n_chunks;
	t.crc = w.crc;
	if (w.out(w.arg, &t, sizeof(t)) < 0)
		goto sink_error;
	return 0;

sink_error:
	set_err(err, errlen, "checkpoint: sink failed after %" PRIu64 " bytes: %s",
		w.written, strerror(errno));
	return -1;
}

int ftmb_ckpt_out_fd(void *arg, const void *buf, size_t len)
{
	int fd = *(int *)arg;
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ftmb_ckpt_out_mem(void *arg, const void *buf, size_t len)
{
	struct ftmb_ckpt_membuf *m = arg;

	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		while (cap < m->len + len)
			cap *= 2;
		uint8_t *nb = realloc(m->buf, cap);
		if (nb == NULL) {
			errno = ENOMEM;
			return -1;
		}
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

/* ------------------------------------------------------------------ */

int ftmb_ckpt_validate(const void *buf, size_t len, struct ftmb_ckpt_view *v,
		       char *err, size_t errlen)
{
	const uint8_t *b = buf;
	const struct ftmb_ckpt_header *h = buf;
	struct ftmb_ckpt_trailer t;
	uint64_t off, end;
	uint32_t crc, seen = 0;
	int have_cores = 0, have_vars = 0, have_meta = 0, have_arena = 0;

	memset(v, 0, sizeof(*v));
	if (buf == NULL || len < sizeof(*h) + sizeof(t)) {
		set_err(err, errlen, "checkpoint: %zu bytes, shorter than header + trailer", len);
		return -1;
	}
	if (((uintptr_t)buf & 7u) != 0) {
		set_err(err, errlen, "checkpoint: buffer not 8-byte aligned");
		return -1;
	}
	if (h->magic != FTMB_CKPT_MAGIC) {
		set_err(err, errlen, "checkpoint: bad magic (not a checkpoint)");
		return -1;
	}
	if (h->version != FTMB_CKPT_VERSION || h->header_len != sizeof(*h)) {
		set_err(err, errlen, "checkpoint: unsupported version %u (header %u bytes), want %u",
			h->version, h->header_len, FTMB_CKPT_VERSION);
		return -1;
	}
	if (h->total_len != len) {
		set_err(err, errlen, "checkpoint: incomplete: %zu of %" PRIu64 " bytes",
			len, h->total_len);
		return -1;
	}
	if (h->n_cores == 0 || h->n_cores > FTMB_CKPT_MAX_CORES) {
		set_err(err, errlen, "checkpoint: bad number of cores %u", h->n_cores);
		return -1;
	}
	end = len - sizeof(t);
	memcpy(&t, b + end, sizeof(t));
	if (t.magic != FTMB_CKPT_END || t.total_len != len || t.n_chunks != h->n_chunks) {
		set_err(err, errlen, "checkpoint: trailer missing or inconsistent (truncated image?)");
		return -1;
	}
	crc = ftmb_ckpt_crc(b, (size_t)end, FTMB_CKPT_CRC_INIT);
	if (crc != t.crc) {
		set_err(err, errlen, "checkpoint: CRC mismatch (stored %08x, computed %08x)",
			t.crc, crc);
		return -1;
	}

	for (off = sizeof(*h); off < end; seen++) {
		const struct ftmb_ckpt_chunk *c = (const void *)(b + off);
		const uint8_t *payload;

		if (end - off < sizeof(*c)) {
			set_err(err, errlen, "checkpoint: chunk header at %" PRIu64 " runs past the end", off);
			return -1;
		}
		payload = b + off + sizeof(*c);
		if (c->len > end - off - sizeof(*c) || pad8(c->len) > end - off - sizeof(*c)) {
			set_err(err, errlen, "checkpoint: chunk at %" PRIu64 " (%" PRIu64
				" bytes) runs past the end", off, c->len);
			return -1;
		}
		switch (c->kind) {
		case FTMB_CKPT_CORES:
			if (have_cores++ ||
			    c->len != (uint64_t)h->n_cores * sizeof(struct ftmb_ckpt_core)) {
				set_err(err, errlen, "checkpoint: bad CORES chunk");
				return -1;
			}
			v->cores = (const void *)payload;
			break;
		case FTMB_CKPT_VARS:
			if (have_vars++ || c->len % sizeof(struct ftmb_ckpt_var) != 0) {
				set_err(err, errlen, "checkpoint: bad VARS chunk");
				return -1;
			}
			v->vars = (const void *)payload;
			v->n_vars = (size_t)(c->len / sizeof(struct ftmb_ckpt_var));
			break;
		case FTMB_CKPT_META:
			if (have_meta++ || c->len != sizeof(struct ftmb_ckpt_meta)) {
				set_err(err, errlen, "checkpoint: bad META chunk");
				return -1;
			}
			v->meta = (const void *)payload;
			break;
		case FTMB_CKPT_GLOBAL:
			break;
		case FTMB_CKPT_ARENA:
			if (have_arena++) {
				set_err(err, errlen, "checkpoint: two ARENA chunks");
				return -1;
			}
			v->arena = payload;
			break;
		default:
			set_err(err, errlen, "checkpoint: unknown chunk kind %u at %" PRIu64,
				c->kind, off);
			return -1;
		}
		off += chunk_bytes(c->len);
	}
	if (seen != h->n_chunks || !have_cores || !have_vars || !have_meta) {
		set_err(err, errlen, "checkpoint: %u chunks (header says %u), cores %d vars %d meta %d",
			seen, h->n_chunks, have_cores, have_vars, have_meta);
		return -1;
	}
	if ((v->meta->arena_used > 0) != (v->arena != NULL) ||
	    v->meta->arena_used > v->meta->arena_capacity) {
		set_err(err, errlen, "checkpoint: arena chunk disagrees with META (used %" PRIu64 ")",
			v->meta->arena_used);
		return -1;
	}
	if (v->arena != NULL) {
		const struct ftmb_ckpt_chunk *c = (const void *)(v->arena - sizeof(*c));
		if (c->len != v->meta->arena_used || c->id != v->meta->arena_base) {
			set_err(err, errlen, "checkpoint: arena chunk disagrees with META");
			return -1;
		}
	}
	v->hdr = h;
	v->buf = b;
	v->len = len;
	return 0;
}

int ftmb_ckpt_next_global(const struct ftmb_ckpt_view *v, size_t *it,
			  uint64_t *id, const uint8_t **data, uint64_t *size)
{
	uint64_t end = v->len - sizeof(struct ftmb_ckpt_trailer);
	uint64_t off = *it ? *it : sizeof(struct ftmb_ckpt_header);

	while (off < end) {
		const struct ftmb_ckpt_chunk *c = (const void *)(v->buf + off);
		off += chunk_bytes(c->len);
		if (c->kind == FTMB_CKPT_GLOBAL) {
			*id = c->id;
			*data = (const uint8_t *)(c + 1);
			*size = c->len;
			*it = (size_t)off;
			return 1;
		}
	}
	*it = (size_t)off;
	return 0;
}

uint64_t ftmb_ckpt_watermark(const struct ftmb_ckpt_view *v)
{
	return v->meta->input_watermark;
}
