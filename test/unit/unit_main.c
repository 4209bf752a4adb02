/* unit_main.c: runs one named unit test (or all with no argument). */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "unit_tests.h"

int unit_failures;

int unit_run_child(void (*fn)(void), char *buf, size_t cap)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 2);
		fn();
		_exit(0);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(p[0], buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(p[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	return st;
}

static const struct unit_test tests[] = {
#define UNIT(name) { #name, test_##name },
	UNIT_LIST
#undef UNIT
};

int main(int argc, char **argv)
{
	size_t n = sizeof(tests) / sizeof(tests[0]);
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	if (argc == 1) { /* all, each in its own process (the runtime is a singleton) */
		int failed = 0;
		for (size_t i = 0; i < n; i++) {
			fflush(NULL);
			pid_t pid = fork();
			if (pid == 0) {
				tests[i].fn();
				fprintf(stderr, "%s %s\n", unit_failures ? "FAIL" : "PASS", tests[i].name);
				_exit(unit_failures ? 1 : 0);
			}
			int st = 0;
			waitpid(pid, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failed++;
		}
		fprintf(stderr, "%zu tests, %d failed\n", n, failed);
		return failed ? 1 : 0;
	}
	int ran = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], tests[i].name) != 0)
			continue;
		int before = unit_failures;
		tests[i].fn();
		ran++;
		fprintf(stderr, "%s %s\n", unit_failures == before ? "PASS" : "FAIL", tests[i].name);
	}
	if (!ran) {
		fprintf(stderr, "no test named '%s' (try --list)\n", argv[1]);
		return 2;
	}
	return unit_failures ? 1 : 0;
}
