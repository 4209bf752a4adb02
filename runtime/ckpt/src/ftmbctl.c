/*
 * ftmbctl: show a deployment's state or trigger a planned failover.
 *
 *   ftmbctl [-t timeout_ms] -s SOCKET [-s SOCKET ...] status
 *   ftmbctl -s MASTER_SOCKET failover
 *   ftmbctl -s MASTER_SOCKET dump
 *
 * Each -s names the control socket of one process (master, backup,
 * IL/OL); status prints every process's "key=value" lines under a
 * "[socket]" heading. Exit 0 if every process answered, 1 otherwise, 2 on
 * bad usage, 3 if every process answered but one refused (an "error="
 * line, e.g. `failover` sent to a backup).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftmb_ctl.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ftmbctl [-t timeout_ms] -s SOCKET [-s SOCKET ...] status|failover|dump\n");
}

int main(int argc, char **argv)
{
	const char *socks[16];
	unsigned n_socks = 0, timeout = 2000;
	int opt, rc = 0;
	bool refused = false;
	char *out;

	while ((opt = getopt(argc, argv, "s:t:h")) != -1) {
		switch (opt) {
		case 's':
			if (n_socks == 16) {
				fprintf(stderr, "ftmbctl: at most 16 sockets\n");
				return 2;
			}
			socks[n_socks++] = optarg;
			break;
		case 't':
			timeout = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || n_socks == 0) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[optind];
	if (strcmp(cmd, "status") && strcmp(cmd, "failover") && strcmp(cmd, "dump")) {
		fprintf(stderr, "ftmbctl: unknown command '%s' (status, failover, dump)\n", cmd);
		return 2;
	}
	out = malloc(65536);
	if (out == NULL)
		return 1;
	for (unsigned i = 0; i < n_socks; i++) {
		if (ftmb_ctl_query(socks[i], cmd, out, 65536, timeout) < 0) {
			fprintf(stderr, "ftmbctl: %s: no answer (process down?)\n", socks[i]);
			printf("[%s]\nstate=down\n", socks[i]);
			rc = 1;
			continue;
		}
		printf("[%s]\n%s", socks[i], out);
		if (!strncmp(out, "error=", 6) || strstr(out, "\nerror="))
			refused = true;
		if (out[0] && out[strlen(out) - 1] != '\n')
			putchar('\n');
	}
	free(out);
	return rc ? rc : refused ? 3 : 0;
}
