/*
 * ckpt_bench.c: the stop a checkpoint costs the cores, for a middlebox
 * whose state is S MiB of arena (default 64) plus a few globals.
 *
 *   ckpt_bench [--mb S] [--reps N] [--no-thp] [--eal-mb M [--no-exclude]]
 *
 * Measures, median over N repetitions:
 *   stop (fork)   time in fork() in the parent: the cores' stop when the
 *                 copy is made copy-on-write (ftmb_ckpt_fork); the child
 *                 writes the image to /dev/null and its time is reported
 *                 as the background write time;
 *   stop (memcpy) a plain memcpy of the same state into a buffer: the
 *                 stop if the cores waited for a copy;
 *   image size    against the state size.
 * The arena is advised MADV_HUGEPAGE (transparent huge pages: fork copies
 * one page-table entry per 2 MiB) unless --no-thp. With --eal-mb M the
 * process is a DPDK process (EAL, --no-huge) with M MiB of touched
 * rte_malloc memory standing for mbuf pools; its memory is excluded from
 * the fork (ftmb_ckpt_dpdk_exclude) unless --no-exclude. Row suffixes:
 * _4k, _dpdk, _dpdk_noexclude.
 * Prints CSV rows metric,value,unit on stdout; details on stderr.
 */
#include <fcntl.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ftmb.h"
#include "ftmb_ckpt.h"
#include "ftmb_state.h"

static uint64_t counters[1024];
static void *state_root;
static struct ftmb_global bench_globals[] = {
	{ 0, "bench:counters", counters, sizeof(counters) },
	{ 0, "bench:state_root", &state_root, sizeof(state_root) },
};

__attribute__((constructor)) static void reg(void)
{
	for (int i = 0; i < 2; i++)
		bench_globals[i].id = __ftmb_id(bench_globals[i].name);
	__ftmb_register_tu("ckpt_bench.c", FTMB_ABI_VERSION, bench_globals, 2, NULL, 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median_ms(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return (double)v[n / 2] / 1e6;
}

int main(int argc, char **argv)
{
	unsigned mb = 64, eal_mb = 0;
	int reps = 21, thp = 1, exclude = 1;
	uint64_t fork_ns[101], write_ns[101], copy_ns[101];
	uint64_t last[2] = { 0, 0 }, pkts[2] = { 0, 0 };
	struct ftmb_ckpt_info info = { .n_cores = 2, .last_pkt_id = last, .pkts = pkts };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mb") && i + 1 < argc)
			mb = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-thp"))
			thp = 0;
		else if (!strcmp(argv[i], "--eal-mb") && i + 1 < argc)
			eal_mb = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--no-exclude"))
			exclude = 0;
		else {
			fprintf(stderr, "usage: ckpt_bench [--mb S] [--reps N] [--no-thp] "
					"[--eal-mb M [--no-exclude]]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > 101 || mb == 0 || mb > 4096) {
		fprintf(stderr, "ckpt_bench: --reps 1..101, --mb 1..4096\n");
		return 2;
	}
	if (eal_mb) {
		char prefix[64], mem[32];
		snprintf(prefix, sizeof(prefix), "ckptbench%d", (int)getpid());
		snprintf(mem, sizeof(mem), "%u", eal_mb + 64);
		char *eal[] = { argv[0], "--no-huge", "-m", mem, "--no-pci", "-l", "0",
				"--file-prefix", prefix, "--log-level", "error", NULL };
		if (rte_eal_init(11, eal) < 0) {
			fprintf(stderr, "ckpt_bench: rte_eal_init failed\n");
			return 1;
		}
		uint8_t *pool = rte_malloc("pool", (size_t)eal_mb << 20, 64);
		if (pool == NULL) {
			fprintf(stderr, "ckpt_bench: rte_malloc of %u MiB failed\n", eal_mb);
			return 1;
		}
		memset(pool, 0x5a, (size_t)eal_mb << 20);
		if (exclude) {
			long long x = ftmb_ckpt_dpdk_exclude();
			fprintf(stderr, "ckpt_bench: %lld bytes of DPDK memory kept out of forks\n", x);
		}
	}
	if (ftmb_core_init(2, 1, FTMB_MODE_RECORD) < 0 ||
	    ftmb_arena_init(((size_t)mb + 64) << 20) < 0)
		return 1;
	if (thp && madvise(ftmb_arena_base(), ftmb_arena_capacity(), MADV_HUGEPAGE) != 0)
		perror("madvise(MADV_HUGEPAGE)");
	size_t bytes = (size_t)mb << 20;
	uint8_t *state = __ftmb_malloc(bytes);
	if (state == NULL) {
		fprintf(stderr, "ckpt_bench: cannot allocate %u MiB in the arena\n", mb);
		return 1;
	}
	for (size_t i = 0; i < bytes; i += 8)   /* touch every page: real state */
		*(uint64_t *)(state + i) = i * 0x9e3779b97f4a7c15ull;
	state_root = state;
	size_t state_bytes = ftmb_arena_used() + sizeof(counters) + sizeof(state_root);

	{
		/* fork() copies every mapping (VMA) too: report how many. */
		FILE *maps = fopen("/proc/self/maps", "r");
		unsigned vmas = 0;
		int ch;
		while (maps && (ch = fgetc(maps)) != EOF)
			vmas += ch == '\n';
		if (maps)
			fclose(maps);
		fprintf(stderr, "ckpt_bench: %u mappings in this process\n", vmas);
	}
	int devnull = open("/dev/null", O_WRONLY);
	/* The memcpy target is not middlebox state: keep it out of the fork
	 * (its page tables would otherwise be copied too). */
	uint8_t *copy = mmap(NULL, state_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (devnull < 0 || copy == MAP_FAILED)
		return 1;
	madvise(copy, state_bytes, MADV_DONTFORK);
	memset(copy, 1, state_bytes);   /* fault it in: measure the copy, not page faults */
	uint64_t image_len = 0;
	for (int r = 0; r < reps; r++) {
		struct timespec a, b;
		int st;

		info.seq = (uint64_t)r + 1;
		/* Dirty a little state between checkpoints, as traffic would. */
		state[(size_t)r * 4096 % bytes] ^= 1;
		pid_t pid = ftmb_ckpt_fork(devnull, &info, &fork_ns[r], 0);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "ckpt_bench: checkpoint child failed\n");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		write_ns[r] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)(b.tv_nsec - a.tv_nsec);

		clock_gettime(CLOCK_MONOTONIC, &a);
		memcpy(copy, ftmb_arena_base(), ftmb_arena_used());
		memcpy(copy, counters, sizeof(counters));
		clock_gettime(CLOCK_MONOTONIC, &b);
		copy_ns[r] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)(b.tv_nsec - a.tv_nsec);
	}
	{
		struct ftmb_ckpt_source src;
		struct ftmb_ckpt_bufs bufs;
		char err[128];
		if (ftmb_ckpt_collect(&info, &src, &bufs, err, sizeof(err)) == 0) {
			image_len = ftmb_ckpt_image_len(&src);
			ftmb_ckpt_source_free(&bufs);
		}
	}
	double f = median_ms(fork_ns, reps), w = median_ms(write_ns, reps), c = median_ms(copy_ns, reps);
	fprintf(stderr, "ckpt_bench: %u MiB state (%zu bytes), %s pages, DPDK memory %u MiB%s, %d reps: "
		"stop by fork %.3f ms (median), by memcpy %.3f ms; background write %.3f ms; image %llu "
		"bytes (%.4f x state)\n", mb, state_bytes, thp ? "transparent huge" : "4 KiB", eal_mb,
		eal_mb ? (exclude ? " excluded" : " NOT excluded") : "", reps, f, c, w,
		(unsigned long long)image_len, (double)image_len / (double)state_bytes);
	const char *sfx = !thp ? "_4k" : !eal_mb ? "" : exclude ? "_dpdk" : "_dpdk_noexclude";
	printf("ckpt_stop_ms_%uMB%s,%.4f,ms\n", mb, sfx, f);
	printf("ckpt_memcpy_ms_%uMB%s,%.4f,ms\n", mb, sfx, c);
	printf("ckpt_write_ms_%uMB%s,%.4f,ms\n", mb, sfx, w);
	printf("ckpt_stop_vs_memcpy_%uMB%s,%.4f,ratio\n", mb, sfx, f / c);
	printf("ckpt_size_ratio_%uMB%s,%.5f,ratio\n", mb, sfx, (double)image_len / (double)state_bytes);
	if (eal_mb)
		rte_eal_cleanup();
	return 0;
}
