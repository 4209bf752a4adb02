/*
 * harness_protected.c: the harness's core binding for protected builds
 * (the example's sources rewritten by ftmbcc, linked with ftmb_core).
 *
 * Every packet or tick the test hands to the middlebox is a packet for the
 * runtime: the thread binds to its core (ftmb_core_bind), and the call
 * runs between ftmb_packet_begin(id, timestamp) and ftmb_packet_end, so
 * each access to shared state makes a PAL in that core's stream.
 *
 * Packet ids and timestamps are deterministic: the trace runner gives
 * packet i of a trace the id HARNESS_TRACE_ID_BASE + i, other calls take
 * ids from a counter; the timestamp (the clock the middlebox reads) is
 * id x 100 ns. So a second run of the same test, replaying the first
 * run's log, sees the same packets with the same clocks on the same cores.
 *
 * Modes (environment FTMB_EXAMPLES_RR):
 *   unset          record to a temporary log, removed at exit;
 *   record:PATH    record to PATH (kept);
 *   replay:PATH    replay PATH: the runtime computes the recovery cut of
 *                  the log and makes every shared access wait for its
 *                  recorded turn (a divergence aborts).
 * Recording or replay starts at the first packet, after the test's
 * mb_init (which runs unbound: the runtime's init path, counted, no PAL),
 * so the log's starting counters match a fresh process's after the same
 * mb_init.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftmb_core.h"
#include "ftmb_replay.h"
#include "ftmb_standalone.h"
#include "harness.h"

#define N_CORES 2

static char log_path[512];
static int remove_log;
static int replaying;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static uint64_t next_id = 1;
static uint64_t last_ts;
static __thread uint64_t preset_id;
static __thread int bound;

static void finish(void)
{
	ftmb_sa_finish();
	fprintf(stderr, "harness: protected run (%s) made %llu PALs\n",
		replaying ? "replay" : "record", (unsigned long long)ftmb_core_pals_total());
	if (remove_log)
		unlink(log_path);
}

static void start(void)
{
	const char *rr = getenv("FTMB_EXAMPLES_RR");
	int rc;
	if (rr && strncmp(rr, "replay:", 7) == 0) {
		snprintf(log_path, sizeof(log_path), "%s", rr + 7);
		replaying = 1;
		rc = ftmb_sa_replay(log_path);
	} else {
		if (rr && strncmp(rr, "record:", 7) == 0) {
			snprintf(log_path, sizeof(log_path), "%s", rr + 7);
		} else {
			const char *tmp = getenv("TMPDIR");
			snprintf(log_path, sizeof(log_path), "%s/ftmb-examples-%d.log",
				 tmp ? tmp : "/tmp", (int)getpid());
			remove_log = 1;
		}
		rc = ftmb_sa_record(log_path, N_CORES, 1);
	}
	if (rc != 0) {
		fprintf(stderr, "harness: cannot start the runtime (%s %s)\n",
			replaying ? "replay" : "record", log_path);
		exit(1);
	}
	atexit(finish);
}

int harness_rr_mode(void)
{
	const char *rr = getenv("FTMB_EXAMPLES_RR");
	return rr != NULL && *rr != '\0';
}

void harness_set_packet_id(uint64_t id)
{
	preset_id = id;
}

uint64_t harness_reserve_ids(uint64_t n)
{
	return __atomic_fetch_add(&next_id, n, __ATOMIC_RELAXED);
}

void harness_bind_core(unsigned core)
{
	bound = 0;
	if (core >= N_CORES)
		return; /* tests of bad core numbers: the middlebox must refuse them */
	pthread_once(&start_once, start);
	if (ftmb_core_bind(core) != 0) {
		fprintf(stderr, "harness: cannot bind core %u\n", core);
		abort();
	}
	uint64_t id = preset_id ? preset_id : __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	preset_id = 0;
	uint64_t ts = id * 100;
	uint64_t prev = __atomic_load_n(&last_ts, __ATOMIC_RELAXED);
	while (ts > prev &&
	       !__atomic_compare_exchange_n(&last_ts, &prev, ts, 0, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	ftmb_packet_begin(id, ts);
	bound = 1;
}

void harness_unbind_core(void)
{
	if (!bound)
		return;
	bound = 0;
	ftmb_packet_end(1);
	ftmb_core_unbind();
}

uint64_t harness_pals(void)
{
	return ftmb_core_pals_total();
}

uint64_t harness_now_ns(void)
{
	return __atomic_load_n(&last_ts, __ATOMIC_RELAXED);
}

int harness_replay_check(void)
{
	if (!replaying)
		return 0;
	if (!ftmb_replay_done()) {
		for (unsigned c = 0; c < N_CORES; c++)
			fprintf(stderr, "harness: replay: core %u replayed %zu PALs%s\n", c,
				ftmb_replay_position(c),
				ftmb_replay_core_done(c) ? " (done)" : " (cut not exhausted)");
		return -1;
	}
	return ftmb_replay_divergences() == 0 ? 0 : -1;
}
