/*
 * standalone.c: ftmb without DPDK (see ftmb_standalone.h). The log file is
 * the concatenation of the cores' streams (each record whole, written under
 * one mutex), preceded by a header with the counters at the start of the
 * recording so that replay computes the cut from the same starting point.
 *
 * Layout (little-endian, host order):
 *   header: "FTMBLOG1" | u32 version=1 | u32 n_cores | u64 seed |
 *           u64 n_counters | n_counters x struct ftmb_counter_rec (48 B)
 *   record: u32 kind | u32 core | u64 a | u32 count | u32 out_idx  (24 B)
 *           PAL_BATCH: a = first_pos, count PALs (24 B each) follow
 *           OUTPUT:    a = pkt_id, count = n_vec, n_vec u64 follow
 *           NO_OUTPUT: a = pkt_id, nothing follows
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_cut.h"
#include "ftmb_internal.h"
#include "ftmb_replay.h"
#include "ftmb_standalone.h"
#include "ftmb_state.h"

#define LOG_MAGIC "FTMBLOG1"

struct file_rec {
	uint32_t kind;
	uint32_t core;
	uint64_t a;
	uint32_t count;
	uint32_t out_idx;
};
_Static_assert(sizeof(struct file_rec) == 24, "log record layout");

static FILE *log_file;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void file_sink(void *arg, const struct ftmb_rec *r)
{
	(void)arg;
	struct file_rec fr = { .kind = r->kind, .core = r->core };
	const void *payload = NULL;
	size_t plen = 0;
	switch (r->kind) {
	case FTMB_REC_PAL_BATCH:
		fr.a = r->first_pos;
		fr.count = r->count;
		payload = r->pals;
		plen = (size_t)r->count * sizeof(struct ftmb_pal);
		break;
	case FTMB_REC_OUTPUT:
		fr.a = r->pkt_id;
		fr.count = r->n_vec;
		fr.out_idx = r->out_idx;
		payload = r->vec;
		plen = (size_t)r->n_vec * sizeof(uint64_t);
		break;
	default:
		fr.a = r->pkt_id;
		break;
	}
	pthread_mutex_lock(&log_mu);
	if (log_file) {
		fwrite(&fr, sizeof(fr), 1, log_file);
		if (plen)
			fwrite(payload, 1, plen, log_file);
	}
	pthread_mutex_unlock(&log_mu);
}

int ftmb_sa_record(const char *path, unsigned n_cores, uint64_t seed)
{
	if (!path || !*path) {
		fprintf(stderr, "ftmb: record: no log path (set FTMB_LOG)\n");
		return -1;
	}
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	if (ftmb_core_init(n_cores, seed, FTMB_MODE_RECORD) != 0) {
		fclose(f);
		return -1;
	}
	size_t nc = ftmb_counters_save(NULL, 0);
	struct ftmb_counter_rec *cr = calloc(nc ? nc : 1, sizeof(*cr));
	if (!cr) {
		fclose(f);
		return -1;
	}
	nc = ftmb_counters_save(cr, nc);
	uint32_t ver = 1, n32 = n_cores;
	uint64_t n64 = nc;
	fwrite(LOG_MAGIC, 1, 8, f);
	fwrite(&ver, 4, 1, f);
	fwrite(&n32, 4, 1, f);
	fwrite(&seed, 8, 1, f);
	fwrite(&n64, 8, 1, f);
	fwrite(cr, sizeof(*cr), nc, f);
	free(cr);
	pthread_mutex_lock(&log_mu);
	log_file = f;
	pthread_mutex_unlock(&log_mu);
	for (unsigned c = 0; c < n_cores; c++)
		ftmb_core_set_sink(c, file_sink, NULL);
	return 0;
}

int ftmb_sa_finish(void)
{
	for (unsigned c = 0; c < ftmb_core_count(); c++)
		ftmb_core_flush(c);
	int rc = 0;
	pthread_mutex_lock(&log_mu);
	if (log_file) {
		rc = fclose(log_file) == 0 ? 0 : -1;
		log_file = NULL;
	}
	pthread_mutex_unlock(&log_mu);
	return rc;
}

static int read_header(FILE *f, const char *path, struct ftmb_sa_log *log,
		       struct ftmb_counter_rec **cr, size_t *ncr)
{
	char magic[8];
	uint32_t ver, n32;
	uint64_t n64;
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, LOG_MAGIC, 8) != 0 ||
	    fread(&ver, 4, 1, f) != 1 || fread(&n32, 4, 1, f) != 1 ||
	    fread(&log->seed, 8, 1, f) != 1 || fread(&n64, 8, 1, f) != 1) {
		fprintf(stderr, "ftmb: %s: not an ftmb log (bad header)\n", path);
		return -1;
	}
	if (ver != 1 || n32 < 1 || n32 > FTMB_MAX_CORES || n64 > (1u << 26)) {
		fprintf(stderr, "ftmb: %s: unsupported log (version %u, %u cores, %llu counters)\n",
			path, ver, n32, (unsigned long long)n64);
		return -1;
	}
	log->n_cores = n32;
	*cr = calloc(n64 ? n64 : 1, sizeof(**cr));
	if (!*cr || fread(*cr, sizeof(**cr), n64, f) != n64) {
		fprintf(stderr, "ftmb: %s: truncated header\n", path);
		free(*cr);
		*cr = NULL;
		return -1;
	}
	*ncr = n64;
	return 0;
}

static int read_log(const char *path, struct ftmb_sa_log *log, struct ftmb_counter_rec **cr,
		    size_t *ncr)
{
	memset(log, 0, sizeof(*log));
	*cr = NULL;
	*ncr = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	if (read_header(f, path, log, cr, ncr) != 0) {
		fclose(f);
		return -1;
	}
	size_t cap[FTMB_MAX_CORES] = { 0 };
	int stopped[FTMB_MAX_CORES] = { 0 };
	struct file_rec fr;
	int rc = 0;
	for (;;) {
		size_t got = fread(&fr, 1, sizeof(fr), f);
		if (got == 0)
			break;
		if (got != sizeof(fr)) {
			log->truncated = 1;
			break;
		}
		if (fr.core >= log->n_cores || fr.kind < FTMB_REC_PAL_BATCH || fr.kind > FTMB_REC_NO_OUTPUT ||
		    (fr.kind == FTMB_REC_OUTPUT && fr.count > FTMB_MAX_CORES) ||
		    (fr.kind == FTMB_REC_PAL_BATCH && (fr.count == 0 || fr.count > (1u << 24)))) {
			fprintf(stderr, "ftmb: %s: corrupt record (kind %u, core %u, count %u)\n", path,
				fr.kind, fr.core, fr.count);
			rc = -1;
			break;
		}
		if (fr.kind == FTMB_REC_PAL_BATCH) {
			unsigned c = fr.core;
			size_t n = log->n_pals[c];
			if (n + fr.count > cap[c]) {
				size_t nc = cap[c] ? cap[c] : 1024;
				while (nc < n + fr.count)
					nc *= 2;
				struct ftmb_pal *np = realloc(log->pals[c], nc * sizeof(*np));
				if (!np) {
					fprintf(stderr, "ftmb: %s: out of memory\n", path);
					rc = -1;
					break;
				}
				log->pals[c] = np;
				cap[c] = nc;
			}
			size_t rd = fread(log->pals[c] + n, sizeof(struct ftmb_pal), fr.count, f);
			if (rd != fr.count)
				log->truncated = 1;
			/* a batch not continuing the core's stream ends that stream */
			if (!stopped[c] && fr.a == n)
				log->n_pals[c] = n + rd;
			else
				stopped[c] = 1;
			if (log->truncated)
				break;
		} else if (fr.kind == FTMB_REC_OUTPUT) {
			uint64_t vec[FTMB_MAX_CORES];
			if (fread(vec, 8, fr.count, f) != fr.count) {
				log->truncated = 1;
				break;
			}
			log->n_outputs++;
		} else {
			log->n_no_outputs++;
		}
	}
	fclose(f);
	if (rc != 0) {
		ftmb_sa_log_free(log);
		free(*cr);
		*cr = NULL;
	}
	return rc;
}

int ftmb_sa_log_read(const char *path, struct ftmb_sa_log *log)
{
	struct ftmb_counter_rec *cr;
	size_t ncr;
	int rc = read_log(path, log, &cr, &ncr);
	free(cr);
	return rc;
}

void ftmb_sa_log_free(struct ftmb_sa_log *log)
{
	for (unsigned c = 0; c < FTMB_MAX_CORES; c++) {
		free(log->pals[c]);
		log->pals[c] = NULL;
		log->n_pals[c] = 0;
	}
}

int ftmb_sa_replay(const char *path)
{
	if (!path || !*path) {
		fprintf(stderr, "ftmb: replay: no log path (set FTMB_LOG)\n");
		return -1;
	}
	struct ftmb_sa_log log;
	struct ftmb_counter_rec *cr;
	size_t ncr;
	if (read_log(path, &log, &cr, &ncr) != 0)
		return -1;
	int rc = -1;
	struct ftmb_var_count *vc = calloc(ncr ? ncr : 1, sizeof(*vc));
	size_t keep[FTMB_MAX_CORES];
	if (!vc)
		goto out;
	for (size_t i = 0; i < ncr; i++) {
		vc[i].var_id = cr[i].var_id;
		vc[i].counter = cr[i].counter;
		ftmb_var_t *v = ftmb_var_find(cr[i].var_id);
		if (v && v->counter != cr[i].counter)
			fprintf(stderr, "ftmb: replay: warning: '%s' counter is %llu here but was %llu "
				"when recording started\n", v->name ? v->name : "?",
				(unsigned long long)v->counter, (unsigned long long)cr[i].counter);
	}
	struct ftmb_cut_input in = {
		.n_cores = log.n_cores,
		.pals = (const struct ftmb_pal *const *)log.pals,
		.n_pals = log.n_pals,
		.counters = vc,
		.n_counters = ncr,
	};
	if (ftmb_cut_compute(&in, keep) != 0)
		goto out;
	if (ftmb_core_init(log.n_cores, log.seed, FTMB_MODE_REPLAY) != 0)
		goto out;
	rc = ftmb_replay_load((const struct ftmb_pal *const *)log.pals, keep);
out:
	free(vc);
	free(cr);
	ftmb_sa_log_free(&log);
	return rc;
}

/* ---- environment-driven mode (single-threaded test programs) ---- */
const int ftmb_standalone_env_hook = 1;
static int env_active;

static void env_finish(void)
{
	if (!env_active)
		return;
	env_active = 0;
	if (ftmb_core_self() == 0)
		ftmb_packet_end(1);
	ftmb_sa_finish();
}

__attribute__((constructor)) static void ftmb_env_init(void)
{
	const char *mode = getenv("FTMB_MODE");
	if (!mode || !*mode || strcmp(mode, "off") == 0)
		return;
	const char *path = getenv("FTMB_LOG");
	const char *cores = getenv("FTMB_CORES");
	const char *seed = getenv("FTMB_SEED");
	const char *tns = getenv("FTMB_TIME_NS");
	unsigned n = cores && *cores ? (unsigned)strtoul(cores, NULL, 0) : 1;
	uint64_t s = seed && *seed ? strtoull(seed, NULL, 0) : 0;
	uint64_t ts = tns && *tns ? strtoull(tns, NULL, 0) : 0;
	int rc;
	if (strcmp(mode, "record") == 0) {
		rc = ftmb_sa_record(path, n, s);
	} else if (strcmp(mode, "replay") == 0) {
		rc = ftmb_sa_replay(path);
	} else {
		fprintf(stderr, "ftmb: FTMB_MODE=%s: expected off, record or replay\n", mode);
		exit(2);
	}
	if (rc != 0) {
		fprintf(stderr, "ftmb: FTMB_MODE=%s FTMB_LOG=%s: cannot start\n", mode, path ? path : "");
		exit(2);
	}
	ftmb_core_bind(0);
	ftmb_packet_begin(0, ts);
	env_active = 1;
	atexit(env_finish);
}
