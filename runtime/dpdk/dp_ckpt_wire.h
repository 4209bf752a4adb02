/*
 * dp_ckpt_wire.h: the checkpoint/recovery messages between the backup and
 * the input/output loggers, carried as FTMB extension frames (types
 * 0x40..0x7f, docs/wire.md "Extension frames"). Packed, little-endian like
 * every other body. The generic parser checks only the header's length for
 * these types; dp_ckpt_ext_check() checks each body's exact size, so a
 * truncated or garbled frame is counted as malformed and dropped before
 * any field is used.
 *
 * Every takeover message carries takeover_id (the backup's epoch): the
 * loggers act on the first message of a takeover and only answer again to
 * repeats (the backup resends until it gets an answer; frames may be lost),
 * so a resent CUT or REPLAY never truncates or replays twice. The id is
 * never 0 in a takeover's frames and always 0 in a COVER
 * (dp_ckpt_ext_ok drops others as malformed). Which link a frame may
 * come on: dp_ckpt_loggers.c ("Links").
 */
#ifndef DP_CKPT_WIRE_H
#define DP_CKPT_WIRE_H

#include <stdint.h>

#include "ftmb_wire.h"

enum dp_ckpt_wire_type {
	DP_W_COVER = 0x40,      /* backup -> IL, OL: a checkpoint is safe      */
	DP_W_TAKEOVER = 0x41,   /* backup -> IL, OL: the master is dead        */
	DP_W_CUT_PALS = 0x42,   /* OL -> backup: stored PALs after the ckpt    */
	DP_W_CUT_END = 0x43,    /* OL -> backup: end of the PALs of a takeover */
	DP_W_CUT = 0x44,        /* backup -> OL: the recovery cut              */
	DP_W_CUT_ACK = 0x45,    /* OL -> backup: cut applied, streams switched */
	DP_W_REPLAY = 0x46,     /* backup -> IL: replay from an id to me       */
	DP_W_REPLAY_ACK = 0x47, /* IL -> backup: replay started (or refused)   */
};

/* COVER and TAKEOVER: what the checkpoint covers (ftmb_ckpt_cover). */
struct dp_w_cover {
	uint64_t takeover_id;   /* TAKEOVER: the backup's epoch; COVER: 0      */
	uint64_t seq;           /* checkpoint sequence number                  */
	uint64_t watermark;     /* every input id <= it is in the checkpoint   */
	uint8_t n_cores;        /* 1..FTMB_WIRE_MAX_CORES                      */
	uint8_t reserved[7];
	/* uint64_t max[n_cores]: core c's PAL positions < max[c] covered */
} __attribute__((packed));

/* CUT_PALS: up to FTMB_PALS_PER_FRAME of core's PALs at master positions
 * first .. first+count-1, all >= the checkpoint's max[core]. */
struct dp_w_cut_pals {
	uint64_t takeover_id;
	uint16_t core;
	uint16_t count;         /* 1..FTMB_PALS_PER_FRAME                      */
	uint32_t reserved;
	uint64_t first;
	/* struct ftmb_w_pal pals[count] */
} __attribute__((packed));

#define DP_CUT_MISSING 0x1u /* flag of CUT_END: the OL lacks PALs right after
			       the checkpoint (it joined later): the cut is empty */
/* CUT_END: core c's PALs were sent for positions [max[c], end[c]). */
struct dp_w_cut_end {
	uint64_t takeover_id;
	uint8_t n_cores;
	uint8_t reserved[3];
	uint32_t flags;         /* DP_CUT_MISSING                              */
	/* uint64_t end[n_cores] */
} __attribute__((packed));

/* CUT: core c's stream is kept up to (excluding) position keep_end[c]. */
struct dp_w_cut {
	uint64_t takeover_id;
	uint8_t n_cores;
	uint8_t reserved[7];
	/* uint64_t keep_end[n_cores] */
} __attribute__((packed));

/* CUT_ACK / REPLAY_ACK. */
struct dp_w_ack {
	uint64_t takeover_id;
	int32_t result;         /* 0, or < 0: refused (REPLAY: log too short)  */
	uint32_t reserved;
} __attribute__((packed));

/* REPLAY: re-send every logged input with id >= from_pkt_id to the port
 * this frame came on, which becomes the IL's master port. */
struct dp_w_replay {
	uint64_t takeover_id;
	uint64_t from_pkt_id;
} __attribute__((packed));

/* Exact body length of an extension frame of `type` as received (n_cores
 * and count read from the body when its fixed part is there); 0 when the
 * type is unknown. The caller compares it with the header's length. */
static inline unsigned dp_ckpt_ext_expected_len(uint8_t type, const void *body, unsigned len)
{
	const uint8_t *b = body;

	switch (type) {
	case DP_W_COVER:
	case DP_W_TAKEOVER:
		if (len < sizeof(struct dp_w_cover))
			return sizeof(struct dp_w_cover);
		return (unsigned)sizeof(struct dp_w_cover) +
		       8u * ((const struct dp_w_cover *)b)->n_cores;
	case DP_W_CUT_PALS:
		if (len < sizeof(struct dp_w_cut_pals))
			return sizeof(struct dp_w_cut_pals);
		return (unsigned)sizeof(struct dp_w_cut_pals) +
		       (unsigned)sizeof(struct ftmb_w_pal) *
			       ((const struct dp_w_cut_pals *)b)->count;
	case DP_W_CUT_END:
		if (len < sizeof(struct dp_w_cut_end))
			return sizeof(struct dp_w_cut_end);
		return (unsigned)sizeof(struct dp_w_cut_end) +
		       8u * ((const struct dp_w_cut_end *)b)->n_cores;
	case DP_W_CUT:
		if (len < sizeof(struct dp_w_cut))
			return sizeof(struct dp_w_cut);
		return (unsigned)sizeof(struct dp_w_cut) + 8u * ((const struct dp_w_cut *)b)->n_cores;
	case DP_W_CUT_ACK:
	case DP_W_REPLAY_ACK:
		return sizeof(struct dp_w_ack);
	case DP_W_REPLAY:
		return sizeof(struct dp_w_replay);
	default:
		return 0;
	}
}

#endif /* DP_CKPT_WIRE_H */
