/*
 * tu.c: parsing with libclang, the compilation database, and finding the
 * directory of ftmb.h (relative to the executable: install tree first,
 * then the source tree this binary was built from).
 */
#include "ftmbcc.h"

#include <clang-c/CXCompilationDatabase.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FTMB_SOURCE_INCLUDE_DIR
#define FTMB_SOURCE_INCLUDE_DIR "/usr/local/include"
#endif

static int exists(const char *dir, const char *file)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	return access(p, R_OK) == 0;
}

const char *ftmb_include_dir(void)
{
	static char found[PATH_MAX];
	if (found[0])
		return found;
	const char *env = getenv("FTMB_INCLUDE_DIR");
	if (env && exists(env, "ftmb.h")) {
		snprintf(found, sizeof found, "%s", env);
		return found;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *bindir = dirname(exe);
		char cand[PATH_MAX + 16];
		snprintf(cand, sizeof cand, "%s/../include", bindir);
		if (exists(cand, "ftmb.h") && realpath(cand, found))
			return found;
	}
	snprintf(found, sizeof found, "%s", FTMB_SOURCE_INCLUDE_DIR);
	return found;
}

int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct strbuf b = { 0 };
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&b, buf, k);
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(b.s);
		return -1;
	}
	*len = b.n;
	*text = sb_take(&b);
	return 0;
}

int tu_parse(CXIndex idx, const char *file, int argc, const char *const *argv,
	     CXTranslationUnit *out)
{
	const char **args = xmalloc((size_t)(argc + 4) * sizeof *args);
	int n = 0;
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	char inc[PATH_MAX + 3];
	snprintf(inc, sizeof inc, "-I%s", ftmb_include_dir());
	args[n++] = inc;
	args[n++] = "-ferror-limit=0";
	enum CXErrorCode ec = clang_parseTranslationUnit2(idx, file, args, n, NULL, 0,
							  CXTranslationUnit_None, out);
	free(args);
	if (ec != CXError_Success) {
		fprintf(stderr, "ftmbcc: error: cannot parse '%s' (libclang error %d)\n", file, (int)ec);
		return -1;
	}
	int errors = 0;
	unsigned nd = clang_getNumDiagnostics(*out);
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic d = clang_getDiagnostic(*out, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
		if (sev >= CXDiagnostic_Error) {
			CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
			fprintf(stderr, "%s\n", clang_getCString(s));
			clang_disposeString(s);
			errors++;
		}
		clang_disposeDiagnostic(d);
	}
	if (errors) {
		fprintf(stderr, "ftmbcc: error: %d error%s parsing '%s'; no output written\n", errors,
			errors == 1 ? "" : "s", file);
		clang_disposeTranslationUnit(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Compile flags for `file` from <dir>/compile_commands.json, without the
 * compiler, the input, -c, -o and dependency-file options; the command's
 * directory becomes -working-directory. */
int compdb_args(const char *dir, const char *file, char ***argv, int *argc)
{
	CXCompilationDatabase_Error err;
	CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir, &err);
	if (err != CXCompilationDatabase_NoError) {
		fprintf(stderr, "ftmbcc: error: cannot load %s/compile_commands.json\n", dir);
		return -1;
	}
	char abs[PATH_MAX];
	if (!realpath(file, abs))
		snprintf(abs, sizeof abs, "%s", file);
	CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
	if (!cmds || clang_CompileCommands_getSize(cmds) == 0) {
		fprintf(stderr, "ftmbcc: error: no entry for '%s' in %s/compile_commands.json\n",
			file, dir);
		if (cmds)
			clang_CompileCommands_dispose(cmds);
		clang_CompilationDatabase_dispose(db);
		return -1;
	}
	CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
	unsigned n = clang_CompileCommand_getNumArgs(cmd);
	char **v = xmalloc((n + 2) * sizeof *v);
	int k = 0;
	CXString d = clang_CompileCommand_getDirectory(cmd);
	struct strbuf wd = { 0 };
	sb_printf(&wd, "-working-directory=%s", clang_getCString(d));
	clang_disposeString(d);
	v[k++] = sb_take(&wd);
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	for (unsigned i = 1; i < n; i++) {
		CXString s = clang_CompileCommand_getArg(cmd, i);
		const char *a = clang_getCString(s);
		const char *ab = strrchr(a, '/') ? strrchr(a, '/') + 1 : a;
		int skip_next = !strcmp(a, "-o") || !strcmp(a, "-MF") || !strcmp(a, "-MT") ||
				!strcmp(a, "-MQ");
		if (skip_next) {
			i++;
		} else if (!strcmp(a, "-c") || !strcmp(a, "-MD") || !strcmp(a, "-MMD") ||
			   !strcmp(a, "--") || (a[0] != '-' && !strcmp(ab, base))) {
			/* dropped */
		} else {
			v[k++] = xstrdup(a);
		}
		clang_disposeString(s);
	}
	clang_CompileCommands_dispose(cmds);
	clang_CompilationDatabase_dispose(db);
	*argv = v;
	*argc = k;
	return 0;
}
