/* test_monitor.c: unit tests of the monitor (examples/monitor): counters
 * must be exact against the trace at every sharing level. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "monitor.h"

static uint8_t buf[TGEN_MAX_FRAME];

static void test_options(void)
{
	CHECK(harness_init(2, "monitor", "--sharing", "3", NULL) == -1, "sharing > cores");
	CHECK(harness_init(2, "monitor", "--sharing", "0", NULL) == -1, "sharing 0");
	CHECK(harness_init(2, "monitor", "--max-flows", "99999999", NULL) == -1, "huge table");
	CHECK(harness_init(2, "monitor", "--sharnig", "1", NULL) == -1, "typo accepted");
	CHECK(harness_init(2, "monitor", "--sharing=1", NULL) == 0, "good options");
	CHECK(mon_cfg.sharing == 1, "sharing not set");
}

static void test_basic(void)
{
	CHECK(harness_init(2, "monitor", "--max-flows", "2", NULL) == 0, "init");
	struct pkt_spec s = { .proto = PKT_PROTO_UDP, .saddr = 0x0a000001, .sport = 1,
			      .daddr = 0xcb007101, .dport = 53 };
	uint16_t n = harness_build(buf, &s);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "forward out");
	/* The reply, on the other core, counts on the same flow. */
	struct pkt_spec r = s;
	r.saddr = s.daddr; r.sport = s.dport; r.daddr = s.saddr; r.dport = s.sport;
	uint16_t rn = harness_build(buf, &r);
	CHECK(harness_process(1, MB_PORT_OUTSIDE, buf, rn) == MB_PORT_INSIDE, "forward in");
	struct flow_key k = { s.saddr, s.daddr, s.sport, s.dport, s.proto };
	uint64_t p[2], b[2];
	CHECK(mon_flow_get(&k, p, b) == 0, "flow missing");
	CHECK(p[0] == 1 && p[1] == 1 && b[0] == n && b[1] == rn, "flow counters %llu/%llu",
	      (unsigned long long)p[0], (unsigned long long)p[1]);
	/* Not IP: forwarded, counted as untracked; bad port: dropped. */
	memset(buf, 0, 64);
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 64) == MB_PORT_OUTSIDE, "non-IP dropped");
	CHECK(harness_process(0, 5, buf, 64) == MB_DROP, "bad port forwarded");
	/* Table full (2 flows): the third is untracked. */
	for (unsigned f = 2; f < 4; f++) {
		s.sport = (uint16_t)f;
		n = harness_build(buf, &s);
		harness_process(0, MB_PORT_INSIDE, buf, n);
	}
	CHECK(mon_flow_count() == 2, "flows %u", mon_flow_count());
	CHECK(mon_untracked_pkts() == 2, "untracked %llu", (unsigned long long)mon_untracked_pkts());
	CHECK(mon_total_pkts() == 5, "total %llu", (unsigned long long)mon_total_pkts());
}

struct expect {
	uint64_t pkts[2], bytes[2];
	struct flow_key key;
};

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	(void)arg;
	int r = harness_process(core, p->in_port, p->frame, p->len);
	CHECK(r == (p->in_port == MB_PORT_INSIDE ? MB_PORT_OUTSIDE : MB_PORT_INSIDE),
	      "not forwarded");
}

static void run_sharing(unsigned sharing)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 200 * harness_scale();
	c.packets_per_flow = 20;
	c.seed = 3 + sharing;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	char sh[8];
	snprintf(sh, sizeof(sh), "%u", sharing);
	CHECK(harness_init(2, "monitor", "--sharing", sh, NULL) == 0, "init");
	struct expect *e = calloc(c.flows, sizeof(*e));
	uint64_t bytes = 0;
	for (size_t i = 0; i < t.n; i++) {
		struct pkt_view v;
		pkt_parse(t.pkts[i].frame, t.pkts[i].len, &v);
		struct expect *x = &e[t.pkts[i].flow];
		x->key = flow_key_of(&v);
		x->pkts[t.pkts[i].in_port]++;
		x->bytes[t.pkts[i].in_port] += t.pkts[i].len;
		bytes += t.pkts[i].len;
	}
	CHECK(harness_trace_run(&t, 2, mc_packet, NULL) == 0, "run");
	CHECK(mon_total_pkts() == t.n, "sharing %u: total %llu, trace %zu", sharing,
	      (unsigned long long)mon_total_pkts(), t.n);
	CHECK(mon_total_bytes() == bytes, "sharing %u: bytes", sharing);
	CHECK(mon_flow_count() == c.flows, "flows %u", mon_flow_count());
	/* Copies used: cores/sharing of them, none other. */
	for (unsigned g = 0; g < MON_MAX_CORES; g++)
		CHECK((g < 2 / sharing) == (mon_global[g].pkts != 0),
		      "sharing %u: copy %u has %llu", sharing, g,
		      (unsigned long long)mon_global[g].pkts);
	for (uint32_t f = 0; f < c.flows; f++) {
		uint64_t p[2], b[2];
		CHECK(mon_flow_get(&e[f].key, p, b) == 0, "flow %u missing", f);
		CHECK(p[0] == e[f].pkts[0] && p[1] == e[f].pkts[1] && b[0] == e[f].bytes[0] &&
			      b[1] == e[f].bytes[1],
		      "flow %u counters differ from the trace", f);
	}
	free(e);
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		run_sharing(2);
		return harness_finish("test_monitor (record/replay)");
	}
	test_options();
	test_basic();
	run_sharing(1);
	run_sharing(2);
	return harness_finish("test_monitor");
}
