/*
 * ftmb_standalone.h: ftmb without DPDK. Threads play the cores (each calls
 * ftmb_core_bind(c) and ftmb_packet_begin/end around its "packets").
 *
 *   ftmb_sa_record(path, n, seed): RECORD mode; every core's stream goes to
 *       the log file `path` (PAL batches, outputs, no-output records).
 *   ftmb_sa_replay(path): REPLAY mode; reads the log, computes the cut with
 *       all counters 0 (a truncated log is fine: the cut keeps what is
 *       replayable), loads it; the program then re-runs its threads.
 *   ftmb_sa_finish(): flush every core (call on each core's thread first,
 *       or after the threads joined) and close the log.
 *
 * Environment (read by a constructor in libftmb_core; nothing happens when
 * FTMB_MODE is unset, which means OFF = plain pass-through):
 *   FTMB_MODE=off|record|replay  FTMB_LOG=path  FTMB_CORES=n  FTMB_SEED=s
 * With record/replay, the main thread is bound to core 0 inside an
 * implicit packet (id 0, timestamp FTMB_TIME_NS or 0), and the log is
 * finished at exit. This is what single-threaded test programs use.
 *
 * Log file format: docs/design.md "Standalone log".
 */
#ifndef FTMB_STANDALONE_H
#define FTMB_STANDALONE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

int ftmb_sa_record(const char *path, unsigned n_cores, uint64_t seed);
int ftmb_sa_replay(const char *path);
int ftmb_sa_finish(void);

/* Read a log into per-core PAL arrays (malloc'd; free with
 * ftmb_sa_log_free). Also counts outputs/no-outputs. 0, -1 + message. */
struct ftmb_sa_log {
	unsigned n_cores;
	uint64_t seed;
	struct ftmb_pal *pals[FTMB_MAX_CORES];
	size_t n_pals[FTMB_MAX_CORES];
	size_t n_outputs, n_no_outputs;
	int truncated; /* the file ended inside a record */
};
int ftmb_sa_log_read(const char *path, struct ftmb_sa_log *log);
void ftmb_sa_log_free(struct ftmb_sa_log *log);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_STANDALONE_H */
