/*
 * unit_capture_restore.c: checkpoint the live state of this process
 * (registered globals, arena, counters, MAX[c], seed), change everything,
 * restore, and get the same bytes back; the forked writer produces an
 * image equivalent to the synchronous one; images from another binary,
 * with unknown or resized globals or another arena address are refused
 * before anything is overwritten.
 */
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftmb.h"
#include "ftmb_ckpt.h"
#include "ftmb_state.h"
#include "unit_check.h"

static uint64_t g_counter = 11;
static char g_name[24] = "before";
static void *g_ptr;
static ftmb_var_t V_counter = FTMB_VAR_INIT(0, "unit:g_counter");

static struct ftmb_global globals[] = {
	{ 0, "unit:g_counter", &g_counter, sizeof(g_counter) },
	{ 0, "unit:g_name", g_name, sizeof(g_name) },
	{ 0, "unit:g_ptr", &g_ptr, sizeof(g_ptr) },
};

__attribute__((constructor)) static void reg(void)
{
	static ftmb_var_t *const vars[] = { &V_counter };
	for (int i = 0; i < 3; i++)
		globals[i].id = __ftmb_id(globals[i].name);
	V_counter.id = __ftmb_id(V_counter.name);
	__ftmb_register_tu("unit_capture_restore.c", FTMB_ABI_VERSION, globals, 3, vars, 1);
}

static void reseal(uint8_t *buf, size_t len)
{
	struct ftmb_ckpt_trailer *t = (void *)(buf + len - sizeof(*t));
	t->crc = ftmb_ckpt_crc(buf, len - sizeof(*t), FTMB_CKPT_CRC_INIT);
}

static uint8_t *copy_of(const struct ftmb_ckpt_membuf *m)
{
	uint8_t *p = aligned_alloc(64, (m->len + 63) & ~(size_t)63);
	memcpy(p, m->buf, m->len);
	return p;
}

int main(void)
{
	uint64_t last[2] = { 40, 41 }, pkts[2] = { 3, 4 };
	struct ftmb_ckpt_info info = { .seq = 1, .watermark = 41, .n_cores = 2,
				       .last_pkt_id = last, .pkts = pkts };
	struct ftmb_ckpt_membuf m = { 0 };
	struct ftmb_ckpt_source src;
	struct ftmb_ckpt_bufs bufs;
	struct ftmb_ckpt_view v;
	char err[256];

	CHECK(ftmb_core_init(2, 77, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_arena_init(0) == 0);
	/* State: arena blocks with content, globals pointing into the arena. */
	g_ptr = __ftmb_malloc(100000);
	CHECK(g_ptr != NULL);
	memset(g_ptr, 0xab, 100000);
	for (int i = 0; i < 5; i++) {           /* unbound accesses: counted, no PAL */
		__ftmb_begin(&V_counter);
		g_counter++;
		__ftmb_end(&V_counter, FTMB_RMW);
	}
	ftmb_core_set_max(1, 9);
	uint32_t d1 = ftmb_ckpt_state_digest();
	size_t used1 = ftmb_arena_used();

	/* Capture (synchronous). */
	CHECK(ftmb_ckpt_collect(&info, &src, &bufs, err, sizeof(err)) == 0);
	CHECK(src.meta.arena_used == used1 && src.n_globals >= 3);
	CHECK(ftmb_ckpt_write(&src, ftmb_ckpt_out_mem, &m, err, sizeof(err)) == 0);
	ftmb_ckpt_source_free(&bufs);
	uint8_t *img = copy_of(&m);
	CHECK(ftmb_ckpt_validate(img, m.len, &v, err, sizeof(err)) == 0);
	CHECK(v.hdr->n_cores == 2 && v.cores[1].max == 9 && v.cores[1].last_pkt_id == 41);
	CHECK(v.meta->rng_seed == 77 && v.meta->input_watermark == 41);
	CHECK(v.meta->state_bytes >= used1 + sizeof(g_counter) + sizeof(g_name));

	/* Change everything. */
	g_counter = 999;
	strcpy(g_name, "after");
	memset(g_ptr, 0x11, 100000);
	void *extra = __ftmb_malloc(1 << 20);
	CHECK(extra != NULL && ftmb_arena_used() > used1);
	__ftmb_begin(&V_counter);
	__ftmb_end(&V_counter, FTMB_RMW);
	CHECK(V_counter.counter == 6);
	CHECK(ftmb_ckpt_state_digest() != d1);

	/* Refusals leave the state alone. */
	uint32_t d_changed = ftmb_ckpt_state_digest();
	{
		uint8_t *bad = copy_of(&m);
		((struct ftmb_ckpt_header *)bad)->fingerprint ^= 1;
		reseal(bad, m.len);
		CHECK(ftmb_ckpt_validate(bad, m.len, &v, err, sizeof(err)) == 0);
		CHECK(ftmb_ckpt_restore(&v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "another binary") != NULL);
		free(bad);
	}
	{
		/* A global chunk with an id unknown here (fingerprint kept valid). */
		uint8_t *bad = copy_of(&m);
		CHECK(ftmb_ckpt_validate(bad, m.len, &v, err, sizeof(err)) == 0);
		size_t it = 0;
		uint64_t id, size;
		const uint8_t *data;
		CHECK(ftmb_ckpt_next_global(&v, &it, &id, &data, &size) == 1);
		struct ftmb_ckpt_chunk *c = (void *)(bad + (data - bad) - sizeof(*c));
		c->id ^= 0x5555;
		reseal(bad, m.len);
		CHECK(ftmb_ckpt_validate(bad, m.len, &v, err, sizeof(err)) == 0);
		CHECK(ftmb_ckpt_restore(&v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "unknown here") != NULL);
		free(bad);
	}
	{
		/* Arena recorded at another address. */
		uint8_t *bad = copy_of(&m);
		CHECK(ftmb_ckpt_validate(bad, m.len, &v, err, sizeof(err)) == 0);
		struct ftmb_ckpt_meta *meta = (void *)v.meta;
		struct ftmb_ckpt_chunk *ac = (void *)(v.arena - sizeof(*ac));
		meta->arena_base += 1 << 21;
		ac->id = meta->arena_base;
		reseal(bad, m.len);
		CHECK(ftmb_ckpt_validate(bad, m.len, &v, err, sizeof(err)) == 0);
		CHECK(ftmb_ckpt_restore(&v, err, sizeof(err)) < 0);
		CHECK(strstr(err, "arena at") != NULL);
		free(bad);
	}
	CHECK(ftmb_ckpt_state_digest() == d_changed);

	/* Restore: the same bytes, counters, seed and MAX come back. */
	CHECK(ftmb_ckpt_validate(img, m.len, &v, err, sizeof(err)) == 0);
	CHECK(ftmb_ckpt_restore(&v, err, sizeof(err)) == 0);
	CHECK(ftmb_ckpt_restore_cores(&v, FTMB_MODE_RECORD) == 0);
	CHECK(ftmb_ckpt_state_digest() == d1);
	CHECK(g_counter == 16 && strcmp(g_name, "before") == 0);
	CHECK(((uint8_t *)g_ptr)[99999] == 0xab);
	CHECK(ftmb_arena_used() == used1);
	CHECK(V_counter.counter == 5);
	CHECK(ftmb_core_seed() == 77 && ftmb_max(1) == 9 && ftmb_max(0) == 0);
	/* The restored allocator works: a new block does not overlap g_ptr. */
	uint8_t *fresh = __ftmb_malloc(64);
	CHECK(fresh != NULL && (fresh >= (uint8_t *)g_ptr + 100000 || fresh + 64 <= (uint8_t *)g_ptr));

	/* Forked capture into a pipe equals the synchronous one (but its time). */
	{
		int fds[2];
		uint64_t fork_ns = 0;
		struct ftmb_ckpt_membuf fm = { 0 };
		uint8_t buf[65536];
		ssize_t r;
		int st;

		/* Back to the captured state first (fresh allocated 64 bytes). */
		CHECK(ftmb_ckpt_restore(&v, err, sizeof(err)) == 0);
		CHECK(pipe(fds) == 0);
		pid_t pid = ftmb_ckpt_fork(fds[1], &info, &fork_ns, 0);
		CHECK(pid > 0);
		close(fds[1]);
		while ((r = read(fds[0], buf, sizeof(buf))) > 0)
			ftmb_ckpt_out_mem(&fm, buf, (size_t)r);
		close(fds[0]);
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		CHECK(fork_ns > 0);
		CHECK(fm.len == m.len);
		uint8_t *fimg = copy_of(&fm);
		struct ftmb_ckpt_view fv;
		CHECK(ftmb_ckpt_validate(fimg, fm.len, &fv, err, sizeof(err)) == 0);
		/* Same bytes after the header (the header holds the capture time). */
		CHECK(memcmp(fimg + sizeof(struct ftmb_ckpt_header), img + sizeof(struct ftmb_ckpt_header),
			     m.len - sizeof(struct ftmb_ckpt_header) - sizeof(struct ftmb_ckpt_trailer)) == 0);
		free(fimg);
		free(fm.buf);
	}
	/* Bad capture request: core count disagrees with the runtime. */
	{
		struct ftmb_ckpt_info bad = info;
		bad.n_cores = 3;
		CHECK(ftmb_ckpt_collect(&bad, &src, &bufs, err, sizeof(err)) < 0);
		CHECK(strstr(err, "cores") != NULL);
	}
	free(img);
	free(m.buf);
	UNIT_DONE("unit_capture_restore");
}
