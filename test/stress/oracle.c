/*
 * oracle.c: see oracle.h. Deliberately simple and separate from the
 * runtime: plain arrays and linear scans, vector clocks, a literal
 * fixpoint. Slow is fine; wrong is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

struct pkt_dep {
	unsigned core;
	uint64_t pkt;
	uint64_t *dep;
};

struct oracle {
	unsigned n;
	struct pkt_dep *deps;
	size_t n_deps;
	const struct oracle_trace *t;
	size_t verified[FTMB_MAX_CORES]; /* OL store checked equal up to here */
};

/* a tiny map var id -> index, linear (few variables) */
struct vars {
	uint64_t *id;
	uint64_t *next_seq;
	uint64_t **vc;
	size_t n, cap;
	unsigned ncores;
};

static size_t var_index(struct vars *v, uint64_t id)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->id[i] == id)
			return i;
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->id = realloc(v->id, v->cap * sizeof(uint64_t));
		v->next_seq = realloc(v->next_seq, v->cap * sizeof(uint64_t));
		v->vc = realloc(v->vc, v->cap * sizeof(uint64_t *));
	}
	v->id[v->n] = id;
	v->next_seq[v->n] = 1;
	v->vc[v->n] = calloc(v->ncores, sizeof(uint64_t));
	return v->n++;
}

struct oracle *oracle_build(const struct oracle_trace *t, char *err, size_t errcap)
{
	unsigned n = t->n_cores;
	struct vars vars = { .ncores = n };
	uint64_t *vc[FTMB_MAX_CORES];
	size_t pos[FTMB_MAX_CORES] = { 0 };
	size_t total_pkts = 0;
	for (unsigned c = 0; c < n; c++) {
		vc[c] = calloc(n, sizeof(uint64_t));
		total_pkts += t->n_pkts[c];
	}
	struct oracle *o = calloc(1, sizeof(*o));
	o->n = n;
	o->t = t;
	o->deps = calloc(total_pkts + 1, sizeof(struct pkt_dep));
	/* dep after each PAL, per core: last PAL index of each packet */
	uint64_t **after = calloc(n, sizeof(uint64_t *));
	for (unsigned c = 0; c < n; c++)
		after[c] = calloc((t->n_pals[c] + 1) * n, sizeof(uint64_t));
	/* simulate: place any PAL whose seq is its variable's next */
	int progress = 1;
	while (progress) {
		progress = 0;
		for (unsigned c = 0; c < n; c++) {
			while (pos[c] < t->n_pals[c]) {
				const struct ftmb_pal *p = &t->pals[c][pos[c]];
				size_t vi = var_index(&vars, p->var_id);
				if (p->seq != vars.next_seq[vi])
					break;
				vars.next_seq[vi]++;
				for (unsigned d = 0; d < n; d++)
					if (vars.vc[vi][d] > vc[c][d])
						vc[c][d] = vars.vc[vi][d];
				vc[c][c] = pos[c] + 1;
				memcpy(vars.vc[vi], vc[c], n * sizeof(uint64_t));
				memcpy(&after[c][(pos[c] + 1) * n], vc[c], n * sizeof(uint64_t));
				pos[c]++;
				progress = 1;
			}
		}
	}
	int ok = 1;
	for (unsigned c = 0; c < n; c++)
		if (pos[c] != t->n_pals[c]) {
			const struct ftmb_pal *p = &t->pals[c][pos[c]];
			snprintf(err, errcap, "trace is not an execution: core %u PAL #%zu (var %llx seq %llu) "
				 "can never be placed", c, pos[c], (unsigned long long)p->var_id,
				 (unsigned long long)p->seq);
			ok = 0;
			break;
		}
	/* dep(packet) = vc after its last PAL, or the previous packet's dep */
	for (unsigned c = 0; c < n && ok; c++) {
		size_t pi = 0; /* index into this core's PALs */
		uint64_t *prev = calloc(n, sizeof(uint64_t));
		for (size_t k = 0; k < t->n_pkts[c]; k++) {
			uint64_t pkt = t->pkts[c][k];
			size_t last = 0;
			int has = 0;
			while (pi < t->n_pals[c] && t->pals[c][pi].pkt_id == pkt) {
				pi++;
				last = pi;
				has = 1;
			}
			uint64_t *dep = calloc(n, sizeof(uint64_t));
			memcpy(dep, has ? &after[c][last * n] : prev, n * sizeof(uint64_t));
			memcpy(prev, dep, n * sizeof(uint64_t));
			o->deps[o->n_deps++] = (struct pkt_dep){ c, pkt, dep };
		}
		if (pi != t->n_pals[c]) {
			snprintf(err, errcap, "core %u has PALs of packets not in its packet order", c);
			ok = 0;
		}
		free(prev);
	}
	for (unsigned c = 0; c < n; c++) {
		free(vc[c]);
		free(after[c]);
	}
	free(after);
	for (size_t i = 0; i < vars.n; i++)
		free(vars.vc[i]);
	free(vars.vc);
	free(vars.id);
	free(vars.next_seq);
	if (!ok) {
		oracle_free(o);
		return NULL;
	}
	return o;
}

void oracle_free(struct oracle *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_deps; i++)
		free(o->deps[i].dep);
	free(o->deps);
	free(o);
}

const uint64_t *oracle_dep(const struct oracle *o, unsigned core, uint64_t pkt_id)
{
	for (size_t i = 0; i < o->n_deps; i++)
		if (o->deps[i].core == core && o->deps[i].pkt == pkt_id)
			return o->deps[i].dep;
	return NULL;
}

int oracle_check_release(const struct oracle *o, unsigned core, uint64_t pkt_id,
			 const struct ftmb_pal *const *held, const size_t *n_held,
			 char *err, size_t errcap)
{
	const uint64_t *dep = oracle_dep(o, core, pkt_id);
	if (!dep) {
		snprintf(err, errcap, "released packet %llu of core %u is not in the trace",
			 (unsigned long long)pkt_id, core);
		return -1;
	}
	for (unsigned c = 0; c < o->n; c++) {
		if (n_held[c] < dep[c]) {
			snprintf(err, errcap, "packet %llu (core %u) released before PAL #%llu of core %u "
				 "reached the OL (it holds %zu)", (unsigned long long)pkt_id, core,
				 (unsigned long long)(dep[c] - 1), c, n_held[c]);
			return -1;
		}
		struct oracle *mo = (struct oracle *)o; /* cache: the store only grows */
		for (uint64_t i = mo->verified[c]; i < dep[c]; i++, mo->verified[c] = i) {
			const struct ftmb_pal *a = &held[c][i], *b = &o->t->pals[c][i];
			if (a->pkt_id != b->pkt_id || a->var_id != b->var_id || a->seq != b->seq) {
				snprintf(err, errcap, "OL holds a wrong PAL at core %u position %llu", c,
					 (unsigned long long)i);
				return -1;
			}
		}
	}
	return 0;
}

/* set of (var, seq) kept, rebuilt from scratch each round */
struct pair_set {
	uint64_t *var, *seq;
	unsigned char *used;
	size_t mask;
};

static size_t pair_slot(const struct pair_set *s, uint64_t var, uint64_t seq)
{
	uint64_t h = (var * 0x9e3779b97f4a7c15ULL) ^ (seq * 0xc2b2ae3d27d4eb4fULL);
	size_t i = (size_t)(h ^ (h >> 31)) & s->mask;
	while (s->used[i] && !(s->var[i] == var && s->seq[i] == seq))
		i = (i + 1) & s->mask;
	return i;
}

void oracle_cut(unsigned n, const struct ftmb_pal *const *held, const size_t *n_held, size_t *keep)
{
	size_t total = 0;
	for (unsigned c = 0; c < n; c++) {
		keep[c] = n_held[c];
		total += n_held[c];
	}
	size_t cap = 16;
	while (cap < 2 * total + 2)
		cap <<= 1;
	struct pair_set s = { malloc(cap * 8), malloc(cap * 8), malloc(cap), cap - 1 };
	int changed = 1;
	while (changed) {
		changed = 0;
		memset(s.used, 0, cap);
		for (unsigned c = 0; c < n; c++)
			for (size_t i = 0; i < keep[c]; i++) {
				size_t k = pair_slot(&s, held[c][i].var_id, held[c][i].seq);
				s.used[k] = 1;
				s.var[k] = held[c][i].var_id;
				s.seq[k] = held[c][i].seq;
			}
		for (unsigned c = 0; c < n && !changed; c++)
			for (size_t i = 0; i < keep[c]; i++) {
				const struct ftmb_pal *p = &held[c][i];
				if (p->seq == 0 ||
				    (p->seq > 1 && !s.used[pair_slot(&s, p->var_id, p->seq - 1)])) {
					keep[c] = i; /* drop it and the rest of its core's stream */
					changed = 1;
					break;
				}
			}
	}
	free(s.var);
	free(s.seq);
	free(s.used);
}
