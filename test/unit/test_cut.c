/* Recovery cut (SPEC §6.3): gaps, cascades, empty cores, 1 and 128 cores,
 * duplicates, seq 0, and the counter boundary. */
#include <stdint.h>
#include <string.h>

#include "ftmb_cut.h"
#include "unit.h"
#include "unit_tests.h"

#define P(pkt, var, seq) { (pkt), (var), (seq) }

static int cut2(const struct ftmb_pal *a, size_t na, const struct ftmb_pal *b, size_t nb,
		const struct ftmb_var_count *vc, size_t nvc, size_t keep[2])
{
	const struct ftmb_pal *pals[2] = { a, b };
	size_t n[2] = { na, nb };
	struct ftmb_cut_input in = { 2, pals, n, vc, nvc };
	return ftmb_cut_compute(&in, keep);
}

void test_cut_complete(void)
{
	/* interleaved x on both cores, all present: everything kept */
	struct ftmb_pal a[] = { P(1, 10, 1), P(1, 11, 1), P(3, 10, 3) };
	struct ftmb_pal b[] = { P(2, 10, 2), P(2, 11, 2) };
	size_t keep[2];
	CHECK(cut2(a, 3, b, 2, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 3);
	CHECK_EQ_U64(keep[1], 2);
}

void test_cut_gap(void)
{
	/* var 10's seq 2 never reached the OL (core 1's stream lost after its
	 * first PAL): core 0's seq 3 and everything after it is dropped. */
	struct ftmb_pal a[] = { P(1, 10, 1), P(1, 11, 1), P(3, 10, 3), P(3, 12, 1) };
	struct ftmb_pal b[] = { P(2, 11, 2) };
	size_t keep[2];
	CHECK(cut2(a, 4, b, 1, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 2);
	CHECK_EQ_U64(keep[1], 1);
}

void test_cut_cascade(void)
{
	/* A drop on one core removes a PAL another core's PAL follows, which
	 * removes the rest of that core, and so on (several rounds). */
	struct ftmb_pal a[] = { P(1, 20, 1), P(1, 21, 2), P(1, 22, 1) };
	struct ftmb_pal b[] = { P(2, 21, 1), P(2, 20, 3) /* 20 seq 2 missing */, P(2, 22, 2) };
	size_t keep[2];
	CHECK(cut2(a, 3, b, 3, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 3);
	CHECK_EQ_U64(keep[1], 1);
	/* Core 0 without its first PAL (20 seq 1): a's 21 seq 2 and 22 seq 1
	 * are placeable once b's 21 seq 1 is (second round); b's 20 seq 3
	 * still has no seq 1, 2 so b keeps 1 and its 22 seq 2 goes too. */
	CHECK(cut2(a + 1, 2, b, 3, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 2);
	CHECK_EQ_U64(keep[1], 1);
}

void test_cut_checkpoint_counters(void)
{
	/* counters at the checkpoint: var 10 was at 5, so its first PAL is 6 */
	struct ftmb_var_count vc[] = { { 10, 5 }, { 11, 0 } };
	struct ftmb_pal a[] = { P(7, 10, 6), P(7, 11, 1), P(8, 10, 7) };
	struct ftmb_pal b[] = { P(9, 10, 8) };
	size_t keep[2];
	CHECK(cut2(a, 3, b, 1, vc, 2, keep) == 0);
	CHECK_EQ_U64(keep[0], 3);
	CHECK_EQ_U64(keep[1], 1);
	/* without the counter the same log has a gap at the start */
	CHECK(cut2(a, 3, b, 1, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 0);
	CHECK_EQ_U64(keep[1], 0);
}

void test_cut_duplicate_and_zero(void)
{
	/* a duplicated PAL (same var, same seq twice) and a seq 0 end the prefix */
	struct ftmb_pal a[] = { P(1, 10, 1), P(1, 10, 1), P(1, 10, 2) };
	struct ftmb_pal b[] = { P(2, 11, 0), P(2, 11, 1) };
	size_t keep[2];
	CHECK(cut2(a, 3, b, 2, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 1);
	CHECK_EQ_U64(keep[1], 0);
}

void test_cut_empty_core(void)
{
	struct ftmb_pal a[] = { P(1, 10, 1), P(1, 10, 2) };
	size_t keep[2] = { 99, 99 };
	CHECK(cut2(a, 2, NULL, 0, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 2);
	CHECK_EQ_U64(keep[1], 0);
	CHECK(cut2(NULL, 0, NULL, 0, NULL, 0, keep) == 0);
	CHECK_EQ_U64(keep[0], 0);
	CHECK_EQ_U64(keep[1], 0);
}

void test_cut_1_and_128_cores(void)
{
	struct ftmb_pal one[] = { P(1, 5, 1), P(1, 5, 2), P(2, 5, 4) };
	const struct ftmb_pal *p1[1] = { one };
	size_t n1[1] = { 3 }, k1[1];
	struct ftmb_cut_input in1 = { 1, p1, n1, NULL, 0 };
	CHECK(ftmb_cut_compute(&in1, k1) == 0);
	CHECK_EQ_U64(k1[0], 2);

	/* 128 cores passing one variable around a ring: core c holds seq c+1
	 * and c+129. Then drop core 64's stream: everything after seq 64 stops. */
	static struct ftmb_pal ring[128][2];
	const struct ftmb_pal *pp[128];
	size_t n[128], keep[128];
	for (unsigned c = 0; c < 128; c++) {
		ring[c][0] = (struct ftmb_pal)P(c, 77, c + 1);
		ring[c][1] = (struct ftmb_pal)P(c + 1000, 77, c + 129);
		pp[c] = ring[c];
		n[c] = 2;
	}
	struct ftmb_cut_input in = { 128, pp, n, NULL, 0 };
	CHECK(ftmb_cut_compute(&in, keep) == 0);
	for (unsigned c = 0; c < 128; c++)
		CHECK_EQ_U64(keep[c], 2);
	n[64] = 0;
	CHECK(ftmb_cut_compute(&in, keep) == 0);
	for (unsigned c = 0; c < 128; c++)
		CHECK_EQ_U64(keep[c], c < 64 ? 1 : 0);
}

void test_cut_counter_boundary(void)
{
	/*
	 * Counters are 64-bit and grow by one per access: wrapping would take
	 * centuries (access.c), so the boundary we define is: the largest
	 * valid seq is UINT64_MAX, and a checkpoint counter of UINT64_MAX
	 * leaves no valid next seq (0 is never a seq).
	 */
	struct ftmb_var_count vc[] = { { 10, UINT64_MAX - 2 } };
	struct ftmb_pal a[] = { P(1, 10, UINT64_MAX - 1), P(1, 10, UINT64_MAX), P(1, 10, 0) };
	size_t keep[2];
	CHECK(cut2(a, 3, NULL, 0, vc, 1, keep) == 0);
	CHECK_EQ_U64(keep[0], 2);
	struct ftmb_var_count full[] = { { 10, UINT64_MAX } };
	struct ftmb_pal b[] = { P(1, 10, 0), P(1, 10, 1) };
	CHECK(cut2(b, 2, NULL, 0, full, 1, keep) == 0);
	CHECK_EQ_U64(keep[0], 0);
}

void test_cut_bad_input(void)
{
	size_t keep[2];
	CHECK(ftmb_cut_compute(NULL, keep) == -1);
	size_t n[2] = { 3, 0 };
	const struct ftmb_pal *pals[2] = { NULL, NULL };
	struct ftmb_cut_input in = { 2, pals, n, NULL, 0 };
	CHECK(ftmb_cut_compute(&in, keep) == -1); /* 3 PALs, no array */
	struct ftmb_cut_input zero = { 0, pals, n, NULL, 0 };
	CHECK(ftmb_cut_compute(&zero, keep) == -1);
	struct ftmb_cut_input many = { 129, pals, n, NULL, 0 };
	CHECK(ftmb_cut_compute(&many, keep) == -1);
}
