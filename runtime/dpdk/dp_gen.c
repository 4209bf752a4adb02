/*
 * dp_gen.c: built-in traffic generator and sink for benchmarks
 * (--gen-pkts N in --role single and in the unprotected program).
 *
 * Theory of operation: the generator owns the other end of the ring port
 * used as --in-inside, the sink the other end of the ring ports used as
 * --out-inside/--out-outside. It keeps at most --gen-window packets in
 * flight (closed loop: a packet is finished when it comes out, or when the
 * middlebox reports it produced no output), stamps each with the TSC in its
 * last 8 bytes, and the sink records now - stamp. Throughput = packets
 * finished / time from the first send to the last finish. Both programs
 * (protected and unprotected) run the same generator on the same main
 * lcore, so their figures compare like with like.
 */
#include "dp.h"

#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ip.h>
#include <rte_udp.h>

volatile uint64_t dp_gen_dropped;

static struct {
	struct rte_ring *to_mb, *from_mb[2];
	uint64_t sent, received, start_tsc, end_tsc;
	uint64_t *lat;
	bool active;
} g;

static uint16_t ring_port(const char *name, struct rte_ring *rx, struct rte_ring *tx)
{
	int p = rte_eth_from_rings(name, &rx, 1, &tx, 1, rte_socket_id());

	if (p < 0)
		rte_exit(EXIT_FAILURE, "gen: ring port %s: %s\n", name, rte_strerror(rte_errno));
	return (uint16_t)p;
}

static struct rte_ring *mkring(const char *name)
{
	struct rte_ring *r = rte_ring_create(name, 8192, rte_socket_id(),
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!r)
		rte_exit(EXIT_FAILURE, "gen: ring %s: %s\n", name, rte_strerror(rte_errno));
	return r;
}

void dp_gen_setup(void)
{
	struct rte_ring *unused_in = mkring("gen_unused_in");
	struct rte_ring *unused_out = mkring("gen_unused_out");

	g.to_mb = mkring("gen_to_mb");
	g.from_mb[0] = mkring("gen_from_mb0");
	g.from_mb[1] = mkring("gen_from_mb1");
	dp_cfg.in_port[0] = ring_port("gen_in", g.to_mb, unused_out);
	dp_cfg.in_port[1] = DP_NO_PORT;
	dp_cfg.out_port[0] = ring_port("gen_out0", unused_in, g.from_mb[0]);
	dp_cfg.out_port[1] = ring_port("gen_out1", unused_in, g.from_mb[1]);
	g.lat = calloc(dp_cfg.gen_pkts, sizeof(uint64_t));
	if (!g.lat)
		rte_exit(EXIT_FAILURE, "gen: no memory for %" PRIu64 " samples\n", dp_cfg.gen_pkts);
	g.active = true;
}

static struct rte_mbuf *make_pkt(uint64_t i)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pktmbuf_pool());
	uint16_t len = dp_cfg.gen_len;
	uint8_t *p;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint32_t f = (uint32_t)(i % dp_cfg.gen_flows);
	uint64_t tsc;

	if (!m)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	memset(p, 0, len);
	eth = (void *)p;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	eth->dst_addr.addr_bytes[0] = 0x02;
	eth->dst_addr.addr_bytes[5] = 0x02;
	eth->src_addr.addr_bytes[0] = 0x02;
	eth->src_addr.addr_bytes[5] = 0x01;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eth)));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000000u | (f & 0xffffu) << 8 | 1u);
	ip->dst_addr = rte_cpu_to_be_32(0xc0a80001u);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + f % 50000));
	udp->dst_port = rte_cpu_to_be_16(80);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eth) - sizeof(*ip)));
	tsc = rte_get_timer_cycles();
	memcpy(p + len - 8, &tsc, 8);
	return m;
}

unsigned dp_gen_poll(uint64_t now_tsc)
{
	struct rte_mbuf *b[DP_BURST];
	unsigned work = 0;

	if (!g.active)
		return 0;
	for (unsigned q = 0; q < 2; q++) {
		unsigned n = rte_ring_sc_dequeue_burst(g.from_mb[q], (void **)b, DP_BURST, NULL);
		dp_prefetch_burst(b, n, false);
		uint64_t now = rte_get_timer_cycles();
		for (unsigned i = 0; i < n; i++) {
			dp_prefetch_next(b, i, n, false);
			uint64_t tsc;
			memcpy(&tsc, rte_pktmbuf_mtod_offset(b[i], uint8_t *, b[i]->data_len - 8), 8);
			if (g.received < dp_cfg.gen_pkts)
				g.lat[g.received] = (now - tsc) * 1000000000ull / rte_get_timer_hz();
			g.received++;
		}
		if (n) {
			rte_pktmbuf_free_bulk(b, n);
			g.end_tsc = now;
		}
		work += n;
	}
	{
		/* inputs finished without output end the measurement too */
		static uint64_t last_dropped;
		uint64_t d = __atomic_load_n(&dp_gen_dropped, __ATOMIC_RELAXED);
		if (d != last_dropped) {
			last_dropped = d;
			g.end_tsc = rte_get_timer_cycles();
		}
	}
	if (g.sent < dp_cfg.gen_pkts) {
		uint64_t done = g.received + __atomic_load_n(&dp_gen_dropped, __ATOMIC_RELAXED);
		unsigned n = 0;

		if (!g.start_tsc)
			g.start_tsc = now_tsc;
		while (n < DP_BURST && g.sent + n < dp_cfg.gen_pkts &&
		       g.sent + n - done < dp_cfg.gen_window) {
			b[n] = make_pkt(g.sent + n);
			if (!b[n])
				break;
			n++;
		}
		if (n) {
			unsigned q = rte_ring_sp_enqueue_burst(g.to_mb, (void **)b, n, NULL);
			if (q < n)
				rte_pktmbuf_free_bulk(b + q, n - q);
			g.sent += q;
			work += q;
		}
	}
	return work;
}

bool dp_gen_done(void)
{
	return g.active && g.sent >= dp_cfg.gen_pkts &&
	       g.received + __atomic_load_n(&dp_gen_dropped, __ATOMIC_RELAXED) >= g.sent;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void dp_gen_report(void)
{
	FILE *f;
	uint64_t n = RTE_MIN(g.received, dp_cfg.gen_pkts);
	double secs;

	if (!g.active)
		return;
	secs = g.end_tsc > g.start_tsc ? (double)(g.end_tsc - g.start_tsc) / rte_get_timer_hz() : 0;
	qsort(g.lat, n, sizeof(uint64_t), cmp_u64);
	f = dp_cfg.gen_report ? fopen(dp_cfg.gen_report, "w") : stdout;
	if (!f)
		f = stdout;
	fprintf(f, "sent=%" PRIu64 "\nreceived=%" PRIu64 "\ndropped=%" PRIu64 "\n", g.sent,
		g.received, dp_gen_dropped);
	fprintf(f, "pps=%.0f\n", secs > 0 ? (double)(g.received + dp_gen_dropped) / secs : 0.0);
	fprintf(f, "lat_median_ns=%" PRIu64 "\nlat_p99_ns=%" PRIu64 "\n", n ? g.lat[n / 2] : 0,
		n ? g.lat[(n * 99) / 100] : 0);
	fprintf(f, "pals=%" PRIu64 "\npkts_in=%" PRIu64 "\n", dp_stats.pals, dp_stats.pkts_in);
	if (f != stdout)
		fclose(f);
}
