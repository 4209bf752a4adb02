/*
 * dp_unprotected.c: the unprotected host, for comparison: the same
 * middlebox on the same lcores with plain RX -> mb_process -> TX.
 *
 * Theory of operation: the main lcore receives from --in-inside /
 * --in-outside and hands each frame to worker flow_hash % n_workers (the
 * same hash as the master); a worker runs mb_process (and mb_tick every
 * --tick-us on its own clock) and puts the outputs, mb_emit frames first
 * and the packet last (the master's output order), on one multi-producer
 * ring; the main lcore sends them out of --out-inside / --out-outside.
 */
#include "dp.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "middlebox.h"

struct uworker {
	unsigned core;
	struct rte_ring *in;
	bool in_packet;
	unsigned n_emit;
} __rte_cache_aligned;

static struct {
	unsigned n;
	struct uworker w[DP_MAX_WORKERS];
	struct rte_ring *out;
} uh;

static RTE_DEFINE_PER_LCORE(struct uworker *, cur_uworker);

static void out_enqueue(struct rte_mbuf *m)
{
	while (rte_ring_enqueue(uh.out, m) != 0) {
		if (dp_force_quit) {
			rte_pktmbuf_free(m);
			return;
		}
		rte_pause();
	}
}

int mb_emit(unsigned core, int port, const void *frame, uint16_t len)
{
	struct uworker *w = RTE_PER_LCORE(cur_uworker);
	struct rte_mbuf *m;

	if (!w || !w->in_packet || w->core != core || (port != 0 && port != 1) ||
	    w->n_emit >= DP_MAX_OUTPUTS - 1 || len < FTMB_ETH_HLEN)
		return -1;
	m = dp_mbuf_copy(frame, len);
	if (!m)
		return -1;
	m->port = (uint16_t)port;
	w->n_emit++;
	out_enqueue(m);
	return 0;
}

static int uworker_main(void *arg)
{
	struct uworker *w = arg;
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_idle idle = {0};
	uint64_t next_tick = 0;

	RTE_PER_LCORE(cur_uworker) = w;
	while (!dp_force_quit) {
		unsigned n = rte_ring_sc_dequeue_burst(w->in, (void **)pkts, DP_BURST, NULL);

		dp_prefetch_burst(pkts, n, false);

		for (unsigned i = 0; i < n; i++) {
			dp_prefetch_next(pkts, i, n, false);
			struct rte_mbuf *m = pkts[i];
			struct mb_pkt p = {
				.data = rte_pktmbuf_mtod(m, uint8_t *),
				.len = rte_pktmbuf_data_len(m),
				.cap = (uint16_t)(rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)),
				.in_port = m->port,
				.core = (uint16_t)w->core,
			};
			int verdict;

			w->in_packet = true;
			w->n_emit = 0;
			verdict = mb_process(&p);
			w->in_packet = false;
			if ((verdict == MB_PORT_INSIDE || verdict == MB_PORT_OUTSIDE) &&
			    p.len <= p.cap && p.len >= FTMB_ETH_HLEN) {
				m->data_len = m->pkt_len = p.len;
				m->port = (uint16_t)verdict;
				out_enqueue(m);
			} else {
				rte_pktmbuf_free(m);
				if (w->n_emit == 0)
					__atomic_fetch_add(&dp_gen_dropped, 1, __ATOMIC_RELAXED);
			}
		}
		if (n) /* once per burst: the main lcore writes this cache line */
			DP_ATOMIC_ADD(pkts_in, n);
		if (dp_cfg.tick_us) {
			uint64_t now = rte_get_timer_cycles();
			if (now >= next_tick) {
				next_tick = now + dp_us_to_tsc(dp_cfg.tick_us);
				w->in_packet = true;
				w->n_emit = 0;
				mb_tick(w->core, dp_now_ns());
				w->in_packet = false;
			}
		}
		dp_idle_step(&idle, n);
	}
	return 0;
}

static unsigned rx_in(uint8_t mb_port, uint16_t port)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n;

	if (port == DP_NO_PORT)
		return 0;
	for (unsigned c = 0; c < uh.n; c++)
		if (rte_ring_free_count(uh.w[c].in) < DP_BURST)
			return 0; /* backpressure: never wait for a worker */
	n = dp_rx_burst(port, pkts, DP_BURST);
	dp_prefetch_burst(pkts, n, false);
	for (unsigned i = 0; i < n; i++) {
		dp_prefetch_next(pkts, i, n, false);
		struct rte_mbuf *m = pkts[i];
		unsigned c;
		DP_INC(rx_outside);
		if (m->nb_segs != 1 || m->data_len < FTMB_ETH_HLEN) {
			DP_INC(malformed);
			rte_pktmbuf_free(m);
			continue;
		}
		c = uh.n == 1 ? 0 : dp_flow_hash(rte_pktmbuf_mtod(m, uint8_t *), m->data_len) % uh.n;
		m->port = mb_port;
		if (rte_ring_sp_enqueue(uh.w[c].in, m) != 0) {
			DP_INC(tx_drop);
			rte_pktmbuf_free(m);
		}
	}
	return n;
}

static unsigned tx_out(void)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(uh.out, (void **)pkts, DP_BURST, NULL);

	for (unsigned i = 0; i < n; i++)
		rte_prefetch0(pkts[i]); /* written by the workers' lcores */
	dp_tx_out(pkts, n);
	return n;
}

static unsigned uh_poll(uint64_t now_tsc)
{
	unsigned work = dp_gen_poll(now_tsc);

	work += rx_in(MB_PORT_INSIDE, dp_cfg.in_port[MB_PORT_INSIDE]);
	if (dp_cfg.in_port[MB_PORT_OUTSIDE] != dp_cfg.in_port[MB_PORT_INSIDE])
		work += rx_in(MB_PORT_OUTSIDE, dp_cfg.in_port[MB_PORT_OUTSIDE]);
	work += tx_out();
	if (dp_cfg.gen_pkts && dp_gen_done())
		dp_force_quit = true;
	return work;
}

int main(int argc, char **argv)
{
	unsigned lcore, c = 0;

	dp_app_start(argc, argv, DP_ROLE_UNPROTECTED);
	dp_telemetry_init();
	if (dp_cfg.gen_pkts)
		dp_gen_setup();
	uh.n = rte_lcore_count() - 1;
	if (uh.n == 0 || uh.n > DP_MAX_WORKERS)
		rte_exit(EXIT_FAILURE, "need 2..%u lcores (main: I/O, others: cores)\n",
			 DP_MAX_WORKERS + 1);
	if (dp_cfg.in_port[0] == DP_NO_PORT && dp_cfg.in_port[1] == DP_NO_PORT)
		rte_exit(EXIT_FAILURE, "--in-inside and/or --in-outside is required\n");
	/* one worker: the only producer, no atomic needed (as in the master) */
	uh.out = rte_ring_create("uh_out", 16384, rte_socket_id(),
				 RING_F_SC_DEQ | (uh.n == 1 ? RING_F_SP_ENQ : 0));
	if (!uh.out)
		rte_exit(EXIT_FAILURE, "out ring: %s\n", rte_strerror(rte_errno));
	for (unsigned i = 0; i < uh.n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "uh_w%u", i);
		uh.w[i].core = i;
		uh.w[i].in = rte_ring_create(name, 4096, rte_socket_id(),
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!uh.w[i].in)
			rte_exit(EXIT_FAILURE, "worker ring: %s\n", rte_strerror(rte_errno));
	}
	for (unsigned p = 0; p < 2; p++) {
		dp_port_setup(dp_cfg.in_port[p]);
		dp_port_setup(dp_cfg.out_port[p]);
	}
	if (mb_init(dp_cfg.mb_argc, dp_cfg.mb_argv, uh.n) != 0)
		rte_exit(EXIT_FAILURE, "mb_init failed\n");
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(uworker_main, &uh.w[c++], lcore);
	dp_main_loop(uh_poll);
	rte_eal_mp_wait_lcore();
	while (tx_out())
		;
	dp_gen_report();
	dp_print_stats();
	dp_ports_stop();
	rte_eal_cleanup();
	return 0;
}
