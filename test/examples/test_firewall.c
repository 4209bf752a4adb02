/* test_firewall.c: unit tests of the stateful firewall (examples/firewall). */
#include <stdlib.h>

#include "firewall.h"
#include "harness.h"

#define IN_H 0x0a000009u
#define OUT_H 0xcb007109u
#define S 1000000000ull

static uint8_t buf[TGEN_MAX_FRAME];

/* A packet of the test connection; out = inside->outside. */
static int pkt(unsigned core, uint8_t proto, int out, uint8_t flags, uint16_t in_port)
{
	struct pkt_spec s = { .proto = proto, .tcp_flags = flags };
	if (out) {
		s.saddr = IN_H; s.sport = in_port; s.daddr = OUT_H; s.dport = 80;
	} else {
		s.saddr = OUT_H; s.sport = 80; s.daddr = IN_H; s.dport = in_port;
	}
	uint16_t n = harness_build(buf, &s);
	return harness_process(core, out ? MB_PORT_INSIDE : MB_PORT_OUTSIDE, buf, n);
}

#define SYN PKT_TCP_SYN
#define ACK PKT_TCP_ACK
#define FIN PKT_TCP_FIN
#define RST PKT_TCP_RST
#define T PKT_PROTO_TCP
#define U PKT_PROTO_UDP
#define PASS_OUT MB_PORT_OUTSIDE
#define PASS_IN MB_PORT_INSIDE

static void test_options(void)
{
	CHECK(harness_init(2, "firewall", "--syn-timeout", "0", NULL) == -1, "0 timeout");
	CHECK(harness_init(2, "firewall", "--max-conns", "70000", NULL) == -1, "too many conns");
	CHECK(harness_init(2, "firewall", "--udp-timeout", "x", NULL) == -1, "non-number");
	CHECK(harness_init(2, "firewall", "--nope", "1", NULL) == -1, "unknown option");
	CHECK(harness_init(65, "firewall", NULL) == -1, "65 cores");
	CHECK(harness_init(2, "firewall", "--udp-timeout=5", "--max-conns", "10", NULL) == 0,
	      "good options refused");
}

static void test_malformed(void)
{
	CHECK(harness_init(1, "firewall", NULL) == 0, "init");
	struct pkt_spec s = { .proto = T, .saddr = IN_H, .daddr = OUT_H, .tcp_flags = SYN };
	uint16_t n = harness_build(buf, &s);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 13) == MB_DROP, "short frame");
	buf[23] = 1; /* ICMP */
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "ICMP");
	n = harness_build(buf, &s);
	buf[16] = 0x0f; buf[17] = 0xff; /* IPv4 total length beyond the frame */
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "long total length");
	CHECK(fw_counter(FW_CTR_INVALID) == 3, "invalid counter");
	CHECK(fw_live_conns() == 0, "a malformed frame opened a connection");
}

static void test_tcp_lifecycle(void)
{
	CHECK(harness_init(2, "firewall", "--closed-timeout", "2", "--sweep", "40000", NULL) == 0,
	      "init");
	harness_tick(0, 1); harness_tick(1, 1);
	CHECK(pkt(1, T, 0, SYN, 1000) == MB_DROP, "inbound SYN let in");
	CHECK(pkt(0, T, 1, ACK, 1000) == MB_DROP, "outbound mid-stream ACK opened a conn");
	CHECK(pkt(0, T, 1, SYN, 1000) == PASS_OUT, "outbound SYN");
	CHECK(pkt(1, T, 0, ACK, 1000) == MB_DROP, "inbound ACK before SYN-ACK");
	CHECK(pkt(0, T, 1, SYN, 1000) == PASS_OUT, "SYN retransmission");
	CHECK(pkt(1, T, 0, SYN | ACK, 1000) == PASS_IN, "SYN-ACK");
	CHECK(pkt(0, T, 1, ACK, 1000) == PASS_OUT, "ACK");
	CHECK(pkt(1, T, 0, ACK, 1000) == PASS_IN, "inbound data");
	CHECK(pkt(1, T, 0, SYN, 1000) == MB_DROP, "inbound SYN on established");
	CHECK(pkt(1, T, 0, ACK, 1001) == MB_DROP, "other port let in");
	CHECK(pkt(0, T, 1, FIN | ACK, 1000) == PASS_OUT, "FIN out");
	CHECK(pkt(1, T, 0, ACK, 1000) == PASS_IN, "data while closing");
	CHECK(pkt(1, T, 0, FIN | ACK, 1000) == PASS_IN, "FIN in");
	CHECK(pkt(0, T, 1, ACK, 1000) == PASS_OUT, "last ACK");
	CHECK(fw_live_conns() == 1, "live");
	/* Closed connections linger --closed-timeout, then go. */
	harness_tick(0, 1 * S); harness_tick(1, 1 * S);
	CHECK(fw_live_conns() == 1, "closed conn freed too early");
	harness_tick(0, 3 * S); harness_tick(1, 3 * S);
	CHECK(fw_live_conns() == 0, "closed conn not freed");
	CHECK(pkt(1, T, 0, ACK, 1000) == MB_DROP, "inbound after expiry");
	/* RST closes at once. */
	CHECK(pkt(0, T, 1, SYN, 2000) == PASS_OUT, "SYN 2");
	CHECK(pkt(1, T, 0, RST, 2000) == PASS_IN, "RST in");
	CHECK(pkt(1, T, 0, SYN | ACK, 2000) == MB_DROP, "SYN-ACK after RST");
}

static void test_udp_and_full(void)
{
	CHECK(harness_init(2, "firewall", "--udp-timeout", "1", "--max-conns", "2", NULL) == 0,
	      "init");
	CHECK(pkt(1, U, 0, 0, 53) == MB_DROP, "unsolicited UDP");
	CHECK(pkt(0, U, 1, 0, 53) == PASS_OUT, "UDP out");
	CHECK(pkt(1, U, 0, 0, 53) == PASS_IN, "UDP reply");
	CHECK(pkt(0, U, 1, 0, 54) == PASS_OUT, "second flow");
	CHECK(pkt(0, U, 1, 0, 55) == MB_DROP, "third flow past --max-conns");
	CHECK(fw_counter(FW_CTR_DROP_OUT) == 1, "drop-out counter");
	harness_tick(0, 2 * S); harness_tick(1, 2 * S);
	CHECK(fw_live_conns() == 0, "UDP not expired");
	CHECK(pkt(1, U, 0, 0, 53) == MB_DROP, "reply after expiry");
	CHECK(pkt(0, U, 1, 0, 55) == PASS_OUT, "room again after expiry");
}

struct mc { uint64_t pass, drop; };

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	struct mc *m = arg;
	int r = harness_process(core, p->in_port, p->frame, p->len);
	int want = p->reply ? MB_PORT_INSIDE : MB_PORT_OUTSIDE;
	CHECK(r == want, "flow %u packet %u (%s) got verdict %d", p->flow, p->index,
	      p->reply ? "in" : "out", r);
	__atomic_fetch_add(r == want ? &m->pass : &m->drop, 1, __ATOMIC_RELAXED);
}

static void test_multicore(void)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 300 * harness_scale();
	c.packets_per_flow = 10;
	c.seed = 11;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	CHECK(harness_init(2, "firewall", NULL) == 0, "init");
	struct mc m = { 0, 0 };
	CHECK(harness_trace_run(&t, 2, mc_packet, &m) == 0, "run");
	CHECK(m.pass == t.n && m.drop == 0, "passed %llu of %zu",
	      (unsigned long long)m.pass, t.n);
	CHECK(fw_counter(FW_CTR_NEW) == c.flows, "new %llu",
	      (unsigned long long)fw_counter(FW_CTR_NEW));
	CHECK(fw_counter(FW_CTR_PASS_OUT) + fw_counter(FW_CTR_PASS_IN) == t.n, "pass counters");
	CHECK(fw_live_conns() == c.flows, "live %u", fw_live_conns());
	/* Every reply, replayed from another port, must be dropped. */
	unsigned probes = 0;
	for (size_t i = 0; i < t.n; i++) {
		if (!t.pkts[i].reply || t.pkts[i].index % 3)
			continue;
		struct pkt_view v;
		pkt_parse(t.pkts[i].frame, t.pkts[i].len, &v);
		pkt_set_sport(&v, (uint16_t)(v.sport + 1));
		CHECK(harness_process(i % 2, MB_PORT_OUTSIDE, t.pkts[i].frame, t.pkts[i].len) ==
			      MB_DROP, "spoofed reply let in");
		probes++;
	}
	CHECK(probes > 0, "no probes");
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		test_multicore();
		return harness_finish("test_firewall (record/replay)");
	}
	test_options();
	test_malformed();
	test_tcp_lifecycle();
	test_udp_and_full();
	test_multicore();
	return harness_finish("test_firewall");
}
