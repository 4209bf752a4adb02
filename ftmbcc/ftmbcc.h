/*
 * ftmbcc.h: internal interfaces of ftmbcc, the source-to-source compiler
 * that inserts ordered-logging calls around every access to shared state
 * (SPEC.md §3, §7). One concern per file:
 *   main.c     command line            tu.c       parsing, compilation db
 *   shared.c   which decls are shared  tree.c     cursor tree with parents
 *   visit.c    access classification   rewrite.c  replacement text
 *   edits.c    sorted edit list        registry.c preamble, descriptors, registry
 *   diag.c     clang-style diagnostics nondet.c   clock/random/heap renames
 *   headers.c  shared state touched by functions defined in headers
 *   strbuf.c   growable strings
 */
#ifndef FTMBCC_H
#define FTMBCC_H

#include <clang-c/Index.h>
#include <stddef.h>
#include <stdint.h>

#define FTMBCC_VERSION "0.1.0"
#define FTMBCC_MARKER "__FTMB_REWRITTEN__"

/* ---- strbuf.c ---------------------------------------------------- */
struct strbuf {
	char *s;
	size_t n, cap;
};
void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *sb_take(struct strbuf *b); /* returns the NUL-terminated string, resets b */
char *xstrdup(const char *s);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
uint64_t fnv1a64(const char *s);

/* ---- edits.c ----------------------------------------------------- */
struct edit {
	unsigned off, len; /* replaced range of the original main file   */
	char *text;        /* replacement (owned)                          */
	unsigned seq;      /* insertion order, to keep sorting stable      */
};
struct edits {
	struct edit *v;
	size_t n, cap;
	unsigned next_seq;
};
void edits_push(struct edits *e, unsigned off, unsigned len, char *text);
/* Text of src[off, off+len) with those edits of e->v[from..] applied that
 * lie inside the range; NULL and *bad = 1 if one straddles its boundary. */
/* Text of src[off, off+len) with the edits of e->v[from..] applied; those
 * edits must lie inside the range (returns NULL and sets *bad otherwise). */
char *edits_apply_range(const struct edits *e, size_t from, const char *src,
			unsigned off, unsigned len, int *bad);
void edits_truncate(struct edits *e, size_t n);
/* Sorts, drops exact duplicates, checks overlaps (returns -1 on overlap,
 * offending offset in *where), and produces the whole rewritten text. */
int edits_finish(struct edits *e, const char *src, size_t src_len,
		 struct strbuf *out, unsigned *where);

/* ---- diag.c ------------------------------------------------------ */
struct source {
	const char *path;   /* as given on the command line */
	const char *text;
	size_t len;
};
void diag_at(const struct source *src, unsigned off, const char *level,
	     const char *flag, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_note(const struct source *src, unsigned off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void offset_to_linecol(const struct source *src, unsigned off, unsigned *line,
		       unsigned *col);

/* ---- tree.c ------------------------------------------------------ */
struct node {
	CXCursor c;
	enum CXCursorKind kind;
	struct node *parent;
	struct node **kids;
	unsigned nkids, index; /* index = position among the parent's kids */
	/* Byte range in the main file, valid when `inplace`: the node's text
	 * is spelled there contiguously (plain code or a macro argument). */
	unsigned s, e;
	int inplace;
	unsigned exp_off; /* expansion offset of the start (macro name), main file */
	int exp_main;     /* exp_off valid                                   */
	unsigned xe;      /* end of the expansion range [exp_off, xe), if xok */
	int xok;
	char *rename_text; /* identifier replacement (renames, hoisted statics) */
	int ranged;       /* the range fields above are computed (lazily, rng()) */
	/* Set by visit.c, consumed by rewrite.c. */
	struct action *act;
	int unevaluated;
};
struct tree_ctx {
	CXTranslationUnit tu;
	CXFile main_file;
};
struct node *tree_build(struct tree_ctx *t, CXCursor root);
void node_set_range(struct node *n);
/* Range fields are computed on first use: most nodes never need them. */
static inline struct node *rng(struct node *n)
{
	if (!n->ranged)
		node_set_range(n);
	return n;
}
void tree_free(struct node *n);
struct node *node_strip_up(struct node *n);     /* skip ParenExpr parents */

/* ---- shared.c ---------------------------------------------------- */
enum shared_kind { SH_NONE, SH_VAR, SH_FIELD, SH_TYPE };
struct shared_var {
	char *usr;      /* clang USR of the declaration                    */
	char *name;     /* spelling                                        */
	char *qname;    /* qualified name: x, file.c:x, file.c:func:x       */
	char *desc;     /* descriptor C name                               */
	uint64_t id;
	int is_static;  /* internal linkage or function static -> static desc */
	int used;       /* descriptor needed in this TU                     */
	int defined_here;
};
struct shared_type {
	char *usr;
	char *name;     /* "struct T"                                       */
	uint64_t id;
	int field_level; /* made for an annotated member of a plain struct   */
};
struct shared_db;
struct shared_db *shared_new(const char *file_base);
void shared_free(struct shared_db *db);
struct shared_var *shared_var_of(struct shared_db *db, CXCursor decl,
				 const char *func_name);
/* Shared struct type a member access of field `field` goes through, or NULL. */
struct shared_type *shared_type_of_field(struct shared_db *db, CXCursor field);
struct shared_type *shared_type_of_record(struct shared_db *db, CXType t);
size_t shared_vars(struct shared_db *db, struct shared_var ***out);
int cursor_has_annotation(CXCursor c, const char *what);
char *cursor_usr(CXCursor c);

/* ---- nondet.c ---------------------------------------------------- */
struct rename {
	const char *from, *to;
	int cast_arg;        /* index of an argument needing a cast, or -1 */
	const char *cast;    /* cast text for that argument                */
};
const struct rename *nondet_lookup(const char *name);

/* ---- recognised calls (visit.c) ---------------------------------- */
enum call_class { CALL_NONE, CALL_ATOMIC, CALL_LOCK, CALL_TRYLOCK_ZERO,
		  CALL_TRYLOCK_ONE, CALL_LOCK_VOID, CALL_UNLOCK, CALL_MEM_WRITE,
		  CALL_MEM_READ };
enum call_class call_classify(const char *name);

/* ---- visit.c / rewrite.c ----------------------------------------- */
enum access_kind { ACC_READ, ACC_WRITE, ACC_RMW, ACC_ATOMIC, ACC_LOCK, ACC_UNLOGGED };
extern const char *const access_kind_name[];

enum action_kind {
	ACT_ACCESS,     /* node is the lvalue T; wrap according to `kind`    */
	ACT_ASSIGN,     /* node is `T = R` or `T op= R`; lhs = T              */
	ACT_INCDEC,     /* node is ++T / T-- ...                              */
	ACT_CALL,       /* node is an atomic / lock / mem call               */
	ACT_WRAP,       /* node's text wrapped: text + node + post            */
	ACT_UNIT,       /* a whole macro expansion, logged as one access      */
};
struct action {
	enum action_kind kind;
	enum access_kind akind;
	struct node *lhs;        /* the accessed lvalue T                      */
	struct node *obj_base;   /* for per-object descriptors: base of T      */
	int obj_arrow;           /* base is a pointer (->) rather than (.)     */
	struct shared_var *var;  /* static descriptor, or NULL if per object  */
	struct shared_type *type;
	enum call_class call;
	int is_void;             /* call/expansion has void type               */
	int unused;              /* value discarded: emit the void form        */
	char *text, *post;       /* ACT_WRAP                                   */
	size_t dump_idx;         /* ACT_UNIT: its --dump-accesses line          */
};

struct unit {
	struct source src;
	const char *file_base;    /* basename used in qualified names */
	CXTranslationUnit tu;
	CXFile main_file;
	struct shared_db *db;
	struct edits edits;
	int errors;
	int dump;                 /* --dump-accesses */
	unsigned counter;         /* temporaries */
	/* Registry entries, emitted at the end. */
	struct strbuf globals;    /* initialisers of struct ftmb_global */
	unsigned n_globals;
	struct edits hoists;      /* edits never folded into an enclosing rewrite:
				   * hoisted function statics, renames inside
				   * #define bodies */
	struct dump_line { unsigned off; char *text; } *dump_v;
	size_t dump_n;
	char **seen_globals;      /* USRs already registered */
	size_t n_seen;
	struct hdr_fn { CXCursor def; unsigned use_off; } *hdr_fns; /* headers.c */
	size_t n_hdr_fns;
};
/* headers.c: header-defined functions reached from the file. */
void headers_note_call(struct unit *u, CXCursor fn, unsigned use_off);
void headers_check(struct unit *u);
void visit_unit(struct unit *u);
/* rewrite.c: replacement text of node n's action; children's edits are
 * e->v[mark..]. Returns NULL (after a diagnostic) when impossible. */
char *rewrite_action(struct unit *u, struct node *n, size_t mark);
char *ident_at(const struct source *src, unsigned off);
void registry_add_global(struct unit *u, uint64_t id, const char *qname,
			 const char *cname);
char *registry_preamble(struct unit *u);
char *registry_epilogue(struct unit *u);

/* ---- tu.c ------------------------------------------------------- */
const char *ftmb_include_dir(void);
int tu_parse(CXIndex idx, const char *file, int argc, const char *const *argv,
	     CXTranslationUnit *out);
int compdb_args(const char *dir, const char *file, char ***argv, int *argc);
int read_file(const char *path, char **text, size_t *len);

#endif
