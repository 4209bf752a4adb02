/*
 * test_nat.c: unit tests of the NAT (examples/nat), unprotected or,
 * linked with ftmbcc's output, protected.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nat.h"

#define EXT 0xc6336401u   /* 198.51.100.1 */
#define CLIENT 0x0a000005u
#define SERVER 0xcb007107u

static uint8_t buf[TGEN_MAX_FRAME];

static uint16_t frame(uint8_t proto, uint32_t sa, uint16_t sp, uint32_t da, uint16_t dp)
{
	struct pkt_spec s = { .proto = proto, .saddr = sa, .sport = sp, .daddr = da,
			      .dport = dp, .tcp_flags = PKT_TCP_ACK,
			      .payload = "hello", .payload_len = 5 };
	return harness_build(buf, &s);
}

static void test_options(void)
{
	CHECK(harness_init(2, "nat", "--external-ip", "1.2.3", NULL) == -1, "bad ip accepted");
	CHECK(harness_init(2, "nat", "--port-range", "200-100", NULL) == -1, "inverted range accepted");
	CHECK(harness_init(2, "nat", "--port-range", "0-100", NULL) == -1, "port 0 accepted");
	CHECK(harness_init(2, "nat", "--timeout", NULL) == -1, "missing value accepted");
	CHECK(harness_init(2, "nat", "--bogus", "1", NULL) == -1, "unknown option accepted");
	CHECK(harness_init(2, "nat", "stray", NULL) == -1, "stray argument accepted");
	CHECK(harness_init(0, "nat", NULL) == -1, "0 cores accepted");
	CHECK(harness_init(2, "nat", "--external-ip=198.51.100.1", "--port-range", "10000-10999",
			   NULL) == 0, "good options refused");
}

static void test_malformed(void)
{
	CHECK(harness_init(1, "nat", NULL) == 0, "init");
	uint16_t n = frame(PKT_PROTO_TCP, CLIENT, 1234, SERVER, 80);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 10) == MB_DROP, "short frame");
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 40) == MB_DROP, "truncated TCP");
	buf[12] = 0x86; buf[13] = 0xdd; /* IPv6 ethertype */
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "non-IPv4");
	n = frame(PKT_PROTO_TCP, CLIENT, 1234, SERVER, 80);
	buf[14] = 0x43; /* IHL 3 */
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "bad IHL");
	n = frame(PKT_PROTO_TCP, CLIENT, 1234, SERVER, 80);
	CHECK(harness_process(0, 7, buf, n) == MB_DROP, "unknown port");
	CHECK(harness_process(3, MB_PORT_INSIDE, buf, n) == MB_DROP, "core out of range");
	CHECK(nat_counter(NAT_CTR_INVALID) == 6, "invalid counter %llu",
	      (unsigned long long)nat_counter(NAT_CTR_INVALID));
	CHECK(nat_live_mappings() == 0, "a malformed frame created a mapping");
}

static void test_one_flow(void)
{
	CHECK(harness_init(2, "nat", "--port-range", "30000-30099", NULL) == 0, "init");
	struct pkt_view v;
	for (int proto = 0; proto < 2; proto++) {
		uint8_t pr = proto ? PKT_PROTO_UDP : PKT_PROTO_TCP;
		uint16_t n = frame(pr, CLIENT, 4321, SERVER, 443);
		CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "outbound");
		CHECK(pkt_parse(buf, n, &v) == 0, "parse");
		CHECK(v.saddr == EXT, "source address not translated");
		CHECK(v.sport >= 30000 && v.sport <= 30099, "port %u out of range", v.sport);
		CHECK(v.daddr == SERVER && v.dport == 443, "destination changed");
		CHECK(pkt_cksums_ok(&v) == 0, "checksums wrong after outbound rewrite");
		uint16_t ext = v.sport;
		/* Same flow again: same port. */
		n = frame(pr, CLIENT, 4321, SERVER, 443);
		CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "outbound 2");
		pkt_parse(buf, n, &v);
		CHECK(v.sport == ext, "mapping changed: %u then %u", ext, v.sport);
		/* Reply on the other core. */
		n = frame(pr, SERVER, 443, EXT, ext);
		CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_PORT_INSIDE, "reply");
		pkt_parse(buf, n, &v);
		CHECK(v.daddr == CLIENT && v.dport == 4321, "reply not translated back");
		CHECK(pkt_cksums_ok(&v) == 0, "checksums wrong after inbound rewrite");
		/* Another peer, or wrong protocol, to that port: dropped. */
		n = frame(pr, SERVER + 1, 443, EXT, ext);
		CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "other peer let in");
		n = frame(proto ? PKT_PROTO_TCP : PKT_PROTO_UDP, SERVER, 443, EXT, ext);
		CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "other proto let in");
		n = frame(pr, SERVER, 443, EXT + 1, ext);
		CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "other address let in");
	}
	/* A port that was never given out. */
	uint16_t n = frame(PKT_PROTO_UDP, SERVER, 443, EXT, 30099);
	CHECK(harness_process(0, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "unmapped port let in");
	CHECK(nat_live_mappings() == 2, "live %u", nat_live_mappings());
}

static void test_exhaustion_and_expiry(void)
{
	CHECK(harness_init(2, "nat", "--port-range", "20000-20003", "--timeout", "1",
			   "--sweep", "8", NULL) == 0, "init");
	harness_tick(0, 1000);
	harness_tick(1, 1000);
	uint16_t used[5];
	for (unsigned f = 0; f < 5; f++) {
		uint16_t n = frame(PKT_PROTO_UDP, CLIENT + f, 5000, SERVER, 53);
		int r = harness_process(f % 2, MB_PORT_INSIDE, buf, n);
		struct pkt_view v;
		pkt_parse(buf, n, &v);
		used[f] = v.sport;
		if (f < 4)
			CHECK(r == MB_PORT_OUTSIDE, "flow %u refused", f);
		else
			CHECK(r == MB_DROP, "5th flow got a port from a pool of 4");
	}
	for (unsigned a = 0; a < 4; a++)
		for (unsigned b = a + 1; b < 4; b++)
			CHECK(used[a] != used[b], "port %u given twice", used[a]);
	CHECK(nat_counter(NAT_CTR_NO_PORT) == 1, "no-port counter");
	/* Half a second later: nothing expires. */
	harness_tick(0, 500000000ull);
	harness_tick(1, 500000000ull);
	CHECK(nat_live_mappings() == 4, "expired too early");
	/* Keep flow 0 alive at t=0.9s on core 0. */
	harness_tick(0, 900000000ull);
	uint16_t n = frame(PKT_PROTO_UDP, CLIENT, 5000, SERVER, 53);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "refresh");
	/* t = 1.5 s: flows 1..3 (last seen at ~0) expire, flow 0 stays. */
	harness_tick(0, 1500000000ull);
	harness_tick(1, 1500000000ull);
	CHECK(nat_live_mappings() == 1, "after expiry live = %u", nat_live_mappings());
	CHECK(nat_counter(NAT_CTR_EXPIRED) == 3, "expired %llu",
	      (unsigned long long)nat_counter(NAT_CTR_EXPIRED));
	n = frame(PKT_PROTO_UDP, SERVER, 53, EXT, used[1]);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "expired mapping let in");
	n = frame(PKT_PROTO_UDP, SERVER, 53, EXT, used[0]);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_PORT_INSIDE, "live mapping lost");
	/* The freed ports serve new flows. */
	for (unsigned f = 10; f < 13; f++) {
		n = frame(PKT_PROTO_UDP, CLIENT + f, 5000, SERVER, 53);
		CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "reuse");
	}
	CHECK(nat_live_mappings() == 4, "live after reuse %u", nat_live_mappings());
}

/* ---- multi-core: 2 cores over a generated trace ---- */
struct mc_state {
	uint16_t *ext_port;   /* per flow, 0 until the first outbound packet */
	uint32_t *client;
	uint16_t *cport;
	uint64_t outbound, inbound;
};

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	struct mc_state *s = arg;
	struct pkt_view v;
	if (pkt_parse(p->frame, p->len, &v) != 0) {
		CHECK(0, "generator frame does not parse");
		return;
	}
	if (!p->reply) {
		int r = harness_process(core, MB_PORT_INSIDE, p->frame, p->len);
		CHECK(r == MB_PORT_OUTSIDE, "flow %u outbound dropped", p->flow);
		pkt_parse(p->frame, p->len, &v);
		CHECK(pkt_cksums_ok(&v) == 0, "flow %u bad checksum", p->flow);
		if (s->ext_port[p->flow] == 0)
			s->ext_port[p->flow] = v.sport;
		CHECK(s->ext_port[p->flow] == v.sport, "flow %u changed port %u -> %u",
		      p->flow, s->ext_port[p->flow], v.sport);
		__atomic_fetch_add(&s->outbound, 1, __ATOMIC_RELAXED);
		return;
	}
	/* The outside peer answers the translated address. */
	CHECK(s->ext_port[p->flow] != 0, "reply before request");
	pkt_set_daddr(&v, EXT);
	pkt_set_dport(&v, s->ext_port[p->flow]);
	int r = harness_process(core, MB_PORT_OUTSIDE, p->frame, p->len);
	CHECK(r == MB_PORT_INSIDE, "flow %u reply dropped", p->flow);
	pkt_parse(p->frame, p->len, &v);
	CHECK(v.daddr == s->client[p->flow] && v.dport == s->cport[p->flow],
	      "flow %u reply to the wrong host", p->flow);
	CHECK(pkt_cksums_ok(&v) == 0, "flow %u bad reply checksum", p->flow);
	__atomic_fetch_add(&s->inbound, 1, __ATOMIC_RELAXED);
}

static void test_multicore(void)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 300 * harness_scale();
	c.packets_per_flow = 12;
	c.seed = 7;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	CHECK(harness_init(2, "nat", "--port-range", "40000-65000", NULL) == 0, "init");
	harness_tick(0, 1);
	harness_tick(1, 1);
	struct mc_state s = { calloc(c.flows, 2), calloc(c.flows, 4), calloc(c.flows, 2), 0, 0 };
	struct tgen *g = tgen_create(&c);
	for (uint32_t f = 0; f < c.flows; f++) {
		uint8_t pr; uint32_t sv; uint16_t sp;
		tgen_flow_endpoints(g, f, &pr, &s.client[f], &s.cport[f], &sv, &sp);
	}
	tgen_destroy(g);
	size_t replies = 0, cross = 0;
	for (size_t i = 0; i < t.n; i++)
		replies += t.pkts[i].reply;
	CHECK(harness_trace_run(&t, 2, mc_packet, &s) == 0, "run");
	CHECK(s.outbound + s.inbound == t.n, "processed %llu of %zu",
	      (unsigned long long)(s.outbound + s.inbound), t.n);
	CHECK(s.inbound == replies, "replies %llu of %zu", (unsigned long long)s.inbound, replies);
	/* No external port on two live flows. */
	uint8_t *seen = calloc(65536, 1);
	for (uint32_t f = 0; f < c.flows; f++) {
		CHECK(s.ext_port[f] != 0, "flow %u never mapped", f);
		CHECK(!seen[s.ext_port[f]], "port %u on two flows", s.ext_port[f]);
		seen[s.ext_port[f]] = 1;
	}
	CHECK(nat_live_mappings() == c.flows, "live %u, flows %u", nat_live_mappings(), c.flows);
	CHECK(nat_counter(NAT_CTR_NEW) == c.flows, "new mappings %llu",
	      (unsigned long long)nat_counter(NAT_CTR_NEW));
	CHECK(nat_counter(NAT_CTR_OUT) == s.outbound && nat_counter(NAT_CTR_IN) == s.inbound,
	      "counters disagree with the trace");
	/* The trace must really exercise replies on the other core. */
	unsigned *fwd_core = calloc(c.flows, sizeof(*fwd_core));
	for (size_t i = 0; i < t.n; i++) {
		unsigned k = harness_core_of(t.pkts[i].frame, t.pkts[i].len, 2);
		if (!t.pkts[i].reply)
			fwd_core[t.pkts[i].flow] = k;
		else if (k != fwd_core[t.pkts[i].flow])
			cross++;
	}
	free(fwd_core);
	CHECK(cross > replies / 4, "only %zu of %zu replies met another core", cross, replies);
	free(seen);
	free(s.ext_port);
	free(s.client);
	free(s.cport);
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		test_multicore();
		return harness_finish("test_nat (record/replay)");
	}
	test_options();
	test_malformed();
	test_one_flow();
	test_exhaustion_and_expiry();
	test_multicore();
	return harness_finish("test_nat");
}
