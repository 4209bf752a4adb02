/*
 * bench_core.c: microbenchmarks of runtime/core. Prints `metric,value,unit`
 * rows on stdout (everything else on stderr). Each figure is the best of
 * several repetitions; the unprotected baseline is measured in the same run.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ftmb.h"
#include "ftmb_core.h"
#include "ftmb_release.h"
#include "ftmb_standalone.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* a sink that copies each batch out, like a dataplane building frames */
static struct ftmb_pal sink_buf[FTMB_CORE_BATCH_PALS];
static uint64_t sink_bytes;
static void copy_sink(void *arg, const struct ftmb_rec *r)
{
	(void)arg;
	if (r->kind == FTMB_REC_PAL_BATCH) {
		memcpy(sink_buf, r->pals, r->count * sizeof(struct ftmb_pal));
		sink_bytes += r->count * sizeof(struct ftmb_pal);
	}
}

static ftmb_var_t v1 = FTMB_VAR_INIT(0x1, "bench:x");
static volatile uint64_t x1;

static double per_access(long iters, int protected_)
{
	double t0 = now_ns();
	if (protected_) {
		for (long i = 0; i < iters; i++) {
			__ftmb_begin(&v1);
			x1 = x1 + 1;
			__ftmb_end(&v1, FTMB_RMW);
		}
	} else {
		for (long i = 0; i < iters; i++)
			x1 = x1 + 1;
	}
	return (now_ns() - t0) / (double)iters;
}

static double best_of(int reps, long iters, int protected_)
{
	double best = 1e30;
	for (int r = 0; r < reps; r++) {
		double v = per_access(iters, protected_);
		if (v < best)
			best = v;
	}
	return best;
}

/* two threads, one variable */
static volatile int go;
static long contended_iters;
static void *contender(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	ftmb_core_bind(c);
	ftmb_packet_begin(c + 1, 0);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	for (long i = 0; i < contended_iters; i++) {
		__ftmb_begin(&v1);
		x1 = x1 + 1;
		__ftmb_end(&v1, FTMB_RMW);
	}
	ftmb_core_flush(c);
	return NULL;
}

static double contended2(long iters)
{
	contended_iters = iters;
	go = 0;
	pthread_t t[2];
	for (uintptr_t c = 0; c < 2; c++)
		pthread_create(&t[c], NULL, contender, (void *)c);
	usleep(1000);
	double t0 = now_ns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (int c = 0; c < 2; c++)
		pthread_join(t[c], NULL);
	return (now_ns() - t0) / (double)(2 * iters);
}

/* release: the pure check, and hold + poll (+ duplicate suppression).
 * Vectors cycle through a ring of RING entries, like the OL's FIFO slots
 * (a FIFO's working set, not one vector per packet ever seen). */
#define RING 256
static double release_check(unsigned n, long pkts, double *poll_ns)
{
	uint64_t *ring = malloc((size_t)RING * n * sizeof(uint64_t));
	for (long p = 0; p < RING; p++)
		for (unsigned c = 0; c < n; c++)
			ring[(size_t)p * n + c] = (uint64_t)p * 3 + c;
#define VEC(p) (&ring[(size_t)((p) % RING) * n])
	uint64_t R[128];
	for (unsigned c = 0; c < n; c++)
		R[c] = (uint64_t)pkts * 3 + 200;
	double best = 1e30;
	volatile long ok = 0;
	for (int r = 0; r < 40; r++) {
		double t0 = now_ns();
		long k = 0;
		for (long p = 0; p < pkts; p++)
			k += ftmb_release_ok(VEC(p), R, n);
		double v = (now_ns() - t0) / (double)pkts;
		ok += k;
		if (v < best)
			best = v;
	}
	/* hold + release poll, FIFO of 1024, in chunks */
	struct ftmb_ol *ol = ftmb_ol_create(n, 1024);
	struct ftmb_pal pal = { 1, 2, 3 };
	static struct ftmb_pal pals[4096];
	for (int i = 0; i < 4096; i++)
		pals[i] = pal;
	for (unsigned c = 0; c < n; c++)
		for (uint64_t pos = 0; pos < (uint64_t)pkts * 3 + 200; pos += 4096) {
			uint64_t left = (uint64_t)pkts * 3 + 200 - pos;
			ftmb_ol_pal_batch(ol, c, pos, left < 4096 ? (uint32_t)left : 4096, pals);
		}
	*poll_ns = 1e30;
	for (long p = 0; p < pkts; p += 512) { /* 512 held, then released */
		double t0 = now_ns();
		for (long q = p; q < p + 512 && q < pkts; q++)
			ftmb_ol_hold(ol, 0, (uint64_t)q, 0, VEC(q), NULL);
		ftmb_ol_release_poll(ol, 0, NULL, NULL, 0);
		long m = pkts - p < 512 ? pkts - p : 512;
		double v = (now_ns() - t0) / (double)m;
		if (m == 512 && v < *poll_ns)
			*poll_ns = v;
	}
	ftmb_ol_destroy(ol);
	free(ring);
#undef VEC
	(void)ok;
	return best;
}

/* bytes on the stream per PAL: a standalone log of a typical workload
 * (5 accesses and one output per packet), PAL batch records only */
static double log_bytes_per_pal(double *all_bytes_per_pal)
{
	char path[256];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/ftmb-bench-%d.log", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (ftmb_sa_record(path, 1, 1) != 0)
		return -1;
	ftmb_core_bind(0);
	long pkts = 20000, pals = 0;
	for (long p = 0; p < pkts; p++) {
		ftmb_packet_begin((uint64_t)p + 1, 0);
		for (int k = 0; k < 5; k++, pals++) {
			__ftmb_begin(&v1);
			x1++;
			__ftmb_end(&v1, FTMB_RMW);
		}
		ftmb_core_emit_output(0, (uint64_t)p + 1, 0, NULL);
		ftmb_packet_end(1);
	}
	ftmb_sa_finish();
	struct stat st;
	stat(path, &st);
	unlink(path);
	/* record = 24-byte header; batch = header + 24 B/PAL; output = header + 8 B/core */
	double batch_bytes = (double)pkts * 24 + (double)pals * 24;
	*all_bytes_per_pal = (double)st.st_size / (double)pals;
	return batch_bytes / (double)pals;
}

int main(void)
{
	/* uncontended, RECORD */
	ftmb_core_init(2, 1, FTMB_MODE_RECORD);
	ftmb_core_set_sink(0, copy_sink, NULL);
	ftmb_core_set_sink(1, copy_sink, NULL);
	ftmb_core_bind(0);
	ftmb_packet_begin(1, 0);
	/* many short repetitions, keep the best: the machine may be shared,
	 * and a repetition that was never preempted shows the real cost */
	long iters = 200000;
	double base = best_of(40, iters, 0);
	double pal = best_of(40, iters, 1);
	ftmb_core_set_mode(FTMB_MODE_OFF);
	double off = best_of(40, iters, 1);
	ftmb_core_set_mode(FTMB_MODE_RECORD);
	ftmb_core_unbind();
	double cont = 1e30;
	for (int r = 0; r < 10; r++) {
		double v = contended2(200000);
		if (v < cont)
			cont = v;
	}
	double poll8, poll64;
	double rc8 = release_check(8, 20000, &poll8);
	double rc64 = release_check(64, 20000, &poll64);
	double allb;
	double lb = log_bytes_per_pal(&allb);
	fprintf(stderr, "bench_core: unprotected increment %.2f ns, OFF mode (lock+counter) %.2f ns\n", base, off);
	printf("pal_ns_uncontended,%.2f,ns\n", pal);
	printf("pal_ns_off_mode,%.2f,ns\n", off);
	printf("access_ns_unprotected,%.2f,ns\n", base);
	printf("pal_ns_contended2,%.2f,ns\n", cont);
	printf("release_check_ns_8cores,%.2f,ns\n", rc8);
	printf("release_check_ns_64cores,%.2f,ns\n", rc64);
	printf("release_hold_poll_ns_8cores,%.2f,ns\n", poll8);
	printf("release_hold_poll_ns_64cores,%.2f,ns\n", poll64);
	printf("log_bytes_per_pal,%.2f,bytes\n", lb);
	printf("log_bytes_per_pal_with_outputs,%.2f,bytes\n", allb);
	return 0;
}
