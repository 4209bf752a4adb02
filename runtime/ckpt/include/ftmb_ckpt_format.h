/*
 * ftmb_ckpt_format.h: the checkpoint image (SPEC §5), its writer and its
 * validator. Plain C; the checksum is DPDK's CRC32-C (rte_hash_crc).
 *
 * Theory of operation
 * -------------------
 * A checkpoint is one contiguous byte image, little-endian, 8-byte aligned
 * records, written front to back in one pass (so a forked child can stream
 * it straight into a socket without buffering it):
 *
 *   header   struct ftmb_ckpt_header (64 bytes): magic "FTMBCKPT",
 *            version, sequence number, n_cores, total_len (the whole
 *            image, trailer included), registry fingerprint.
 *   chunks   each: struct ftmb_ckpt_chunk (24 bytes) + payload padded
 *            to 8 bytes. Kinds (enum ftmb_ckpt_kind): CORES (per core
 *            last packet id, MAX[c], packets processed), VARS (per shared
 *            variable id and counter), META (RNG seed, input watermark,
 *            arena base/used/capacity), GLOBAL (one registered global's
 *            bytes, chunk id = its stable id), ARENA (the arena's used
 *            bytes, chunk id = base address).
 *   trailer  struct ftmb_ckpt_trailer (24 bytes): magic "FTMBDONE",
 *            total_len again, number of chunks, CRC32-C of every byte
 *            before the trailer.
 *
 * Invariant: an image is *complete* iff ftmb_ckpt_validate() accepts it:
 * header magic/version, header.total_len == bytes received, every chunk
 * inside the image, exactly one CORES/VARS/META chunk, the trailer at
 * total_len - 24 with matching length, chunk count and CRC. A prefix of a
 * valid image (half-received) fails at least the length check; a flipped
 * bit fails the CRC (CRC32-C detects every burst of up to 32 bits). The
 * backup keeps an image as its recovery point only after validation, so
 * a half-received checkpoint never becomes the recovery point.
 */
#ifndef FTMB_CKPT_FORMAT_H
#define FTMB_CKPT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FTMB_CKPT_MAGIC   0x54504b43424d5446ull /* "FTMBCKPT" little-endian */
#define FTMB_CKPT_END     0x454e4f44424d5446ull /* "FTMBDONE" little-endian */
#define FTMB_CKPT_VERSION 1u
#define FTMB_CKPT_MAX_CORES 128u

struct ftmb_ckpt_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_len;     /* sizeof(struct ftmb_ckpt_header)          */
	uint64_t seq;            /* checkpoint number, increasing from 1     */
	uint64_t created_ns;     /* CLOCK_REALTIME at capture (for ckpt age) */
	uint64_t total_len;      /* bytes of the whole image                 */
	uint64_t fingerprint;    /* registry fingerprint (same binary check) */
	uint32_t n_cores;
	uint32_t n_chunks;       /* chunks between header and trailer        */
	uint64_t reserved;
};

struct ftmb_ckpt_chunk {
	uint32_t kind;           /* enum ftmb_ckpt_kind                      */
	uint32_t flags;          /* 0                                        */
	uint64_t id;             /* GLOBAL: stable id; ARENA: base address   */
	uint64_t len;            /* payload bytes (before padding to 8)      */
};

struct ftmb_ckpt_trailer {
	uint64_t magic;
	uint64_t total_len;
	uint32_t n_chunks;
	uint32_t crc;            /* CRC32-C (rte_hash_crc, init ~0) of bytes [0, total_len - 24) */
};

enum ftmb_ckpt_kind {
	FTMB_CKPT_CORES = 1,
	FTMB_CKPT_VARS = 2,
	FTMB_CKPT_META = 3,
	FTMB_CKPT_GLOBAL = 4,
	FTMB_CKPT_ARENA = 5,
};

/* CORES payload: one per core. */
struct ftmb_ckpt_core {
	uint64_t last_pkt_id;    /* last packet id this core processed (0: none) */
	uint64_t max;            /* MAX[c]: PALs created = next stream position  */
	uint64_t pkts;           /* packets processed so far                     */
};

/* VARS payload: one per shared variable / object descriptor (the fields
 * of ftmb_state.h's struct ftmb_counter_rec). */
struct ftmb_ckpt_var {
	uint64_t id;
	uint64_t counter;
	uint64_t type_id;        /* object descriptors: type id and key      */
	uint64_t key;
	uint32_t flags;          /* FTMB_VARF_*                               */
	uint32_t pad;
};

/* META payload. */
struct ftmb_ckpt_meta {
	uint64_t rng_seed;       /* seed of the per-packet RNG                   */
	uint64_t input_watermark;/* every input packet id <= this is processed   */
	uint64_t arena_base;
	uint64_t arena_used;
	uint64_t arena_capacity;
	uint64_t n_globals;
	uint64_t state_bytes;    /* sum of global sizes + arena_used             */
	uint64_t reserved;
};

/* ------------------------------------------------------------------ */
/* What a checkpoint is made of (filled by the capture side)           */
/* ------------------------------------------------------------------ */

struct ftmb_ckpt_region {
	uint64_t id;             /* global: stable id                         */
	const void *addr;
	uint64_t size;
};

struct ftmb_ckpt_source {
	uint64_t seq;
	uint64_t created_ns;
	uint64_t fingerprint;
	unsigned n_cores;
	const struct ftmb_ckpt_core *cores;   /* n_cores                     */
	const struct ftmb_ckpt_var *vars;
	size_t n_vars;
	struct ftmb_ckpt_meta meta;           /* arena_*, rng, watermark; the
						 writer fills n_globals and state_bytes */
	const struct ftmb_ckpt_region *globals;
	size_t n_globals;
	const void *arena;                    /* meta.arena_used bytes       */
};

/* Bytes ftmb_ckpt_write will produce for src. */
uint64_t ftmb_ckpt_image_len(const struct ftmb_ckpt_source *src);

/* Sink for the writer: consume len bytes; 0, or -1 to abort. */
typedef int (*ftmb_ckpt_out_fn)(void *arg, const void *buf, size_t len);

/* Serialise src through out in one pass. 0, or -1 (sink error, or bad
 * source: message in err). */
int ftmb_ckpt_write(const struct ftmb_ckpt_source *src, ftmb_ckpt_out_fn out,
		    void *arg, char *err, size_t errlen);

/* Convenience sinks. */
int ftmb_ckpt_out_fd(void *arg, const void *buf, size_t len);  /* arg: int * fd, writes fully */
struct ftmb_ckpt_membuf { uint8_t *buf; size_t len, cap; };
int ftmb_ckpt_out_mem(void *arg, const void *buf, size_t len); /* arg: struct ftmb_ckpt_membuf * (grows) */

/* ------------------------------------------------------------------ */
/* Reading a received image                                            */
/* ------------------------------------------------------------------ */

/* A validated image, pointing into the caller's buffer. */
struct ftmb_ckpt_view {
	const struct ftmb_ckpt_header *hdr;
	const struct ftmb_ckpt_core *cores;   /* hdr->n_cores                */
	const struct ftmb_ckpt_var *vars;
	size_t n_vars;
	const struct ftmb_ckpt_meta *meta;
	const uint8_t *arena;                 /* meta->arena_used bytes, or NULL */
	const uint8_t *buf;
	size_t len;
};

/* Validate buf[0..len) as a complete image. 0 and *v filled, or -1 with
 * a one-line reason in err. Never reads outside buf. */
int ftmb_ckpt_validate(const void *buf, size_t len, struct ftmb_ckpt_view *v,
		       char *err, size_t errlen);

/* Iterate GLOBAL chunks of a validated view: *it starts at 0. Returns 1
 * and fills id/data/size, or 0 at the end. */
int ftmb_ckpt_next_global(const struct ftmb_ckpt_view *v, size_t *it,
			  uint64_t *id, const uint8_t **data, uint64_t *size);

/* Input packet ids a checkpoint covers (for IL trimming and replay): every
 * id <= the returned value was processed before the checkpoint. */
uint64_t ftmb_ckpt_watermark(const struct ftmb_ckpt_view *v);

/* CRC32-C as used by the trailer (chainable: crc(b, crc(a, i)) = crc(ab, i)). */
uint32_t ftmb_ckpt_crc(const void *buf, size_t len, uint32_t init);
#define FTMB_CKPT_CRC_INIT 0xffffffffu

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CKPT_FORMAT_H */
