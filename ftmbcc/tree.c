/*
 * tree.c: a copy of libclang's cursor tree with parent links and byte
 * ranges. libclang gives expressions no parent pointer; classification
 * (visit.c) needs to look upward (is this lvalue assigned? its address
 * taken? under sizeof?), so each top-level declaration of the main file is
 * copied once into this tree (linear in its size).
 *
 * Ranges: a node is `inplace` when its text is spelled contiguously in the
 * main file, either as plain code (spelling == expansion location at both
 * ends) or entirely inside one macro argument (spelled after the macro
 * name of the same expansion). Nodes from a macro body are not inplace;
 * their expansion offset (the macro name) is kept for diagnostics.
 */
#include "ftmbcc.h"

#include <stdlib.h>

struct build {
	struct tree_ctx *t;
	struct node *parent;
};

static int in_main(struct tree_ctx *t, CXFile f)
{
	return f && clang_File_isEqual(f, t->main_file);
}

static void set_range(struct tree_ctx *t, struct node *n)
{
	CXSourceRange r = clang_getCursorExtent(n->c);
	CXSourceLocation a = clang_getRangeStart(r), b = clang_getRangeEnd(r);
	CXFile sf, ef, sfe, efe;
	unsigned so, eo, soe, eoe;
	clang_getSpellingLocation(a, &sf, NULL, NULL, &so);
	clang_getExpansionLocation(a, &ef, NULL, NULL, &eo);
	clang_getSpellingLocation(b, &sfe, NULL, NULL, &soe);
	clang_getExpansionLocation(b, &efe, NULL, NULL, &eoe);
	n->exp_main = in_main(t, ef);
	n->exp_off = eo;
	n->inplace = 0;
	n->xok = n->exp_main && in_main(t, sfe) && soe == eoe && eo < soe;
	n->xe = soe;
	if (!in_main(t, sf) || !in_main(t, ef) || !in_main(t, sfe) || !in_main(t, efe))
		return;
	if (so == eo && soe == eoe && so <= soe) {
		n->inplace = 1; /* plain code */
	} else if (so > eo && soe > eoe && eo == eoe && so <= soe) {
		n->inplace = 1; /* inside one macro argument */
	} else {
		return;
	}
	n->s = so;
	n->e = soe;
}

static enum CXChildVisitResult add_child(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct build *b = d;
	struct node *p = b->parent;
	struct node *n = xmalloc(sizeof *n);
	*n = (struct node){ .c = c, .kind = clang_getCursorKind(c), .parent = p };
	set_range(b->t, n);
	if ((p->nkids & (p->nkids - 1)) == 0 || p->nkids == 0)
		p->kids = xrealloc(p->kids, (p->nkids ? p->nkids * 2 : 1) * sizeof *p->kids);
	n->index = p->nkids;
	p->kids[p->nkids++] = n;
	struct build sub = { b->t, n };
	clang_visitChildren(c, add_child, &sub);
	return CXChildVisit_Continue;
}

struct node *tree_build(struct tree_ctx *t, CXCursor root)
{
	struct node *n = xmalloc(sizeof *n);
	*n = (struct node){ .c = root, .kind = clang_getCursorKind(root) };
	set_range(t, n);
	struct build b = { t, n };
	clang_visitChildren(root, add_child, &b);
	return n;
}

void tree_free(struct node *n)
{
	for (unsigned i = 0; i < n->nkids; i++)
		tree_free(n->kids[i]);
	free(n->kids);
	if (n->act) {
		free(n->act->text);
		free(n->act->post);
		free(n->act);
	}
	free(n->rename_text);
	free(n);
}

struct node *node_strip_up(struct node *n)
{
	struct node *p = n->parent;
	while (p && p->kind == CXCursor_ParenExpr)
		p = p->parent;
	return p;
}
