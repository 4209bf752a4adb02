/*
 * wire_test.c: the wire parser rejects every truncated or malformed frame
 * with the right reason and accepts well-formed ones (runtime/dpdk/ftmb_wire.c).
 * Also: every prefix of every valid frame is rejected without reading past
 * it (run under valgrind/ASan to see the latter).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_wire.h"

static int failures;

#define EXPECT(cond, ...)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			failures++;                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
		}                                                           \
	} while (0)

/* Build a frame of `type` with body (fixed + variable) in buf; returns len. */
static size_t build(uint8_t *buf, uint8_t type, const void *body, size_t body_len)
{
	struct ftmb_hdr h = {FTMB_WIRE_VERSION, type, (uint16_t)body_len, 0};

	memset(buf, 0, 14);
	buf[12] = FTMB_ETHERTYPE >> 8;
	buf[13] = FTMB_ETHERTYPE & 0xff;
	memcpy(buf + 14, &h, sizeof(h));
	memcpy(buf + 14 + sizeof(h), body, body_len);
	return 14 + sizeof(h) + body_len;
}

static void check_prefixes(const uint8_t *f, size_t len, const char *what)
{
	struct ftmb_wire_view v;

	for (size_t l = 0; l < len; l++) {
		uint8_t *copy = malloc(l ? l : 1); /* exact size: overreads show */
		memcpy(copy, f, l);
		int err = ftmb_wire_parse(copy, l, &v);
		EXPECT(err != FTMB_WIRE_OK, "%s: prefix %zu of %zu accepted", what, l, len);
		free(copy);
	}
	EXPECT(ftmb_wire_parse(f, len, &v) == FTMB_WIRE_OK, "%s: full frame rejected", what);
}

int main(void)
{
	uint8_t buf[4096], body[2048];
	struct ftmb_wire_view v;
	size_t len;

	/* PKT with a 60-byte frame */
	{
		struct ftmb_w_pkt p = {.pkt_id = 42, .ts_ns = 7, .in_port = 1,
				       .kind = FTMB_PKT_FRAME, .frame_len = 60};
		memcpy(body, &p, sizeof(p));
		memset(body + sizeof(p), 0xab, 60);
		len = build(buf, FTMB_W_PKT, body, sizeof(p) + 60);
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK, "PKT rejected");
		EXPECT(v.type == FTMB_W_PKT && v.frame_len == 60 && v.frame[0] == 0xab, "PKT view");
		EXPECT(len == 14 + ftmb_wire_size(FTMB_W_PKT, 0, 60), "PKT size");
		check_prefixes(buf, len, "PKT");
		/* Ethernet padding after the payload is fine */
		EXPECT(ftmb_wire_parse(buf, len + 10, &v) == FTMB_WIRE_OK, "padded PKT");
		/* frame_len larger than the body */
		((struct ftmb_w_pkt *)(buf + 14 + sizeof(struct ftmb_hdr)))->frame_len = 61;
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_LENGTH_BAD, "PKT frame_len+1");
		((struct ftmb_w_pkt *)(buf + 14 + sizeof(struct ftmb_hdr)))->frame_len = 4;
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "PKT runt frame");
		/* a tick carries no frame */
		p.kind = FTMB_PKT_TICK;
		p.frame_len = 0;
		len = build(buf, FTMB_W_PKT, &p, sizeof(p));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK, "tick rejected");
		p.kind = 9;
		len = build(buf, FTMB_W_PKT, &p, sizeof(p));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "PKT kind 9");
	}
	/* DATA with a 2-entry vector */
	{
		struct ftmb_w_data d = {.core = 1, .out_port = 0, .n_vec = 2, .frame_len = 64,
					.pkt_id = 5};
		uint64_t vec[2] = {3, 4};
		memcpy(body, &d, sizeof(d));
		memcpy(body + sizeof(d), vec, 16);
		memset(body + sizeof(d) + 16, 1, 64);
		len = build(buf, FTMB_W_DATA, body, sizeof(d) + 16 + 64);
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK, "DATA rejected");
		EXPECT(v.vec[1] == 4 && v.frame_len == 64, "DATA view");
		check_prefixes(buf, len, "DATA");
		d.core = 2; /* core outside its own vector */
		memcpy(body, &d, sizeof(d));
		len = build(buf, FTMB_W_DATA, body, sizeof(d) + 16 + 64);
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "DATA core 2 of 2");
		d.core = 0;
		d.n_vec = 200;
		memcpy(body, &d, sizeof(d));
		EXPECT(ftmb_wire_parse(buf, build(buf, FTMB_W_DATA, body, sizeof(d) + 16 + 64), &v) ==
		       FTMB_WIRE_FIELD_BAD, "DATA n_vec 200");
		d.n_vec = 2;
		d.out_port = 5;
		memcpy(body, &d, sizeof(d));
		EXPECT(ftmb_wire_parse(buf, build(buf, FTMB_W_DATA, body, sizeof(d) + 16 + 64), &v) ==
		       FTMB_WIRE_FIELD_BAD, "DATA out_port 5");
	}
	/* PALS */
	{
		struct ftmb_w_pals b = {.core = 0, .count = 3, .first = 10};
		struct ftmb_w_pal pal[3] = {{1, 2, 3}, {1, 2, 4}, {2, 9, 1}};
		memcpy(body, &b, sizeof(b));
		memcpy(body + sizeof(b), pal, sizeof(pal));
		len = build(buf, FTMB_W_PALS, body, sizeof(b) + sizeof(pal));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK, "PALS rejected");
		EXPECT(v.pals[2].var_id == 9, "PALS view");
		check_prefixes(buf, len, "PALS");
		b.count = 4; /* claims more than it carries */
		memcpy(body, &b, sizeof(b));
		len = build(buf, FTMB_W_PALS, body, sizeof(b) + sizeof(pal));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_LENGTH_BAD, "PALS count 4 of 3");
		b.count = 0;
		memcpy(body, &b, sizeof(b));
		len = build(buf, FTMB_W_PALS, body, sizeof(b));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "PALS count 0");
		b.count = FTMB_PALS_PER_FRAME + 1;
		memcpy(body, &b, sizeof(b));
		len = build(buf, FTMB_W_PALS, body, sizeof(b));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "PALS count too big");
	}
	/* NOOUT, ACK, HB, SYNC */
	{
		struct ftmb_w_noout no = {.core = 1, .pkt_id = 9};
		len = build(buf, FTMB_W_NOOUT, &no, sizeof(no));
		check_prefixes(buf, len, "NOOUT");
		len = build(buf, FTMB_W_NOOUT, &no, sizeof(no) - 1);
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_LENGTH_BAD, "NOOUT short body");

		struct ftmb_w_ack a = {.n_cores = 2, .ol_epoch = 1};
		uint64_t r[2] = {5, 6};
		memcpy(body, &a, sizeof(a));
		memcpy(body + sizeof(a), r, 16);
		len = build(buf, FTMB_W_ACK, body, sizeof(a) + 16);
		check_prefixes(buf, len, "ACK");
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK && v.vec[1] == 6, "ACK view");
		len = build(buf, FTMB_W_ACK, body, sizeof(a) + 8);
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_LENGTH_BAD, "ACK short vector");

		struct ftmb_w_hb hb = {.role = FTMB_ROLE_OL, .epoch = 3, .seq = 1};
		len = build(buf, FTMB_W_HB, &hb, sizeof(hb));
		check_prefixes(buf, len, "HB");
		hb.role = 0;
		len = build(buf, FTMB_W_HB, &hb, sizeof(hb));
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_FIELD_BAD, "HB role 0");

		struct ftmb_w_sync s = {.n_cores = 1, .gen = 1, .ol_epoch = 3};
		uint64_t pos[2] = {10, 0};
		memcpy(body, &s, sizeof(s));
		memcpy(body + sizeof(s), pos, 16);
		len = build(buf, FTMB_W_SYNC, body, sizeof(s) + 16);
		check_prefixes(buf, len, "SYNC");
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK && v.vec[0] == 10 &&
		       v.vec2[0] == 0, "SYNC view");
	}
	/* header-level errors */
	{
		struct ftmb_w_noout no = {0};
		len = build(buf, FTMB_W_NOOUT, &no, sizeof(no));
		buf[14] = 2; /* version */
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_VERSION_BAD, "version 2");
		buf[14] = FTMB_WIRE_VERSION;
		buf[15] = 0; /* type */
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_TYPE_BAD, "type 0");
		buf[15] = 0x20;
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_TYPE_BAD, "type 0x20");
		buf[15] = FTMB_W_EXT_FIRST; /* extension: only the length is checked */
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_OK, "ext type");
		buf[15] = FTMB_W_NOOUT;
		buf[16] = 0xff; /* length beyond the frame */
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_SHORT, "length 0xff..");
		buf[12] = 0x08; /* IPv4: not ours */
		buf[13] = 0x00;
		EXPECT(ftmb_wire_parse(buf, len, &v) == FTMB_WIRE_NOT_FTMB, "IPv4");
		EXPECT(ftmb_wire_ethertype(buf, 10) == 0, "ethertype of a runt");
	}
	/* random garbage never crashes and is never accepted as a DATA frame
	 * whose vector or frame points outside the buffer */
	srand(1);
	for (int i = 0; i < 200000; i++) {
		size_t l = (size_t)(rand() % 200);
		uint8_t *g = malloc(l ? l : 1);
		for (size_t k = 0; k < l; k++)
			g[k] = (uint8_t)rand();
		if (l > 16) {
			g[12] = FTMB_ETHERTYPE >> 8;
			g[13] = FTMB_ETHERTYPE & 0xff;
			g[14] = FTMB_WIRE_VERSION;
			g[15] = (uint8_t)(1 + rand() % 7);
		}
		if (ftmb_wire_parse(g, l, &v) == FTMB_WIRE_OK && v.frame)
			EXPECT(v.frame + v.frame_len <= g + l, "frame outside the buffer");
		free(g);
	}
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("wire parser: all checks passed\n");
	return 0;
}
