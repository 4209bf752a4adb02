/*
 * ftmb_wire.h: the frames the roles exchange (docs/wire.md).
 *
 * Every frame between roles is an Ethernet frame of ethertype
 * FTMB_ETHERTYPE whose payload starts with struct ftmb_hdr (version, type,
 * length), followed by the type's body. All structs are packed; all
 * multi-byte fields are little-endian (the roles run on x86-64 and the
 * version byte would change if that ever did).
 *
 * The parser (ftmb_wire_parse) is plain C without DPDK: it checks the
 * ethertype, version, type and every length before a role touches a field,
 * so a truncated or malformed frame is rejected with a reason and never read
 * past its end.
 */
#ifndef FTMB_WIRE_H
#define FTMB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ftmb wire format is little-endian; add byte swapping for this host"
#endif

#define FTMB_ETHERTYPE     0x88B5  /* IEEE 802 local experimental 1 */
#define FTMB_WIRE_VERSION  1
#define FTMB_ETH_HLEN      14
#define FTMB_WIRE_MAX_CORES     8       /* dependency vector length bound  */
#define FTMB_PALS_PER_FRAME 56     /* PAL records per PALS frame: the
					 frame (1382 bytes) fits a 1500 MTU */

enum ftmb_wire_type {
	FTMB_W_PKT   = 1, /* IL -> master: input packet or tick, id + ts  */
	FTMB_W_DATA  = 2, /* master -> OL: output packet + dependency vec */
	FTMB_W_PALS  = 3, /* master -> OL: a batch of one core's PALs      */
	FTMB_W_NOOUT = 4, /* master -> OL: input that produced no output   */
	FTMB_W_ACK   = 5, /* OL -> master: PALs received per core (R[c])   */
	FTMB_W_HB    = 6, /* any role -> peer: heartbeat                    */
	FTMB_W_SYNC  = 7, /* master -> OL: stream positions to start from  */
	FTMB_W_TYPE_MAX = 7,
	/* Extension types for checkpoint/recovery messages (runtime/ckpt):
	 * the parser checks only the header's length for these. */
	FTMB_W_EXT_FIRST = 0x40,
	FTMB_W_EXT_LAST = 0x7f,
};

/* Roles, as named in heartbeats. */
enum ftmb_role {
	FTMB_ROLE_IL = 1,
	FTMB_ROLE_MASTER = 2,
	FTMB_ROLE_OL = 3,
	FTMB_ROLE_BACKUP = 4,
};

struct ftmb_hdr {
	uint8_t version;  /* FTMB_WIRE_VERSION                     */
	uint8_t type;     /* enum ftmb_wire_type                   */
	uint16_t length;  /* bytes of body after this header       */
	uint32_t flags;   /* type-specific, see below              */
} __attribute__((packed));

/* FTMB_W_PKT: body = struct + the original frame (frame_len bytes). */
enum ftmb_pkt_kind { FTMB_PKT_FRAME = 0, FTMB_PKT_TICK = 1 };
struct ftmb_w_pkt {
	uint64_t pkt_id;    /* increasing, assigned by the IL            */
	uint64_t ts_ns;     /* IL arrival time (CLOCK_REALTIME ns)      */
	uint8_t in_port;    /* enum mb_port the frame arrived on        */
	uint8_t kind;       /* enum ftmb_pkt_kind                       */
	uint16_t tick_core; /* FTMB_PKT_TICK: the core the tick is for  */
	uint16_t frame_len; /* 0 for a tick                             */
	uint16_t reserved;
} __attribute__((packed));

/* FTMB_W_DATA: body = struct + n_vec u64 + frame (frame_len bytes). */
struct ftmb_w_data {
	uint16_t core;       /* master core whose stream this is        */
	uint8_t out_port;    /* enum mb_port to send the frame out of   */
	uint8_t n_vec;       /* entries of the dependency vector        */
	uint16_t out_idx;    /* index of this output for pkt_id (0...)   */
	uint16_t frame_len;
	uint64_t stream_pos; /* position among this core's data+noout   */
	uint64_t pkt_id;     /* input packet that produced it           */
	/* uint64_t vec[n_vec]: MAX[0..n-1] read after processing       */
} __attribute__((packed));

/* FTMB_W_PALS: body = struct + count records. */
struct ftmb_w_pal {
	uint64_t pkt_id;
	uint64_t var_id;
	uint64_t seq;
} __attribute__((packed));
struct ftmb_w_pals {
	uint16_t core;
	uint16_t count;      /* 1..FTMB_PALS_PER_FRAME                  */
	uint32_t reserved;
	uint64_t first;      /* index of the first PAL in core's PAL
				sequence (0-based): MAX[core] before it */
	/* struct ftmb_w_pal pals[count] */
} __attribute__((packed));

/* FTMB_W_NOOUT */
struct ftmb_w_noout {
	uint16_t core;
	uint16_t reserved0;
	uint32_t reserved1;
	uint64_t stream_pos;
	uint64_t pkt_id;
} __attribute__((packed));

/* FTMB_W_ACK: body = struct + n_cores u64 (PALs received in order, R[c]).
 * Header flags: bit c (FTMB_ACK_GAP(c)) = a PALS frame of core c arrived
 * beyond R[c], i.e. a batch was lost: the master should resend core c's
 * batches from r[c] now (a negative acknowledgement) instead of waiting
 * for its resend timer. Senders that predate it send 0, receivers that
 * predate it ignore the flags: version 1 either way. */
#define FTMB_ACK_GAP(c) (1u << (c))
struct ftmb_w_ack {
	uint8_t n_cores;
	uint8_t hold_log2;   /* the OL holds 2^hold_log2 outputs per core
				(the master's send window); 0 = not said */
	uint8_t reserved[2];
	uint32_t sync_gen;   /* generation of the SYNC the OL runs on   */
	uint64_t ol_epoch;   /* the OL's incarnation                    */
	/* uint64_t r[n_cores] */
} __attribute__((packed));

/* FTMB_W_HB. Flags: bit 0 = sender is protected (master: OL up). */
#define FTMB_HB_PROTECTED 0x1u
struct ftmb_w_hb {
	uint8_t role;        /* enum ftmb_role of the sender            */
	uint8_t reserved[7];
	uint64_t epoch;      /* sender's incarnation (start time ns)    */
	uint64_t seq;        /* heartbeats sent by this incarnation     */
	uint64_t ts_ns;      /* sender's CLOCK_REALTIME                 */
} __attribute__((packed));

/* FTMB_W_SYNC: body = struct + n_cores pal_pos + n_cores stream_pos. */
struct ftmb_w_sync {
	uint8_t n_cores;
	uint8_t reserved[3];
	uint32_t gen;        /* master's sync generation (+1 per SYNC
				decision); resends repeat it            */
	uint64_t ol_epoch;   /* the OL incarnation this sync is for     */
	/* uint64_t pal_pos[n_cores]; uint64_t stream_pos[n_cores] */
} __attribute__((packed));

/* A u64 inside a frame: frames give no alignment guarantee. */
typedef uint64_t ftmb_wire_u64 __attribute__((aligned(1), may_alias));

/* Parse result: pointers into the frame, valid while it lives. */
struct ftmb_wire_view {
	const struct ftmb_hdr *hdr;
	uint8_t type;
	const void *body;              /* the type's struct                 */
	const ftmb_wire_u64 *vec;      /* DATA: vec; ACK: r; SYNC: pal_pos   */
	const ftmb_wire_u64 *vec2;     /* SYNC: stream_pos                  */
	const struct ftmb_w_pal *pals; /* PALS                              */
	const uint8_t *frame;          /* PKT / DATA: the carried frame     */
	uint16_t frame_len;
};

enum ftmb_wire_err {
	FTMB_WIRE_OK = 0,
	FTMB_WIRE_NOT_FTMB = -1,  /* not our ethertype (a plain frame)   */
	FTMB_WIRE_SHORT = -2,     /* shorter than the headers it claims  */
	FTMB_WIRE_VERSION_BAD = -3,
	FTMB_WIRE_TYPE_BAD = -4,
	FTMB_WIRE_LENGTH_BAD = -5,/* length fields disagree              */
	FTMB_WIRE_FIELD_BAD = -6, /* a field out of range (core, count)  */
};

/* Validate a whole Ethernet frame. Returns FTMB_WIRE_OK and fills *v, or
 * a negative enum ftmb_wire_err. Never reads outside [frame, frame+len). */
int ftmb_wire_parse(const void *frame, size_t len, struct ftmb_wire_view *v);

/* Ethertype of a frame (0 when shorter than an Ethernet header); looks
 * through one 802.1Q tag. Inline: the input logger asks it of every frame. */
static inline uint16_t ftmb_wire_ethertype(const void *frame, size_t len)
{
	const uint8_t *p = (const uint8_t *)frame;
	uint16_t et;

	if (len < FTMB_ETH_HLEN)
		return 0;
	et = (uint16_t)(p[12] << 8 | p[13]);
	if (et == 0x8100 && len >= FTMB_ETH_HLEN + 4)
		et = (uint16_t)(p[16] << 8 | p[17]);
	return et;
}

const char *ftmb_wire_strerror(int err);
const char *ftmb_wire_type_name(int type);

/* Size of a body of `type` carrying n (vector entries / PALs) and frame_len
 * bytes of frame, header included (not the Ethernet header). */
size_t ftmb_wire_size(int type, unsigned n, unsigned frame_len);

#endif /* FTMB_WIRE_H */
