/*
 * ftmb-cc: a drop-in C compiler that builds code protected by ftmb.
 *
 *   make CC=ftmb-cc          (or CC=/path/to/ftmb-cc)
 *
 * Theory of operation: the command line is split into C sources and
 * everything else. Each `.c` source is rewritten by ftmbcc (given the
 * preprocessor flags: -I -D -U -include -isystem -iquote -std= -m*) into a
 * private temporary directory, then compiled by the real compiler
 * ($FTMB_REAL_CC, default `cc`) with all compile flags plus the directory of
 * ftmb.h; the object goes where the original command would have put it.
 * When the command links, the objects are linked with the remaining
 * arguments and the runtime (-lftmb_core -lpthread, found next to this
 * executable in the install tree or in the build tree;
 * $FTMB_RUNTIME_LIBS overrides). Preprocessing-only commands (-E, -M, -MM)
 * and commands without C sources (or with `-x <not c>`) pass through
 * unchanged; a link of objects only gets the runtime appended. Any failure
 * stops with the failing tool's status, and the temporary directory is
 * removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FTMB_SOURCE_INCLUDE_DIR
#define FTMB_SOURCE_INCLUDE_DIR "/usr/local/include"
#endif
#ifndef FTMB_BUILD_LIB_DIR
#define FTMB_BUILD_LIB_DIR "/usr/local/lib"
#endif

struct argv_buf {
	char **v;
	int n, cap;
};

static void push(struct argv_buf *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = realloc(a->v, (size_t)a->cap * sizeof *a->v);
		if (!a->v) {
			perror("ftmb-cc");
			exit(2);
		}
	}
	a->v[a->n++] = strdup(s);
	a->v[a->n] = NULL;
}

static int run(struct argv_buf *a)
{
	if (getenv("FTMB_CC_VERBOSE")) {
		for (int i = 0; i < a->n; i++)
			fprintf(stderr, "%s%s", i ? " " : "", a->v[i]);
		fputc('\n', stderr);
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("ftmb-cc: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(a->v[0], a->v);
		fprintf(stderr, "ftmb-cc: error: cannot run '%s': %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 2;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static char exe_dir[PATH_MAX];

static int file_exists(const char *p) { return access(p, F_OK) == 0; }

static void find_exe_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		strcpy(exe_dir, ".");
		return;
	}
	exe[n] = 0;
	snprintf(exe_dir, sizeof exe_dir, "%s", dirname(exe));
}

static const char *include_dir(void)
{
	static char buf[PATH_MAX * 2];
	const char *env = getenv("FTMB_INCLUDE_DIR");
	if (env)
		return env;
	snprintf(buf, sizeof buf, "%s/../include/ftmb.h", exe_dir);
	if (file_exists(buf)) {
		snprintf(buf, sizeof buf, "%s/../include", exe_dir);
		return buf;
	}
	return FTMB_SOURCE_INCLUDE_DIR;
}

static const char *lib_dir(void)
{
	static char buf[PATH_MAX * 2];
	const char *names[] = { "libftmb_core.a", "libftmb_core.so" };
	for (int i = 0; i < 2; i++) {
		snprintf(buf, sizeof buf, "%s/../lib/%s", exe_dir, names[i]);
		if (file_exists(buf)) {
			snprintf(buf, sizeof buf, "%s/../lib", exe_dir);
			return buf;
		}
	}
	return FTMB_BUILD_LIB_DIR;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Options whose value is the next argument. */
static int takes_value(const char *a)
{
	static const char *const v[] = { "-o", "-I", "-D", "-U", "-include", "-isystem",
		"-iquote", "-idirafter", "-imacros", "-x", "-MF", "-MT", "-MQ", "-L", "-l",
		"-Xlinker", "-Xassembler", "-Xpreprocessor", "-T", "-u", "-z", NULL };
	for (int i = 0; v[i]; i++)
		if (!strcmp(a, v[i]))
			return 1;
	return 0;
}

/* Preprocessor flags ftmbcc needs to parse the source like the compiler. */
static int for_ftmbcc(const char *a)
{
	return !strncmp(a, "-I", 2) || !strncmp(a, "-D", 2) || !strncmp(a, "-U", 2) ||
	       !strcmp(a, "-include") || !strcmp(a, "-isystem") || !strcmp(a, "-iquote") ||
	       !strcmp(a, "-idirafter") || !strncmp(a, "-std=", 5) || !strncmp(a, "-march=", 7) ||
	       !strcmp(a, "-pthread");
}

static int link_only(const char *a)
{
	return !strncmp(a, "-l", 2) || !strncmp(a, "-L", 2) || !strncmp(a, "-Wl,", 4) ||
	       !strcmp(a, "-Xlinker") || !strcmp(a, "-shared") || !strcmp(a, "-static") ||
	       !strcmp(a, "-rdynamic") || !strcmp(a, "-T") || !strcmp(a, "-u") || !strcmp(a, "-z");
}

static int argv_has_S(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-S"))
			return 1;
	return 0;
}

/* gcc -MD names the file it compiled (our temporary) in the dependency
 * file; put the user's source back so that make does not look for a file
 * that no longer exists. */
static void fix_depfile(int argc, char **argv, const char *obj, const char *tmp_src,
			const char *src)
{
	int md = 0;
	const char *mf = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-MD") || !strcmp(argv[i], "-MMD"))
			md = 1;
		if (!strcmp(argv[i], "-MF") && i + 1 < argc)
			mf = argv[i + 1];
	}
	if (!md)
		return;
	char path[PATH_MAX * 2];
	if (mf) {
		snprintf(path, sizeof path, "%s", mf);
	} else {
		snprintf(path, sizeof path, "%s", obj);
		char *dot = strrchr(path, '.');
		char *slash = strrchr(path, '/');
		if (dot && (!slash || dot > slash))
			*dot = 0;
		strncat(path, ".d", sizeof path - strlen(path) - 1);
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *text = NULL;
	size_t cap = 0, n = 0, k;
	char buf[65536];
	while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
		if (n + k + 1 > cap) {
			cap = (n + k + 1) * 2;
			text = realloc(text, cap);
			if (!text) {
				fclose(f);
				return;
			}
		}
		memcpy(text + n, buf, k);
		n += k;
	}
	fclose(f);
	if (!text)
		return;
	text[n] = 0;
	f = fopen(path, "w");
	if (!f) {
		free(text);
		return;
	}
	size_t tl = strlen(tmp_src);
	for (char *p = text; *p;) {
		char *hit = strstr(p, tmp_src);
		if (!hit) {
			fputs(p, f);
			break;
		}
		fwrite(p, 1, (size_t)(hit - p), f);
		fputs(src, f);
		p = hit + tl;
	}
	fclose(f);
	free(text);
}

static char tmpdir[PATH_MAX];

static void cleanup(void)
{
	if (!tmpdir[0])
		return;
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		char p[PATH_MAX * 2];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(tmpdir);
}

int main(int argc, char **argv)
{
	find_exe_dir();
	const char *real_cc = getenv("FTMB_REAL_CC");
	if (!real_cc || !*real_cc)
		real_cc = "cc";
	int compile_only = 0, passthrough = 0, nsrc = 0;
	const char *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-c") || !strcmp(a, "-S"))
			compile_only = 1;
		else if (!strcmp(a, "-x") && i + 1 < argc && strcmp(argv[i + 1], "c"))
			passthrough = 1; /* another language: not ours */
		else if (!strcmp(a, "-E") || !strcmp(a, "-M") || !strcmp(a, "-MM") ||
			 !strcmp(a, "--version") || !strcmp(a, "-v") ||
			 !strncmp(a, "-print-", 7) || !strncmp(a, "--print-", 8) ||
			 !strcmp(a, "-dumpversion") || !strcmp(a, "-dumpmachine"))
			passthrough = 1;
		if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[i + 1];
		if (takes_value(a)) {
			i++;
			continue;
		}
		if (a[0] != '-' && has_suffix(a, ".c"))
			nsrc++;
	}
	struct argv_buf cmd = { 0 };
	if (passthrough || (nsrc == 0 && compile_only)) {
		push(&cmd, real_cc);
		for (int i = 1; i < argc; i++)
			push(&cmd, argv[i]);
		return run(&cmd);
	}
	if (compile_only && out && nsrc > 1) {
		fprintf(stderr, "ftmb-cc: error: cannot specify -o with -c and multiple files\n");
		return 1;
	}
	snprintf(tmpdir, sizeof tmpdir, "%s/ftmb-cc-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("ftmb-cc: mkdtemp");
		return 2;
	}
	atexit(cleanup);
	const char *ftmbcc_env = getenv("FTMBCC");
	char ftmbcc[PATH_MAX * 2];
	snprintf(ftmbcc, sizeof ftmbcc, "%s/ftmbcc", exe_dir);
	const char *inc = include_dir();
	struct argv_buf link = { 0 };
	push(&link, real_cc);
	int k = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (takes_value(a)) {
			if (!(compile_only && !strcmp(a, "-o"))) {
				push(&link, a);
				if (i + 1 < argc)
					push(&link, argv[i + 1]);
			}
			i++;
			continue;
		}
		if (!(a[0] != '-' && has_suffix(a, ".c"))) {
			if (!compile_only || strcmp(a, "-c"))
				push(&link, a);
			continue;
		}
		/* 1. rewrite */
		char base[PATH_MAX], rew[PATH_MAX * 2], obj[PATH_MAX * 2];
		snprintf(base, sizeof base, "%s", a);
		char *b = basename(base);
		b[strlen(b) - 2] = 0;
		snprintf(rew, sizeof rew, "%s/%d-%s.c", tmpdir, k, b);
		struct argv_buf fc = { 0 };
		push(&fc, ftmbcc_env ? ftmbcc_env : ftmbcc);
		push(&fc, a);
		push(&fc, "-o");
		push(&fc, rew);
		push(&fc, "--");
		for (int j = 1; j < argc; j++) {
			if (for_ftmbcc(argv[j])) {
				push(&fc, argv[j]);
				if (takes_value(argv[j]) && j + 1 < argc)
					push(&fc, argv[++j]);
			} else if (takes_value(argv[j])) {
				j++;
			}
		}
		int rc = run(&fc);
		if (rc)
			return rc;
		/* 2. compile */
		if (compile_only)
			snprintf(obj, sizeof obj, "%s", out ? out : b);
		else
			snprintf(obj, sizeof obj, "%s/%d-%s.o", tmpdir, k, b);
		if (compile_only && !out)
			strcat(obj, argv_has_S(argc, argv) ? ".s" : ".o");
		struct argv_buf cc = { 0 };
		push(&cc, real_cc);
		for (int j = 1; j < argc; j++) {
			const char *x = argv[j];
			if (takes_value(x)) {
				if (strcmp(x, "-o") && !link_only(x)) {
					push(&cc, x);
					if (j + 1 < argc)
						push(&cc, argv[j + 1]);
				}
				j++;
				continue;
			}
			if (link_only(x) || (x[0] != '-'))
				continue;
			if (!strcmp(x, "-c") || !strcmp(x, "-S"))
				continue;
			push(&cc, x);
		}
		char incflag[PATH_MAX * 2 + 8];
		snprintf(incflag, sizeof incflag, "-I%s", inc);
		push(&cc, incflag);
		push(&cc, argv_has_S(argc, argv) ? "-S" : "-c");
		push(&cc, rew);
		push(&cc, "-o");
		push(&cc, obj);
		rc = run(&cc);
		if (rc)
			return rc;
		fix_depfile(argc, argv, obj, rew, a);
		push(&link, obj);
		k++;
	}
	if (compile_only)
		return 0;
	const char *libs = getenv("FTMB_RUNTIME_LIBS");
	if (libs) {
		char *copy = strdup(libs), *save = NULL;
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			push(&link, t);
		free(copy);
	} else {
		char lflag[PATH_MAX * 2 + 8];
		snprintf(lflag, sizeof lflag, "-L%s", lib_dir());
		push(&link, lflag);
		push(&link, "-lftmb_core");
		push(&link, "-lpthread");
	}
	return run(&link);
}
