/*
 * ftmb_msg.h: the messages of the recovery node (runtime/ckpt/src/node_*.c)
 * and the sockets that carry them. Transport: TCP on loopback (or any
 * address) for streams and checkpoints, UDP for heartbeats, a Unix stream
 * socket per process for the control command (ftmbctl). See
 * docs/recovery.md "Wire".
 *
 * Every TCP message: struct ftmb_msg (8 bytes) then len payload bytes.
 * Checkpoint connections carry raw images (ftmb_ckpt_format.h) from the
 * master to the backup and COVER messages back.
 *
 * Theory of operation of the reader: a connection's bytes accumulate in a
 * buffer; ftmb_msg_next returns one whole message at a time, or nothing
 * while a message is incomplete. A peer killed mid-message leaves an
 * incomplete tail that is never returned: the receiver sees exactly the
 * prefix of whole messages that reached it (what SPEC §6.3 calls "the
 * prefix of its stream that reached the OL"). A header with a bad magic
 * or a length above the limit is a protocol error (the connection is
 * dropped by the caller), never a crash.
 */
#ifndef FTMB_MSG_H
#define FTMB_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FTMB_MSG_MAGIC 0xf7b1u
#define FTMB_MSG_VERSION 1u
#define FTMB_MSG_MAX (64u << 20)

struct ftmb_msg {
	uint16_t magic;
	uint8_t version;
	uint8_t type;        /* enum ftmb_msg_type */
	uint32_t len;        /* payload bytes      */
};

enum ftmb_msg_type {
	FTMB_M_HELLO = 1,      /* node -> IL/OL: struct ftmb_m_hello                 */
	FTMB_M_PKT = 2,        /* IL -> master: struct ftmb_m_pkt + frame            */
	FTMB_M_PALS = 3,       /* master -> OL: struct ftmb_m_pals + PALs            */
	FTMB_M_OUTPUT = 4,     /* master -> OL: struct ftmb_m_output + V + frame     */
	FTMB_M_NOOUT = 5,      /* master -> OL: struct ftmb_m_noout                  */
	FTMB_M_COVER = 6,      /* backup -> IL/OL, backup -> master: ftmb_ckpt_cover */
	FTMB_M_TAKEOVER = 7,   /* backup -> IL/OL: ftmb_ckpt_cover of its checkpoint */
	FTMB_M_CUT_PALS = 8,   /* OL -> backup: struct ftmb_m_pals (one per core)    */
	FTMB_M_CUT_END = 9,    /* OL -> backup: no payload                           */
	FTMB_M_CUT = 10,       /* backup -> OL: struct ftmb_m_cut                    */
	FTMB_M_NEW_BACKUP = 11,/* IL/OL -> master: struct ftmb_m_hello of the backup */
	FTMB_M_CKPT_BEGIN = 12,/* master -> IL/OL: u64 seq (events for tests)        */
	FTMB_M_DUMP_REQ = 13,  /* IL/OL -> master                                    */
	FTMB_M_DUMP = 14,      /* master -> IL/OL: struct ftmb_m_dump + text         */
	FTMB_M_RECOVERED = 15, /* new master -> IL/OL: struct ftmb_m_recovered       */
	FTMB_M_RESUME = 16,    /* IL/OL -> new master: replay sent, go on            */
};

enum ftmb_node_role { FTMB_NODE_MASTER = 1, FTMB_NODE_BACKUP = 2 };

struct ftmb_m_hello {
	uint32_t role;         /* enum ftmb_node_role */
	uint32_t n_cores;
	uint32_t pid;
	uint16_t ckpt_port;    /* backup: TCP port receiving checkpoints */
	uint16_t hb_port;      /* backup: UDP port receiving heartbeats  */
};

struct ftmb_m_pkt {
	uint64_t pkt_id;
	uint64_t ts_ns;        /* IL arrival timestamp */
	uint16_t in_port;
	uint16_t len;
	uint32_t pad;
	/* frame follows */
};

struct ftmb_m_pals {
	uint32_t core;
	uint32_t count;
	uint64_t first_pos;
	/* count struct ftmb_pal follow */
};

struct ftmb_m_output {
	uint32_t core;
	uint32_t out_idx;
	uint64_t pkt_id;
	uint16_t port;         /* enum mb_port to send it on */
	uint16_t len;
	uint32_t n_vec;
	/* n_vec uint64_t V, then the frame */
};

struct ftmb_m_noout {
	uint32_t core;
	uint32_t pad;
	uint64_t pkt_id;
};

struct ftmb_m_cut {
	uint32_t n_cores;
	uint32_t pad;
	uint64_t keep_end[128]; /* core c's stream is cut at position keep_end[c] */
};

struct ftmb_m_dump {
	uint32_t digest;       /* ftmb_ckpt_state_digest() */
	uint32_t text_len;
	/* text follows (middlebox's own dump, e.g. counters) */
};

struct ftmb_m_recovered {
	uint64_t detect_ns;    /* last heartbeat + timeout -> declared dead */
	uint64_t dead_at_ns;   /* CLOCK_MONOTONIC when declared dead        */
	uint64_t restore_ns;   /* validate + restore of the checkpoint      */
	uint64_t cut_ns;       /* from TAKEOVER to cut computed             */
	uint64_t ckpt_seq;
	uint64_t replay_pals;  /* PALs in the cut                           */
	uint64_t partial_images;/* half-received checkpoints the backup discarded */
};

/* Heartbeat datagram (UDP). */
#define FTMB_HB_MAGIC 0x46544842u /* "BHTF" */
#define FTMB_HB_RESIGN 0x1u       /* planned failover: take over now */
struct ftmb_hb {
	uint32_t magic;
	uint32_t flags;
	uint64_t seq;
	uint64_t sent_ns;
	uint64_t ckpt_seq;     /* last checkpoint the master started */
	uint32_t pid;
	uint32_t pad;
};

/* ---------------------------------------------------------------- I/O */

/* TCP listen on host:port (port 0 = any; *bound gets the port). fd or -1. */
int ftmb_tcp_listen(const char *host, uint16_t port, uint16_t *bound);
/* TCP connect, with retries for up to timeout_ms. fd or -1. */
int ftmb_tcp_connect(const char *host, uint16_t port, unsigned timeout_ms);
/* UDP socket bound to host:port (port 0 = any). fd or -1. */
int ftmb_udp_bind(const char *host, uint16_t port, uint16_t *bound);
int ftmb_udp_send(int fd, const char *host, uint16_t port, const void *buf, size_t len);

/* Send one message (header + two payload parts) fully. 0 or -1. */
int ftmb_msg_send(int fd, unsigned type, const void *a, size_t alen,
		  const void *b, size_t blen);
int ftmb_msg_send3(int fd, unsigned type, const void *a, size_t alen,
		   const void *b, size_t blen, const void *c, size_t clen);

struct ftmb_msg_reader {
	uint8_t *buf;
	size_t len, cap, off;
	int error;            /* protocol error seen: drop the connection */
};
void ftmb_msg_reader_init(struct ftmb_msg_reader *r);
void ftmb_msg_reader_free(struct ftmb_msg_reader *r);
/* Read what is available from fd (non-blocking or after poll). Returns
 * bytes read, 0 on EOF, -1 on error (EAGAIN: -1 with errno EAGAIN). */
ssize_t ftmb_msg_fill(struct ftmb_msg_reader *r, int fd);
/* Next whole message: 1 and *m / *payload set (valid until the next
 * fill), 0 if none complete, -1 on a protocol error. */
int ftmb_msg_next(struct ftmb_msg_reader *r, struct ftmb_msg *m, const uint8_t **payload);
/* Bytes buffered but not yet returned (an incomplete tail). */
size_t ftmb_msg_pending(const struct ftmb_msg_reader *r);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_MSG_H */
