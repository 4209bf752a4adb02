/*
 * dp_loop.c: the main lcore's loop shared by every program: run the
 * role's tasks, the control hook and the status line; stop on a signal,
 * after --run-ms, or --stop-after-idle-ms after traffic has stopped.
 */
#include "dp.h"

#include <stdio.h>

#include <rte_cycles.h>

/* Moves when traffic moves (ticks and heartbeats do not count: they never stop). */
static uint64_t traffic_signature(void)
{
	return dp_stats.rx_outside + dp_stats.il_forwarded - dp_stats.il_ticks +
	       dp_stats.pkts_in + dp_stats.direct_in + dp_stats.data_frames +
	       dp_stats.released + dp_stats.pkts_out + dp_stats.direct_out +
	       dp_stats.malformed + dp_stats.unexpected + dp_stats.unsynced;
}

/*
 * Per-loop work that is not per packet stays off the loop: the idle
 * detection (--stop-after-idle-ms) reads a dozen counters that other
 * lcores write, so it runs only when that option is set and then once
 * every DP_LOOP_CHECK_EVERY loops (a few µs at most, against a timeout
 * in ms); the --run-ms deadline is one compare.
 */
#define DP_LOOP_CHECK_EVERY 64u

void dp_main_loop(unsigned (*poll)(uint64_t now_tsc))
{
	struct dp_idle idle = {0};
	uint64_t hz = rte_get_timer_hz();
	uint64_t start = rte_get_timer_cycles(), last_change = start;
	uint64_t deadline = dp_cfg.run_ms ? start + dp_cfg.run_ms * hz / 1000 : UINT64_MAX;
	uint64_t idle_tsc = dp_cfg.stop_after_idle_ms * hz / 1000;
	uint64_t sig = traffic_signature();
	unsigned loops = 0;
	bool seen = false;

	while (!dp_force_quit) {
		uint64_t now = rte_get_timer_cycles();
		unsigned work = poll(now) + dp_control_poll(now);

		if (dp_cfg.status)
			dp_status_tick(now);
		dp_memif_watch(now);
		if (now > deadline)
			break;
		if (idle_tsc && ++loops >= DP_LOOP_CHECK_EVERY) {
			uint64_t cur = traffic_signature();

			loops = 0;
			if (cur != sig) {
				sig = cur;
				last_change = now;
				seen = true;
			} else if (seen && now - last_change > idle_tsc) {
				break;
			}
		}
		dp_idle_step(&idle, work);
	}
	dp_force_quit = true;
}

void dp_print_stats(void)
{
#define DP_X(n) printf("ftmb-stats: " #n "=%" PRIu64 "\n", dp_stats.n);
	DP_COUNTERS(DP_X)
#undef DP_X
	fflush(stdout);
}
