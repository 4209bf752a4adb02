/*
 * rewrite.c: the replacement text of one logged access.
 *
 * Theory of operation
 * -------------------
 * Every form is a GNU statement expression with the same skeleton:
 *
 *   ({ <prelude>  __ftmb_begin(D);  <access>;  __ftmb_end_<kind>(D);  r; })
 *
 * The prelude evaluates everything that is not the access itself (the
 * object address for per-object descriptors, the address of an lvalue
 * with subexpressions, the right-hand side of an assignment, the arguments
 * of an atomic call) into uniquely named temporaries *before* D's lock is
 * taken. Those subexpressions were themselves rewritten already (post-order,
 * their edits are folded into our text), so any shared access they contain
 * completes, lock released, before ours starts: at most one descriptor lock
 * is held at a time, and each subexpression is evaluated exactly once, in
 * the order C allows. The access itself reads or writes the original lvalue
 * (or `*p` / `p->bitfield`), so volatile, bitfields and _Atomic keep their
 * meaning. Temporaries are __ftmb_<letter><n> with a per-file counter.
 *
 * Two kinds of lvalue need care. A bit-field has no address and gcc
 * refuses __auto_type on it: the enclosing struct is addressed, a value
 * read from it is declared __typeof__(+(member)) (its promoted type, the
 * type the original expression computes with), and a bit-field operand
 * hoisted before the lock is written +(R) (right-hand side of op=, where
 * op promotes R anyway) or ((void)0, R) (a call argument, converted to
 * the parameter type anyway). A member of a packed struct must not be
 * addressed through a normally aligned pointer (undefined behaviour): it
 * is spelled in place inside the lock when it has nothing to evaluate
 * first, else addressed through an alignment-1 typedef of its type.
 */
#include "ftmbcc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
	struct unit *u;
	size_t mark;
	int bad;
	int bitfield; /* the access is to a bitfield: no __auto_type on it (gcc) */
};

/* Where a subexpression's text is: spelled in place, or (an operand that
 * is or starts with a macro expansion, e.g. `x += STEP`) the expansion
 * range, which lies inside the in-place parent. */
static unsigned tb(struct node *n)
{
	return rng(n)->inplace ? n->s : n->exp_off;
}

static unsigned te(struct node *n)
{
	return rng(n)->inplace ? n->e : n->xe;
}

static int has_text(struct node *n)
{
	return rng(n)->inplace || n->xok;
}

/* Rewritten text of [s, e), optionally with [ss, se) replaced by subst. */
static char *text_of(struct gen *g, unsigned s, unsigned e, unsigned ss, unsigned se,
		     const char *subst)
{
	struct unit *u = g->u;
	if (!subst)
		return edits_apply_range(&u->edits, g->mark, u->src.text, s, e - s, &g->bad);
	char *a = edits_apply_range(&u->edits, g->mark, u->src.text, s, ss - s, &g->bad);
	char *b = edits_apply_range(&u->edits, g->mark, u->src.text, se, e - se, &g->bad);
	if (!a || !b) {
		free(a);
		free(b);
		return NULL;
	}
	struct strbuf r = { 0 };
	sb_printf(&r, "%s%s%s", a, subst, b);
	free(a);
	free(b);
	return sb_take(&r);
}

static const char *end_fn(enum access_kind k)
{
	switch (k) {
	case ACC_WRITE: return "__ftmb_end_write";
	case ACC_RMW: return "__ftmb_end_rmw";
	case ACC_ATOMIC: return "__ftmb_end_atomic";
	default: return "__ftmb_end_read";
	}
}

/* Turn "({ ...; T __ftmb_rN = E; END; __ftmb_rN; })" into the void form
 * "({ ...; E; END; })" for accesses whose value is discarded. */
static char *void_form(char *t, unsigned id)
{
	char decl[64], tail[64];
	snprintf(decl, sizeof decl, " __ftmb_r%u = ", id);
	snprintf(tail, sizeof tail, " __ftmb_r%u; })", id);
	char *d = strstr(t, decl);
	size_t tl = strlen(t), ql = strlen(tail);
	if (!d || tl < ql || strcmp(t + tl - ql, tail))
		return t;
	/* find the start of the type before decl: the previous "; " or "({ " */
	char *ts = d;
	while (ts > t && !(ts[-1] == ' ' && (ts[-2] == ';' || ts[-2] == '{')))
		ts--;
	struct strbuf b = { 0 };
	sb_add(&b, t, (size_t)(ts - t));
	const char *e = d + strlen(decl);
	sb_add(&b, e, (size_t)(t + tl - ql - e));
	sb_puts(&b, " })");
	free(t);
	return sb_take(&b);
}

static int underaligned(struct node *n);

/* Prelude for per-object descriptors; sets *desc to the descriptor
 * expression and *subst to what replaces the object's base in T. */
static int obj_prelude(struct gen *g, struct action *a, unsigned id, struct strbuf *pre,
		       char **desc, char **subst)
{
	struct strbuf d = { 0 };
	if (a->var) {
		sb_printf(&d, "&%s", a->var->desc);
		*desc = sb_take(&d);
		*subst = NULL;
		return 0;
	}
	struct node *o = a->obj_base;
	char *ot = text_of(g, tb(o), te(o), 0, 0, NULL);
	if (!ot)
		return -1;
	if (!a->obj_arrow && underaligned(o))
		/* an object inside a packed struct: alignment-1 pointer type */
		sb_printf(pre, "typedef __typeof__(%s) __ftmb_t%u __attribute__((aligned(1))); __ftmb_t%u *__ftmb_o%u = &(%s); ",
			  ot, id, id, id, ot);
	else
		sb_printf(pre, "__auto_type __ftmb_o%u = %s(%s); ", id, a->obj_arrow ? "" : "&", ot);
	sb_printf(pre, "ftmb_var_t *__ftmb_d%u = __ftmb_obj(0x%016llxULL, \"%s\", __ftmb_o%u); ",
		  id, (unsigned long long)a->type->id, a->type->name, id);
	free(ot);
	sb_printf(&d, "__ftmb_d%u", id);
	*desc = sb_take(&d);
	struct strbuf s = { 0 };
	if (a->obj_arrow)
		sb_printf(&s, "__ftmb_o%u", id);
	else
		sb_printf(&s, "(*__ftmb_o%u)", id);
	*subst = sb_take(&s);
	return 0;
}

/* Is n (in parentheses, converted implicitly) a bit-field member? */
static int is_bitfield(struct node *n)
{
	while ((n->kind == CXCursor_ParenExpr || n->kind == CXCursor_UnexposedExpr) && n->nkids == 1)
		n = n->kids[0];
	return n->kind == CXCursor_MemberRefExpr &&
	       clang_Cursor_isBitField(clang_getCursorReferenced(n->c));
}

static int is_plain_ref(struct node *T)
{
	return T->kind == CXCursor_DeclRefExpr;
}

static CXType canon_of(struct node *n)
{
	return clang_getCanonicalType(clang_getCursorType(n->c));
}

static int is_array(CXType t)
{
	return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
	       t.kind == CXType_VariableArray;
}

/* Does field f sit at an address less aligned than its type needs (a
 * member of a packed struct, or a member with reduced alignment)? */
static int field_underaligned(CXCursor f)
{
	long long fa = clang_Type_getAlignOf(clang_getCursorType(f));
	if (fa <= 1)
		return 0;
	long long ra = clang_Type_getAlignOf(clang_getCursorType(clang_getCursorSemanticParent(f)));
	long long off = clang_Cursor_getOffsetOfField(f);
	return (ra > 0 && ra < fa) || (off >= 0 && (off / 8) % fa != 0);
}

/* Is the lvalue n reached through an under-aligned member (`s.f`, `s.a[i]`,
 * `s.in.v` with any of those members packed)? Then `&n` would be a pointer
 * more aligned than the object it points to: undefined behaviour, and a
 * trap on strict-alignment targets and under -fsanitize=alignment. The walk
 * follows `.` members and subscripts of arrays; it stops at a pointer (the
 * pointee of `p->f` is as aligned as p's type says). */
static int underaligned(struct node *n)
{
	for (;;) {
		while (n->kind == CXCursor_ParenExpr && n->nkids == 1)
			n = n->kids[0];
		if (n->kind == CXCursor_MemberRefExpr && n->nkids > 0) {
			if (field_underaligned(clang_getCursorReferenced(n->c)))
				return 1;
			if (canon_of(n->kids[0]).kind == CXType_Pointer)
				return 0;
			n = n->kids[0];
		} else if (n->kind == CXCursor_ArraySubscriptExpr && n->nkids == 2) {
			struct node *b = n->kids[0];
			while ((b->kind == CXCursor_UnexposedExpr || b->kind == CXCursor_ParenExpr) &&
			       b->nkids == 1)
				b = b->kids[0];
			if (!is_array(canon_of(b)))
				return 0;
			n = b;
		} else {
			return 0;
		}
	}
}

/* Can the expression n be evaluated inside the lock instead of before it:
 * no calls, assignments, ++/--, statement expressions (anything that could
 * have a side effect or touch shared state)? `skip` (the object base that
 * is replaced by a temporary) is not looked at. */
static int side_effect_free(struct node *n, struct node *skip)
{
	if (n == skip)
		return 1;
	switch (n->kind) {
	case CXCursor_DeclRefExpr:
	case CXCursor_MemberRefExpr:
	case CXCursor_ArraySubscriptExpr:
	case CXCursor_ParenExpr:
	case CXCursor_UnexposedExpr:
	case CXCursor_IntegerLiteral:
	case CXCursor_FloatingLiteral:
	case CXCursor_CharacterLiteral:
	case CXCursor_CStyleCastExpr:
	case CXCursor_ConditionalOperator:
	case CXCursor_UnaryExpr:
	case CXCursor_TypeRef:
		break;
	case CXCursor_UnaryOperator: {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(n->c);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
		    op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec)
			return 0;
		break;
	}
	case CXCursor_BinaryOperator:
		if (clang_getCursorBinaryOperatorKind(n->c) == CXBinaryOperator_Assign)
			return 0;
		break;
	default:
		return 0;
	}
	for (unsigned i = 0; i < n->nkids; i++)
		if (!side_effect_free(n->kids[i], skip))
			return 0;
	return 1;
}

/* No rewrite (edit) lies in [s, e) outside [ss, se). */
static int unedited(struct gen *g, unsigned s, unsigned e, unsigned ss, unsigned se)
{
	const struct edits *ed = &g->u->edits;
	for (size_t i = g->mark; i < ed->n; i++) {
		unsigned o = ed->v[i].off, l = ed->v[i].len;
		if (o + l <= s || o >= e)
			continue;
		if (ss < se && o >= ss && o + l <= se)
			continue;
		return 0;
	}
	return 1;
}

/* Can lvalue X (text [s, e)) be spelled inside the lock as it is? */
static int in_place_ok(struct gen *g, struct node *X, struct node *o, unsigned ss, unsigned se)
{
	return side_effect_free(X, o) && unedited(g, rng(X)->s, rng(X)->e, ss, se);
}

/* `__ftmb_pN = &(t)` into the prelude; for an under-aligned lvalue the
 * pointer's type is an alignment-1 copy of t's type, so that `*__ftmb_pN`
 * is a (legal) unaligned access, like the original member access. */
static void address_temp(struct strbuf *pre, unsigned id, const char *t, int under)
{
	if (under)
		sb_printf(pre,
			  "typedef __typeof__(%s) __ftmb_u%u __attribute__((aligned(1))); __ftmb_u%u *__ftmb_p%u = &(%s); ",
			  t, id, id, id, t);
	else
		sb_printf(pre, "__auto_type __ftmb_p%u = &(%s); ", id, t);
}

/* The lvalue expression used inside the lock; may add an address temporary
 * to the prelude. *vtype receives a type for an assigned value. */
static char *lvalue_access(struct gen *g, struct action *a, unsigned id, struct strbuf *pre,
			   const char *subst, char **vtype)
{
	struct node *T = a->lhs, *o = a->obj_base;
	struct strbuf r = { 0 };
	unsigned ss = subst ? tb(o) : 0, se = subst ? te(o) : 0;
	if (T->kind == CXCursor_MemberRefExpr && T->nkids > 0 &&
	    clang_Cursor_isBitField(clang_getCursorReferenced(T->c))) {
		/* No address of a bitfield: address the enclosing struct. */
		struct node *B = T->kids[0];
		int arrow = canon_of(B).kind == CXType_Pointer;
		int under = !arrow && underaligned(B);
		CXString f = clang_getCursorSpelling(clang_getCursorReferenced(T->c));
		CXString ft = clang_getTypeSpelling(clang_getCursorType(clang_getCursorReferenced(T->c)));
		*vtype = xstrdup(clang_getCString(ft));
		clang_disposeString(ft);
		g->bitfield = 1;
		if (subst && B == o) {
			sb_printf(&r, "__ftmb_o%u->%s", id, clang_getCString(f));
		} else if (under && in_place_ok(g, T, subst ? o : NULL, ss, se)) {
			/* A packed enclosing struct: spell the member in place. */
			char *t = text_of(g, rng(T)->s, rng(T)->e, ss, se, subst);
			if (!t) {
				clang_disposeString(f);
				return NULL;
			}
			sb_printf(&r, "(%s)", t);
			free(t);
		} else {
			char *bt = text_of(g, tb(B), te(B), ss, se, subst);
			if (!bt) {
				clang_disposeString(f);
				return NULL;
			}
			if (arrow)
				sb_printf(pre, "__auto_type __ftmb_p%u = (%s); ", id, bt);
			else
				address_temp(pre, id, bt, under);
			free(bt);
			sb_printf(&r, "__ftmb_p%u->%s", id, clang_getCString(f));
		}
		clang_disposeString(f);
		return sb_take(&r);
	}
	if (is_plain_ref(T) && !subst) {
		char *t = text_of(g, rng(T)->s, rng(T)->e, 0, 0, NULL);
		if (!t)
			return NULL;
		sb_printf(&r, "__typeof__(%s)", t);
		*vtype = sb_take(&r);
		return t;
	}
	char *t = text_of(g, rng(T)->s, rng(T)->e, ss, se, subst);
	if (!t)
		return NULL;
	int under = underaligned(T);
	if (under && in_place_ok(g, T, subst ? o : NULL, ss, se)) {
		/* A member of a packed struct, nothing to evaluate first: the
		 * lvalue itself inside the lock, never a pointer to it. */
		sb_printf(&r, "__typeof__(%s)", t);
		*vtype = sb_take(&r);
		sb_printf(&r, "(%s)", t);
		free(t);
		return sb_take(&r);
	}
	address_temp(pre, id, t, under);
	free(t);
	sb_printf(&r, "__typeof__(*__ftmb_p%u)", id);
	*vtype = sb_take(&r);
	sb_printf(&r, "(*__ftmb_p%u)", id);
	return sb_take(&r);
}

/* Split "name ( a , b )" at top-level commas. Returns the number of args,
 * or -1 if the text is not of that shape. */
static int split_call(const char *t, char **name, char ***args)
{
	const char *p = t;
	while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9'))
		p++;
	if (p == t)
		return -1;
	*name = xmalloc((size_t)(p - t) + 1);
	memcpy(*name, t, (size_t)(p - t));
	(*name)[p - t] = 0;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p != '(')
		return -1;
	p++;
	int depth = 0, n = 0;
	const char *start = p;
	*args = NULL;
	for (; *p; p++) {
		char c = *p;
		if (c == '"' || c == '\'') {
			for (p++; *p && *p != c; p++)
				if (*p == '\\' && p[1])
					p++;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if ((c == ',' && depth == 0) || (c == ')' && depth == 0)) {
			const char *e = p;
			const char *b = start;
			while (b < e && (*b == ' ' || *b == '\t' || *b == '\n'))
				b++;
			if (!(c == ')' && n == 0 && b == e)) {
				while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
					e--;
				*args = xrealloc(*args, (size_t)(n + 1) * sizeof **args);
				(*args)[n] = xmalloc((size_t)(e - b) + 1);
				memcpy((*args)[n], b, (size_t)(e - b));
				(*args)[n][e - b] = 0;
				n++;
			}
			start = p + 1;
			if (c == ')') {
				for (p++; *p == ' ' || *p == '\t' || *p == '\n'; p++)
					;
				return *p ? -1 : n;
			}
		}
	}
	return -1;
}

static char *call_action(struct gen *g, struct node *n, struct action *a, unsigned id)
{
	struct unit *u = g->u;
	struct strbuf pre = { 0 }, out = { 0 };
	char *desc = NULL, *subst = NULL;
	if (obj_prelude(g, a, id, &pre, &desc, &subst) < 0)
		return NULL;
	unsigned s = rng(n)->inplace ? rng(n)->s : rng(n)->exp_off, e = rng(n)->inplace ? rng(n)->e : rng(n)->xe;
	struct node *o = a->obj_base;
	if (subst && (!has_text(o) || tb(o) < s || te(o) > e)) {
		free(desc);
		free(subst);
		free(pre.s);
		return NULL;
	}
	char *t = text_of(g, s, e, subst ? tb(o) : 0, subst ? te(o) : 0, subst);
	char *orig = xmalloc(e - s + 1);
	memcpy(orig, u->src.text + s, e - s);
	orig[e - s] = 0;
	char *name = NULL, **args = NULL, *oname = NULL, **oargs = NULL;
	int na = t ? split_call(t, &name, &args) : -1;
	int noa = split_call(orig, &oname, &oargs);
	char *res = NULL;
	if (na >= 0 && noa == na) {
		struct strbuf call = { 0 };
		sb_printf(&call, "%s(", name);
		for (int i = 0; i < na; i++) {
			/* Arguments that contain rewritten accesses are evaluated
			 * before the lock; the others stay in place. */
			if (strcmp(args[i], oargs[i])) {
				/* `(void)0, ` makes a bit-field argument an rvalue
				 * (gcc refuses __auto_type on a bit-field); the value
				 * is converted to the parameter's type as before. */
				sb_printf(&pre, "__auto_type __ftmb_a%u_%d = ((void)0, %s); ", id, i, args[i]);
				sb_printf(&call, "%s__ftmb_a%u_%d", i ? ", " : "", id, i);
			} else {
				sb_printf(&call, "%s%s", i ? ", " : "", args[i]);
			}
		}
		sb_puts(&call, ")");
		sb_printf(&out, "({ %s", pre.s ? pre.s : "");
		switch (a->call) {
		case CALL_ATOMIC:
		case CALL_MEM_WRITE:
		case CALL_MEM_READ:
			if (a->is_void)
				sb_printf(&out, "__ftmb_begin(%s); %s; %s(%s); })", desc, call.s,
					  end_fn(a->akind), desc);
			else
				sb_printf(&out,
					  "__ftmb_begin(%s); __auto_type __ftmb_r%u = %s; %s(%s); __ftmb_r%u; })",
					  desc, id, call.s, end_fn(a->akind), desc, id);
			break;
		case CALL_LOCK_VOID:
			sb_printf(&out, "__ftmb_lock_begin(%s); %s; __ftmb_lock_end(%s, 1); })", desc,
				  call.s, desc);
			break;
		default:
			sb_printf(&out,
				  "__ftmb_lock_begin(%s); __auto_type __ftmb_r%u = %s; __ftmb_lock_end(%s, __ftmb_r%u %s); __ftmb_r%u; })",
				  desc, id, call.s, desc, id,
				  a->call == CALL_TRYLOCK_ONE ? "!= 0" : "== 0", id);
			break;
		}
		free(call.s);
		res = sb_take(&out);
		if (a->unused && !a->is_void) {
			if (a->call == CALL_ATOMIC || a->call == CALL_MEM_READ || a->call == CALL_MEM_WRITE) {
				res = void_form(res, id);
			} else if (a->call != CALL_LOCK_VOID) {
				char tail[64];
				snprintf(tail, sizeof tail, " __ftmb_r%u; })", id);
				size_t tl = strlen(res), ql = strlen(tail);
				if (tl > ql && !strcmp(res + tl - ql, tail))
					strcpy(res + tl - ql, " })");
			}
		}
	} else {
		diag_at(&u->src, s, "error", "internal", "cannot split the arguments of this call");
		u->errors++;
	}
	for (int i = 0; i < na; i++)
		free(args[i]);
	for (int i = 0; i < noa; i++)
		free(oargs[i]);
	free(args);
	free(oargs);
	free(name);
	free(oname);
	free(orig);
	free(t);
	free(desc);
	free(subst);
	free(pre.s);
	return res;
}

char *rewrite_action(struct unit *u, struct node *n, size_t mark)
{
	struct action *a = n->act;
	struct gen g = { u, mark, 0, 0 };
	unsigned id = ++u->counter;
	char *res = NULL;
	if (a->kind == ACT_WRAP) {
		char *t = text_of(&g, rng(n)->s, rng(n)->e, 0, 0, NULL);
		if (t) {
			struct strbuf b = { 0 };
			sb_printf(&b, "%s%s%s", a->text, t, a->post);
			res = sb_take(&b);
			free(t);
		}
	} else if (a->kind == ACT_UNIT) {
		int bad = 0;
		char *t = edits_apply_range(&u->edits, mark, u->src.text, rng(n)->exp_off, rng(n)->xe - rng(n)->exp_off, &bad);
		if (t && (u->edits.n > mark || strcmp(t, "") == 0)) {
			diag_at(&u->src, rng(n)->exp_off, "error", "macro",
				"macro expansion mixes its own shared access with rewritten arguments");
			diag_note(&u->src, rng(n)->exp_off,
				  "evaluate the arguments into local variables before using the macro");
			u->errors++;
			free(t);
			t = NULL;
		}
		if (t) {
			struct strbuf b = { 0 };
			const char *D = a->var->desc;
			if (a->is_void || a->unused)
				sb_printf(&b, "({ __ftmb_begin(&%s); %s; %s(&%s); })", D, t, end_fn(a->akind), D);
			else
				sb_printf(&b, "({ __ftmb_begin(&%s); __auto_type __ftmb_r%u = %s%s%s; %s(&%s); __ftmb_r%u; })",
					  D, id, is_bitfield(n) ? "+(" : "", t, is_bitfield(n) ? ")" : "",
					  end_fn(a->akind), D, id);
			res = sb_take(&b);
			free(t);
		}
	} else if (a->kind == ACT_CALL) {
		res = call_action(&g, n, a, id);
	} else {
		struct strbuf pre = { 0 }, out = { 0 };
		char *desc = NULL, *subst = NULL, *vtype = NULL, *acc = NULL, *rhs = NULL;
		if (obj_prelude(&g, a, id, &pre, &desc, &subst) < 0)
			goto done;
		acc = lvalue_access(&g, a, id, &pre, subst, &vtype);
		if (!acc)
			goto done;
		const char *endf = end_fn(a->akind);
		char *atype = NULL;
		if (a->akind == ACC_ATOMIC) {
			struct strbuf t = { 0 };
			sb_printf(&t, "__typeof__((void)0, %s)", acc);
			atype = sb_take(&t);
		}
		/* A bit-field's value has its promoted type (gcc: a 40-bit field
		 * of a long stays a 40-bit type), which __typeof__(+(...)) names. */
		char *btype = NULL;
		if (g.bitfield) {
			struct strbuf t = { 0 };
			sb_printf(&t, "__typeof__(+(%s))", acc);
			btype = sb_take(&t);
		}
		const char *rtype = btype ? btype : atype ? atype : "__auto_type";
		if (a->kind == ACT_ACCESS) {
			sb_printf(&out,
				  "({ %s__ftmb_begin(%s); %s __ftmb_r%u = %s; %s(%s); __ftmb_r%u; })",
				  pre.s ? pre.s : "", desc, rtype, id, acc, endf, desc, id);
		} else if (a->kind == ACT_INCDEC) {
			enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(n->c);
			const char *sym = (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc) ? "++" : "--";
			int post = op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec;
			sb_printf(&out,
				  "({ %s__ftmb_begin(%s); %s __ftmb_r%u = %s%s; %s(%s); __ftmb_r%u; })",
				  pre.s ? pre.s : "", desc, rtype, id, post ? acc : sym, post ? sym : acc, endf,
				  desc, id);
		} else { /* ACT_ASSIGN */
			struct node *R = n->nkids > 1 ? n->kids[n->nkids - 1] : NULL;
			if (!R || !has_text(R))
				goto done;
			rhs = text_of(&g, tb(R), te(R), 0, 0, NULL);
			if (!rhs)
				goto done;
			const char *op = "=";
			CXString os = { 0 };
			int compound = n->kind == CXCursor_CompoundAssignOperator;
			if (compound) {
				os = clang_getBinaryOperatorKindSpelling(clang_getCursorBinaryOperatorKind(n->c));
				op = clang_getCString(os);
			}
			/* `x op= s.bitfield`: gcc refuses __auto_type on a bit-field;
			 * `+(R)` is R after integer promotion, which `op` applies to
			 * it anyway (usual arithmetic conversions, shift operands),
			 * so the result is unchanged. */
			int plus = compound && is_bitfield(R);
			sb_printf(&out, "({ %s%s __ftmb_v%u = %s(%s); __ftmb_begin(%s); %s __ftmb_r%u = (%s %s __ftmb_v%u); %s(%s); __ftmb_r%u; })",
				  pre.s ? pre.s : "", compound || !vtype ? "__auto_type" : vtype, id,
				  plus ? "+" : "", rhs,
				  desc, rtype, id, acc, op, id, endf, desc, id);
			if (compound)
				clang_disposeString(os);
		}
		free(atype);
		free(btype);
		res = sb_take(&out);
		if (a->unused)
			res = void_form(res, id);
	done:
		free(pre.s);
		free(out.s);
		free(desc);
		free(subst);
		free(vtype);
		free(acc);
		free(rhs);
	}
	if (!res && g.bad) {
		diag_at(&u->src, rng(n)->inplace ? rng(n)->s : rng(n)->exp_off, "error", "internal",
			"overlapping rewrites (please report this with the input)");
		u->errors++;
	} else if (!res && !u->errors) {
		diag_at(&u->src, rng(n)->inplace ? rng(n)->s : rng(n)->exp_off, "error", "macro",
			"this access cannot be rewritten in place");
		diag_note(&u->src, rng(n)->inplace ? rng(n)->s : rng(n)->exp_off,
			  "write the access without macros, or mark the function __ftmb_audited");
		u->errors++;
	}
	return res;
}
