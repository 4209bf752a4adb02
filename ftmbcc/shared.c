/*
 * shared.c: which declarations are shared state.
 *
 * Shared are: variables annotated __ftmb_shared (file scope, extern in a
 * header, or function static), annotated struct members, and annotated
 * struct/union types. The annotation is an `annotate("ftmb_shared")`
 * attribute; clang copies inherited attributes onto later redeclarations,
 * so the annotation on a header's `extern` declaration is visible on the
 * definition in another file. Declarations are identified by their USR
 * (identical for all redeclarations, distinct for a shadowing local) and
 * looked up lazily: each distinct declaration is inspected once and the
 * answer cached in a hash table, so the cost is linear in the number of
 * references.
 */
#include "ftmbcc.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char *usr;
	int kind; /* 0 none, 1 var, 2 type */
	void *val;
};

/* Second-level cache keyed by the declaration's address inside libclang
 * (CXCursor.data[0]) and a tag: a hit avoids computing a USR string. */
struct pentry {
	uintptr_t key;
	int set;
	void *val;
};

struct shared_db {
	struct pentry *ptab;
	size_t pcap, pn;
	const char *file_base;
	struct entry *tab;
	size_t cap, n;
	struct shared_var **vars;
	size_t nvars;
};

struct shared_db *shared_new(const char *file_base)
{
	struct shared_db *db = xmalloc(sizeof *db);
	*db = (struct shared_db){ .file_base = file_base, .cap = 256, .pcap = 1024 };
	db->tab = calloc(db->cap, sizeof *db->tab);
	db->ptab = calloc(db->pcap, sizeof *db->ptab);
	return db;
}

static uintptr_t pkey(CXCursor c, int tag)
{
	return ((uintptr_t)c.data[0] << 2) | (uintptr_t)tag;
}

static struct pentry *pfind(struct shared_db *db, uintptr_t key)
{
	size_t h = (size_t)(key * 0x9e3779b97f4a7c15ull >> 17);
	for (size_t i = h & (db->pcap - 1);; i = (i + 1) & (db->pcap - 1))
		if (!db->ptab[i].set || db->ptab[i].key == key)
			return &db->ptab[i];
}

static int pget(struct shared_db *db, CXCursor c, int tag, void **val)
{
	struct pentry *e = pfind(db, pkey(c, tag));
	if (!e->set)
		return 0;
	*val = e->val;
	return 1;
}

static void *pput(struct shared_db *db, CXCursor c, int tag, void *val)
{
	if ((db->pn + 1) * 2 > db->pcap) {
		struct pentry *old = db->ptab;
		size_t oc = db->pcap;
		db->pcap *= 2;
		db->ptab = calloc(db->pcap, sizeof *db->ptab);
		for (size_t i = 0; i < oc; i++)
			if (old[i].set)
				*pfind(db, old[i].key) = old[i];
		free(old);
	}
	struct pentry *e = pfind(db, pkey(c, tag));
	if (!e->set)
		db->pn++;
	*e = (struct pentry){ pkey(c, tag), 1, val };
	return val;
}

static struct entry *lookup(struct shared_db *db, const char *usr)
{
	size_t h = (size_t)fnv1a64(usr);
	for (size_t i = h & (db->cap - 1);; i = (i + 1) & (db->cap - 1)) {
		if (!db->tab[i].usr || !strcmp(db->tab[i].usr, usr))
			return &db->tab[i];
	}
}

static struct entry *insert(struct shared_db *db, const char *usr)
{
	if ((db->n + 1) * 2 > db->cap) {
		struct entry *old = db->tab;
		size_t oc = db->cap;
		db->cap *= 2;
		db->tab = calloc(db->cap, sizeof *db->tab);
		for (size_t i = 0; i < oc; i++)
			if (old[i].usr)
				*lookup(db, old[i].usr) = old[i];
		free(old);
	}
	struct entry *e = lookup(db, usr);
	if (!e->usr) {
		e->usr = xstrdup(usr);
		db->n++;
	}
	return e;
}

char *cursor_usr(CXCursor c)
{
	CXString s = clang_getCursorUSR(c);
	char *r = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

static char *spelling(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *r = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

struct ann { const char *what; int found; };

static enum CXChildVisitResult find_ann(CXCursor c, CXCursor p, CXClientData d)
{
	(void)p;
	struct ann *a = d;
	if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
		CXString s = clang_getCursorSpelling(c);
		if (!strcmp(clang_getCString(s), a->what))
			a->found = 1;
		clang_disposeString(s);
		if (a->found)
			return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

int cursor_has_annotation(CXCursor c, const char *what)
{
	struct ann a = { what, 0 };
	clang_visitChildren(c, find_ann, &a);
	return a.found;
}

static int any_redecl_annotated(CXCursor c)
{
	if (cursor_has_annotation(c, "ftmb_shared"))
		return 1;
	CXCursor k = clang_getCanonicalCursor(c);
	if (!clang_Cursor_isNull(k) && cursor_has_annotation(k, "ftmb_shared"))
		return 1;
	CXCursor d = clang_getCursorDefinition(c);
	return !clang_Cursor_isNull(d) && cursor_has_annotation(d, "ftmb_shared");
}

static struct shared_var *var_of(struct shared_db *db, CXCursor decl, const char *func_name);

struct shared_var *shared_var_of(struct shared_db *db, CXCursor decl,
				 const char *func_name)
{
	void *v;
	if (pget(db, decl, 0, &v))
		return v;
	return pput(db, decl, 0, var_of(db, decl, func_name));
}

static struct shared_var *var_of(struct shared_db *db, CXCursor decl, const char *func_name)
{
	if (clang_getCursorKind(decl) != CXCursor_VarDecl)
		return NULL;
	char *usr = cursor_usr(decl);
	struct entry *e = lookup(db, usr);
	if (e->usr) {
		free(usr);
		return e->kind == 1 ? e->val : NULL;
	}
	e = insert(db, usr);
	free(usr);
	e->kind = 0;
	if (!any_redecl_annotated(decl))
		return NULL;
	CXCursor parent = clang_getCursorSemanticParent(decl);
	enum CXCursorKind pk = clang_getCursorKind(parent);
	enum CX_StorageClass sc = clang_Cursor_getStorageClass(decl);
	int func_static = pk == CXCursor_FunctionDecl;
	if (func_static && sc != CX_SC_Static)
		return NULL; /* automatic variable: not shared state */
	struct shared_var *v = xmalloc(sizeof *v);
	*v = (struct shared_var){ 0 };
	v->usr = xstrdup(e->usr);
	v->name = spelling(decl);
	struct strbuf q = { 0 }, d = { 0 };
	if (func_static) {
		char *fn = func_name ? xstrdup(func_name) : spelling(parent);
		sb_printf(&q, "%s:%s:%s", db->file_base, fn, v->name);
		sb_printf(&d, "__ftmb_fsvar_%s__%s", fn, v->name);
		free(fn);
		v->is_static = 1;
	} else if (clang_getCursorLinkage(decl) == CXLinkage_Internal) {
		sb_printf(&q, "%s:%s", db->file_base, v->name);
		sb_printf(&d, "__ftmb_svar_%s", v->name);
		v->is_static = 1;
	} else {
		sb_puts(&q, v->name);
		sb_printf(&d, "__ftmb_var_%s", v->name);
	}
	v->qname = sb_take(&q);
	v->desc = sb_take(&d);
	v->id = fnv1a64(v->qname);
	e->kind = 1;
	e->val = v;
	db->vars = xrealloc(db->vars, (db->nvars + 1) * sizeof *db->vars);
	db->vars[db->nvars++] = v;
	return v;
}

static struct shared_type *make_type(CXCursor rec)
{
	struct shared_type *t = xmalloc(sizeof *t);
	t->usr = cursor_usr(rec);
	CXString s = clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(rec)));
	t->name = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	t->id = fnv1a64(t->name);
	t->field_level = 0;
	return t;
}

/* Cache keys: "R:<usr>" for records, "F:<usr>" for fields; kind 2 = shared
 * (val = type), kind 3 = not shared. */
static struct entry *cached(struct shared_db *db, const char *prefix, CXCursor c, int *hit)
{
	char *usr = cursor_usr(c);
	struct strbuf k = { 0 };
	sb_printf(&k, "%s%s", prefix, usr);
	free(usr);
	struct entry *e = lookup(db, k.s);
	*hit = e->usr != NULL;
	if (!*hit)
		e = insert(db, k.s);
	free(k.s);
	return e;
}

static struct shared_type *record_type(struct shared_db *db, CXCursor rec)
{
	int hit;
	struct entry *e = cached(db, "R:", rec, &hit);
	if (!hit) {
		int ann = any_redecl_annotated(rec);
		e->kind = ann ? 2 : 3;
		e->val = ann ? make_type(rec) : NULL;
	}
	return e->kind == 2 ? e->val : NULL;
}

struct shared_type *shared_type_of_record(struct shared_db *db, CXType ty)
{
	ty = clang_getCanonicalType(ty);
	if (ty.kind != CXType_Record)
		return NULL;
	CXCursor rec = clang_getTypeDeclaration(ty);
	if (clang_Cursor_isNull(rec))
		return NULL;
	void *v;
	if (pget(db, rec, 1, &v))
		return v;
	return pput(db, rec, 1, record_type(db, rec));
}

struct shared_type *shared_type_of_field(struct shared_db *db, CXCursor field)
{
	if (clang_getCursorKind(field) != CXCursor_FieldDecl)
		return NULL;
	void *v;
	if (pget(db, field, 2, &v))
		return v;
	int hit;
	struct entry *e = cached(db, "F:", field, &hit);
	if (!hit) {
		CXCursor rec = clang_getCursorSemanticParent(field);
		struct shared_type *t = record_type(db, rec);
		if (!t && cursor_has_annotation(field, "ftmb_shared")) {
			t = make_type(rec);
			t->field_level = 1;
		}
		e->kind = t ? 2 : 3;
		e->val = t;
	}
	return pput(db, field, 2, e->kind == 2 ? e->val : NULL);
}

size_t shared_vars(struct shared_db *db, struct shared_var ***out)
{
	*out = db->vars;
	return db->nvars;
}

void shared_free(struct shared_db *db)
{
	if (!db)
		return;
	/* Field entries may point at record types: free field-level types
	 * first, while every type is still alive, then the rest. */
	for (size_t i = 0; i < db->cap; i++) {
		struct entry *e = &db->tab[i];
		if (e->usr && e->usr[0] == 'F' && e->kind == 2 &&
		    ((struct shared_type *)e->val)->field_level) {
			struct shared_type *t = e->val;
			free(t->usr);
			free(t->name);
			free(t);
		}
	}
	for (size_t i = 0; i < db->cap; i++) {
		struct entry *e = &db->tab[i];
		if (!e->usr)
			continue;
		if (e->kind == 1) {
			struct shared_var *v = e->val;
			free(v->usr);
			free(v->name);
			free(v->qname);
			free(v->desc);
			free(v);
		} else if (e->kind == 2 && e->usr[0] == 'R') {
			struct shared_type *t = e->val;
			free(t->usr);
			free(t->name);
			free(t);
		}
		free(e->usr);
	}
	free(db->tab);
	free(db->ptab);
	free(db->vars);
	free(db);
}
