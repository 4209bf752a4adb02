/* test_ids.c: unit tests of the IDS (examples/ids): every signature in
 * the trace gives exactly one alert frame, numbered without gaps. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ids.h"

static uint8_t buf[TGEN_MAX_FRAME];

static uint16_t data_frame(const char *payload, size_t len)
{
	struct pkt_spec s = { .proto = PKT_PROTO_TCP, .saddr = 0x0a000001, .sport = 1234,
			      .daddr = 0xcb007101, .dport = 80, .tcp_flags = PKT_TCP_ACK,
			      .payload = payload, .payload_len = (uint16_t)len };
	return harness_build(buf, &s);
}

/* Parses an alert frame: 0 and its seq and sig, or -1. */
static int parse_alert(const struct harness_emitted *e, uint64_t *seq, unsigned *sig)
{
	struct pkt_view v;
	if (pkt_parse((uint8_t *)e->frame, e->len, &v) != 0 || v.proto != PKT_PROTO_UDP ||
	    v.daddr != ids_cfg.log_dst || v.dport != ids_cfg.log_dport ||
	    pkt_cksums_ok(&v) != 0)
		return -1;
	char msg[IDS_LOG_MAX + 1];
	memcpy(msg, v.payload, v.payload_len);
	msg[v.payload_len] = '\0';
	unsigned long long s;
	if (sscanf(msg, "<116>ftmb-ids: seq=%llu sig=%u", &s, sig) != 2)
		return -1;
	*seq = s;
	return 0;
}

static void test_options(void)
{
	CHECK(harness_init(2, "ids", "--signature", "bad\\q", NULL) == -1, "bad escape");
	CHECK(harness_init(2, "ids", "--signature", "", NULL) == -1, "empty signature");
	CHECK(harness_init(2, "ids", "--log-collector", "1.2.3.4", NULL) == -1, "no port");
	CHECK(harness_init(2, "ids", "--log-port", "sideways", NULL) == -1, "bad log port");
	CHECK(harness_init(2, "ids", "--block", "2", NULL) == -1, "block 2");
	CHECK(harness_init(2, "ids", "--alert", "x", NULL) == -1, "unknown option");
	char longsig[200];
	memset(longsig, 'A', sizeof(longsig) - 1);
	longsig[sizeof(longsig) - 1] = '\0';
	CHECK(harness_init(2, "ids", "--signature", longsig, NULL) == -1, "too long signature");
	CHECK(harness_init(2, "ids", "--signature", "GET /\\x41dmin", "--signature", "a\\\\b",
			   NULL) == 0, "good signatures");
	CHECK(ids_cfg.n_sigs == 2 && ids_cfg.sig[0].len == 10 && ids_cfg.sig[0].bytes[5] == 'A' &&
		      ids_cfg.sig[1].len == 3,
	      "escapes not decoded");
}

static void test_basic(void)
{
	CHECK(harness_init(1, "ids", "--log-collector", "10.9.9.9:6514", "--log-port", "outside",
			   NULL) == 0, "init");
	harness_emit_reset();
	const char *clean = "GET /index.html HTTP/1.0";
	uint16_t n = data_frame(clean, strlen(clean));
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "clean forwarded");
	CHECK(harness_emit_count() == 0, "clean packet raised an alert");
	const char *evil = "GET /../../etc/passwd?cmd.exe HTTP/1.0";
	n = data_frame(evil, strlen(evil));
	CHECK(harness_process(0, MB_PORT_OUTSIDE, buf, n) == MB_PORT_INSIDE, "evil forwarded");
	CHECK(harness_emit_count() == 2, "two signatures, %zu alerts", harness_emit_count());
	uint64_t seq;
	unsigned sig;
	for (size_t i = 0; i < harness_emit_count(); i++) {
		const struct harness_emitted *e = harness_emit_get(i);
		CHECK(e->port == MB_PORT_OUTSIDE, "alert on the wrong port");
		CHECK(parse_alert(e, &seq, &sig) == 0, "alert frame malformed");
		CHECK(seq == i + 1 && sig == i, "alert %zu: seq %llu sig %u", i,
		      (unsigned long long)seq, sig);
	}
	/* A signature split across the payload's end does not match; a
	 * truncated frame is forwarded without matching. */
	n = data_frame("xx/etc/pas", 10);
	harness_process(0, MB_PORT_INSIDE, buf, n);
	CHECK(harness_emit_count() == 2, "partial signature matched");
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, 30) == MB_PORT_OUTSIDE, "truncated frame");
	/* A host that cannot queue the alert: counted, packet still forwarded. */
	harness_emit_set_failing(1);
	n = data_frame(evil, strlen(evil));
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "forward on emit fail");
	CHECK(__atomic_load_n(&ids_emit_failed, __ATOMIC_RELAXED) == 2, "emit failures not counted");
	harness_emit_set_failing(0);
	/* --block drops what matches. */
	CHECK(harness_init(1, "ids", "--block", "1", NULL) == 0, "init block");
	n = data_frame(evil, strlen(evil));
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_DROP, "--block did not drop");
	n = data_frame(clean, strlen(clean));
	CHECK(harness_process(0, MB_PORT_INSIDE, buf, n) == MB_PORT_OUTSIDE, "--block dropped clean");
}

static void mc_packet(unsigned core, struct tgen_pkt *p, void *arg)
{
	(void)arg;
	int r = harness_process(core, p->in_port, p->frame, p->len);
	CHECK(r == (p->in_port == MB_PORT_INSIDE ? MB_PORT_OUTSIDE : MB_PORT_INSIDE),
	      "packet not forwarded");
}

static void test_multicore(void)
{
	struct tgen_config c;
	tgen_config_default(&c);
	c.flows = 200 * harness_scale();
	c.packets_per_flow = 12;
	c.attack_percent = 15;
	c.payload = 200;
	c.seed = 21;
	struct harness_trace t;
	CHECK(harness_trace_make(&t, &c) == 0, "trace");
	CHECK(harness_init(2, "ids", NULL) == 0, "init");
	CHECK(ids_cfg.n_sigs == tgen_n_signatures, "default signatures differ from tgen's");
	harness_emit_reset();
	uint64_t want[IDS_MAX_SIGS] = { 0 }, attacks = 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.pkts[i].attack) {
			want[t.pkts[i].signature]++;
			attacks++;
		}
	CHECK(attacks > 20, "trace has only %llu attacks", (unsigned long long)attacks);
	CHECK(harness_trace_run(&t, 2, mc_packet, NULL) == 0, "run");
	size_t n = harness_emit_count();
	CHECK(n == attacks, "%zu alerts for %llu attacks", n, (unsigned long long)attacks);
	uint8_t *seen = calloc(n + 1, 1);
	uint64_t got[IDS_MAX_SIGS] = { 0 };
	unsigned on_core[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		const struct harness_emitted *e = harness_emit_get(i);
		uint64_t seq;
		unsigned sig;
		if (parse_alert(e, &seq, &sig) != 0) {
			CHECK(0, "alert %zu malformed", i);
			continue;
		}
		CHECK(seq >= 1 && seq <= n && !seen[seq], "alert seq %llu duplicated or out of range",
		      (unsigned long long)seq);
		if (seq >= 1 && seq <= n)
			seen[seq] = 1;
		if (sig < IDS_MAX_SIGS)
			got[sig]++;
		on_core[e->core & 1]++;
	}
	for (unsigned s = 0; s < tgen_n_signatures; s++) {
		CHECK(got[s] == want[s], "signature %u: %llu alerts, %llu in the trace", s,
		      (unsigned long long)got[s], (unsigned long long)want[s]);
		CHECK(ids_alert_count(s) == want[s], "signature %u counter", s);
	}
	CHECK(on_core[0] > 0 && on_core[1] > 0, "alerts came from one core only");
	free(seen);
	harness_trace_free(&t);
}

int main(void)
{
	if (harness_rr_mode()) { /* record or replay run: the 2-core trace only */
		test_multicore();
		return harness_finish("test_ids (record/replay)");
	}
	test_options();
	test_basic();
	test_multicore();
	return harness_finish("test_ids");
}
