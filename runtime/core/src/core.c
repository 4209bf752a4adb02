/*
 * core.c: per-core contexts, packets, the stream buffer and MAX[c].
 *
 * Theory of operation (the stream side of ordered logging, SPEC §3-4):
 * each core owns an array of pending PALs (buf) and a stream position
 * counter. A PAL is appended by the access that made it (access.c) while
 * the variable is still locked, then MAX[c] is advanced with a release
 * store. Pending PALs leave as one PAL_BATCH record (positions
 * buf_first_pos .. +nbuf-1) when the buffer fills, at ftmb_core_flush, and
 * before every OUTPUT / NO_OUTPUT record. Hence on a core's stream every
 * PAL precedes every record emitted after it (FIFO), and positions are
 * gapless: position k is the (k+1)-th PAL the core made, so MAX[c] is
 * exactly the stream position after the last PAL created.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_internal.h"
#include "ftmb_state.h"

struct ftmb_runtime ftmb_rt = { .mode = FTMB_MODE_OFF };
struct ftmb_core_ctx ftmb_cores[FTMB_MAX_CORES];
struct ftmb_max_slot ftmb_max_slots[FTMB_MAX_CORES];
__thread struct ftmb_core_ctx *ftmb_tls_core __attribute__((tls_model("initial-exec")));

void ftmb_fatal(const char *fmt, ...)
{
	va_list ap;
	fputs("ftmb: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int ftmb_core_init(unsigned n_cores, uint64_t seed, enum ftmb_mode mode)
{
	if (n_cores < 1 || n_cores > FTMB_MAX_CORES) {
		fprintf(stderr, "ftmb: ftmb_core_init: n_cores %u out of range 1..%u\n",
			n_cores, FTMB_MAX_CORES);
		return -1;
	}
	if (mode != FTMB_MODE_OFF && mode != FTMB_MODE_RECORD && mode != FTMB_MODE_REPLAY) {
		fprintf(stderr, "ftmb: ftmb_core_init: bad mode %d\n", (int)mode);
		return -1;
	}
	ftmb_replay_reset();
	for (unsigned c = 0; c < FTMB_MAX_CORES; c++) {
		struct ftmb_core_ctx *ctx = &ftmb_cores[c];
		memset(ctx, 0, sizeof(*ctx));
		ctx->idx = c;
		ctx->mode = mode;
		__atomic_store_n(&ftmb_max_slots[c].v, 0, __ATOMIC_RELEASE);
	}
	ftmb_rt.n_cores = n_cores;
	ftmb_rt.seed = seed;
	ftmb_rt.traffic_started = 0;
	ftmb_rt.unbound_after_traffic = 0;
	ftmb_rt.pals_total = 0;
	__atomic_store_n(&ftmb_rt.mode, (int)mode, __ATOMIC_RELEASE);
	ftmb_tls_core = NULL;
	return 0;
}

void ftmb_core_fini(void)
{
	ftmb_replay_reset();
	ftmb_rt.n_cores = 0;
	__atomic_store_n(&ftmb_rt.mode, FTMB_MODE_OFF, __ATOMIC_RELEASE);
	ftmb_tls_core = NULL;
}

unsigned ftmb_core_count(void) { return ftmb_rt.n_cores; }
uint64_t ftmb_core_seed(void) { return ftmb_rt.seed; }
enum ftmb_mode ftmb_core_mode(void) { return (enum ftmb_mode)ftmb_rt.mode; }

void ftmb_core_set_mode(enum ftmb_mode mode)
{
	__atomic_store_n(&ftmb_rt.mode, (int)mode, __ATOMIC_RELEASE);
	for (unsigned c = 0; c < FTMB_MAX_CORES; c++)
		__atomic_store_n(&ftmb_cores[c].mode, (int)mode, __ATOMIC_RELEASE);
}

enum ftmb_mode ftmb_core_mode_of(unsigned c)
{
	if (c >= FTMB_MAX_CORES)
		return FTMB_MODE_OFF;
	return (enum ftmb_mode)__atomic_load_n(&ftmb_cores[c].mode, __ATOMIC_ACQUIRE);
}

int ftmb_core_bind(unsigned c)
{
	if (c >= ftmb_rt.n_cores) {
		fprintf(stderr, "ftmb: ftmb_core_bind: core %u out of range (n_cores %u)\n",
			c, ftmb_rt.n_cores);
		return -1;
	}
	ftmb_tls_core = &ftmb_cores[c];
	return 0;
}

void ftmb_core_unbind(void) { ftmb_tls_core = NULL; }

int ftmb_core_self(void)
{
	return ftmb_tls_core ? (int)ftmb_tls_core->idx : -1;
}

void ftmb_core_set_sink(unsigned c, ftmb_sink_fn fn, void *arg)
{
	if (c >= FTMB_MAX_CORES)
		return;
	ftmb_cores[c].sink = fn;
	ftmb_cores[c].sink_arg = arg;
}

void ftmb_packet_begin(uint64_t pkt_id, uint64_t timestamp_ns)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (!ctx) {
		fprintf(stderr, "ftmb: ftmb_packet_begin on an unbound thread (ignored)\n");
		return;
	}
	ctx->pkt_id = pkt_id;
	ctx->ts_ns = timestamp_ns;
	ctx->in_packet = 1;
	ctx->have_ts = 1;
	/* access.c, "One core": decided once per packet, so every begin of
	 * this packet's accesses matches its end */
	ctx->sole = ftmb_rt.n_cores == 1 && ctx->mode == FTMB_MODE_RECORD &&
		    !__atomic_load_n(&ftmb_rt.unbound_after_traffic, __ATOMIC_RELAXED);
	ctx->rng = ftmb_splitmix64(ftmb_rt.seed ^ pkt_id);
	if (FTMB_UNLIKELY(!__atomic_load_n(&ftmb_rt.traffic_started, __ATOMIC_RELAXED)))
		__atomic_store_n(&ftmb_rt.traffic_started, 1, __ATOMIC_RELAXED);
}

void ftmb_packet_end(unsigned n_outputs)
{
	struct ftmb_core_ctx *ctx = ftmb_tls_core;
	if (!ctx)
		return;
	if (n_outputs == 0)
		ftmb_core_emit_no_output(ctx->idx, ctx->pkt_id); /* flushes first */
	else
		ftmb_core_flush(ctx->idx);
	ctx->in_packet = 0;
	ctx->sole = 0;
}

uint64_t ftmb_packet_id(void) { return ftmb_tls_core ? ftmb_tls_core->pkt_id : 0; }
uint64_t ftmb_packet_time_ns(void) { return ftmb_tls_core ? ftmb_tls_core->ts_ns : 0; }

void ftmb_core_flush(unsigned c)
{
	if (c >= FTMB_MAX_CORES)
		return;
	struct ftmb_core_ctx *ctx = &ftmb_cores[c];
	if (ctx->nbuf == 0)
		return;
	struct ftmb_rec r = {
		.kind = FTMB_REC_PAL_BATCH,
		.core = c,
		.first_pos = ctx->buf_first_pos,
		.count = ctx->nbuf,
		.pals = ctx->buf,
	};
	if (ctx->sink)
		ctx->sink(ctx->sink_arg, &r);
	ctx->buf_first_pos += ctx->nbuf;
	ctx->nbuf = 0;
}

void ftmb_core_emit_output(unsigned c, uint64_t pkt_id, uint32_t out_idx, const uint64_t *V)
{
	if (c >= ftmb_rt.n_cores)
		return;
	uint64_t local[FTMB_MAX_CORES];
	ftmb_core_flush(c);
	if (!V) {
		ftmb_read_vector(local);
		V = local;
	}
	struct ftmb_core_ctx *ctx = &ftmb_cores[c];
	struct ftmb_rec r = {
		.kind = FTMB_REC_OUTPUT,
		.core = c,
		.pkt_id = pkt_id,
		.out_idx = out_idx,
		.n_vec = ftmb_rt.n_cores,
		.vec = V,
	};
	if (ctx->sink)
		ctx->sink(ctx->sink_arg, &r);
}

void ftmb_core_emit_no_output(unsigned c, uint64_t pkt_id)
{
	if (c >= ftmb_rt.n_cores)
		return;
	ftmb_core_flush(c);
	struct ftmb_core_ctx *ctx = &ftmb_cores[c];
	struct ftmb_rec r = { .kind = FTMB_REC_NO_OUTPUT, .core = c, .pkt_id = pkt_id };
	if (ctx->sink)
		ctx->sink(ctx->sink_arg, &r);
}

uint64_t ftmb_max(unsigned c)
{
	if (c >= FTMB_MAX_CORES)
		return 0;
	return __atomic_load_n(&ftmb_max_slots[c].v, __ATOMIC_ACQUIRE);
}

void ftmb_read_vector(uint64_t *V)
{
	unsigned n = ftmb_rt.n_cores;
	for (unsigned c = 0; c < n; c++)
		V[c] = __atomic_load_n(&ftmb_max_slots[c].v, __ATOMIC_ACQUIRE);
}

void ftmb_core_set_max(unsigned c, uint64_t max)
{
	if (c >= FTMB_MAX_CORES)
		return;
	struct ftmb_core_ctx *ctx = &ftmb_cores[c];
	ctx->nbuf = 0;
	ctx->buf_first_pos = max;
	__atomic_store_n(&ftmb_max_slots[c].v, max, __ATOMIC_RELEASE);
}

uint64_t ftmb_core_last_packet(unsigned c)
{
	return c < FTMB_MAX_CORES ? ftmb_cores[c].pkt_id : 0;
}

uint64_t ftmb_core_last_time_ns(unsigned c)
{
	return c < FTMB_MAX_CORES ? ftmb_cores[c].ts_ns : 0;
}

void ftmb_core_set_last_packet(unsigned c, uint64_t pkt_id, uint64_t timestamp_ns)
{
	if (c >= FTMB_MAX_CORES)
		return;
	ftmb_cores[c].pkt_id = pkt_id;
	ftmb_cores[c].ts_ns = timestamp_ns;
	ftmb_cores[c].have_ts = 1;
}

uint64_t ftmb_core_pals_total(void)
{
	uint64_t t = 0;
	for (unsigned c = 0; c < ftmb_rt.n_cores; c++)
		t += ftmb_max(c);
	return t;
}

uint64_t ftmb_core_unbound_accesses_after_traffic(void)
{
	return __atomic_load_n(&ftmb_rt.unbound_after_traffic, __ATOMIC_RELAXED);
}
