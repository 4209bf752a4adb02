/*
 * ftmb_core.h: the per-core context of the master (or of the backup while
 * it replays): mode, core binding, the current packet, the per-core PAL
 * stream buffer and MAX[c], and the sink that receives each core's stream.
 *
 * Threads and cores: a thread becomes core c with ftmb_core_bind(c)
 * (thread-local). Only that thread appends to core c's stream, and only it
 * may call the per-core functions below that take no core argument, or
 * ftmb_core_flush(c) / ftmb_core_emit_*(c, ...) for its c (single producer).
 *
 * Unbound threads (init code before traffic, control threads): their
 * accesses are performed, locked and counted, but produce no PAL ("init
 * path"). That is correct for everything that runs before the checkpoint
 * the master starts from (the checkpoint holds the counters), and only for
 * that: an unbound access while packets flow makes replay diverge; the
 * runtime counts those in ftmb_core_unbound_accesses_after_traffic().
 *
 * Modes:
 *   FTMB_MODE_OFF     pass-through: accesses are locked and counted (so
 *                     counters stay valid) but produce no PAL; clocks and
 *                     random numbers are the libc ones (unprotected run).
 *   FTMB_MODE_RECORD  the master: every access by a bound thread makes a
 *                     PAL; clocks = packet timestamp; RNG per packet.
 *   FTMB_MODE_REPLAY  the backup replaying a cut (ftmb_replay.h): accesses
 *                     wait for their turn; a core whose cut is exhausted
 *                     switches itself to RECORD.
 */
#ifndef FTMB_CORE_H
#define FTMB_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ftmb_mode {
	FTMB_MODE_OFF = 0,
	FTMB_MODE_RECORD = 1,
	FTMB_MODE_REPLAY = 2,
};

/* PALs buffered per core before a batch is handed to the sink on its own
 * (a sink also gets a batch at every output/no-output record and flush). */
#define FTMB_CORE_BATCH_PALS 256u

/*
 * (Re)initialise for n_cores cores (1..FTMB_MAX_CORES). seed seeds the
 * per-packet RNG. Resets MAX[], streams, sinks, packet clocks, any loaded
 * replay cut, and the calling thread's binding (not the variables'
 * counters, which belong to the state): set sinks after it. Not
 * thread-safe against running accesses. Returns 0, or -1 with a message
 * on stderr (bad n_cores or mode).
 */
int ftmb_core_init(unsigned n_cores, uint64_t seed, enum ftmb_mode mode);
void ftmb_core_fini(void);
unsigned ftmb_core_count(void);     /* n_cores (0 before init)          */
uint64_t ftmb_core_seed(void);
enum ftmb_mode ftmb_core_mode(void);
/* Global mode switch (e.g. RECORD -> OFF when the OL is down). */
void ftmb_core_set_mode(enum ftmb_mode mode);
/* Mode seen by core c (REPLAY cores switch to RECORD one by one). */
enum ftmb_mode ftmb_core_mode_of(unsigned c);

/* Bind the calling thread to core c; -1 if c is out of range. */
int ftmb_core_bind(unsigned c);
void ftmb_core_unbind(void);
/* Core of the calling thread, or -1 if unbound. */
int ftmb_core_self(void);

/*
 * Sink: receives core c's stream records in FIFO order, on core c's
 * thread (from ftmb_core_flush/emit_* or, when the batch buffer fills,
 * from inside __ftmb_end while a variable's lock is held: a sink must not
 * access shared variables and should be quick). NULL = discard.
 */
typedef void (*ftmb_sink_fn)(void *arg, const struct ftmb_rec *rec);
void ftmb_core_set_sink(unsigned c, ftmb_sink_fn fn, void *arg);

/* Current packet of the calling (bound) thread. Sets the packet id the
 * PALs carry, the clock (timestamp_ns, the IL's arrival time) and seeds
 * this core's RNG with splitmix64(seed ^ pkt_id). */
void ftmb_packet_begin(uint64_t pkt_id, uint64_t timestamp_ns);
/* End of the current packet: its pending PALs are handed to the sink
 * (so at a packet boundary the stream holds every PAL made so far).
 * n_outputs = outputs it produced (emitted already or later with
 * ftmb_core_emit_output); if 0, a NO_OUTPUT record follows the PALs. The
 * timestamp stays as the core's "last packet" clock. */
void ftmb_packet_end(unsigned n_outputs);
uint64_t ftmb_packet_id(void);      /* current/last packet id of this core */
uint64_t ftmb_packet_time_ns(void); /* current/last packet timestamp       */

/* Hand core c's buffered PALs to its sink as one PAL_BATCH (no-op if
 * none). Call from core c's thread. */
void ftmb_core_flush(unsigned c);
/* Flush, then emit OUTPUT(pkt_id, out_idx, V). V may be NULL: read now
 * with ftmb_read_vector. One V read after the last packet of a batch may
 * be shared by all the batch's outputs (SPEC §4). */
void ftmb_core_emit_output(unsigned c, uint64_t pkt_id, uint32_t out_idx,
			   const uint64_t *V);
/* Flush, then emit NO_OUTPUT(pkt_id). */
void ftmb_core_emit_no_output(unsigned c, uint64_t pkt_id);

/* MAX[c]: PALs core c has created (= next stream position). Acquire. */
uint64_t ftmb_max(unsigned c);
/* V[i] = MAX[i] for i < n_cores (reads only, never waits). */
void ftmb_read_vector(uint64_t *V);
/* Set MAX[c] (checkpoint restore / after recovery: positions continue). */
void ftmb_core_set_max(unsigned c, uint64_t max);

/* Checkpoint metadata of core c (read while cores are stopped): the last
 * packet begun on it and its timestamp (the clock outside packets). */
uint64_t ftmb_core_last_packet(unsigned c);
uint64_t ftmb_core_last_time_ns(unsigned c);
/* Restore them on the backup (before replay). */
void ftmb_core_set_last_packet(unsigned c, uint64_t pkt_id, uint64_t timestamp_ns);

/* Statistics. */
uint64_t ftmb_core_pals_total(void);
uint64_t ftmb_core_unbound_accesses_after_traffic(void);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CORE_H */
