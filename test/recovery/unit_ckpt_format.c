/*
 * unit_ckpt_format.c: checkpoint images round-trip; every truncation, every
 * single-byte corruption (sampled) and malformed chunk layouts are refused
 * with a reason and never read outside the buffer.
 */
#include <stdint.h>
#include <string.h>

#include "ftmb_ckpt_format.h"
#include "unit_check.h"

static uint8_t g1[40], g2[3], arena[1000];

static void make_source(struct ftmb_ckpt_source *s, struct ftmb_ckpt_core *cores,
			struct ftmb_ckpt_var *vars, struct ftmb_ckpt_region *globals)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < sizeof(g1); i++) g1[i] = (uint8_t)(i * 7);
	for (unsigned i = 0; i < sizeof(g2); i++) g2[i] = (uint8_t)(0xa0 + i);
	for (unsigned i = 0; i < sizeof(arena); i++) arena[i] = (uint8_t)(i ^ 0x5a);
	cores[0] = (struct ftmb_ckpt_core){ .last_pkt_id = 10, .max = 4, .pkts = 5 };
	cores[1] = (struct ftmb_ckpt_core){ .last_pkt_id = 12, .max = 9, .pkts = 7 };
	vars[0] = (struct ftmb_ckpt_var){ .id = 111, .counter = 6 };
	vars[1] = (struct ftmb_ckpt_var){ .id = 222, .counter = 7, .type_id = 5, .key = 64, .flags = 2 };
	globals[0] = (struct ftmb_ckpt_region){ .id = 0x1111, .addr = g1, .size = sizeof(g1) };
	globals[1] = (struct ftmb_ckpt_region){ .id = 0x2222, .addr = g2, .size = sizeof(g2) };
	s->seq = 3;
	s->created_ns = 42;
	s->fingerprint = 0xf00d;
	s->n_cores = 2;
	s->cores = cores;
	s->vars = vars;
	s->n_vars = 2;
	s->globals = globals;
	s->n_globals = 2;
	s->meta.rng_seed = 99;
	s->meta.input_watermark = 12;
	s->meta.arena_base = 0x6f0000000000ull;
	s->meta.arena_used = sizeof(arena);
	s->meta.arena_capacity = 1 << 20;
	s->arena = arena;
}

static struct ftmb_ckpt_membuf write_image(const struct ftmb_ckpt_source *s)
{
	struct ftmb_ckpt_membuf m = { 0 };
	char err[200];
	CHECK(ftmb_ckpt_write(s, ftmb_ckpt_out_mem, &m, err, sizeof(err)) == 0);
	return m;
}

/* Copy into an 8-aligned heap buffer of exactly n bytes (ASan/valgrind see overreads). */
static uint8_t *dup_n(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);
	memcpy(q, p, n);
	return q;
}

int main(void)
{
	struct ftmb_ckpt_source s;
	struct ftmb_ckpt_core cores[2];
	struct ftmb_ckpt_var vars[2];
	struct ftmb_ckpt_region globals[2];
	struct ftmb_ckpt_view v;
	char err[200];

	make_source(&s, cores, vars, globals);
	struct ftmb_ckpt_membuf m = write_image(&s);
	CHECK(m.len == ftmb_ckpt_image_len(&s));
	CHECK(m.len % 8 == 0);

	/* Round trip. */
	CHECK(ftmb_ckpt_validate(m.buf, m.len, &v, err, sizeof(err)) == 0);
	CHECK(v.hdr->seq == 3 && v.hdr->n_cores == 2 && v.hdr->fingerprint == 0xf00d);
	CHECK(v.cores[1].max == 9 && v.cores[0].last_pkt_id == 10);
	CHECK(v.n_vars == 2 && v.vars[1].counter == 7 && v.vars[1].key == 64);
	CHECK(v.meta->state_bytes == sizeof(g1) + sizeof(g2) + sizeof(arena));
	CHECK(v.meta->n_globals == 2);
	CHECK(ftmb_ckpt_watermark(&v) == 12);
	CHECK(v.arena != NULL && memcmp(v.arena, arena, sizeof(arena)) == 0);
	{
		size_t it = 0, n = 0;
		uint64_t id, size;
		const uint8_t *data;
		while (ftmb_ckpt_next_global(&v, &it, &id, &data, &size)) {
			if (n == 0) CHECK(id == 0x1111 && size == sizeof(g1) && memcmp(data, g1, size) == 0);
			if (n == 1) CHECK(id == 0x2222 && size == sizeof(g2) && memcmp(data, g2, size) == 0);
			n++;
		}
		CHECK(n == 2);
	}

	/* Every truncation is refused (a half-received image is never complete). */
	for (size_t n = 0; n < m.len; n++) {
		uint8_t *p = dup_n(m.buf, n);
		if (ftmb_ckpt_validate(p, n, &v, err, sizeof(err)) == 0) {
			fprintf(stderr, "truncated image of %zu bytes accepted\n", n);
			unit_failures++;
		}
		free(p);
	}
	/* Every single-byte corruption is refused. */
	for (size_t i = 0; i < m.len; i++) {
		uint8_t *p = dup_n(m.buf, m.len);
		p[i] ^= (uint8_t)(1u << (i % 8));
		if (ftmb_ckpt_validate(p, m.len, &v, err, sizeof(err)) == 0) {
			fprintf(stderr, "corruption at byte %zu accepted\n", i);
			unit_failures++;
		}
		free(p);
	}
	/* Extra bytes after the trailer are refused too. */
	{
		uint8_t *p = calloc(1, m.len + 8);
		memcpy(p, m.buf, m.len);
		CHECK(ftmb_ckpt_validate(p, m.len + 8, &v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "incomplete") != NULL);
		free(p);
	}
	/* A forged image with a consistent CRC but a chunk running past the end. */
	{
		uint8_t *p = dup_n(m.buf, m.len);
		struct ftmb_ckpt_chunk *c = (void *)(p + sizeof(struct ftmb_ckpt_header));
		struct ftmb_ckpt_trailer *t = (void *)(p + m.len - sizeof(*t));
		c->len = 1ull << 40;
		t->crc = ftmb_ckpt_crc(p, m.len - sizeof(*t), FTMB_CKPT_CRC_INIT);
		CHECK(ftmb_ckpt_validate(p, m.len, &v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "past the end") != NULL);
		free(p);
	}
	/* Forged: unknown chunk kind. */
	{
		uint8_t *p = dup_n(m.buf, m.len);
		struct ftmb_ckpt_chunk *c = (void *)(p + sizeof(struct ftmb_ckpt_header));
		struct ftmb_ckpt_trailer *t = (void *)(p + m.len - sizeof(*t));
		c->kind = 77;
		t->crc = ftmb_ckpt_crc(p, m.len - sizeof(*t), FTMB_CKPT_CRC_INIT);
		CHECK(ftmb_ckpt_validate(p, m.len, &v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "unknown chunk kind") != NULL);
		free(p);
	}
	/* Forged: wrong version. */
	{
		uint8_t *p = dup_n(m.buf, m.len);
		((struct ftmb_ckpt_header *)p)->version = 9;
		CHECK(ftmb_ckpt_validate(p, m.len, &v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "version") != NULL);
		free(p);
	}
	/* NULL / tiny buffers. */
	CHECK(ftmb_ckpt_validate(NULL, 0, &v, err, sizeof(err)) < 0);

	/* Bad sources are refused by the writer. */
	{
		struct ftmb_ckpt_source bad = s;
		struct ftmb_ckpt_membuf mm = { 0 };
		bad.n_cores = 0;
		CHECK(ftmb_ckpt_write(&bad, ftmb_ckpt_out_mem, &mm, err, sizeof(err)) < 0);
		bad = s;
		bad.arena = NULL;
		CHECK(ftmb_ckpt_write(&bad, ftmb_ckpt_out_mem, &mm, err, sizeof(err)) < 0);
		free(mm.buf);
	}
	/* No arena, no vars: still a valid image. */
	{
		struct ftmb_ckpt_source s2 = s;
		s2.meta.arena_used = 0;
		s2.arena = NULL;
		s2.n_vars = 0;
		s2.vars = NULL;
		struct ftmb_ckpt_membuf m2 = write_image(&s2);
		CHECK(ftmb_ckpt_validate(m2.buf, m2.len, &v, err, sizeof(err)) == 0);
		CHECK(v.arena == NULL && v.n_vars == 0);
		free(m2.buf);
	}
	/* The CRC is chainable (streaming writer == one-shot). */
	{
		uint32_t a = ftmb_ckpt_crc(m.buf, m.len, FTMB_CKPT_CRC_INIT);
		uint32_t b = ftmb_ckpt_crc(m.buf + 13, m.len - 13,
					   ftmb_ckpt_crc(m.buf, 13, FTMB_CKPT_CRC_INIT));
		CHECK(a == b);
		/* CRC32-C check value of "123456789" with init ~0 and final xor. */
		CHECK((ftmb_ckpt_crc("123456789", 9, FTMB_CKPT_CRC_INIT) ^ 0xffffffffu) == 0xe3069283u);
	}
	free(m.buf);
	UNIT_DONE("unit_ckpt_format");
}
