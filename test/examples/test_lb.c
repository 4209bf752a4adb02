/* test_lb.c: unit tests of the adaptive load balancer (examples/lb). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lb.h"

#define VIP 0xc0000201u   /* 192.0.2.1 */
#define CLIENT 0x0a000021u
#define S 1000000000ull

static uint8_t buf[TGEN_MAX_FRAME];

static uint16_t frame(uint8_t proto, uint32_t sa, uint16_t sp, uint32_t da, uint16_t dp)
{
	struct pkt_spec s = { .proto = proto, .saddr = sa, .sport = sp, .daddr = da,
			      .dport = dp, .tcp_flags = PKT_TCP_ACK };
	return harness_build(buf, &s);
}

static void test_options(void)
{
	CHECK(harness_init(2, "lb", "--backend", "10.0.0", NULL) == -1, "bad backend");
	CHECK(harness_init(2, "lb", "--backend", "10.0.0.1@zz:00:00:00:00:00", NULL) == -1,
	      "bad mac");
	CHECK(harness_init(2, "lb", "--vip", "300.1.1.1", NULL) == -1, "bad vip");
	CHECK(harness_init(2, "lb", "--max-flows", "0", NULL) == -1, "0 flows");
	CHECK(harness_init(2, "lb", "--weight", "1", NULL) == -1, "unknown option");
	CHECK(harness_init(2, "lb", "--vip", "192.0.2.1", "--backend", "10.9.0.1",
			   "--backend", "10.9.0.2@02:aa:bb:cc:dd:ee", NULL) == 0, "good options");
	CHECK(lb_cfg.n_backends == 2 && lb_cfg.backend_mac[1][1] == 0xaa, "backends parsed");
}

static void test_basic(void)
{
	CHECK(harness_init(2, "lb", "--backend", "10.9.0.1", "--backend", "10.9.0.2",
			   "--max-flows", "3", "--timeout", "1", "--sweep", "100", NULL) == 0, "init");
	harness_tick(0, 1); harness_tick(1, 1);
	struct pkt_view v;
	uint16_t n = frame(PKT_PROTO_TCP, CLIENT, 1111, 0x01020304, 80);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "not-VIP traffic passed");
	CHECK(lb_counter(LB_CTR_NOT_VIP) == 1, "not-vip counter");
	uint32_t be[3];
	for (unsigned f = 0; f < 3; f++) {
		n = frame(PKT_PROTO_TCP, CLIENT + f, 1111, VIP, 80);
		CHECK(harness_process(f % 2, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "request");
		pkt_parse(buf, n, &v);
		be[f] = v.daddr;
		CHECK(v.daddr == 0x0a090001u || v.daddr == 0x0a090002u, "not a backend");
		CHECK(buf[2] == 0x0a && buf[3] == 0x09 && buf[5] == (v.daddr & 0xff),
		      "dst MAC not the backend's");
		CHECK(pkt_cksums_ok(&v) == 0, "checksum");
	}
	CHECK(be[0] != be[1], "two flows on one backend while the other was idle");
	CHECK(lb_backend_load(0) + lb_backend_load(1) == 3, "loads");
	/* Same flow: same backend. */
	n = frame(PKT_PROTO_TCP, CLIENT, 1111, VIP, 80);
	harness_process(1, MB_PORT_INSIDE, buf, n);
	pkt_parse(buf, n, &v);
	CHECK(v.daddr == be[0], "flow moved");
	/* Table full. */
	n = frame(PKT_PROTO_TCP, CLIENT + 7, 1111, VIP, 80);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "4th flow past --max-flows");
	/* Reply from its backend: source becomes the VIP. */
	n = frame(PKT_PROTO_TCP, be[0], 80, CLIENT, 1111);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_PORT_INSIDE, "reply");
	pkt_parse(buf, n, &v);
	CHECK(v.saddr == VIP && pkt_cksums_ok(&v) == 0, "reply source not the VIP");
	/* Reply from the other backend, or for an unknown client: dropped. */
	n = frame(PKT_PROTO_TCP, be[1] == be[0] ? be[2] : be[1], 80, CLIENT, 1111);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "reply from wrong backend");
	n = frame(PKT_PROTO_TCP, be[0], 80, CLIENT + 9, 1111);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, n) == MB_DROP, "reply to unknown flow");
	/* Expiry frees the load. */
	harness_tick(0, 5 * S); harness_tick(1, 5 * S);
	CHECK(lb_live_flows() == 0 && lb_backend_load(0) == 0 && lb_backend_load(1) == 0,
	      "flows not expired");
	CHECK(lb_counter(LB_CTR_EXPIRED) == 3, "expired counter");
}

struct mc {
	uint32_t *backend;   /* per flow */
	uint64_t req, rep;
};

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	struct mc *m = arg;
	struct pkt_view v;
	pkt_parse(p->frame, p->len, &v);
	if (!p->reply) {
		pkt_set_daddr(&v, VIP);
		int r = harness_process(core, MB_PORT_INSIDE, p->frame, p->len);
		CHECK(r == MB_PORT_OUTSIDE, "flow %u request dropped", p->flow);
		pkt_parse(p->frame, p->len, &v);
		CHECK(pkt_cksums_ok(&v) == 0, "checksum");
		if (m->backend[p->flow] == 0)
			m->backend[p->flow] = v.daddr;
		CHECK(m->backend[p->flow] == v.daddr, "flow %u moved backend", p->flow);
		__atomic_fetch_add(&m->req, 1, __ATOMIC_RELAXED);
	} else {
		pkt_set_saddr(&v, m->backend[p->flow]);
		int r = harness_process(core, MB_PORT_OUTSIDE, p->frame, p->len);
		CHECK(r == MB_PORT_INSIDE, "flow %u reply dropped", p->flow);
		pkt_parse(p->frame, p->len, &v);
		CHECK(v.saddr == VIP && pkt_cksums_ok(&v) == 0, "reply not from the VIP");
		__atomic_fetch_add(&m->rep, 1, __ATOMIC_RELAXED);
	}
}

static void test_multicore(void)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 301 * harness_scale();
	c.packets_per_flow = 8;
	c.seed = 5;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	CHECK(harness_init(2, "lb", NULL) == 0, "init");
	struct mc m = { calloc(c.flows, sizeof(uint32_t)), 0, 0 };
	CHECK(harness_trace_run(&t, 2, mc_packet, &m) == 0, "run");
	CHECK(m.req + m.rep == t.n, "processed %llu of %zu",
	      (unsigned long long)(m.req + m.rep), t.n);
	uint32_t sum = 0, lo = UINT32_MAX, hi = 0;
	for (unsigned b = 0; b < lb_cfg.n_backends; b++) {
		uint32_t l = lb_backend_load(b);
		sum += l;
		lo = l < lo ? l : lo;
		hi = l > hi ? l : hi;
	}
	CHECK(sum == c.flows, "loads sum to %u, flows %u", sum, c.flows);
	CHECK(hi - lo <= 1, "least-loaded violated: loads from %u to %u", lo, hi);
	/* Per backend, the loads must equal the flows the trace saw on it. */
	for (unsigned b = 0; b < lb_cfg.n_backends; b++) {
		uint32_t n = 0;
		for (uint32_t f = 0; f < c.flows; f++)
			n += m.backend[f] == lb_cfg.backend_addr[b];
		CHECK(n == lb_backend_load(b), "backend %u: load %u, flows %u", b,
		      lb_backend_load(b), n);
	}
	free(m.backend);
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		test_multicore();
		return harness_finish("test_lb (record/replay)");
	}
	test_options();
	test_basic();
	test_multicore();
	return harness_finish("test_lb");
}
