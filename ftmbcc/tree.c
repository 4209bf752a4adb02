/*
 * tree.c: a copy of libclang's cursor tree with parent links and byte
 * ranges. libclang gives expressions no parent pointer; classification
 * (visit.c) needs to look upward (is this lvalue assigned? its address
 * taken? under sizeof?), so each top-level declaration of the main file is
 * copied once into this tree (linear in its size).
 *
 * Memory: the nodes of one declaration come from an arena freed at once.
 *
 * Ranges (computed lazily by rng(), most nodes never need one): a node is `inplace` when its text is spelled contiguously in the
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

static struct tree_ctx *cur_ctx;

/* Arena: blocks of nodes; kids arrays are separately allocated. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	struct node v[];
};
static struct arena_block *arena;

static struct node *node_alloc(void)
{
	if (!arena || arena->used == arena->cap) {
		size_t cap = 4096;
		struct arena_block *b = xmalloc(sizeof *b + cap * sizeof(struct node));
		b->next = arena;
		b->used = 0;
		b->cap = cap;
		arena = b;
	}
	return &arena->v[arena->used++];
}

static int in_main(struct tree_ctx *t, CXFile f)
{
	return f && clang_File_isEqual(f, t->main_file);
}

void node_set_range(struct node *n)
{
	struct tree_ctx *t = cur_ctx;
	n->ranged = 1;
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
	struct node *n = node_alloc();
	*n = (struct node){ .c = c, .kind = clang_getCursorKind(c), .parent = p };
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
	cur_ctx = t;
	struct node *n = node_alloc();
	*n = (struct node){ .c = root, .kind = clang_getCursorKind(root) };
	struct build b = { t, n };
	clang_visitChildren(root, add_child, &b);
	return n;
}

static void node_free_parts(struct node *n)
{
	for (unsigned i = 0; i < n->nkids; i++)
		node_free_parts(n->kids[i]);
	free(n->kids);
	if (n->act) {
		free(n->act->text);
		free(n->act->post);
		free(n->act);
	}
	free(n->rename_text);
}

/* Frees the tree rooted at n and every node allocated since (the arena). */
void tree_free(struct node *n)
{
	node_free_parts(n);
	while (arena) {
		struct arena_block *next = arena->next;
		free(arena);
		arena = next;
	}
}

struct node *node_strip_up(struct node *n)
{
	struct node *p = n->parent;
	while (p && p->kind == CXCursor_ParenExpr)
		p = p->parent;
	return p;
}
