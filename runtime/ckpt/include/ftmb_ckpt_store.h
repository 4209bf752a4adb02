/*
 * ftmb_ckpt_store.h: the backup's checkpoint store (SPEC §5, §6.2).
 *
 * Theory of operation
 * -------------------
 * Bytes of a checkpoint stream (images back to back, as the master's
 * forked writer sends them) are fed in arbitrary slices. The store reads
 * the 64-byte header to learn total_len, collects exactly that many bytes
 * into a receive buffer, then validates the whole image
 * (ftmb_ckpt_validate). Only a valid image whose sequence number is newer
 * than the current one replaces the current recovery point (a pointer
 * swap of two buffers); anything else is discarded with a reason and a
 * counter, and the current one stays. A connection that drops in the
 * middle of an image (ftmb_ckpt_store_abort) discards the partial bytes.
 * Invariant: `current` is always NULL or a validated, complete image.
 *
 * After a swap the store fills a cover: what the new recovery point
 * covers, to be confirmed to the IL (input ids <= watermark may be
 * trimmed) and the OL (core c's PALs below max[c] may be trimmed).
 */
#ifndef FTMB_CKPT_STORE_H
#define FTMB_CKPT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb_ckpt_format.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ftmb_ckpt_cover {
	uint64_t seq;
	uint64_t watermark;                  /* input ids <= this are covered */
	uint32_t n_cores;
	uint32_t reserved;
	uint64_t max[FTMB_CKPT_MAX_CORES];   /* core c's stream positions < max[c] covered */
};

struct ftmb_ckpt_store_stats {
	uint64_t accepted;      /* images that became the recovery point   */
	uint64_t rejected;      /* complete but invalid or stale           */
	uint64_t aborted;       /* partial images dropped                  */
	uint64_t bytes;         /* bytes fed                               */
	uint64_t last_len;      /* size of the current image               */
	uint64_t last_state_bytes; /* state it holds (globals + arena)     */
};

struct ftmb_ckpt_store;

/* max_image: refuse images larger than this (bytes). NULL on no memory. */
struct ftmb_ckpt_store *ftmb_ckpt_store_create(uint64_t max_image);
void ftmb_ckpt_store_destroy(struct ftmb_ckpt_store *s);

enum ftmb_store_event {
	FTMB_STORE_MORE = 0,      /* consumed everything, image not finished */
	FTMB_STORE_ACCEPTED = 1,  /* an image completed and is now current   */
	FTMB_STORE_REJECTED = 2,  /* an image completed but was refused      */
};

/* Feed up to len bytes; *used = bytes consumed (stops right after an
 * image ends, so call again with the rest). On ACCEPTED, *cover (if not
 * NULL) is filled. On REJECTED, err holds the reason. */
enum ftmb_store_event ftmb_ckpt_store_feed(struct ftmb_ckpt_store *s, const void *buf,
					   size_t len, size_t *used,
					   struct ftmb_ckpt_cover *cover,
					   char *err, size_t errlen);
/* The stream broke: drop a partial image (counted if any byte was fed). */
void ftmb_ckpt_store_abort(struct ftmb_ckpt_store *s);
/* Bytes of the image being received (0 when between images). */
uint64_t ftmb_ckpt_store_pending(const struct ftmb_ckpt_store *s);

/* Current recovery point, or -1 if none yet. The view stays valid until
 * the next feed that returns ACCEPTED. */
int ftmb_ckpt_store_current(const struct ftmb_ckpt_store *s, struct ftmb_ckpt_view *v);
void ftmb_ckpt_store_cover(const struct ftmb_ckpt_view *v, struct ftmb_ckpt_cover *cover);
void ftmb_ckpt_store_get_stats(const struct ftmb_ckpt_store *s, struct ftmb_ckpt_store_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CKPT_STORE_H */
