/*
 * pcapgen.c: deterministic captures for the pipeline tests (libpcap).
 *
 *   ftmb_pcapgen traffic OUT.pcap [-n N] [-f FLOWS] [-b FIRST] [-s SEED] [--spoof K]
 *       N UDP/IPv4 frames over FLOWS flows (numbered from FIRST, source
 *       10.0.x.y, port 1024 + flow) from the inside network (5% to
 *       port 9, which the test middlebox drops; 5% to port 7, which it
 *       echoes with mb_emit), lengths 60..300; with --spoof, K frames of
 *       the FTMB ethertype are mixed in (the IL must drop them).
 *   ftmb_pcapgen il-frames OUT.pcap [-n N] [-f FLOWS] [-s SEED] [--bad K]
 *       the same traffic as the IL would send it to the master (PKT
 *       frames, ids from 1), with K malformed FTMB frames mixed in
 *       (truncated, bad version, bad type, length mismatches, bad counts).
 *   Prints "frames=<total> spoofed=<K> malformed=<K>" on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "ftmb_wire.h"

static uint64_t rng_state;
static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static pcap_dumper_t *dumper;
static unsigned long n_frames;

static void put(const uint8_t *f, size_t len)
{
	struct pcap_pkthdr h = {0};

	h.ts.tv_sec = 1700000000 + (long)(n_frames / 1000000);
	h.ts.tv_usec = (long)(n_frames % 1000000);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)dumper, &h, f);
	n_frames++;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One UDP frame of flow f; returns its length. */
static size_t make_udp(uint8_t *b, uint32_t f, uint32_t i)
{
	size_t len = 60 + rnd() % 241;
	uint32_t r = rnd() % 100;
	uint16_t dport = r < 5 ? 9 : r < 10 ? 7 : 80;
	uint8_t *ip = b + 14, *udp = ip + 20;

	memset(b, 0, len);
	b[0] = 0x02; b[5] = 0x02;          /* dst 02:00:00:00:00:02 */
	b[6] = 0x02; b[11] = 0x01;         /* src 02:00:00:00:00:01 */
	b[12] = 0x08; b[13] = 0x00;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - 14) >> 8);
	ip[3] = (uint8_t)(len - 14);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10; ip[13] = 0; ip[14] = (uint8_t)(f >> 8); ip[15] = (uint8_t)f;
	ip[16] = 192; ip[17] = 168; ip[18] = 0; ip[19] = 1;
	uint16_t c = csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)((1024 + f) >> 8);
	udp[1] = (uint8_t)(1024 + f);
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)((len - 34) >> 8);
	udp[5] = (uint8_t)(len - 34);
	/* payload: packet number, so every frame differs */
	memcpy(udp + 12, &i, 4);
	return len;
}

static size_t ftmb_frame(uint8_t *b, uint8_t type, const void *body, size_t body_len)
{
	struct ftmb_hdr h = {FTMB_WIRE_VERSION, type, (uint16_t)body_len, 0};

	memset(b, 0, 14);
	b[0] = 0x02; b[5] = 0x03;
	b[12] = FTMB_ETHERTYPE >> 8;
	b[13] = FTMB_ETHERTYPE & 0xff;
	memcpy(b + 14, &h, sizeof(h));
	memcpy(b + 14 + sizeof(h), body, body_len);
	return 14 + sizeof(h) + body_len;
}

/* The k-th kind of malformed FTMB frame. */
static size_t make_bad(uint8_t *b, unsigned k)
{
	uint8_t body[256] = {0};
	struct ftmb_w_pals pals = {.core = 0, .count = 5, .first = 0};
	struct ftmb_w_pkt pkt = {.pkt_id = 1, .frame_len = 100};
	size_t len;

	switch (k % 7) {
	case 0: /* truncated inside ftmb_hdr */
		len = ftmb_frame(b, FTMB_W_HB, body, 0);
		return 17;
	case 1: /* unknown version */
		len = ftmb_frame(b, FTMB_W_HB, body, sizeof(struct ftmb_w_hb));
		b[14] = 9;
		return len;
	case 2: /* unknown type */
		len = ftmb_frame(b, 0x33, body, 8);
		return len;
	case 3: /* PALS claiming 5 records, carrying 1 */
		memcpy(body, &pals, sizeof(pals));
		return ftmb_frame(b, FTMB_W_PALS, body, sizeof(pals) + sizeof(struct ftmb_w_pal));
	case 4: /* header length beyond the frame */
		len = ftmb_frame(b, FTMB_W_NOOUT, body, sizeof(struct ftmb_w_noout));
		b[16] = 0xff;
		return len;
	case 5: /* PKT whose frame_len exceeds the body */
		memcpy(body, &pkt, sizeof(pkt));
		return ftmb_frame(b, FTMB_W_PKT, body, sizeof(pkt) + 20);
	default: /* truncated in the middle of a PKT body */
		memcpy(body, &pkt, sizeof(pkt));
		len = ftmb_frame(b, FTMB_W_PKT, body, sizeof(pkt) + 100);
		return 14 + sizeof(struct ftmb_hdr) + 10;
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 2000, flows = 16, spoof = 0, bad = 0, seed = 1, base = 0;
	uint8_t frame[2048], wrapped[2048];
	pcap_t *p;
	int il_frames;

	if (argc < 3 || (strcmp(argv[1], "traffic") && strcmp(argv[1], "il-frames"))) {
		fprintf(stderr, "usage: %s traffic|il-frames OUT.pcap [-n N] [-f FLOWS] "
			"[-b FIRST] [-s SEED] [--spoof K] [--bad K]\n", argv[0]);
		return 2;
	}
	il_frames = !strcmp(argv[1], "il-frames");
	for (int i = 3; i < argc; i++) {
		unsigned long *dst = !strcmp(argv[i], "-n") ? &n : !strcmp(argv[i], "-f") ? &flows
			: !strcmp(argv[i], "-s") ? &seed : !strcmp(argv[i], "--spoof") ? &spoof
			: !strcmp(argv[i], "--bad") ? &bad : !strcmp(argv[i], "-b") ? &base : NULL;
		char *end;
		if (!dst || i + 1 >= argc) {
			fprintf(stderr, "%s: bad option '%s'\n", argv[0], argv[i]);
			return 2;
		}
		*dst = strtoul(argv[++i], &end, 0);
		if (*end) {
			fprintf(stderr, "%s: bad number '%s'\n", argv[0], argv[i]);
			return 2;
		}
	}
	if (flows == 0 || flows + base > 65535) {
		fprintf(stderr, "%s: -f + -b must be 1..65535\n", argv[0]);
		return 2;
	}
	rng_state = seed;
	p = pcap_open_dead(DLT_EN10MB, 65535);
	dumper = pcap_dump_open(p, argv[2]);
	if (!dumper) {
		fprintf(stderr, "%s: %s\n", argv[0], pcap_geterr(p));
		return 1;
	}
	for (unsigned long i = 0, s = 0, b = 0; i < n; i++) {
		size_t len = make_udp(frame, (uint32_t)base + rnd() % (uint32_t)flows, (uint32_t)i);

		if (il_frames) {
			struct ftmb_w_pkt pk = {.pkt_id = i + 1, .ts_ns = 1000 * (i + 1),
						.in_port = 0, .kind = FTMB_PKT_FRAME,
						.frame_len = (uint16_t)len};
			uint8_t body[2048];
			memcpy(body, &pk, sizeof(pk));
			memcpy(body + sizeof(pk), frame, len);
			put(wrapped, ftmb_frame(wrapped, FTMB_W_PKT, body, sizeof(pk) + len));
		} else {
			put(frame, len);
		}
		/* spread spoofed / bad frames evenly */
		while (s < spoof && (s + 1) * n <= (i + 1) * spoof) {
			struct ftmb_w_hb hb = {.role = FTMB_ROLE_MASTER, .epoch = 1, .seq = s};
			put(wrapped, ftmb_frame(wrapped, FTMB_W_HB, &hb, sizeof(hb)));
			s++;
		}
		while (b < bad && (b + 1) * n <= (i + 1) * bad) {
			put(wrapped, make_bad(wrapped, (unsigned)b));
			b++;
		}
	}
	pcap_dump_close(dumper);
	pcap_close(p);
	printf("frames=%lu spoofed=%lu malformed=%lu\n", n_frames, spoof, bad);
	return 0;
}
