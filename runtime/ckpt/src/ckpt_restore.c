/*
 * ckpt_restore.c: putting a checkpoint's state back into this process.
 * Theory of operation in ftmb_ckpt.h. Every check that can refuse the
 * image runs before the first byte of state is overwritten.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_ckpt.h"
#include "ftmb_state.h"

int ftmb_ckpt_restore(const struct ftmb_ckpt_view *v, char *err, size_t errlen)
{
	const struct ftmb_ckpt_meta *m = v->meta;
	struct ftmb_counter_rec *recs;
	const uint8_t *data;
	uint64_t id, size;
	size_t it = 0;

	if (v->hdr->fingerprint != ftmb_ckpt_fingerprint()) {
		snprintf(err, errlen, "restore: checkpoint is from another binary "
			 "(registry fingerprint %016" PRIx64 ", here %016" PRIx64 ")",
			 v->hdr->fingerprint, ftmb_ckpt_fingerprint());
		return -1;
	}
	/* Pass 1: every global known here with the same size. */
	while (ftmb_ckpt_next_global(v, &it, &id, &data, &size)) {
		const struct ftmb_global *g = ftmb_global_find(id);
		if (g == NULL || g->size != size) {
			snprintf(err, errlen, "restore: global %016" PRIx64 " (%" PRIu64
				 " bytes) %s", id, size, g ? "has another size here" : "unknown here");
			return -1;
		}
	}
	if (m->arena_used > 0) {
		if (ftmb_arena_init((size_t)m->arena_capacity) < 0) {
			snprintf(err, errlen, "restore: cannot map the arena");
			return -1;
		}
		ftmb_ckpt_arena_hugepages();   /* as on the master: short stops */
		if ((uint64_t)(uintptr_t)ftmb_arena_base() != m->arena_base ||
		    ftmb_arena_capacity() < m->arena_used) {
			snprintf(err, errlen, "restore: arena at %p (%zu bytes), image wants %#" PRIx64
				 " (%" PRIu64 " used)", ftmb_arena_base(), ftmb_arena_capacity(),
				 m->arena_base, m->arena_used);
			return -1;
		}
	}
	/* Pass 2: copy. */
	if (m->arena_used > 0 && ftmb_arena_restore(v->arena, (size_t)m->arena_used) < 0) {
		snprintf(err, errlen, "restore: arena image refused");
		return -1;
	}
	it = 0;
	while (ftmb_ckpt_next_global(v, &it, &id, &data, &size))
		memcpy(ftmb_global_find(id)->addr, data, (size_t)size);

	recs = calloc(v->n_vars + 1, sizeof(*recs));
	if (recs == NULL) {
		snprintf(err, errlen, "restore: out of memory");
		return -1;
	}
	for (size_t i = 0; i < v->n_vars; i++) {
		recs[i].var_id = v->vars[i].id;
		recs[i].counter = v->vars[i].counter;
		recs[i].type_id = v->vars[i].type_id;
		recs[i].key = v->vars[i].key;
		recs[i].flags = v->vars[i].flags;
	}
	if (ftmb_counters_restore(recs, v->n_vars) < 0) {
		free(recs);
		snprintf(err, errlen, "restore: counters refused (see stderr)");
		return -1;
	}
	free(recs);
	return 0;
}

int ftmb_ckpt_restore_cores(const struct ftmb_ckpt_view *v, enum ftmb_mode mode)
{
	if (ftmb_core_init(v->hdr->n_cores, v->meta->rng_seed, mode) < 0)
		return -1;
	for (unsigned c = 0; c < v->hdr->n_cores; c++)
		ftmb_core_set_max(c, v->cores[c].max);
	return 0;
}

uint32_t ftmb_ckpt_state_digest(void)
{
	uint32_t crc = FTMB_CKPT_CRC_INIT;

	for (size_t i = 0; i < ftmb_globals_count(); i++) {
		const struct ftmb_global *g = ftmb_global_at(i);
		crc = ftmb_ckpt_crc(&g->id, sizeof(g->id), crc);
		crc = ftmb_ckpt_crc(g->addr, g->size, crc);
	}
	if (ftmb_arena_ready())
		crc = ftmb_ckpt_crc(ftmb_arena_base(), ftmb_arena_used(), crc);
	return crc;
}
