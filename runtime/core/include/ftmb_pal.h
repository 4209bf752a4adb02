/*
 * ftmb_pal.h: the PAL (Packet Access Log, SPEC §3) and the records a core
 * emits on its FIFO stream to the output logger.
 *
 * A core's stream carries, in order: PAL batches, output-packet markers
 * (with the dependency vector read after the packet's processing) and
 * no-output records (an input packet that produced no output). PALs are
 * numbered per core without gaps from 0: the k-th PAL a core ever created
 * has stream position k-1, so a batch is (core, first_pos, count) and the
 * receiver detects losses, duplicates and reordering from positions alone.
 *
 * Plain C, no I/O. Wire/file layouts are the carrier's business; these are
 * the in-memory forms.
 */
#ifndef FTMB_PAL_H
#define FTMB_PAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Upper bound on cores (vectors are arrays of this many u64 at most). */
#define FTMB_MAX_CORES 128

/* One PAL: 24 bytes, naturally aligned, no padding (FTMB_PAL_BYTES). */
struct ftmb_pal {
	uint64_t pkt_id;  /* input packet id given by the IL (or 0: implicit) */
	uint64_t var_id;  /* stable id of the shared variable / object        */
	uint64_t seq;     /* the variable's counter after this access (>= 1)  */
};
#define FTMB_PAL_BYTES 24u
_Static_assert(sizeof(struct ftmb_pal) == FTMB_PAL_BYTES, "PAL layout");

/* Kinds of records on a core's stream, in the order the core emits them. */
enum ftmb_rec_kind {
	FTMB_REC_PAL_BATCH = 1, /* count PALs at positions first_pos ..     */
	FTMB_REC_OUTPUT = 2,    /* output out_idx of input pkt_id, vector V */
	FTMB_REC_NO_OUTPUT = 3, /* input pkt_id finished with no output      */
};

/*
 * One stream record as handed to a sink (ftmb_core.h). Pointers are valid
 * only during the sink call: copy what you keep.
 */
struct ftmb_rec {
	uint32_t kind;               /* enum ftmb_rec_kind                   */
	uint32_t core;               /* emitting core, 0..n_cores-1          */
	/* FTMB_REC_PAL_BATCH */
	uint64_t first_pos;          /* stream position of pals[0]           */
	uint32_t count;              /* number of PALs (>= 1)                */
	const struct ftmb_pal *pals;
	/* FTMB_REC_OUTPUT, FTMB_REC_NO_OUTPUT */
	uint64_t pkt_id;             /* input packet id                      */
	uint32_t out_idx;            /* OUTPUT: index of this output (0..)   */
	uint32_t n_vec;              /* OUTPUT: entries in vec (= n_cores)   */
	const uint64_t *vec;         /* OUTPUT: V[c] = MAX[c] when read      */
};

#ifdef __cplusplus
}
#endif
#endif /* FTMB_PAL_H */
