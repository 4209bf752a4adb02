/*
 * net.c: sockets and message framing for the recovery node (ftmb_msg.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ftmb_msg.h"

static int fill_addr(struct sockaddr_in *sa, const char *host, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	return inet_pton(AF_INET, host ? host : "127.0.0.1", &sa->sin_addr) == 1 ? 0 : -1;
}

static int bound_port(int fd, uint16_t *bound)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);

	if (bound == NULL)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&sa, &l) < 0)
		return -1;
	*bound = ntohs(sa.sin_port);
	return 0;
}

int ftmb_tcp_listen(const char *host, uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sa;
	int one = 1, fd;

	if (fill_addr(&sa, host, port) < 0) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    bound_port(fd, bound) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int ftmb_tcp_connect(const char *host, uint16_t port, unsigned timeout_ms)
{
	struct sockaddr_in sa;
	unsigned waited = 0;
	int one = 1;

	if (fill_addr(&sa, host, port) < 0) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			return fd;
		}
		close(fd);
		if (waited >= timeout_ms)
			return -1;
		usleep(10000);
		waited += 10;
	}
}

int ftmb_udp_bind(const char *host, uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sa;
	int fd;

	if (fill_addr(&sa, host, port) < 0) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || bound_port(fd, bound) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int ftmb_udp_send(int fd, const char *host, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in sa;

	if (fill_addr(&sa, host, port) < 0)
		return -1;
	return sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) ==
		       (ssize_t)len ? 0 : -1;
}

int ftmb_msg_send3(int fd, unsigned type, const void *a, size_t alen,
		   const void *b, size_t blen, const void *c, size_t clen)
{
	struct ftmb_msg h = { FTMB_MSG_MAGIC, FTMB_MSG_VERSION, (uint8_t)type,
			      (uint32_t)(alen + blen + clen) };
	struct iovec iov[4] = {
		{ &h, sizeof(h) }, { (void *)a, alen }, { (void *)b, blen }, { (void *)c, clen },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 4 };
	size_t left = sizeof(h) + alen + blen + clen;

	if (alen + blen + clen > FTMB_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	while (left > 0) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		left -= (size_t)n;
		/* Advance the iovecs past what was sent. */
		while (n > 0 && mh.msg_iovlen > 0) {
			if ((size_t)n >= mh.msg_iov->iov_len) {
				n -= (ssize_t)mh.msg_iov->iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + n;
				mh.msg_iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

int ftmb_msg_send(int fd, unsigned type, const void *a, size_t alen,
		  const void *b, size_t blen)
{
	return ftmb_msg_send3(fd, type, a, alen, b, blen, NULL, 0);
}

void ftmb_msg_reader_init(struct ftmb_msg_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void ftmb_msg_reader_free(struct ftmb_msg_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

ssize_t ftmb_msg_fill(struct ftmb_msg_reader *r, int fd)
{
	ssize_t n;

	/* Compact: drop what was returned. */
	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	if (r->cap - r->len < 65536) {
		size_t cap = r->cap ? r->cap * 2 : 262144;
		uint8_t *nb = realloc(r->buf, cap);
		if (nb == NULL) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = nb;
		r->cap = cap;
	}
	do {
		n = read(fd, r->buf + r->len, r->cap - r->len);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		r->len += (size_t)n;
	return n;
}

int ftmb_msg_next(struct ftmb_msg_reader *r, struct ftmb_msg *m, const uint8_t **payload)
{
	size_t avail = r->len - r->off;

	if (r->error)
		return -1;
	if (avail < sizeof(*m))
		return 0;
	memcpy(m, r->buf + r->off, sizeof(*m));
	if (m->magic != FTMB_MSG_MAGIC || m->version != FTMB_MSG_VERSION || m->len > FTMB_MSG_MAX) {
		r->error = 1;
		return -1;
	}
	if (avail < sizeof(*m) + m->len)
		return 0;
	*payload = r->buf + r->off + sizeof(*m);
	r->off += sizeof(*m) + m->len;
	return 1;
}

size_t ftmb_msg_pending(const struct ftmb_msg_reader *r)
{
	return r->len - r->off;
}
