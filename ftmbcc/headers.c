/*
 * headers.c: functions defined in headers that touch shared state.
 *
 * ftmbcc rewrites the file it compiles; a `static inline` function defined
 * in a (non-system) header and called from that file would run unlogged.
 * Theory of operation: visit.c records every such function the file
 * references (with the first use site); here each is scanned once, and the
 * functions *they* reference are added to the same worklist, so the check
 * is transitive and linear in the size of the functions reached. A
 * reference to a shared variable, a shared member or a member of a shared
 * type makes the first use site in the main file an error. Audited
 * functions (__ftmb_audited) are skipped, as in the main file.
 */
#include "ftmbcc.h"

#include <stdlib.h>
#include <string.h>

struct scan {
	struct unit *u;
	const char *what; /* first shared thing found */
	char *what_buf;
	unsigned use_off;
};

static int interesting(CXCursor def)
{
	CXSourceLocation l = clang_getCursorLocation(def);
	return !clang_Cursor_isNull(def) && !clang_Location_isFromMainFile(l) &&
	       !clang_Location_isInSystemHeader(l) && clang_isCursorDefinition(def);
}

void headers_note_call(struct unit *u, CXCursor fn, unsigned use_off)
{
	CXCursor def = clang_getCursorDefinition(fn);
	if (!interesting(def))
		return;
	for (size_t i = 0; i < u->n_hdr_fns; i++)
		if (clang_equalCursors(u->hdr_fns[i].def, def))
			return;
	u->hdr_fns = xrealloc(u->hdr_fns, (u->n_hdr_fns + 1) * sizeof *u->hdr_fns);
	u->hdr_fns[u->n_hdr_fns++] = (struct hdr_fn){ def, use_off };
}

static enum CXChildVisitResult scan_body(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct scan *sc = d;
	struct unit *u = sc->u;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_UnaryExpr)
		return CXChildVisit_Continue; /* sizeof / _Alignof: unevaluated */
	if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
		CXCursor ref = clang_getCursorReferenced(c);
		enum CXCursorKind rk = clang_getCursorKind(ref);
		if (rk == CXCursor_FunctionDecl) {
			headers_note_call(u, ref, sc->use_off);
		} else if (!sc->what && rk == CXCursor_VarDecl) {
			struct shared_var *v = shared_var_of(u->db, ref, NULL);
			struct shared_type *t = shared_type_of_record(u->db, clang_getCursorType(ref));
			if (v)
				sc->what = v->qname;
			else if (t)
				sc->what = t->name;
		} else if (!sc->what && rk == CXCursor_FieldDecl) {
			struct shared_type *t = shared_type_of_field(u->db, ref);
			if (t)
				sc->what = t->name;
		}
	}
	return CXChildVisit_Recurse;
}

void headers_check(struct unit *u)
{
	for (size_t i = 0; i < u->n_hdr_fns; i++) {
		CXCursor def = u->hdr_fns[i].def;
		if (cursor_has_annotation(def, "ftmb_audited"))
			continue;
		struct scan sc = { u, NULL, NULL, u->hdr_fns[i].use_off };
		clang_visitChildren(def, scan_body, &sc);
		if (!sc.what)
			continue;
		CXString name = clang_getCursorSpelling(def);
		CXFile f;
		unsigned line;
		clang_getSpellingLocation(clang_getCursorLocation(def), &f, &line, NULL, NULL);
		CXString fname = clang_getFileName(f);
		diag_at(&u->src, sc.use_off, "error", "header",
			"function '%s' (defined in %s:%u) accesses shared state '%s', but ftmbcc only "
			"rewrites the file it compiles",
			clang_getCString(name), clang_getCString(fname), line, sc.what);
		diag_note(&u->src, sc.use_off,
			  "define the function in a .c file, or mark it __ftmb_audited after review");
		u->errors++;
		clang_disposeString(name);
		clang_disposeString(fname);
	}
	free(u->hdr_fns);
	u->hdr_fns = NULL;
	u->n_hdr_fns = 0;
}
