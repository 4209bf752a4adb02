/*
 * registry.c: registered globals and descriptors (what a checkpoint saves).
 *
 * ftmbcc emits, per translation unit, a constructor calling
 * __ftmb_register_tu with the TU's file-scope/static variables (globals)
 * and the descriptors it uses. A weak descriptor merged by the linker is
 * passed by several TUs: it is registered once (FTMB_VARF_REGISTERED). A
 * global passed twice (same address) is kept once. Two different
 * descriptors with one id, or two globals with one id at different
 * addresses, would make checkpoints ambiguous: reported on stderr.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftmb_internal.h"
#include "ftmb_state.h"

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static ftmb_var_t *var_head;
static size_t var_count;
static struct ftmb_global *globals;
static size_t n_globals, cap_globals;

static ftmb_var_t *find_registered(uint64_t id)
{
	for (ftmb_var_t *v = var_head; v; v = v->next)
		if (v->id == id)
			return v;
	return NULL;
}

void ftmb_registry_add_var(ftmb_var_t *v)
{
	pthread_mutex_lock(&reg_mu);
	if (!(v->flags & FTMB_VARF_REGISTERED)) {
		ftmb_var_t *other = find_registered(v->id);
		if (other)
			fprintf(stderr, "ftmb: two descriptors share id %016llx ('%s' and '%s')\n",
				(unsigned long long)v->id, other->name ? other->name : "?",
				v->name ? v->name : "?");
		v->flags |= FTMB_VARF_REGISTERED;
		v->next = var_head;
		var_head = v;
		var_count++;
	}
	pthread_mutex_unlock(&reg_mu);
}

static void add_global(const struct ftmb_global *g)
{
	for (size_t i = 0; i < n_globals; i++) {
		if (globals[i].addr == g->addr)
			return;
		if (globals[i].id == g->id)
			fprintf(stderr, "ftmb: two globals share id %016llx ('%s')\n",
				(unsigned long long)g->id, g->name ? g->name : "?");
	}
	if (n_globals == cap_globals) {
		size_t nc = cap_globals ? 2 * cap_globals : 64;
		struct ftmb_global *ng = realloc(globals, nc * sizeof(*ng));
		if (!ng) {
			fprintf(stderr, "ftmb: out of memory registering '%s'\n", g->name ? g->name : "?");
			return;
		}
		globals = ng;
		cap_globals = nc;
	}
	globals[n_globals++] = *g;
}

void __ftmb_register_tu(const char *tu, int abi_version, struct ftmb_global *gs,
			size_t ng, ftmb_var_t *const *vars, size_t nv)
{
	if (abi_version != FTMB_ABI_VERSION) {
		fprintf(stderr, "ftmb: %s was compiled for runtime ABI %d, this runtime is ABI %d\n",
			tu ? tu : "?", abi_version, FTMB_ABI_VERSION);
		abort();
	}
	for (size_t i = 0; i < nv; i++)
		if (vars[i])
			ftmb_registry_add_var(vars[i]);
	pthread_mutex_lock(&reg_mu);
	for (size_t i = 0; i < ng; i++)
		add_global(&gs[i]);
	pthread_mutex_unlock(&reg_mu);
}

size_t ftmb_globals_count(void) { return n_globals; }

const struct ftmb_global *ftmb_global_at(size_t i)
{
	return i < n_globals ? &globals[i] : NULL;
}

const struct ftmb_global *ftmb_global_find(uint64_t id)
{
	for (size_t i = 0; i < n_globals; i++)
		if (globals[i].id == id)
			return &globals[i];
	return NULL;
}

const struct ftmb_global *ftmb_global_containing(const void *p)
{
	const char *a = p;
	for (size_t i = 0; i < n_globals; i++) {
		const char *b = globals[i].addr;
		if (a >= b && a < b + globals[i].size)
			return &globals[i];
	}
	return NULL;
}

int ftmb_vars_foreach(ftmb_var_fn fn, void *arg)
{
	ftmb_arena_var(); /* make sure the allocator's descriptor is registered */
	for (ftmb_var_t *v = var_head; v; v = v->next) {
		int r = fn(v, arg);
		if (r)
			return r;
	}
	int stop = 0;
	ftmb_obj_foreach_internal(fn, arg, &stop);
	return stop;
}

size_t ftmb_vars_count(void)
{
	ftmb_arena_var();
	return var_count + ftmb_obj_count();
}

struct find_arg {
	uint64_t id;
	ftmb_var_t *found;
};

static int find_cb(ftmb_var_t *v, void *arg)
{
	struct find_arg *f = arg;
	if (v->id == f->id) {
		f->found = v;
		return 1;
	}
	return 0;
}

ftmb_var_t *ftmb_var_find(uint64_t id)
{
	struct find_arg f = { id, NULL };
	ftmb_vars_foreach(find_cb, &f);
	return f.found;
}

struct save_arg {
	struct ftmb_counter_rec *out;
	size_t cap, n;
};

static int save_cb(ftmb_var_t *v, void *arg)
{
	struct save_arg *s = arg;
	if (s->n < s->cap) {
		struct ftmb_counter_rec *r = &s->out[s->n];
		memset(r, 0, sizeof(*r));
		r->var_id = v->id;
		r->counter = __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);
		r->flags = v->flags;
		ftmb_obj_info(v, &r->type_id, &r->key);
	}
	s->n++;
	return 0;
}

size_t ftmb_counters_save(struct ftmb_counter_rec *out, size_t cap)
{
	struct save_arg s = { out, cap, 0 };
	ftmb_vars_foreach(save_cb, &s);
	return s.n;
}

int ftmb_counters_restore(const struct ftmb_counter_rec *recs, size_t n)
{
	ftmb_arena_var();
	for (ftmb_var_t *v = var_head; v; v = v->next)
		__atomic_store_n(&v->counter, 0, __ATOMIC_RELEASE);
	ftmb_obj_reset_counters();
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ftmb_counter_rec *r = &recs[i];
		ftmb_var_t *v;
		if (r->flags & FTMB_VARF_OBJECT)
			v = ftmb_obj_lookup_create(r->type_id, r->key, NULL);
		else
			v = find_registered(r->var_id);
		if (!v) {
			fprintf(stderr, "ftmb: restore: descriptor %016llx is not known in this process "
				"(different binary?)\n", (unsigned long long)r->var_id);
			rc = -1;
			continue;
		}
		__atomic_store_n(&v->counter, r->counter, __ATOMIC_RELEASE);
	}
	return rc;
}
