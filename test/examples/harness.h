/*
 * harness.h: what the examples' unit tests share: checks, a captured
 * mb_emit, packet helpers, and a multi-core trace runner.
 *
 * The trace runner plays a generated trace (tgen) on n threads, one per
 * core, like a host would: a packet goes to core flow_hash(its 5-tuple in
 * its own direction) % n, so one direction of a flow always meets one core
 * while the replies may meet another. Each flow's packets still happen in
 * trace order across cores (a reply never overtakes the request it answers):
 * a thread waits for the flow's previous packet before running the next.
 * Why this cannot deadlock: a thread only ever waits for a packet earlier
 * in the trace than its own, and every thread handles its packets in trace
 * order, so the earliest unprocessed packet of the whole trace can always
 * run.
 */
#ifndef TEST_EXAMPLES_HARNESS_H
#define TEST_EXAMPLES_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "middlebox.h"
#include "pkt.h"
#include "tgen.h"

extern int harness_failures;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			__atomic_fetch_add(&harness_failures, 1, __ATOMIC_RELAXED); \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__,      \
				__LINE__, #cond);                             \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

/* Ends a test program: prints a summary, returns the exit status. */
int harness_finish(const char *name);

/* Scale of the default run; FTMB_EXAMPLES_SCALE=N (1..50) multiplies traces by N
 * (longer runs for soak testing). */
unsigned harness_scale(void);

/* ---- mb_emit capture (thread-safe) ---- */
struct harness_emitted {
	unsigned core;
	int port;
	uint16_t len;
	uint8_t frame[TGEN_MAX_FRAME];
};
void harness_emit_reset(void);
size_t harness_emit_count(void);
const struct harness_emitted *harness_emit_get(size_t i);
/* When nonzero, mb_emit fails (returns -1) as a full queue would. */
void harness_emit_set_failing(int failing);

/* ---- mb_init with a vector of strings, NULL-terminated ---- */
int harness_init(unsigned n_cores, const char *name, ...);

/* Runs one frame through mb_process on `core`; returns the verdict. */
int harness_process(unsigned core, int in_port, uint8_t *frame, uint16_t len);

/* Runs mb_tick on `core` (bound to it, like a packet). */
void harness_tick(unsigned core, uint64_t now_ns);

/* Builds a frame from a spec (aborts the test on failure). */
uint16_t harness_build(uint8_t *buf, const struct pkt_spec *s);

/* ---- multi-core trace runner ---- */
struct harness_trace {
	struct tgen_pkt *pkts;
	size_t n;
	uint32_t n_flows;
};
/* Generates the whole trace of a configuration. */
int harness_trace_make(struct harness_trace *t, const struct tgen_config *c);
void harness_trace_free(struct harness_trace *t);

/* Called for each packet on the thread of its core; p is a private copy
 * that the callback may modify (e.g. translate) before mb_process. */
typedef void (*harness_pkt_fn)(unsigned core, struct tgen_pkt *p, void *arg);
/* Plays the trace on n_cores threads; returns 0, or -1 on thread errors. */
int harness_trace_run(const struct harness_trace *t, unsigned n_cores,
		      harness_pkt_fn fn, void *arg);
/* Core that packet p is handed to among n_cores (the host's flow hash). */
unsigned harness_core_of(const uint8_t *frame, uint16_t len, unsigned n_cores);

/* Binds the calling thread to a core (protected builds: the runtime's
 * standalone core context; unprotected: nothing). */
void harness_bind_core(unsigned core);
void harness_unbind_core(void);
/* PALs made so far (protected builds; 0 unprotected). harness_finish
 * fails a protected run that made none: the rewrite did not take. */
uint64_t harness_pals(void);

/* ---- record / replay (protected builds, see harness_protected.c) ----
 * harness_rr_mode(): nonzero when FTMB_EXAMPLES_RR asks for a record or
 * replay run; a test then runs only its multi-core trace, and the runner
 * writes a digest of every verdict, output frame and emitted frame to
 * the file named by FTMB_EXAMPLES_DIGEST: the record and the replay run
 * must produce the same digest. */
int harness_rr_mode(void);
/* The next harness_bind_core on this thread uses packet id `id`. */
void harness_set_packet_id(uint64_t id);
/* Reserves n consecutive packet ids; returns the first. */
uint64_t harness_reserve_ids(uint64_t n);
/* 0, or -1 when a replay did not replay its whole cut or diverged. */
int harness_replay_check(void);
/* The clock the middlebox sees: CLOCK_MONOTONIC unprotected; protected,
 * the latest packet timestamp handed to the runtime. */
uint64_t harness_now_ns(void);
/* Verdict of this thread's last harness_process. */
int harness_last_verdict(void);
void harness_set_last_verdict(int v);

#endif /* TEST_EXAMPLES_HARNESS_H */
