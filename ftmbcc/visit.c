/*
 * visit.c: finds every evaluated access to shared state and decides how
 * each is logged.
 *
 * Theory of operation
 * -------------------
 * Each top-level declaration of the main file is copied into a tree with
 * parent links (tree.c) and walked once, in post-order, carrying an
 * `unevaluated` flag downward (operands of sizeof/_Alignof, the controlling
 * expression of _Generic, expressions inside types such as typeof).
 *
 * A *root* is a node that names shared state: a DeclRefExpr of a shared
 * variable (static descriptor), a MemberRefExpr of a shared field or of a
 * field of a shared struct type, or a dereference / variable of a shared
 * struct type (per-object descriptor, __ftmb_obj). From a root we climb to
 * the accessed lvalue T through `.` members, subscripts of arrays and
 * `*(array + i)`, skipping parentheses and array-to-pointer decay; T's
 * parent then tells the use:
 *   implicit cast (lvalue-to-rvalue) -> read      `=` left operand -> write
 *   `op=`, ++, --                   -> rmw       _Atomic object   -> atomic
 *   `&T` or decay                   -> its consumer must be a recognised
 *      atomic / lock / mem call (the call is the access) or it is an
 *      escape error; objects of shared struct types may be addressed freely
 *      (their descriptor is found from the address).
 * The action is attached to the node that will be rewritten (T, the
 * assignment, the increment or the call). Two roots reaching the same node
 * (s[i].f with s a shared variable and f a shared field) keep the static
 * descriptor, so each evaluated access is logged once.
 *
 * Macros: a node spelled in a macro argument is rewritten in place; an
 * expression that only starts with a macro (`SLOT(i)->n`, `x += STEP`) uses
 * the expansion's range for that operand (promote_range); an access inside
 * a macro body is rewritten as one unit around the whole expansion when the
 * expansion is an expression touching one shared variable (macro_unit),
 * otherwise it is an error. Calls to header-defined functions are recorded
 * and checked afterwards (headers.c).
 *
 * Because the walk is post-order, when a node's action is generated all of
 * its subtree's edits are already in the edit list; rewrite.c folds them
 * into the node's text (edits.c). Inner accesses (an index, a right-hand
 * side) are evaluated into temporaries before the outer lock is taken, so
 * at most one descriptor lock is held at a time.
 */
#include "ftmbcc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const access_kind_name[] = { "read", "write", "rmw", "atomic", "lock", "unlogged" };

struct fn_static { CXCursor decl; char *cname; };

struct ctx {
	struct unit *u;
	const char *func;       /* enclosing function name, NULL at file scope */
	CXCursor func_cursor;
	struct node *func_node;
	int audited;
	int filescope;          /* initialisers of file-scope variables     */
	struct fn_static *statics;
	size_t nstatics;
};

static int is_expr(enum CXCursorKind k) { return clang_isExpression(k); }

static CXType canon(CXCursor c) { return clang_getCanonicalType(clang_getCursorType(c)); }

static int is_array_type(CXType t)
{
	return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
	       t.kind == CXType_VariableArray || t.kind == CXType_DependentSizedArray;
}

static int bin_op(struct node *n)
{
	return (int)clang_getCursorBinaryOperatorKind(n->c);
}

static struct node *up_parens(struct node *n)
{
	struct node *p = n->parent;
	while (p && p->kind == CXCursor_ParenExpr)
		p = p->parent;
	return p;
}

/* The child of p on the path to n (n itself or a ParenExpr around it). */
static struct node *child_toward(struct node *p, struct node *n)
{
	while (n->parent != p)
		n = n->parent;
	return n;
}

char *ident_at(const struct source *src, unsigned off)
{
	unsigned e = off;
	while (e < src->len && (src->text[e] == '_' || (src->text[e] >= 'a' && src->text[e] <= 'z') ||
				(src->text[e] >= 'A' && src->text[e] <= 'Z') ||
				(src->text[e] >= '0' && src->text[e] <= '9')))
		e++;
	char *r = xmalloc(e - off + 1);
	memcpy(r, src->text + off, e - off);
	r[e - off] = 0;
	return r;
}

/* Name of the function a call-like node calls (also through a macro such
 * as atomic_fetch_add), or NULL if it is not a call. */
static char *call_name(struct unit *u, struct node *n)
{
	if (n->kind != CXCursor_CallExpr && n->kind != CXCursor_UnexposedExpr)
		return NULL;
	if (!rng(n)->exp_main)
		return NULL;
	char *id = ident_at(&u->src, rng(n)->exp_off);
	unsigned k = rng(n)->exp_off + (unsigned)strlen(id);
	while (k < u->src.len && (u->src.text[k] == ' ' || u->src.text[k] == '\t' || u->src.text[k] == '\n'))
		k++;
	if (!*id || k >= u->src.len || u->src.text[k] != '(') {
		free(id);
		return NULL;
	}
	if (n->kind == CXCursor_UnexposedExpr && call_classify(id) != CALL_ATOMIC) {
		free(id);
		return NULL;
	}
	return id;
}

static void dump(struct unit *u, unsigned off, const char *what, enum access_kind k)
{
	if (!u->dump)
		return;
	unsigned line, col;
	offset_to_linecol(&u->src, off, &line, &col);
	struct strbuf b = { 0 };
	sb_printf(&b, "%s:%u:%u: %s: %s\n", u->src.path, line, col, what, access_kind_name[k]);
	u->dump_v = xrealloc(u->dump_v, (u->dump_n + 1) * sizeof *u->dump_v);
	u->dump_v[u->dump_n++] = (struct dump_line){ off, sb_take(&b) };
}

static unsigned node_off(struct node *n)
{
	return rng(n)->inplace ? rng(n)->s : rng(n)->exp_off;
}

/* What a root refers to. */
struct target {
	struct shared_var *var;
	struct shared_type *type;
	struct node *obj_base;
	int obj_arrow;
	const char *what; /* for messages */
};

static void macro_error(struct ctx *x, struct node *n, const char *what)
{
	struct unit *u = x->u;
	unsigned off = rng(n)->exp_main ? rng(n)->exp_off : 0;
	char *m = ident_at(&u->src, off);
	diag_at(&u->src, off, "error", "macro",
		"access to shared state '%s' inside the body of macro '%s' cannot be rewritten",
		what, m);
	diag_note(&u->src, off,
		  "pass the shared variable to the macro as an argument, turn the macro into an "
		  "inline function, or mark the enclosing function __ftmb_audited");
	free(m);
	u->errors++;
}

static void escape_error(struct ctx *x, struct node *at, const char *what, const char *how)
{
	struct unit *u = x->u;
	unsigned off = node_off(at);
	diag_at(&u->src, off, "error", "escape", "address of shared variable '%s' escapes: %s",
		what, how);
	diag_note(&u->src, off,
		  "access the variable directly, or annotate the pointed-to struct type "
		  "__ftmb_shared (accesses through pointers are then logged per object), or mark "
		  "the function __ftmb_audited");
	u->errors++;
}

static struct action *new_action(enum action_kind k)
{
	struct action *a = xmalloc(sizeof *a);
	*a = (struct action){ .kind = k };
	return a;
}

/* Is n's value discarded (expression statement, for-loop init/increment,
 * left of a comma)? Then the rewrite has type void, so that clang's
 * -Wunused-value does not fire on the statement expression. */
static int value_unused(struct unit *u, struct node *n)
{
	struct node *p = up_parens(n);
	if (!p)
		return 0;
	struct node *c = child_toward(p, n);
	switch (p->kind) {
	case CXCursor_CompoundStmt: {
		struct node *pp = p->parent;
		if (pp && pp->kind == CXCursor_StmtExpr && c->index + 1 == p->nkids)
			return 0; /* value of the statement expression */
		return 1;
	}
	case CXCursor_LabelStmt:
	case CXCursor_DefaultStmt:
		return 1;
	case CXCursor_CaseStmt:
		return c->index >= 1;
	case CXCursor_IfStmt:
	case CXCursor_WhileStmt:
	case CXCursor_SwitchStmt:
		return c->index >= 1;
	case CXCursor_DoStmt:
		return c->index == 0;
	case CXCursor_ForStmt: {
		if (!rng(p)->inplace || !rng(c)->inplace)
			return 0;
		int depth = 0, semis = 0;
		for (unsigned i = rng(p)->s; i < rng(c)->s; i++) {
			char ch = u->src.text[i];
			if (ch == '(')
				depth++;
			else if (ch == ')' && --depth == 0)
				return 1; /* body */
			else if (ch == ';' && depth == 1)
				semis++;
		}
		return semis != 1;
	}
	case CXCursor_BinaryOperator:
		if (bin_op(p) == CXBinaryOperator_Comma)
			return c->index == 0 || value_unused(u, p);
		return 0;
	default:
		return 0;
	}
}

/* The whole macro expansion around n, if it is one expression that can be
 * rewritten as a unit: the outermost node of the same expansion (same
 * macro name offset, same end), whose parent is an expression reaching
 * beyond the expansion. */
static struct node *macro_unit(struct node *n)
{
	if (rng(n)->inplace || !rng(n)->xok)
		return NULL;
	struct node *cur = n;
	while (cur->parent && !rng(cur->parent)->inplace && rng(cur->parent)->xok &&
	       rng(cur->parent)->exp_off == rng(n)->exp_off && rng(cur->parent)->xe == rng(n)->xe &&
	       is_expr(cur->parent->kind))
		cur = cur->parent;
	struct node *p = cur->parent;
	if (!p || !is_expr(cur->kind))
		return NULL;
	if (!is_expr(p->kind) && p->kind != CXCursor_VarDecl && p->kind != CXCursor_ReturnStmt &&
	    p->kind != CXCursor_CompoundStmt && p->kind != CXCursor_IfStmt &&
	    p->kind != CXCursor_WhileStmt)
		return NULL;
	if (!rng(p)->inplace && rng(p)->exp_off == rng(cur)->exp_off && rng(p)->xe == rng(cur)->xe)
		return NULL;
	return cur;
}

/* Attach an action; a static descriptor wins over a per-object one. */
static void attach(struct ctx *x, struct node *n, struct action *a, unsigned dump_off,
		   const char *what)
{
	if (n->act) {
		if (n->act->var || !a->var) {
			free(a);
			return;
		}
		free(n->act);
	}
	n->act = a;
	a->unused = value_unused(x->u, n);
	dump(x->u, dump_off, what, a->akind);
}

static int in_asm(struct node *n)
{
	for (struct node *p = n->parent; p; p = p->parent) {
		if (p->kind == CXCursor_AsmStmt || p->kind == CXCursor_MSAsmStmt)
			return 1;
		if (!is_expr(p->kind))
			return 0;
	}
	return 0;
}

/* An address of shared state at node `a` (`&T` or an array decay): find its
 * consumer. */
static void address_use(struct ctx *x, struct node *a, struct node *T, struct target *tg)
{
	struct unit *u = x->u;
	struct node *q = a, *below = a;
	for (;;) {
		struct node *p = q->parent;
		if (!p)
			break;
		char *cn = call_name(u, p);
		if (cn) {
			enum call_class cc = call_classify(cn);
			free(cn);
			if (cc == CALL_NONE)
				break;
			if (cc == CALL_UNLOCK)
				return;
			struct action *act = new_action(ACT_CALL);
			act->call = cc;
			act->var = tg->var;
			act->type = tg->type;
			act->obj_base = tg->obj_base;
			act->obj_arrow = tg->obj_arrow;
			act->lhs = T;
			act->is_void = canon(p->c).kind == CXType_Void;
			if (cc == CALL_ATOMIC)
				act->akind = ACC_ATOMIC;
			else if (cc == CALL_MEM_WRITE)
				act->akind = child_toward(p, below)->index == 1 ? ACC_WRITE : ACC_READ;
			else if (cc == CALL_MEM_READ)
				act->akind = ACC_READ;
			else
				act->akind = ACC_LOCK;
			if (x->audited) {
				dump(u, node_off(T), tg->what, ACC_UNLOGGED);
				free(act);
				return;
			}
			if (p->act && p->act->kind == ACT_CALL &&
			    (p->act->var != act->var || p->act->type != act->type)) {
				diag_at(&u->src, node_off(p), "error", "multi",
					"call touches two shared objects ('%s' and '%s')",
					p->act->var ? p->act->var->qname : p->act->type->name, tg->what);
				diag_note(&u->src, node_off(p),
					  "copy one of them through a local temporary first");
				u->errors++;
				free(act);
				return;
			}
			if (!rng(p)->inplace && !rng(p)->xok) {
				macro_error(x, p, tg->what);
				free(act);
				return;
			}
			attach(x, p, act, node_off(p), tg->what);
			return;
		}
		if (p->kind == CXCursor_ParenExpr || p->kind == CXCursor_UnexposedExpr ||
		    p->kind == CXCursor_CStyleCastExpr) {
			below = q = p;
			continue;
		}
		break;
	}
	if (tg->type && !tg->var)
		return; /* objects of shared types are found from their address */
	if (x->audited)
		return;
	struct node *p = q->parent;
	const char *how = "its address is used where ftmbcc cannot follow it";
	char *fname = NULL;
	struct strbuf b = { 0 };
	if (p && p->kind == CXCursor_CallExpr) {
		CXString s = clang_getCursorSpelling(p->c);
		sb_printf(&b, "passed to function '%s'", clang_getCString(s));
		clang_disposeString(s);
		fname = sb_take(&b);
		how = fname;
	} else if (p && p->kind == CXCursor_BinaryOperator && bin_op(p) == CXBinaryOperator_Assign) {
		how = "stored in a pointer";
	} else if (p && p->kind == CXCursor_VarDecl) {
		how = "stored in a pointer";
	} else if (p && p->kind == CXCursor_ReturnStmt) {
		how = "returned";
	}
	escape_error(x, a, tg->what, how);
	free(fname);
}

/* An expression that merely *starts* with a macro expansion (`SLOT(i)->pkts`,
 * `SLOT(i)->pkts = 3`): its first operand is that expansion and it extends
 * beyond it, so [macro name, end) is its text. (A node entirely inside a
 * macro body ends where the expansion ends and is not promoted.) */
static void promote_range(struct node *n)
{
	if (rng(n)->inplace || !n->xok || n->nkids == 0)
		return;
	struct node *k = n->kids[0];
	promote_range(k);
	if (rng(k)->exp_off != n->exp_off || !(k->inplace || k->xok))
		return;
	unsigned kend = k->inplace ? k->e : k->xe;
	if (kend >= n->xe)
		return;
	n->inplace = 1;
	n->s = n->exp_off;
	n->e = n->xe;
}

/* Climb from a root to the accessed lvalue and classify its use. */
static void root(struct ctx *x, struct node *r, struct target *tg)
{
	struct unit *u = x->u;
	struct node *T = r;
	for (;;) {
		struct node *p = up_parens(T);
		if (!p)
			break;
		if (p->kind == CXCursor_UnexposedExpr && is_array_type(canon(T->c)) &&
		    canon(p->c).kind == CXType_Pointer) {
			struct node *dp = up_parens(p);
			if (dp && dp->kind == CXCursor_ArraySubscriptExpr &&
			    child_toward(dp, p)->index == 0) {
				T = dp;
				continue;
			}
			if (dp && dp->kind == CXCursor_BinaryOperator &&
			    (bin_op(dp) == CXBinaryOperator_Add || bin_op(dp) == CXBinaryOperator_Sub)) {
				struct node *gp = up_parens(dp);
				if (gp && gp->kind == CXCursor_UnaryOperator &&
				    clang_getCursorUnaryOperatorKind(gp->c) == CXUnaryOperator_Deref) {
					T = gp;
					continue;
				}
			}
			if (x->filescope)
				escape_error(x, p, tg->what, "stored in a pointer");
			else
				address_use(x, p, T, tg);
			return;
		}
		if (p->kind == CXCursor_MemberRefExpr && child_toward(p, T)->index == 0 &&
		    canon(T->c).kind == CXType_Record) {
			T = p;
			continue;
		}
		break;
	}
	if (in_asm(T)) {
		if (x->audited)
			return;
		diag_at(&u->src, node_off(T), "error", "asm",
			"shared variable '%s' used as an asm operand", tg->what);
		diag_note(&u->src, node_off(T),
			  "copy it to a local variable outside the asm statement, or mark the "
			  "function __ftmb_audited");
		u->errors++;
		return;
	}
	struct node *p = up_parens(T);
	enum action_kind ak = ACT_ACCESS;
	enum access_kind kind = ACC_READ;
	struct node *at = T;
	if (!p)
		return;
	if (p->kind == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(p->c);
		if (op == CXUnaryOperator_AddrOf) {
			if (x->filescope) {
				if (!tg->type || tg->var)
					escape_error(x, p, tg->what, "stored in a pointer");
				return;
			}
			address_use(x, p, T, tg);
			return;
		}
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
		    op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec) {
			ak = ACT_INCDEC;
			kind = ACC_RMW;
			at = p;
		}
	} else if (p->kind == CXCursor_BinaryOperator) {
		int op = bin_op(p);
		if (op == CXBinaryOperator_Assign && child_toward(p, T)->index == 0) {
			ak = ACT_ASSIGN;
			kind = ACC_WRITE;
			at = p;
		} else if (op == CXBinaryOperator_Comma && child_toward(p, T)->index == 0) {
			return; /* discarded lvalue: no access */
		}
	} else if (p->kind == CXCursor_CompoundAssignOperator && child_toward(p, T)->index == 0) {
		ak = ACT_ASSIGN;
		kind = ACC_RMW;
		at = p;
	} else if (!is_expr(p->kind) && p->kind != CXCursor_VarDecl) {
		return; /* expression statement of a bare lvalue: nothing is read */
	}
	if (x->filescope)
		return;
	if (canon(T->c).kind == CXType_Atomic)
		kind = ACC_ATOMIC;
	if (x->audited) {
		dump(u, node_off(T), tg->what, ACC_UNLOGGED);
		return;
	}
	promote_range(T);
	promote_range(at);
	if (!rng(T)->inplace || !rng(at)->inplace ||
	    (tg->obj_base && !rng(tg->obj_base)->inplace && !tg->obj_base->xok)) {
		struct node *E = tg->var ? macro_unit(at) : NULL;
		if (!E) {
			macro_error(x, rng(T)->inplace ? at : T, tg->what);
			return;
		}
		if (E->act && (E->act->kind != ACT_UNIT || E->act->var != tg->var)) {
			diag_at(&u->src, rng(E)->exp_off, "error", "macro",
				"macro expansion touches two shared variables ('%s' and another)",
				tg->what);
			diag_note(&u->src, rng(E)->exp_off,
				  "split the macro, or pass the shared variables as arguments");
			u->errors++;
			return;
		}
		if (E->act) {
			if (E->act->akind != kind)
				E->act->akind = ACC_RMW;
			if (u->dump)
				u->dump_v[E->act->dump_idx].text[0] = 0; /* re-dumped below */
		}
		struct action *ua = E->act ? E->act : new_action(ACT_UNIT);
		if (!E->act) {
			ua->akind = kind;
			ua->var = tg->var;
			ua->is_void = canon(E->c).kind == CXType_Void;
			E->act = ua;
			ua->unused = value_unused(u, E);
		}
		ua->dump_idx = u->dump_n;
		dump(u, rng(E)->exp_off, tg->what, ua->akind);
		if (!u->dump)
			ua->dump_idx = 0;
		return;
	}
	struct action *a = new_action(ak);
	a->akind = kind;
	a->lhs = T;
	a->var = tg->var;
	a->type = tg->type;
	a->obj_base = tg->obj_base;
	a->obj_arrow = tg->obj_arrow;
	attach(x, at, a, rng(at)->s, tg->what);
}

static const char *fn_static_name(struct ctx *x, CXCursor decl)
{
	for (size_t i = 0; i < x->nstatics; i++)
		if (clang_equalCursors(clang_getCanonicalCursor(decl), x->statics[i].decl))
			return x->statics[i].cname;
	return NULL;
}

static int is_function_static(CXCursor d)
{
	return clang_getCursorKind(d) == CXCursor_VarDecl &&
	       clang_Cursor_getStorageClass(d) == CX_SC_Static &&
	       clang_getCursorKind(clang_getCursorSemanticParent(d)) == CXCursor_FunctionDecl;
}

/* Objects that are automatic variables live on one thread's stack: they
 * are not shared even when their type is annotated. */
static int is_local_object(struct node *b)
{
	for (;;) {
		if (b->kind == CXCursor_ParenExpr && b->nkids == 1) {
			b = b->kids[0];
		} else if (b->kind == CXCursor_MemberRefExpr && b->nkids > 0 &&
			   canon(b->kids[0]->c).kind == CXType_Record) {
			b = b->kids[0];
		} else if (b->kind == CXCursor_ArraySubscriptExpr && b->nkids == 2 &&
			   b->kids[0]->kind == CXCursor_UnexposedExpr && b->kids[0]->nkids == 1 &&
			   is_array_type(canon(b->kids[0]->kids[0]->c))) {
			b = b->kids[0]->kids[0];
		} else {
			break;
		}
	}
	if (b->kind != CXCursor_DeclRefExpr)
		return 0;
	CXCursor d = clang_getCursorReferenced(b->c);
	enum CXCursorKind k = clang_getCursorKind(d);
	if (k == CXCursor_ParmDecl)
		return canon(d).kind != CXType_Pointer;
	if (k != CXCursor_VarDecl)
		return 0;
	enum CX_StorageClass sc = clang_Cursor_getStorageClass(d);
	return clang_getCursorKind(clang_getCursorSemanticParent(d)) == CXCursor_FunctionDecl &&
	       sc != CX_SC_Static && sc != CX_SC_Extern;
}

static void decl_ref(struct ctx *x, struct node *n)
{
	struct unit *u = x->u;
	CXCursor ref = clang_getCursorReferenced(n->c);
	enum CXCursorKind rk = clang_getCursorKind(ref);
	if (rk == CXCursor_FunctionDecl) {
		if (n->unevaluated || x->filescope)
			return;
		if (!x->audited)
			headers_note_call(u, ref, node_off(n));
		CXString s = clang_getCursorSpelling(ref);
		const struct rename *rn = nondet_lookup(clang_getCString(s));
		clang_disposeString(s);
		if (!rn || clang_Location_isFromMainFile(clang_getCursorLocation(ref)))
			return;
		if (!rng(n)->inplace) {
			/* A call spelled by a macro (rte_get_timer_cycles() ...):
			 * replace the whole expansion when it is just this call. */
			struct node *call = up_parens(n);
			while (call && call->kind == CXCursor_UnexposedExpr)
				call = up_parens(call);
			struct node *E = call && call->kind == CXCursor_CallExpr && call->nkids == 1
						 ? macro_unit(call) : NULL;
			struct node *k = call;
			while (E && k != E && k->parent && k->parent->kind == CXCursor_ParenExpr)
				k = k->parent;
			if (E && k == E && !E->rename_text) {
				struct strbuf b = { 0 };
				sb_printf(&b, "%s()", rn->to);
				E->rename_text = sb_take(&b);
				return;
			}
			/* A macro defined in this file: rename the token inside the
			 * #define itself (same meaning for every expansion). */
			CXFile sf;
			unsigned soff;
			clang_getSpellingLocation(clang_getCursorLocation(n->c), &sf, NULL, NULL, &soff);
			size_t fl = strlen(rn->from);
			if (sf && clang_File_isEqual(sf, u->main_file) && soff + fl <= u->src.len &&
			    !strncmp(u->src.text + soff, rn->from, fl)) {
				char *id = ident_at(&u->src, soff);
				int exact = !strcmp(id, rn->from);
				free(id);
				if (exact) {
					edits_push(&u->hoists, soff, (unsigned)fl, xstrdup(rn->to));
					return;
				}
			}
			diag_at(&u->src, node_off(n), "error", "macro",
				"call to '%s' inside a macro body cannot be redirected to the runtime",
				rn->from);
			diag_note(&u->src, node_off(n), "call %s() directly instead of through the macro",
				  rn->from);
			u->errors++;
			return;
		}
		n->rename_text = xstrdup(rn->to);
		if (rn->cast_arg >= 0) {
			struct node *call = up_parens(n);
			while (call && call->kind == CXCursor_UnexposedExpr)
				call = up_parens(call);
			if (call && call->kind == CXCursor_CallExpr &&
			    (unsigned)rn->cast_arg + 1 < call->nkids) {
				struct node *arg = call->kids[rn->cast_arg + 1];
				if (rng(arg)->inplace && !arg->act) {
					struct action *a = new_action(ACT_WRAP);
					struct strbuf b = { 0 };
					sb_printf(&b, "%s(", rn->cast);
					a->text = sb_take(&b);
					a->post = xstrdup(")");
					arg->act = a;
				}
			}
		}
		return;
	}
	if (rk != CXCursor_VarDecl)
		return;
	if (is_function_static(ref) && rng(n)->inplace) {
		const char *hn = fn_static_name(x, ref);
		if (hn)
			n->rename_text = xstrdup(hn);
	}
	if (n->unevaluated)
		return;
	struct shared_type *st = shared_type_of_record(u->db, clang_getCursorType(ref));
	if (st) {
		/* A variable of a shared struct type: per-object descriptor. */
		struct node *p = up_parens(n);
		if (p && p->kind == CXCursor_MemberRefExpr)
			return; /* the member root handles it */
		if (is_local_object(n))
			return;
		struct target tg = { .type = st, .obj_base = n, .obj_arrow = 0, .what = st->name };
		root(x, n, &tg);
		return;
	}
	struct shared_var *v = shared_var_of(u->db, ref, x->func);
	if (!v)
		return;
	v->used = 1;
	struct target tg = { .var = v, .what = v->qname };
	root(x, n, &tg);
}

static void member_ref(struct ctx *x, struct node *n)
{
	if (n->unevaluated || n->nkids == 0)
		return;
	CXCursor field = clang_getCursorReferenced(n->c);
	struct shared_type *st = shared_type_of_field(x->u->db, field);
	if (!st)
		return;
	struct node *base = n->kids[0];
	if (canon(base->c).kind != CXType_Pointer && is_local_object(base))
		return;
	struct target tg = { .type = st, .obj_base = base,
			     .obj_arrow = canon(base->c).kind == CXType_Pointer, .what = st->name };
	root(x, n, &tg);
}

static void deref(struct ctx *x, struct node *n)
{
	if (n->unevaluated || n->nkids != 1 ||
	    clang_getCursorUnaryOperatorKind(n->c) != CXUnaryOperator_Deref)
		return;
	struct shared_type *st = shared_type_of_record(x->u->db, clang_getCursorType(n->c));
	if (!st)
		return;
	struct node *p = up_parens(n);
	if (p && p->kind == CXCursor_MemberRefExpr)
		return;
	struct target tg = { .type = st, .obj_base = n->kids[0], .obj_arrow = 1, .what = st->name };
	root(x, n, &tg);
}

/* What in a function static's declaration only exists inside the function
 * (label addresses, enumerators or types of local enums), or NULL. */
static const char *local_reference(struct node *n)
{
	if (n->kind == CXCursor_AddrLabelExpr)
		return "the address of a label";
	if (n->kind == CXCursor_DeclRefExpr || n->kind == CXCursor_TypeRef) {
		CXCursor d = clang_getCursorReferenced(n->c);
		for (CXCursor p = clang_getCursorSemanticParent(d); !clang_Cursor_isNull(p) &&
		     clang_getCursorKind(p) != CXCursor_TranslationUnit;
		     p = clang_getCursorSemanticParent(p)) {
			if (clang_getCursorKind(p) == CXCursor_FunctionDecl &&
			    clang_getCursorKind(d) != CXCursor_VarDecl &&
			    clang_getCursorKind(d) != CXCursor_ParmDecl)
				return "a name declared inside the function";
			if (clang_getCursorKind(p) == CXCursor_FunctionDecl)
				break;
		}
	}
	for (unsigned i = 0; i < n->nkids; i++) {
		const char *r = local_reference(n->kids[i]);
		if (r)
			return r;
	}
	return NULL;
}

/* Function-static variable: moved to file scope (so the registry can take
 * its address) under the name __ftmb_fs_<func>__<name>. */
static void hoist_static(struct ctx *x, struct node *ds, size_t mark)
{
	struct unit *u = x->u;
	struct node *vd = NULL;
	unsigned nvars = 0;
	for (unsigned i = 0; i < ds->nkids; i++)
		if (ds->kids[i]->kind == CXCursor_VarDecl) {
			nvars++;
			vd = ds->kids[i];
		}
	if (!vd || !is_function_static(vd->c))
		return;
	if (!rng(ds)->inplace && rng(ds)->xok && rng(ds)->exp_off < rng(ds)->xe) {
		/* starts with a macro such as __ftmb_shared */
		rng(ds)->inplace = 1;
		rng(ds)->s = rng(ds)->exp_off;
		rng(ds)->e = rng(ds)->xe;
	}
	if (!rng(ds)->inplace) {
		diag_at(&u->src, node_off(ds), "error", "static-local",
			"function-static variable declared by a macro cannot be moved to file scope");
		diag_note(&u->src, node_off(ds), "declare it outside the macro");
		u->errors++;
		return;
	}
	CXString sp = clang_getCursorSpelling(vd->c);
	char *name = xstrdup(clang_getCString(sp));
	clang_disposeString(sp);
	if (nvars != 1) {
		diag_at(&u->src, rng(ds)->s, "error", "static-local",
			"several function-static variables in one declaration");
		diag_note(&u->src, rng(ds)->s, "declare one static variable per declaration");
		u->errors++;
		free(name);
		return;
	}
	CXType t = canon(vd->c);
	while (is_array_type(t))
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	CXCursor td = clang_getTypeDeclaration(t);
	if (!clang_Cursor_isNull(td) &&
	    clang_getCursorKind(clang_getCursorSemanticParent(td)) == CXCursor_FunctionDecl) {
		diag_at(&u->src, rng(ds)->s, "error", "static-local",
			"function-static variable '%s' has a type declared inside the function",
			name);
		diag_note(&u->src, rng(ds)->s,
			  "move the type declaration to file scope so the variable can be registered "
			  "for checkpoints");
		u->errors++;
		free(name);
		return;
	}
	/* Two blocks of one function may each declare `static int n`: the
	 * second and later get a numeric suffix (in the C name and the
	 * qualified name). */
	unsigned dup = 0;
	size_t name_len = strlen(name);
	const char *local = local_reference(vd);
	if (local) {
		diag_at(&u->src, rng(ds)->s, "error", "static-local",
			"function-static variable '%s' is initialised with %s, which cannot be moved "
			"to file scope", name, local);
		diag_note(&u->src, rng(ds)->s,
			  "initialise it at run time, or declare it at file scope");
		u->errors++;
		free(name);
		return;
	}
	struct strbuf cn = { 0 };
	sb_printf(&cn, "__ftmb_fs_%s__%s", x->func, name);
	for (size_t i = 0; i < x->nstatics; i++)
		if (!strncmp(x->statics[i].cname, cn.s, cn.n) &&
		    (x->statics[i].cname[cn.n] == 0 || x->statics[i].cname[cn.n] == '_'))
			dup++;
	if (dup) {
		sb_printf(&cn, "_%u", dup + 1);
		struct strbuf nn = { 0 };
		sb_printf(&nn, "%s_%u", name, dup + 1);
		free(name);
		name = sb_take(&nn);
	}
	char *cname = sb_take(&cn);
	/* Rename the declarator: the name token is at the cursor location. */
	unsigned noff;
	clang_getSpellingLocation(clang_getCursorLocation(vd->c), NULL, NULL, NULL, &noff);
	edits_push(&u->edits, noff, (unsigned)name_len, xstrdup(cname));
	int bad = 0;
	char *text = edits_apply_range(&u->edits, mark, u->src.text, rng(ds)->s, rng(ds)->e - rng(ds)->s, &bad);
	edits_truncate(&u->edits, mark);
	if (!text) {
		free(name);
		free(cname);
		return;
	}
	unsigned dl, dc, fl, fc;
	offset_to_linecol(&u->src, rng(ds)->s, &dl, &dc);
	offset_to_linecol(&u->src, rng(x->func_node)->s, &fl, &fc);
	struct strbuf h = { 0 };
	sb_printf(&h, "\n#line %u \"%s\"\n%s%s\n#line %u \"%s\"\n%*s", dl, u->src.path,
		  strchr(text, ';') ? "" : "", text, fl, u->src.path, (int)(fc - 1), "");
	edits_push(&u->hoists, rng(x->func_node)->s, 0, sb_take(&h));
	free(text);
	/* The declaration becomes an empty statement, keeping its newlines. */
	struct strbuf r = { 0 };
	sb_puts(&r, ";");
	for (unsigned i = rng(ds)->s; i < rng(ds)->e; i++)
		if (u->src.text[i] == '\n')
			sb_puts(&r, "\n");
	edits_push(&u->edits, rng(ds)->s, rng(ds)->e - rng(ds)->s, sb_take(&r));
	x->statics = xrealloc(x->statics, (x->nstatics + 1) * sizeof *x->statics);
	x->statics[x->nstatics++] = (struct fn_static){ clang_getCanonicalCursor(vd->c), cname };
	/* registry */
	struct strbuf q = { 0 };
	sb_printf(&q, "%s:%s:%s", u->file_base, x->func, name);
	CXType vt = canon(vd->c);
	if (!clang_isConstQualifiedType(vt) && clang_getCursorTLSKind(vd->c) == CXTLS_None)
		registry_add_global(u, fnv1a64(q.s), q.s, cname);
	free(q.s);
	struct shared_var *v = shared_var_of(u->db, vd->c, x->func);
	if (v)
		v->used = 1;
	free(name);
}

static int unevaluated_child(struct node *p, struct node *c)
{
	if (p->unevaluated)
		return 1;
	switch (p->kind) {
	case CXCursor_UnaryExpr: /* sizeof, _Alignof */
		return 1;
	case CXCursor_GenericSelectionExpr:
		return c->index == 0;
	case CXCursor_CStyleCastExpr:
	case CXCursor_CompoundLiteralExpr:
		return c->index + 1 != p->nkids; /* typeof inside the type name */
	case CXCursor_VarDecl: {
		CXCursor init = clang_Cursor_getVarDeclInitializer(p->c);
		return clang_Cursor_isNull(init) || !clang_equalCursors(init, c->c);
	}
	default:
		if (clang_isDeclaration(p->kind) && p->kind != CXCursor_FunctionDecl)
			return 1;
		return 0;
	}
}

static void gen(struct ctx *x, struct node *n)
{
	struct unit *u = x->u;
	size_t mark = u->edits.n;
	for (unsigned i = 0; i < n->nkids; i++) {
		struct node *c = n->kids[i];
		c->unevaluated = unevaluated_child(n, c);
		gen(x, c);
	}
	switch (n->kind) {
	case CXCursor_DeclRefExpr:
		decl_ref(x, n);
		break;
	case CXCursor_MemberRefExpr:
		member_ref(x, n);
		break;
	case CXCursor_UnaryOperator:
		deref(x, n);
		break;
	case CXCursor_DeclStmt:
		if (x->func)
			hoist_static(x, n, mark);
		break;
	default:
		break;
	}
	if (n->rename_text) {
		if (rng(n)->inplace)
			edits_push(&u->edits, rng(n)->s, rng(n)->e - rng(n)->s, xstrdup(n->rename_text));
		else if (rng(n)->xok)
			edits_push(&u->edits, rng(n)->exp_off, rng(n)->xe - rng(n)->exp_off, xstrdup(n->rename_text));
	}
	if (n->act && !x->filescope) {
		char *text = rewrite_action(u, n, mark);
		unsigned s = rng(n)->inplace ? rng(n)->s : rng(n)->exp_off;
		unsigned e = rng(n)->inplace ? rng(n)->e : rng(n)->xe;
		edits_truncate(&u->edits, mark);
		if (text)
			edits_push(&u->edits, s, e - s, text);
	}
}

/* ---- file-scope variables: the registry ------------------------------ */

static int seen_global(struct unit *u, CXCursor c)
{
	char *usr = cursor_usr(c);
	for (size_t i = 0; i < u->n_seen; i++)
		if (!strcmp(u->seen_globals[i], usr)) {
			free(usr);
			return 1;
		}
	u->seen_globals = xrealloc(u->seen_globals, (u->n_seen + 1) * sizeof *u->seen_globals);
	u->seen_globals[u->n_seen++] = usr;
	return 0;
}

static void file_scope_var(struct unit *u, CXCursor c)
{
	enum CX_StorageClass sc = clang_Cursor_getStorageClass(c);
	int has_init = !clang_Cursor_isNull(clang_Cursor_getVarDeclInitializer(c));
	if (sc == CX_SC_Extern && !has_init)
		return; /* a declaration, defined elsewhere */
	CXType t = canon(c);
	if (t.kind == CXType_IncompleteArray)
		return; /* completed by a later declaration, registered there */
	CXType et = t;
	while (is_array_type(et))
		et = clang_getCanonicalType(clang_getArrayElementType(et));
	if (clang_isConstQualifiedType(t) || clang_isConstQualifiedType(et))
		return; /* read-only data never changes: nothing to checkpoint */
	if (clang_getCursorTLSKind(c) != CXTLS_None)
		return; /* thread-local: no single address */
	if (seen_global(u, c))
		return;
	CXString s = clang_getCursorSpelling(c);
	const char *name = clang_getCString(s);
	struct strbuf q = { 0 };
	if (clang_getCursorLinkage(c) == CXLinkage_Internal)
		sb_printf(&q, "%s:%s", u->file_base, name);
	else
		sb_puts(&q, name);
	registry_add_global(u, fnv1a64(q.s), q.s, name);
	struct shared_var *v = shared_var_of(u->db, c, NULL);
	if (v) {
		v->used = 1;
		v->defined_here = 1;
	}
	free(q.s);
	clang_disposeString(s);
}

struct top { struct unit *u; CXCursor *v; size_t n; };

static enum CXChildVisitResult collect_top(CXCursor c, CXCursor p, CXClientData d)
{
	(void)p;
	struct top *t = d;
	if (!clang_Location_isFromMainFile(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n++] = c;
	return CXChildVisit_Continue;
}

static void debug_tree(struct node *n, int depth)
{
	CXString k = clang_getCursorKindSpelling(n->kind);
	fprintf(stderr, "%*s%s inplace=%d [%u,%u) exp=%u/%d xe=%u/%d\n", depth * 2, "",
		clang_getCString(k), rng(n)->inplace, rng(n)->s, rng(n)->e, rng(n)->exp_off, rng(n)->exp_main, rng(n)->xe, rng(n)->xok);
	clang_disposeString(k);
	for (unsigned i = 0; i < n->nkids; i++)
		debug_tree(n->kids[i], depth + 1);
}

void visit_unit(struct unit *u)
{
	struct top top = { u, NULL, 0 };
	clang_visitChildren(clang_getTranslationUnitCursor(u->tu), collect_top, &top);
	struct tree_ctx tc = { u->tu, u->main_file };
	for (size_t i = 0; i < top.n; i++) {
		CXCursor c = top.v[i];
		enum CXCursorKind k = clang_getCursorKind(c);
		struct ctx x = { .u = u };
		if (k == CXCursor_VarDecl) {
			file_scope_var(u, c);
			x.filescope = 1;
		} else if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c)) {
			CXString s = clang_getCursorSpelling(c);
			x.func = xstrdup(clang_getCString(s));
			clang_disposeString(s);
			x.func_cursor = c;
			x.audited = cursor_has_annotation(c, "ftmb_audited");
		} else {
			continue;
		}
		struct node *root_node = tree_build(&tc, c);
		x.func_node = root_node;
		if (getenv("FTMBCC_DEBUG_TREE"))
			debug_tree(root_node, 0);
		if (x.func && !rng(root_node)->inplace && rng(root_node)->xok) {
			/* starts with a macro such as __ftmb_audited */
			rng(root_node)->inplace = 1;
			rng(root_node)->s = rng(root_node)->exp_off;
			rng(root_node)->e = rng(root_node)->xe;
		}
		if (x.func && !rng(root_node)->inplace) {
			diag_at(&u->src, rng(root_node)->exp_off, "error", "macro",
				"function defined by a macro cannot be rewritten");
			diag_note(&u->src, rng(root_node)->exp_off, "define the function without the macro");
			u->errors++;
		} else {
			gen(&x, root_node);
		}
		tree_free(root_node);
		for (size_t j = 0; j < x.nstatics; j++)
			free(x.statics[j].cname);
		free(x.statics);
		free((char *)x.func);
	}
	free(top.v);
	headers_check(u);
}
