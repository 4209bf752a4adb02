/*
 * unit_ckpt_store.c: the backup's store keeps only complete, valid, newer
 * images; a stream cut anywhere leaves the previous recovery point; images
 * arriving back to back in arbitrary slices are all taken.
 */
#include <stdint.h>
#include <string.h>

#include "ftmb_ckpt_store.h"
#include "unit_check.h"

static uint8_t arena[5000];

static struct ftmb_ckpt_membuf image(uint64_t seq, uint8_t fill)
{
	struct ftmb_ckpt_core cores[3] = { { 5, 10 * seq, 1 }, { 6, 20 * seq, 2 }, { 7, 30 * seq, 3 } };
	struct ftmb_ckpt_var vars[1] = { { .id = 1, .counter = seq } };
	struct ftmb_ckpt_source s = { 0 };
	struct ftmb_ckpt_membuf m = { 0 };
	char err[128];

	memset(arena, fill, sizeof(arena));
	s.seq = seq;
	s.n_cores = 3;
	s.cores = cores;
	s.vars = vars;
	s.n_vars = 1;
	s.meta.input_watermark = 100 * seq;
	s.meta.arena_base = 0x1000;
	s.meta.arena_used = sizeof(arena);
	s.meta.arena_capacity = sizeof(arena);
	s.arena = arena;
	if (ftmb_ckpt_write(&s, ftmb_ckpt_out_mem, &m, err, sizeof(err)) < 0)
		abort();
	return m;
}

static uint64_t rng = 12345;
static size_t rnd(size_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (size_t)((rng >> 33) % n);
}

int main(void)
{
	struct ftmb_ckpt_membuf a = image(1, 0x11), b = image(2, 0x22), c = image(3, 0x33);
	struct ftmb_ckpt_cover cov;
	struct ftmb_ckpt_view v;
	struct ftmb_ckpt_store_stats st;
	char err[200];
	size_t used;

	struct ftmb_ckpt_store *s = ftmb_ckpt_store_create(1 << 20);
	CHECK(s != NULL);
	CHECK(ftmb_ckpt_store_current(s, &v) < 0);

	/* Whole image in one feed. */
	CHECK(ftmb_ckpt_store_feed(s, a.buf, a.len, &used, &cov, err, sizeof(err)) == FTMB_STORE_ACCEPTED);
	CHECK(used == a.len);
	CHECK(cov.seq == 1 && cov.watermark == 100 && cov.n_cores == 3 && cov.max[2] == 30);
	CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 1 && v.arena[0] == 0x11);

	/* Image 2 cut at every length, then aborted: image 1 stays current. */
	for (size_t n = 1; n < b.len; n += 1 + n / 16) {
		CHECK(ftmb_ckpt_store_feed(s, b.buf, n, &used, &cov, err, sizeof(err)) == FTMB_STORE_MORE);
		CHECK(used == n);
		CHECK(ftmb_ckpt_store_pending(s) == n);
		ftmb_ckpt_store_abort(s);
		CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 1 && v.arena[0] == 0x11);
	}

	/* Images 2 and 3 back to back in random slices. */
	{
		size_t total = b.len + c.len, off = 0, accepted = 0;
		uint8_t *both = malloc(total);
		memcpy(both, b.buf, b.len);
		memcpy(both + b.len, c.buf, c.len);
		while (off < total) {
			size_t n = 1 + rnd(700);
			if (n > total - off)
				n = total - off;
			size_t fed = 0;
			while (fed < n) {
				enum ftmb_store_event e = ftmb_ckpt_store_feed(s, both + off + fed, n - fed,
									      &used, &cov, err, sizeof(err));
				CHECK(e != FTMB_STORE_REJECTED);
				if (e == FTMB_STORE_ACCEPTED) {
					accepted++;
					CHECK(cov.seq == (accepted == 1 ? 2u : 3u));
				}
				fed += used;
				if (used == 0)
					break;
			}
			off += n;
		}
		CHECK(accepted == 2);
		CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 3 && v.arena[4999] == 0x33);
		free(both);
	}

	/* A stale image (seq 2 after 3) is refused, the current one stays. */
	CHECK(ftmb_ckpt_store_feed(s, b.buf, b.len, &used, &cov, err, sizeof(err)) == FTMB_STORE_REJECTED);
	CHECK(strstr(err, "not newer") != NULL);
	CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 3);

	/* A corrupted image of the right length is refused. */
	{
		struct ftmb_ckpt_membuf d = image(4, 0x44);
		d.buf[d.len / 2] ^= 1;
		CHECK(ftmb_ckpt_store_feed(s, d.buf, d.len, &used, &cov, err, sizeof(err)) == FTMB_STORE_REJECTED);
		CHECK(strstr(err, "CRC") != NULL);
		CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 3);
		free(d.buf);
	}
	/* Too large for the store: skipped whole, rejected, then the stream goes on. */
	{
		struct ftmb_ckpt_store *small = ftmb_ckpt_store_create(1000);
		CHECK(ftmb_ckpt_store_feed(small, a.buf, a.len, &used, &cov, err, sizeof(err)) == FTMB_STORE_REJECTED);
		CHECK(used == a.len);
		CHECK(strstr(err, "refused") != NULL);
		CHECK(ftmb_ckpt_store_current(small, &v) < 0);
		ftmb_ckpt_store_destroy(small);
	}
	/* Garbage instead of a header. */
	{
		uint8_t junk[100];
		memset(junk, 0xee, sizeof(junk));
		CHECK(ftmb_ckpt_store_feed(s, junk, sizeof(junk), &used, &cov, err, sizeof(err)) == FTMB_STORE_REJECTED);
		CHECK(strstr(err, "bad header") != NULL);
		CHECK(ftmb_ckpt_store_current(s, &v) == 0 && v.hdr->seq == 3);
	}
	ftmb_ckpt_store_get_stats(s, &st);
	CHECK(st.accepted == 3);
	CHECK(st.rejected == 3);
	CHECK(st.aborted > 10);
	CHECK(st.last_len == c.len);

	ftmb_ckpt_store_destroy(s);
	free(a.buf);
	free(b.buf);
	free(c.buf);
	UNIT_DONE("unit_ckpt_store");
}
