/*
 * ctl.c: control socket server and client (ftmb_ctl.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ftmb_ctl.h"

struct ftmb_ctl {
	int fd;
	int stop_pipe[2];
	char path[108];
	ftmb_ctl_fn fn;
	void *arg;
	pthread_t thr;
};

static int unix_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static void *serve(void *p)
{
	struct ftmb_ctl *c = p;
	char cmd[256], *out = malloc(65536);

	for (;;) {
		struct pollfd pf[2] = { { c->fd, POLLIN, 0 }, { c->stop_pipe[0], POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents)
			break;
		if (!(pf[0].revents & POLLIN))
			continue;
		int cfd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		struct pollfd q = { cfd, POLLIN, 0 };
		ssize_t n = 0;
		if (poll(&q, 1, 1000) > 0)
			n = read(cfd, cmd, sizeof(cmd) - 1);
		if (n > 0) {
			cmd[n] = 0;
			cmd[strcspn(cmd, "\r\n")] = 0;
			out[0] = 0;
			c->fn(c->arg, cmd, out, 65536);
			size_t len = strlen(out), off = 0;
			while (off < len) {
				ssize_t w = write(cfd, out + off, len - off);
				if (w <= 0)
					break;
				off += (size_t)w;
			}
		}
		close(cfd);
	}
	free(out);
	return NULL;
}

struct ftmb_ctl *ftmb_ctl_start(const char *path, ftmb_ctl_fn fn, void *arg)
{
	struct ftmb_ctl *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa;

	if (c == NULL)
		return NULL;
	if (unix_addr(&sa, path) < 0)
		goto fail;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->fn = fn;
	c->arg = arg;
	unlink(path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(c->fd, 4) < 0 ||
	    pipe2(c->stop_pipe, O_CLOEXEC) < 0) {
		close(c->fd);
		goto fail;
	}
	if (pthread_create(&c->thr, NULL, serve, c) != 0) {
		close(c->fd);
		goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

void ftmb_ctl_stop(struct ftmb_ctl *c)
{
	if (c == NULL)
		return;
	if (write(c->stop_pipe[1], "x", 1) < 0)
		perror("ftmb_ctl_stop");
	pthread_join(c->thr, NULL);
	close(c->fd);
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
	unlink(c->path);
	free(c);
}

int ftmb_ctl_query(const char *path, const char *cmd, char *out, size_t cap,
		   unsigned timeout_ms)
{
	struct sockaddr_un sa;
	size_t got = 0;
	int fd;

	if (cap == 0 || unix_addr(&sa, path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	char line[256];
	int ll = snprintf(line, sizeof(line), "%s\n", cmd);
	/* One send (the server answers the first read and closes), no SIGPIPE. */
	if (ll < 0 || (size_t)ll >= sizeof(line) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, line, (size_t)ll, MSG_NOSIGNAL) != ll) {
		close(fd);
		return -1;
	}
	for (;;) {
		struct pollfd q = { fd, POLLIN, 0 };
		if (poll(&q, 1, (int)timeout_ms) <= 0)
			break;
		ssize_t n = read(fd, out + got, cap - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == cap - 1)
			break;
	}
	out[got] = 0;
	close(fd);
	return (int)got;
}
