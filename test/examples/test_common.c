/* test_common.c: the examples' packet toolkit (pkt.c, mbopt.c) and the
 * traffic generator (tgen.c). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mbopt.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Incremental updates agree with recomputation, for TCP, UDP, UDP with
 * no checksum, and VLAN-tagged frames. */
static void test_cksum_updates(void)
{
	uint8_t f[TGEN_MAX_FRAME];
	for (int i = 0; i < 2000; i++) {
		char payload[64];
		for (int k = 0; k < 64; k++)
			payload[k] = (char)rnd();
		struct pkt_spec s = { .proto = i % 2 ? PKT_PROTO_UDP : PKT_PROTO_TCP,
				      .saddr = rnd(), .daddr = rnd(), .sport = (uint16_t)rnd(),
				      .dport = (uint16_t)rnd(), .vlan = (uint16_t)(i % 3 ? 0 : 77),
				      .payload = payload, .payload_len = (uint16_t)(rnd() % 64) };
		uint16_t n = pkt_build(f, sizeof(f), &s);
		struct pkt_view v;
		CHECK(n > 0 && pkt_parse(f, n, &v) == 0, "built frame does not parse");
		CHECK(v.vlan == s.vlan && v.payload_len == s.payload_len, "fields");
		CHECK(pkt_cksums_ok(&v) == 0, "built frame has a bad checksum");
		int nocsum = i % 10 == 1; /* UDP without checksum */
		if (nocsum)
			v.l4[6] = v.l4[7] = 0;
		pkt_set_saddr(&v, rnd());
		pkt_set_daddr(&v, rnd());
		pkt_set_sport(&v, (uint16_t)rnd());
		pkt_set_dport(&v, (uint16_t)rnd());
		CHECK(pkt_cksums_ok(&v) == 0, "frame %d: incremental update disagrees", i);
		if (nocsum)
			CHECK(v.l4[6] == 0 && v.l4[7] == 0, "UDP 'no checksum' lost");
		struct pkt_view w;
		pkt_parse(f, n, &w);
		CHECK(w.saddr == v.saddr && w.dport == v.dport, "rewrite not in the frame");
	}
}

static void test_parse_errors(void)
{
	uint8_t f[TGEN_MAX_FRAME];
	struct pkt_spec s = { .proto = PKT_PROTO_TCP, .saddr = 1, .daddr = 2 };
	uint16_t n = pkt_build(f, sizeof(f), &s);
	struct pkt_view v;
	CHECK(pkt_parse(NULL, 60, &v) == -1, "NULL frame");
	CHECK(pkt_parse(f, 0, &v) == -1, "empty frame");
	for (uint16_t k = 0; k < 54; k++)
		CHECK(pkt_parse(f, k, &v) == -1, "truncated to %u parsed", k);
	CHECK(pkt_parse(f, n, &v) == 0, "good frame");
	f[20] = 0x20; /* MF */
	CHECK(pkt_parse(f, n, &v) == -1, "fragment parsed");
	f[20] = 0x40;
	f[46] = 0x30; /* TCP data offset 3 */
	CHECK(pkt_parse(f, n, &v) == -1, "TCP data offset 3 parsed");
	f[46] = 0xf0; /* data offset 60 > segment */
	CHECK(pkt_parse(f, n, &v) == -1, "TCP data offset past the end parsed");
	s.proto = 47;
	CHECK(pkt_build(f, sizeof(f), &s) == 0, "GRE built");
	s.proto = PKT_PROTO_UDP;
	CHECK(pkt_build(f, 40, &s) == 0, "built into a too small buffer");
	s.payload_len = 4;
	CHECK(pkt_build(f, sizeof(f), &s) == 0, "payload length without payload");
	uint32_t a;
	char out[16];
	CHECK(pkt_parse_ipv4("10.1.2.3", &a) == 0 && a == 0x0a010203, "parse ip");
	CHECK(strcmp(pkt_format_ipv4(a, out), "10.1.2.3") == 0, "format ip");
	CHECK(pkt_parse_ipv4("10.1.2.256", &a) == -1 && pkt_parse_ipv4("10.1.2.3x", &a) == -1 &&
		      pkt_parse_ipv4("", &a) == -1 && pkt_parse_ipv4(NULL, &a) == -1,
	      "bad ips parsed");
}

static void test_mbopt(void)
{
	char *argv[] = { "x", "--a", "1", "--b=2-5", "--c", NULL };
	struct mbopt o;
	const char *n, *v;
	uint64_t lo, hi, x;
	mbopt_start(&o, 5, argv);
	CHECK(mbopt_next(&o, &n, &v) == 1 && !strcmp(n, "a") && !strcmp(v, "1"), "--a 1");
	CHECK(mbopt_next(&o, &n, &v) == 1 && !strcmp(n, "b") && !strcmp(v, "2-5"), "--b=2-5");
	CHECK(mbopt_range("x", n, v, 0, 10, &lo, &hi) == 0 && lo == 2 && hi == 5, "range");
	CHECK(mbopt_next(&o, &n, &v) == -1, "--c without value");
	CHECK(mbopt_uint("x", "n", "12a", 0, 100, &x) == -1, "12a");
	CHECK(mbopt_uint("x", "n", "101", 0, 100, &x) == -1, "out of range");
	CHECK(mbopt_uint("x", "n", "99999999999999999999999", 0, ~0ull, &x) == -1, "overflow");
	CHECK(mbopt_range("x", "n", "5", 0, 10, &lo, &hi) == -1, "range without dash");
	uint32_t a;
	unsigned len;
	CHECK(mbopt_prefix("x", "p", "10.0.0.0/8", &a, &len) == 0 && len == 8, "prefix");
	CHECK(mbopt_prefix("x", "p", "10.0.0.0/33", &a, &len) == -1, "prefix 33");
}

static size_t gen_all(const struct tgen_config *c, struct tgen_pkt **out)
{
	struct tgen *g = tgen_create(c);
	if (g == NULL)
		return 0;
	size_t n = 0, cap = 1024;
	struct tgen_pkt *p = malloc(cap * sizeof(*p));
	while (1) {
		if (n == cap)
			p = realloc(p, (cap *= 2) * sizeof(*p));
		if (!tgen_next(g, &p[n]))
			break;
		n++;
	}
	tgen_destroy(g);
	*out = p;
	return n;
}

static void test_tgen(void)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 50;
	c.packets_per_flow = 9;
	c.attack_percent = 30;
	c.vlans = 3;
	struct tgen_pkt *a, *b;
	size_t na = gen_all(&c, &a), nb = gen_all(&c, &b);
	CHECK(na == 50 * 9 && na == nb, "packets %zu %zu", na, nb);
	int same = 1;
	for (size_t i = 0; i < na && i < nb; i++)
		same &= a[i].len == b[i].len && !memcmp(a[i].frame, b[i].frame, a[i].len);
	CHECK(same, "same config, different traffic");
	uint32_t next[50] = { 0 };
	unsigned tcp = 0, udp = 0, attacks = 0, replies = 0;
	for (size_t i = 0; i < na; i++) {
		struct pkt_view v;
		CHECK(pkt_parse(a[i].frame, a[i].len, &v) == 0 && pkt_cksums_ok(&v) == 0,
		      "packet %zu invalid", i);
		CHECK(a[i].index == next[a[i].flow]++, "flow order broken");
		CHECK(tgen_port_of_frame(a[i].frame, a[i].len) == a[i].in_port, "MAC/port");
		CHECK(v.vlan == a[i].flow % 3 + 1, "vlan");
		CHECK(((v.saddr >> 24) == 10) == !a[i].reply, "direction vs address");
		if (a[i].attack)
			CHECK(memmem(v.payload, v.payload_len, tgen_signatures[a[i].signature],
				     strlen(tgen_signatures[a[i].signature])) != NULL,
			      "attack without its signature");
		tcp += v.proto == PKT_PROTO_TCP;
		udp += v.proto == PKT_PROTO_UDP;
		attacks += a[i].attack;
		replies += a[i].reply;
	}
	CHECK(tcp > 0 && udp > 0 && attacks > 0 && replies > 0, "variety");
	/* Another seed gives other traffic; outbound-only is the outbound part. */
	c.seed = 2;
	size_t n2 = gen_all(&c, &b);
	CHECK(n2 != na || memcmp(a[0].frame, b[0].frame, a[0].len) != 0 ||
		      memcmp(a[1].frame, b[1].frame, a[1].len) != 0,
	      "seed ignored");
	free(b);
	c.seed = 1;
	c.directions = TGEN_OUTBOUND;
	size_t no = gen_all(&c, &b), k = 0;
	CHECK(no == na - replies, "outbound-only count %zu", no);
	for (size_t i = 0; i < na && k < no; i++)
		if (!a[i].reply) {
			CHECK(a[i].len == b[k].len && !memcmp(a[i].frame, b[k].frame, a[i].len),
			      "outbound-only differs at %zu", k);
			k++;
		}
	free(a);
	free(b);
	c.flows = 0;
	CHECK(tgen_create(&c) == NULL, "0 flows accepted");
	c.flows = 1;
	c.udp_percent = 101;
	CHECK(tgen_create(&c) == NULL, "udp 101%% accepted");
}

/* The ftmb-trafficgen tool's output, read back with libpcap. */
static void test_pcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	CHECK(p != NULL, "cannot open %s: %s", path, err);
	if (p == NULL)
		return;
	CHECK(pcap_datalink(p) == DLT_EN10MB, "link type");
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned n = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		struct pkt_view v;
		CHECK(pkt_parse((uint8_t *)d, (uint16_t)h->caplen, &v) == 0, "pcap frame %u", n);
		n++;
	}
	pcap_close(p);
	CHECK(n == 8 * 7, "pcap has %u packets", n);
}

/* Frames of two pcaps equal, in order (timestamps ignored), and at
 * least `min` of them. */
static int compare_pcaps(const char *a, const char *b, unsigned min)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pa = pcap_open_offline(a, err), *pb = pa ? pcap_open_offline(b, err) : NULL;
	if (pa == NULL || pb == NULL) {
		fprintf(stderr, "compare: %s\n", err);
		if (pa)
			pcap_close(pa);
		return 1;
	}
	unsigned n = 0;
	int rc = 0;
	for (;;) {
		struct pcap_pkthdr *ha, *hb;
		const u_char *da, *db;
		int ra = pcap_next_ex(pa, &ha, &da), rb = pcap_next_ex(pb, &hb, &db);
		if (ra != 1 || rb != 1) {
			if (ra == 1 || rb == 1) {
				fprintf(stderr, "compare: %s has more frames than %s after %u\n",
					ra == 1 ? a : b, ra == 1 ? b : a, n);
				rc = 1;
			}
			break;
		}
		if (ha->caplen != hb->caplen || memcmp(da, db, ha->caplen) != 0) {
			fprintf(stderr, "compare: frame %u differs\n", n);
			rc = 1;
			break;
		}
		n++;
	}
	pcap_close(pa);
	pcap_close(pb);
	if (rc == 0 && n < min) {
		fprintf(stderr, "compare: only %u frames, expected at least %u\n", n, min);
		rc = 1;
	}
	if (rc == 0)
		fprintf(stderr, "compare: %u identical frames\n", n);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "compare") == 0)
		return compare_pcaps(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 2) {
		test_pcap(argv[1]);
		return harness_finish("test_common (pcap)");
	}
	test_cksum_updates();
	test_parse_errors();
	test_mbopt();
	test_tgen();
	return harness_finish("test_common");
}
