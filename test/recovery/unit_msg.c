/*
 * unit_msg.c: message framing of the recovery node (ftmb_msg.h): whole
 * messages come out in order however the bytes are cut; an incomplete tail
 * (a peer killed mid-message) never comes out; a bad magic, version or an
 * oversized length is a protocol error, not a crash.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ftmb_msg.h"
#include "unit_check.h"

static int drain(struct ftmb_msg_reader *r, int fd, unsigned *count, uint32_t *sum)
{
	struct ftmb_msg m;
	const uint8_t *p;
	int k;

	if (ftmb_msg_fill(r, fd) < 0 && errno != EAGAIN)
		return -1;
	while ((k = ftmb_msg_next(r, &m, &p)) == 1) {
		(*count)++;
		for (uint32_t i = 0; i < m.len; i++)
			*sum += p[i];
		*sum += m.type;
	}
	return k;
}

int main(void)
{
	int sv[2];
	struct ftmb_msg_reader r;
	unsigned count = 0;
	uint32_t sum = 0, want = 0;
	uint8_t big[70000];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	ftmb_msg_reader_init(&r);
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13);

	/* Three messages, one of them larger than the reader's first buffer,
	 * sent as three-part messages; read as they come. */
	CHECK(ftmb_msg_send(sv[0], FTMB_M_PKT, "abc", 3, "de", 2) == 0);
	want += 'a' + 'b' + 'c' + 'd' + 'e' + FTMB_M_PKT;
	CHECK(ftmb_msg_send3(sv[0], FTMB_M_OUTPUT, big, 30000, big + 30000, 30000, big + 60000,
			     10000) == 0);
	for (unsigned i = 0; i < sizeof(big); i++)
		want += big[i];
	want += FTMB_M_OUTPUT;
	CHECK(ftmb_msg_send(sv[0], FTMB_M_CUT_END, NULL, 0, NULL, 0) == 0);
	want += FTMB_M_CUT_END;
	for (int i = 0; i < 20 && count < 3; i++)
		CHECK(drain(&r, sv[1], &count, &sum) == 0);
	CHECK(count == 3 && sum == want);
	CHECK(ftmb_msg_pending(&r) == 0);

	/* An incomplete tail (header + half the payload) never comes out. */
	{
		struct ftmb_msg h = { FTMB_MSG_MAGIC, FTMB_MSG_VERSION, FTMB_M_PKT, 100 };
		CHECK(write(sv[0], &h, sizeof(h)) == sizeof(h));
		CHECK(write(sv[0], big, 50) == 50);
		count = 0;
		CHECK(drain(&r, sv[1], &count, &sum) == 0);
		CHECK(count == 0 && ftmb_msg_pending(&r) == sizeof(h) + 50);
		/* The rest arrives: now it does. */
		CHECK(write(sv[0], big, 50) == 50);
		CHECK(drain(&r, sv[1], &count, &sum) == 0);
		CHECK(count == 1 && ftmb_msg_pending(&r) == 0);
	}
	/* Bad magic: protocol error, and it stays an error. */
	{
		struct ftmb_msg h = { 0x1234, FTMB_MSG_VERSION, FTMB_M_PKT, 0 };
		CHECK(write(sv[0], &h, sizeof(h)) == sizeof(h));
		CHECK(drain(&r, sv[1], &count, &sum) == -1);
		CHECK(drain(&r, sv[1], &count, &sum) == -1);
	}
	ftmb_msg_reader_free(&r);
	/* Wrong version, and a length above the limit, on a fresh reader. */
	{
		struct ftmb_msg h1 = { FTMB_MSG_MAGIC, 9, FTMB_M_PKT, 0 };
		struct ftmb_msg h2 = { FTMB_MSG_MAGIC, FTMB_MSG_VERSION, FTMB_M_PKT, FTMB_MSG_MAX + 1 };
		ftmb_msg_reader_init(&r);
		CHECK(write(sv[0], &h1, sizeof(h1)) == sizeof(h1));
		CHECK(drain(&r, sv[1], &count, &sum) == -1);
		ftmb_msg_reader_free(&r);
		ftmb_msg_reader_init(&r);
		CHECK(write(sv[0], &h2, sizeof(h2)) == sizeof(h2));
		CHECK(drain(&r, sv[1], &count, &sum) == -1);
		ftmb_msg_reader_free(&r);
	}
	/* The sender refuses an oversized message. */
	errno = 0;
	CHECK(ftmb_msg_send(sv[0], FTMB_M_PKT, big, FTMB_MSG_MAX, big, 1) == -1 && errno == EMSGSIZE);
	/* EOF: fill returns 0. */
	close(sv[0]);
	ftmb_msg_reader_init(&r);
	CHECK(ftmb_msg_fill(&r, sv[1]) == 0);
	ftmb_msg_reader_free(&r);
	close(sv[1]);
	UNIT_DONE("unit_msg");
}
