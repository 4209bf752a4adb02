/*
 * ckpt_capture.c: collecting the live state into a checkpoint source and
 * writing it, synchronously or from a forked child. Theory of operation in
 * ftmb_ckpt.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ftmb_ckpt.h"
#include "ftmb_state.h"

uint64_t ftmb_ckpt_now_ns(int clock_id)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ftmb_ckpt_arena_hugepages(void)
{
	if (!ftmb_arena_ready())
		return -1;
	return madvise(ftmb_arena_base(), ftmb_arena_capacity(), MADV_HUGEPAGE);
}

uint64_t ftmb_ckpt_fingerprint(void)
{
	uint64_t fp = 0x9e3779b97f4a7c15ull ^ ftmb_globals_count();

	/* Order-independent: sum of mixed (id, size) pairs. */
	for (size_t i = 0; i < ftmb_globals_count(); i++) {
		const struct ftmb_global *g = ftmb_global_at(i);
		fp += ftmb_splitmix64(g->id ^ ftmb_splitmix64(g->size));
	}
	return fp;
}

void ftmb_ckpt_source_free(struct ftmb_ckpt_bufs *bufs)
{
	free(bufs->cores);
	free(bufs->vars);
	free(bufs->globals);
	memset(bufs, 0, sizeof(*bufs));
}

int ftmb_ckpt_collect(const struct ftmb_ckpt_info *info, struct ftmb_ckpt_source *src,
		      struct ftmb_ckpt_bufs *bufs, char *err, size_t errlen)
{
	size_t n_vars, n_globals = ftmb_globals_count();
	struct ftmb_counter_rec *recs = NULL;

	memset(src, 0, sizeof(*src));
	memset(bufs, 0, sizeof(*bufs));
	if (info->n_cores == 0 || info->n_cores > FTMB_CKPT_MAX_CORES ||
	    info->n_cores != ftmb_core_count()) {
		snprintf(err, errlen, "checkpoint: %u cores given, runtime has %u",
			 info->n_cores, ftmb_core_count());
		return -1;
	}
	n_vars = ftmb_counters_save(NULL, 0);
	bufs->cores = calloc(info->n_cores, sizeof(*bufs->cores));
	bufs->vars = calloc(n_vars + 1, sizeof(*bufs->vars));
	bufs->globals = calloc(n_globals + 1, sizeof(*bufs->globals));
	recs = calloc(n_vars + 1, sizeof(*recs));
	if (bufs->cores == NULL || bufs->vars == NULL || bufs->globals == NULL || recs == NULL) {
		snprintf(err, errlen, "checkpoint: out of memory");
		free(recs);
		ftmb_ckpt_source_free(bufs);
		return -1;
	}
	for (unsigned c = 0; c < info->n_cores; c++) {
		bufs->cores[c].last_pkt_id = info->last_pkt_id ? info->last_pkt_id[c] : 0;
		bufs->cores[c].pkts = info->pkts ? info->pkts[c] : 0;
		bufs->cores[c].max = ftmb_max(c);
	}
	n_vars = ftmb_counters_save(recs, n_vars);
	for (size_t i = 0; i < n_vars; i++) {
		bufs->vars[i].id = recs[i].var_id;
		bufs->vars[i].counter = recs[i].counter;
		bufs->vars[i].type_id = recs[i].type_id;
		bufs->vars[i].key = recs[i].key;
		bufs->vars[i].flags = recs[i].flags;
	}
	free(recs);
	for (size_t i = 0; i < n_globals; i++) {
		const struct ftmb_global *g = ftmb_global_at(i);
		bufs->globals[i].id = g->id;
		bufs->globals[i].addr = g->addr;
		bufs->globals[i].size = g->size;
	}

	src->seq = info->seq;
	src->created_ns = ftmb_ckpt_now_ns(CLOCK_REALTIME);
	src->fingerprint = ftmb_ckpt_fingerprint();
	src->n_cores = info->n_cores;
	src->cores = bufs->cores;
	src->vars = bufs->vars;
	src->n_vars = n_vars;
	src->globals = bufs->globals;
	src->n_globals = n_globals;
	src->meta.rng_seed = ftmb_core_seed();
	src->meta.input_watermark = info->watermark;
	if (ftmb_arena_ready()) {
		src->meta.arena_base = (uint64_t)(uintptr_t)ftmb_arena_base();
		src->meta.arena_used = ftmb_arena_used();
		src->meta.arena_capacity = ftmb_arena_capacity();
		src->arena = ftmb_arena_base();
	}
	return 0;
}

int ftmb_ckpt_write_now(int fd, const struct ftmb_ckpt_info *info, char *err, size_t errlen)
{
	struct ftmb_ckpt_source src;
	struct ftmb_ckpt_bufs bufs;
	int rc;

	if (ftmb_ckpt_collect(info, &src, &bufs, err, errlen) < 0)
		return -1;
	rc = ftmb_ckpt_write(&src, ftmb_ckpt_out_fd, &fd, err, errlen);
	ftmb_ckpt_source_free(&bufs);
	return rc;
}

/* Child's sink: write fully, optionally sleeping after every MiB. */
struct throttled_fd {
	int fd;
	unsigned throttle_us;
	uint64_t since_sleep;
};

static int out_throttled(void *arg, const void *buf, size_t len)
{
	struct throttled_fd *t = arg;

	if (ftmb_ckpt_out_fd(&t->fd, buf, len) < 0)
		return -1;
	t->since_sleep += len;
	if (t->throttle_us > 0 && t->since_sleep >= (1u << 20)) {
		t->since_sleep = 0;
		usleep(t->throttle_us);
	}
	return 0;
}

pid_t ftmb_ckpt_fork(int fd, const struct ftmb_ckpt_info *info, uint64_t *fork_ns,
		     unsigned throttle_us)
{
	uint64_t t0 = ftmb_ckpt_now_ns(CLOCK_MONOTONIC);
	pid_t pid = fork();

	if (pid != 0) {
		if (fork_ns != NULL)
			*fork_ns = ftmb_ckpt_now_ns(CLOCK_MONOTONIC) - t0;
		return pid;   /* parent (or -1: fork failed, errno set) */
	}
	/* Child: a frozen copy of the state; only this thread exists here. */
	{
		struct ftmb_ckpt_source src;
		struct ftmb_ckpt_bufs bufs;
		struct throttled_fd out = { .fd = fd, .throttle_us = throttle_us };
		char err[256];

		if (ftmb_ckpt_collect(info, &src, &bufs, err, sizeof(err)) < 0 ||
		    ftmb_ckpt_write(&src, out_throttled, &out, err, sizeof(err)) < 0) {
			fprintf(stderr, "ftmb-ckpt: checkpoint %llu: %s\n",
				(unsigned long long)info->seq, err);
			_exit(1);
		}
		_exit(0);
	}
}
