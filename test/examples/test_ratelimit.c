/* test_ratelimit.c: unit tests of the per-tenant rate limiter
 * (examples/ratelimit): never more tokens spent than granted. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratelimit.h"

static uint8_t buf[TGEN_MAX_FRAME];

static void test_options(void)
{
	CHECK(harness_init(2, "ratelimit", "--tenant", "user", NULL) == -1, "bad tenant kind");
	CHECK(harness_init(2, "ratelimit", "--prefix", "33", NULL) == -1, "prefix 33");
	CHECK(harness_init(2, "ratelimit", "--burst", "0", NULL) == -1, "burst 0");
	CHECK(harness_init(2, "ratelimit", "--rate", "-5", NULL) == -1, "negative rate");
	CHECK(harness_init(2, "ratelimit", "--max-tenants", "5000", NULL) == -1, "too many");
	CHECK(harness_init(2, "ratelimit", "--ceil", "5", NULL) == -1, "unknown option");
	CHECK(harness_init(2, "ratelimit", "--tenant", "vlan", "--rate", "0", NULL) == 0, "good");
}

static void test_refill(void)
{
	uint64_t t = 0;
	CHECK(rl_refill(&t, 0, 1000000, 1000, 10) == 1000 && t == 1000, "1 ms at 1000/s = 1 token");
	CHECK(rl_refill(&t, 5, 5, 1000, 10) == 0, "no time, no tokens");
	CHECK(rl_refill(&t, 10, 5, 1000, 10) == 0, "clock going back");
	CHECK(rl_refill(&t, 0, 1000000000000ull, 1000, 10) == 9000 && t == 10000,
	      "capped at burst");
	t = 0;
	CHECK(rl_refill(&t, 0, 1000000000ull, 0, 10) == 0, "rate 0");
	t = 0;
	CHECK(rl_refill(&t, 0, 1000000000000000ull, 1000000000, 1000000000) == 1000000000000ull,
	      "large values do not overflow");
}

static void test_basic(void)
{
	CHECK(harness_init(2, "ratelimit", "--rate", "0", "--burst", "3", "--max-tenants", "2",
			   NULL) == 0, "init");
	struct pkt_spec s = { .proto = PKT_PROTO_UDP, .saddr = 0x0a000105, .sport = 9,
			      .daddr = 0xcb007101, .dport = 53 };
	int passed = 0;
	for (int i = 0; i < 5; i++) {
		s.sport = (uint16_t)(9 + i);
		s.saddr = 0x0a000105 + (uint32_t)i; /* same /24 */
		uint16_t n = harness_build(buf, &s);
		passed += harness_process(i % 2, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE;
	}
	CHECK(passed == 3, "burst 3 let %d through", passed);
	struct pkt_spec r = { .proto = PKT_PROTO_UDP, .saddr = 0xcb007101, .sport = 53,
			      .daddr = 0x0a000105, .dport = 9 };
	uint16_t n = harness_build(buf, &r);
	CHECK(harness_process(0, MB_PORT_OUTSIDE, buf, n) == MB_PORT_INSIDE, "inbound limited");
	/* Tenants 2 and 3: the table holds 2. */
	s.saddr = 0x0a000205;
	n = harness_build(buf, &s);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "tenant 2");
	s.saddr = 0x0a000305;
	n = harness_build(buf, &s);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "tenant past --max-tenants");
	uint64_t p, d, g;
	CHECK(rl_tenant_stats(0x0a000100, &p, &d, &g) == 0 && p == 3 && d == 2 && g == 3000,
	      "stats of tenant 1");
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 20) == MB_DROP, "truncated frame passed");
}

struct mc { uint64_t sent[64]; unsigned vlans; };

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	struct mc *m = arg;
	int r = harness_process(core, p->in_port, p->frame, p->len);
	if (p->in_port == MB_PORT_OUTSIDE) {
		CHECK(r == MB_PORT_INSIDE, "inbound dropped");
		return;
	}
	CHECK(r == MB_PORT_OUTSIDE || r == MB_DROP, "bad verdict %d", r);
	__atomic_fetch_add(&m->sent[p->flow % m->vlans], 1, __ATOMIC_RELAXED);
}

/* Tenants by VLAN: flow i is on VLAN i % vlans + 1. */
static void run(uint64_t rate, uint64_t burst)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 240 * harness_scale();
	c.packets_per_flow = 10;
	c.vlans = 6;
	c.seed = 9;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	char r[32], b[32];
	snprintf(r, sizeof(r), "%llu", (unsigned long long)rate);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)burst);
	CHECK(harness_init(2, "ratelimit", "--tenant", "vlan", "--rate", r, "--burst", b, NULL) == 0,
	      "init");
	struct mc m;
	memset(&m, 0, sizeof(m));
	m.vlans = c.vlans;
	uint64_t t0 = harness_now_ns(); /* the clock the middlebox reads */
	CHECK(harness_trace_run(&t, 2, mc_packet, &m) == 0, "run");
	double secs = (double)(harness_now_ns() - t0) / 1e9;
	for (unsigned v = 0; v < c.vlans; v++) {
		uint64_t p, d, g;
		CHECK(rl_tenant_stats(v + 1, &p, &d, &g) == 0, "tenant %u missing", v + 1);
		CHECK(p + d == m.sent[v], "tenant %u: passed %llu + dropped %llu != sent %llu", v + 1,
		      (unsigned long long)p, (unsigned long long)d, (unsigned long long)m.sent[v]);
		CHECK(p * RL_MILLI <= g, "tenant %u spent %llu tokens, granted %llu/1000", v + 1,
		      (unsigned long long)p, (unsigned long long)g);
		CHECK((double)p <= (double)burst + (double)rate * secs + 1.0,
		      "tenant %u passed %llu in %.3f s at rate %llu burst %llu", v + 1,
		      (unsigned long long)p, secs, (unsigned long long)rate,
		      (unsigned long long)burst);
		if (rate == 0)
			CHECK(p == (burst < m.sent[v] ? burst : m.sent[v]), "tenant %u passed %llu",
			      v + 1, (unsigned long long)p);
	}
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		run(20000, 20);
		return harness_finish("test_ratelimit (record/replay)");
	}
	test_options();
	test_refill();
	test_basic();
	run(0, 50);        /* exact: burst only                    */
	run(20000, 20);    /* refilling: bounded by burst + rate*t */
	return harness_finish("test_ratelimit");
}
