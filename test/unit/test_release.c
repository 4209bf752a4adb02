/* Parallel release at the OL (SPEC §4) and the master's resend queue. */
#include <stdint.h>
#include <string.h>

#include "ftmb_release.h"
#include "unit.h"
#include "unit_tests.h"

struct got {
	uint64_t pkt[64];
	uint32_t idx[64];
	int dup[64];
	unsigned core[64];
	size_t n;
};

static void on_release(void *arg, unsigned core, uint64_t pkt_id, uint32_t out_idx, void *pkt, int dup)
{
	(void)pkt;
	struct got *g = arg;
	g->core[g->n] = core;
	g->pkt[g->n] = pkt_id;
	g->idx[g->n] = out_idx;
	g->dup[g->n] = dup;
	g->n++;
}

static struct ftmb_pal pals[64];

static void fill(void)
{
	for (unsigned i = 0; i < 64; i++)
		pals[i] = (struct ftmb_pal){ i, 1000 + i, 1 };
}

void test_release_fifo_stop_at_first_waiting(void)
{
	fill();
	struct ftmb_ol *ol = ftmb_ol_create(2, 8);
	struct got g = { 0 };
	uint64_t v1[2] = { 2, 0 }, v2[2] = { 2, 1 }, v3[2] = { 3, 1 };
	CHECK(ftmb_ol_hold(ol, 0, 100, 0, v1, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 101, 0, v2, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 102, 0, v3, NULL) == 0);
	CHECK_EQ_U64(ftmb_ol_release_poll_all(ol, on_release, &g), 0);
	CHECK(ftmb_ol_pal_batch(ol, 0, 0, 3, pals) == FTMB_BATCH_ACCEPTED);
	/* head (V 2,0) passes; the second needs core 1's first PAL: stop there,
	 * even though nothing else is checked behind it */
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 1);
	CHECK_EQ_U64(g.pkt[0], 100);
	CHECK_EQ_U64(ftmb_ol_held(ol, 0), 2);
	CHECK(ftmb_ol_pal_batch(ol, 1, 0, 1, pals) == FTMB_BATCH_ACCEPTED);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 1), 1); /* max = 1 */
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 1);
	CHECK_EQ_U64(g.n, 3);
	CHECK_EQ_U64(g.pkt[1], 101);
	CHECK_EQ_U64(g.pkt[2], 102);
	CHECK(!g.dup[0] && !g.dup[1] && !g.dup[2]);
	/* FIFO full */
	uint64_t z[2] = { 0, 0 };
	for (int i = 0; i < 8; i++)
		CHECK(ftmb_ol_hold(ol, 1, 200 + i, 0, z, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 1, 300, 0, z, NULL) == -1);
	CHECK(ftmb_ol_hold(ol, 2, 300, 0, z, NULL) == -1); /* bad core */
	ftmb_ol_destroy(ol);
}

void test_release_lost_dup_reordered_batch(void)
{
	fill();
	struct ftmb_ol *ol = ftmb_ol_create(1, 4);
	uint64_t v[1] = { 6 };
	struct got g = { 0 };
	CHECK(ftmb_ol_hold(ol, 0, 7, 0, v, NULL) == 0);
	/* batch [0,2) arrives, [2,4) is lost, [4,6) arrives: gap, rejected */
	CHECK(ftmb_ol_pal_batch(ol, 0, 0, 2, pals) == FTMB_BATCH_ACCEPTED);
	CHECK(ftmb_ol_pal_batch(ol, 0, 4, 2, pals + 4) == FTMB_BATCH_GAP);
	CHECK_EQ_U64(ftmb_ol_received(ol, 0), 2);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 0);
	/* duplicate of [0,2): ignored */
	CHECK(ftmb_ol_pal_batch(ol, 0, 0, 2, pals) == FTMB_BATCH_DUPLICATE);
	/* resend [2,4) then [4,6) (reordered delivery resolved by resend) */
	CHECK(ftmb_ol_pal_batch(ol, 0, 2, 2, pals + 2) == FTMB_BATCH_ACCEPTED);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 0);
	/* overlapping resend [3,6): the part already held is skipped */
	CHECK(ftmb_ol_pal_batch(ol, 0, 3, 3, pals + 3) == FTMB_BATCH_ACCEPTED);
	CHECK_EQ_U64(ftmb_ol_received(ol, 0), 6);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 1);
	uint64_t first;
	size_t n;
	const struct ftmb_pal *st = ftmb_ol_pals(ol, 0, &first, &n);
	CHECK_EQ_U64(first, 0);
	CHECK_EQ_U64(n, 6);
	for (size_t i = 0; i < n && st; i++)
		CHECK_EQ_U64(st[i].pkt_id, i); /* stored once each, in order */
	/* invalid */
	CHECK(ftmb_ol_pal_batch(ol, 1, 0, 1, pals) == FTMB_BATCH_INVALID);
	CHECK(ftmb_ol_pal_batch(ol, 0, 6, 0, pals) == FTMB_BATCH_INVALID);
	CHECK(ftmb_ol_pal_batch(ol, 0, UINT64_MAX, 2, pals) == FTMB_BATCH_INVALID);
	/* trim and truncate */
	ftmb_ol_trim(ol, 0, 4);
	st = ftmb_ol_pals(ol, 0, &first, &n);
	CHECK_EQ_U64(first, 4);
	CHECK_EQ_U64(n, 2);
	CHECK_EQ_U64(st[0].pkt_id, 4);
	ftmb_ol_truncate(ol, 0, 5);
	CHECK_EQ_U64(ftmb_ol_received(ol, 0), 5);
	st = ftmb_ol_pals(ol, 0, &first, &n);
	CHECK_EQ_U64(n, 1);
	CHECK(ftmb_ol_pal_batch(ol, 0, 5, 1, pals + 5) == FTMB_BATCH_ACCEPTED);
	ftmb_ol_destroy(ol);
}

static void count_freed(void *arg, void *pkt)
{
	uint64_t *sum = arg;
	*sum += (uint64_t)(uintptr_t)pkt;
}

void test_release_drop_held_frees_each(void)
{
	struct ftmb_ol *ol = ftmb_ol_create(2, 4);
	uint64_t v[2] = { 1, 0 }, sum = 0;
	/* wrap the ring once so the drop walks a wrapped FIFO */
	CHECK(ftmb_ol_hold(ol, 0, 1, 0, (uint64_t[2]){0, 0}, (void *)(uintptr_t)1000) == 0);
	CHECK_EQ_U64(ftmb_ol_drop_held_fn(ol, count_freed, &sum), 1);
	CHECK_EQ_U64(sum, 1000);
	sum = 0;
	for (uintptr_t i = 1; i <= 4; i++)
		CHECK(ftmb_ol_hold(ol, 0, 1 + i, 0, v, (void *)i) == 0);
	CHECK(ftmb_ol_hold(ol, 1, 9, 0, v, (void *)(uintptr_t)100) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 9, 0, v, NULL) == -1); /* full */
	CHECK_EQ_U64(ftmb_ol_drop_held_fn(ol, count_freed, &sum), 5);
	CHECK_EQ_U64(sum, 1 + 2 + 3 + 4 + 100);
	CHECK_EQ_U64(ftmb_ol_held(ol, 0) + ftmb_ol_held(ol, 1), 0);
	CHECK_EQ_U64(ftmb_ol_drop_held_fn(ol, NULL, NULL), 0);
	CHECK(ftmb_ol_hold(ol, 0, 20, 0, v, NULL) == 0); /* room again */
	ftmb_ol_destroy(ol);
}

void test_release_duplicate_suppression(void)
{
	struct ftmb_ol *ol = ftmb_ol_create(1, 8);
	uint64_t v[1] = { 0 };
	struct got g = { 0 };
	CHECK(ftmb_ol_hold(ol, 0, 5, 0, v, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 5, 1, v, NULL) == 0);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 2);
	CHECK(ftmb_ol_was_released_on(ol, 0, 5, 0));
	CHECK(ftmb_ol_was_released_on(ol, 0, 5, 1));
	CHECK(!ftmb_ol_was_released_on(ol, 0, 5, 2));
	CHECK(ftmb_ol_was_released_on(ol, 0, 4, 9)); /* earlier packet of core 0 */
	CHECK(!ftmb_ol_was_released_on(ol, 1, 5, 0)); /* bad core */
	/* recovery replays packet 5: both outputs come again, plus a third */
	ftmb_ol_drop_held(ol);
	CHECK(ftmb_ol_hold(ol, 0, 5, 0, v, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 5, 1, v, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 5, 2, v, NULL) == 0);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 3);
	CHECK(g.dup[2] && g.dup[3] && !g.dup[4]);
	/* the explicit set (pairs learnt elsewhere) is consulted too */
	CHECK(ftmb_ol_released_add(ol, 9, 0) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 9, 0, v, NULL) == 0);
	CHECK(ftmb_ol_hold(ol, 0, 9, 1, v, NULL) == 0);
	CHECK_EQ_U64(ftmb_ol_release_poll(ol, 0, on_release, &g, 0), 2);
	CHECK(g.dup[5] && !g.dup[6]);
	/* many entries (table growth), then forget below */
	for (uint64_t p = 10; p < 5000; p++)
		CHECK(ftmb_ol_released_add(ol, p, 0) == 0);
	CHECK(ftmb_ol_was_released(ol, 4999, 0));
	ftmb_ol_released_forget_below(ol, 4000);
	CHECK(!ftmb_ol_was_released(ol, 3999, 0));
	CHECK(!ftmb_ol_was_released(ol, 5, 0));
	CHECK(ftmb_ol_was_released(ol, 4000, 0));
	ftmb_ol_destroy(ol);
}

void test_release_1_and_128_cores(void)
{
	fill();
	CHECK(ftmb_ol_create(0, 8) == NULL);
	CHECK(ftmb_ol_create(129, 8) == NULL);
	CHECK(ftmb_ol_create(1, 0) == NULL);
	struct ftmb_ol *ol = ftmb_ol_create(128, 4);
	CHECK(ol != NULL);
	uint64_t v[128] = { 0 };
	v[127] = 1; /* depends on core 127's first PAL only */
	struct got g = { 0 };
	CHECK(ftmb_ol_hold(ol, 3, 1, 0, v, NULL) == 0);
	for (unsigned c = 0; c < 127; c++)
		CHECK(ftmb_ol_pal_batch(ol, c, 0, 1, pals) == FTMB_BATCH_ACCEPTED);
	CHECK_EQ_U64(ftmb_ol_release_poll_all(ol, on_release, &g), 0);
	CHECK(ftmb_ol_pal_batch(ol, 127, 0, 1, pals) == FTMB_BATCH_ACCEPTED);
	CHECK_EQ_U64(ftmb_ol_release_poll_all(ol, on_release, &g), 1);
	CHECK_EQ_U64(g.core[0], 3);
	ftmb_ol_destroy(ol);
	struct ftmb_ol *one = ftmb_ol_create(1, 1);
	uint64_t w[1] = { 0 };
	CHECK(ftmb_ol_hold(one, 0, 9, 0, w, NULL) == 0);
	CHECK(ftmb_ol_hold(one, 0, 10, 0, w, NULL) == -1);
	CHECK_EQ_U64(ftmb_ol_release_poll(one, 0, on_release, &g, 0), 1);
	ftmb_ol_destroy(one);
}

struct resent {
	uint64_t first[16];
	uint32_t count[16];
	uint64_t pkt0[16];
	size_t n;
};

static void on_resend(void *arg, unsigned core, uint64_t first, uint32_t count, const struct ftmb_pal *p)
{
	(void)core;
	struct resent *r = arg;
	r->first[r->n] = first;
	r->count[r->n] = count;
	r->pkt0[r->n] = p[0].pkt_id;
	r->n++;
}

void test_resend_queue(void)
{
	fill();
	CHECK(ftmb_resendq_create(0) == NULL);
	struct ftmb_resendq *q = ftmb_resendq_create(2);
	CHECK(ftmb_resendq_push(q, 0, 0, 4, pals) == 0);
	CHECK(ftmb_resendq_push(q, 0, 4, 4, pals + 4) == 0);
	CHECK(ftmb_resendq_push(q, 0, 9, 1, pals + 9) == -1); /* hole in the stream */
	CHECK(ftmb_resendq_push(q, 2, 0, 1, pals) == -1);     /* bad core */
	CHECK(ftmb_resendq_push(q, 0, 8, 0, pals) == -1);     /* empty */
	CHECK_EQ_U64(ftmb_resendq_unacked_pals(q, 0), 8);
	ftmb_resendq_ack(q, 0, 6); /* first batch freed, second cut at 6 */
	CHECK_EQ_U64(ftmb_resendq_unacked_pals(q, 0), 2);
	struct resent r = { 0 };
	CHECK_EQ_U64(ftmb_resendq_foreach(q, 0, on_resend, &r), 1);
	CHECK_EQ_U64(r.first[0], 6);
	CHECK_EQ_U64(r.count[0], 2);
	CHECK_EQ_U64(r.pkt0[0], 6);
	ftmb_resendq_ack(q, 0, 3); /* stale ack: ignored */
	CHECK_EQ_U64(ftmb_resendq_unacked_pals(q, 0), 2);
	ftmb_resendq_ack(q, 0, 8);
	CHECK_EQ_U64(ftmb_resendq_unacked_pals(q, 0), 0);
	r.n = 0;
	CHECK_EQ_U64(ftmb_resendq_foreach(q, 0, on_resend, &r), 0);
	CHECK(ftmb_resendq_push(q, 0, 8, 2, pals + 8) == 0);
	CHECK_EQ_U64(ftmb_resendq_foreach(q, 1, on_resend, &r), 0); /* core with nothing */

	/* end to end: lossy link, the OL converges through resends */
	struct ftmb_ol *ol = ftmb_ol_create(1, 4);
	struct ftmb_resendq *mq = ftmb_resendq_create(1);
	for (unsigned b = 0; b < 8; b++) {
		CHECK(ftmb_resendq_push(mq, 0, b * 8, 8, pals + b * 8) == 0);
		if (b % 3 != 1) /* every third batch lost */
			ftmb_ol_pal_batch(ol, 0, b * 8, 8, pals + b * 8);
		ftmb_resendq_ack(mq, 0, ftmb_ol_received(ol, 0));
	}
	CHECK(ftmb_ol_received(ol, 0) < 64);
	struct resent rr = { 0 };
	ftmb_resendq_foreach(mq, 0, on_resend, &rr);
	for (size_t i = 0; i < rr.n; i++)
		ftmb_ol_pal_batch(ol, 0, rr.first[i], rr.count[i], pals + rr.first[i]);
	CHECK_EQ_U64(ftmb_ol_received(ol, 0), 64);
	ftmb_resendq_ack(mq, 0, ftmb_ol_received(ol, 0));
	CHECK_EQ_U64(ftmb_resendq_unacked_pals(mq, 0), 0);
	ftmb_resendq_destroy(mq);
	ftmb_ol_destroy(ol);
	ftmb_resendq_destroy(q);
}
