/*
 * dp_main.c: the protected program, <middlebox>-protected.
 *
 *   prog [EAL options] -- --role il|master|ol|single [options]
 *
 * One binary per middlebox plays every role (the IL and the OL simply
 * never call the middlebox). --role single wires IL -> master -> OL inside
 * one process over net_ring ports (rte_eth_from_rings), for tests and
 * benchmarks: the main lcore runs the IL, the master's I/O and the OL one
 * after the other; every other lcore is a master core.
 */
#include "dp.h"
#include "ftmb_dp_hooks.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_debug.h>

#include "ftmb_core.h"
#include "dp_ckpt.h"
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_ring.h>

struct dp_worker_handle;
void *dp_master_worker(unsigned c);

/* --quiesce-every-ms: stop all workers at a packet boundary now and then
 * and check what a checkpoint relies on: while stopped, no core's MAX or
 * stream moves. (Tests the barrier without runtime/ckpt.) */
static uint64_t q_max[DP_MAX_WORKERS];
static void quiesce_check(void *arg)
{
	(void)arg;
	for (unsigned c = 0; c < master_workers(); c++)
		q_max[c] = ftmb_max(c);
	rte_delay_us_block(200); /* workers must stay put meanwhile */
	for (unsigned c = 0; c < master_workers(); c++)
		if (ftmb_max(c) != q_max[c])
			rte_panic("quiesce: core %u moved while stopped\n", c);
}

static unsigned quiesce_hook(void *arg, uint64_t now_tsc)
{
	static uint64_t next;

	(void)arg;
	if (now_tsc < next)
		return 0;
	next = now_tsc + dp_us_to_tsc(1000ull * dp_cfg.quiesce_every_ms);
	return master_request_quiesce(quiesce_check, NULL) == 0;
}

static unsigned poll_single(uint64_t now_tsc)
{
	unsigned work = dp_gen_poll(now_tsc);

	work += dp_il_poll(now_tsc);
	work += dp_master_poll(now_tsc);
	work += dp_ol_poll(now_tsc);
	if (dp_cfg.gen_pkts && dp_gen_done())
		dp_force_quit = true;
	return work;
}

/* A bidirectional link a <-> b made of two rings; returns a's port in
 * *pa and b's in *pb. */
static void ring_link(const char *name, uint16_t *pa, uint16_t *pb)
{
	char n1[32], n2[32];
	struct rte_ring *ab, *ba;
	int a, b;

	snprintf(n1, sizeof(n1), "%s_ab", name);
	snprintf(n2, sizeof(n2), "%s_ba", name);
	/* --link-ring: a small ring makes the senders meet backpressure
	 * (tests of the IL's backlog path) */
	unsigned slots = dp_cfg.link_ring ? dp_cfg.link_ring : 4096;

	ab = rte_ring_create(n1, slots, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	ba = rte_ring_create(n2, slots, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!ab || !ba)
		rte_exit(EXIT_FAILURE, "link %s: %s\n", name, rte_strerror(rte_errno));
	snprintf(n1, sizeof(n1), "%s_a", name);
	snprintf(n2, sizeof(n2), "%s_b", name);
	a = rte_eth_from_rings(n1, &ba, 1, &ab, 1, rte_socket_id());
	b = rte_eth_from_rings(n2, &ab, 1, &ba, 1, rte_socket_id());
	if (a < 0 || b < 0)
		rte_exit(EXIT_FAILURE, "link %s: %s\n", name, rte_strerror(rte_errno));
	*pa = (uint16_t)a;
	*pb = (uint16_t)b;
}

static void drain_single(void)
{
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles();
	struct dp_idle idle = {0};

	/* workers stopped; let the OL release what is held (resends may be
	 * needed after --drop-pals) for up to 2 s */
	dp_force_quit = false;
	while (rte_get_timer_cycles() - start < 2 * hz) {
		unsigned w = dp_master_poll(rte_get_timer_cycles()) +
			     dp_ol_poll(rte_get_timer_cycles()) + dp_gen_poll(0);
		if (!w && dp_stats.held == 0 && dp_stats.unacked_pals == 0)
			break;
		dp_idle_step(&idle, w);
	}
	dp_force_quit = true;
}

static void launch_workers(void)
{
	unsigned lcore, c = 0;

	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(dp_master_worker_main, dp_master_worker(c++), lcore);
}

int main(int argc, char **argv)
{
	uint64_t epoch;
	unsigned n_workers;

	dp_app_start(argc, argv, DP_ROLE_NONE);
	dp_telemetry_init();
	epoch = dp_epoch();
	n_workers = rte_lcore_count() - 1;
	if (dp_cfg.quiesce_every_ms) {
		if (dp_cfg.role != DP_ROLE_MASTER && dp_cfg.role != DP_ROLE_SINGLE)
			rte_exit(EXIT_FAILURE, "--quiesce-every-ms: master or single only\n");
		dp_set_control_hook(quiesce_hook, NULL);
	}
	if ((dp_cfg.ckpt_peer && dp_cfg.role != DP_ROLE_MASTER && dp_cfg.role != DP_ROLE_BACKUP) ||
	    (dp_cfg.backup_port != DP_NO_PORT && dp_cfg.role != DP_ROLE_IL &&
	     dp_cfg.role != DP_ROLE_OL) ||
	    (dp_cfg.ckpt_listen && dp_cfg.role != DP_ROLE_BACKUP))
		rte_exit(EXIT_FAILURE, "--ckpt-peer: master/backup; --backup-port: il/ol; "
			 "--ckpt-listen: backup only\n");
	if (dp_cfg.quiesce_every_ms && dp_cfg.ckpt_peer)
		rte_exit(EXIT_FAILURE, "--quiesce-every-ms and --ckpt-peer exclude each other\n");

	switch (dp_cfg.role) {
	case DP_ROLE_IL:
		dp_il_init(epoch);
		if (dp_cfg.backup_port != DP_NO_PORT)
			dp_ckpt_il_attach();
		dp_main_loop(dp_il_poll);
		break;
	case DP_ROLE_OL:
		dp_ol_init(epoch);
		if (dp_cfg.backup_port != DP_NO_PORT)
			dp_ckpt_ol_attach();
		dp_main_loop(dp_ol_poll);
		dp_ol_fini();
		break;
	case DP_ROLE_MASTER:
		dp_master_init(n_workers, epoch);
		if (dp_cfg.ckpt_peer)
			dp_ckpt_master_attach();
		launch_workers();
		dp_main_loop(dp_master_poll);
		rte_eal_mp_wait_lcore();
		dp_master_fini();
		dp_ckpt_agent_stop();
		break;
	case DP_ROLE_BACKUP:
		dp_ckpt_backup_main(n_workers, epoch);
		break;
	case DP_ROLE_SINGLE: {
		uint16_t il_m, m_il, m_ol, ol_m;

		if (dp_cfg.gen_pkts)
			dp_gen_setup();
		ring_link("il_m", &il_m, &m_il);
		ring_link("m_ol", &m_ol, &ol_m);
		dp_cfg.master_port = il_m;
		dp_il_init(epoch);
		dp_cfg.master_port = ol_m;
		dp_ol_init(epoch + 1);
		dp_cfg.il_port = m_il;
		dp_cfg.ol_port = m_ol;
		{
			/* the IL owns the network inputs in one process */
			uint16_t in[2] = {dp_cfg.in_port[0], dp_cfg.in_port[1]};
			dp_cfg.in_port[0] = dp_cfg.in_port[1] = DP_NO_PORT;
			dp_master_init(n_workers, epoch + 2);
			dp_cfg.in_port[0] = in[0];
			dp_cfg.in_port[1] = in[1];
		}
		launch_workers();
		dp_main_loop(poll_single);
		rte_eal_mp_wait_lcore();
		dp_master_fini();
		drain_single();
		dp_ol_fini();
		break;
	}
	default:
		rte_exit(EXIT_FAILURE, "--role: il, master, ol or single\n");
	}
	dp_gen_report();
	dp_print_stats();
	dp_ports_stop();
	rte_eal_cleanup();
	return 0;
}
