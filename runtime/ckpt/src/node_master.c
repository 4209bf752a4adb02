/*
 * node_master.c: the master side of the recovery node: dispatch, workers,
 * the core streams to the OL, checkpoints and heartbeats.
 *
 * Theory of operation (checkpoints)
 * ---------------------------------
 * The main thread is the only producer of the cores' queues. To take a
 * checkpoint it stops dispatching (input stays in the socket and in the
 * reader's buffer) and waits until in_flight == 0: every dispatched
 * packet has finished, so every core stands at a packet boundary with
 * its PALs flushed (ftmb_packet_end flushes). At that instant the state is
 * exactly "all packets with id <= watermark processed", watermark being
 * the last id dispatched (the IL numbers packets in order and main
 * dispatches them in order). main then fork()s: the child owns a frozen
 * copy and streams it to the backup; main resumes dispatching at once.
 * The stop measured is the time from in_flight == 0 to the return of
 * fork() in the parent (ckpt_last_stop_ns).
 *
 * Replay filter: after a takeover the IL re-sends every packet after the
 * checkpoint's watermark; a packet whose id is <= its core's last_pkt_id
 * in the checkpoint is already in the state and is skipped (never happens
 * when the IL resends from the watermark; kept as a guard against an IL
 * that resends from further back).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "middlebox.h"
#include "node.h"

static struct node *the_node;   /* for mb_emit (host callback) */
static __thread struct node_core *tls_core;

static uint64_t mono_ns(void)
{
	return ftmb_ckpt_now_ns(CLOCK_MONOTONIC);
}

/* ------------------------------------------------------------ streams */

/* Append one message to core nc's stream buffer. */
static void core_put(struct node_core *nc, unsigned type, const void *a, size_t alen,
		     const void *b, size_t blen, const void *c, size_t clen)
{
	struct ftmb_msg h = { FTMB_MSG_MAGIC, FTMB_MSG_VERSION, (uint8_t)type,
			      (uint32_t)(alen + blen + clen) };
	size_t need = nc->olen + sizeof(h) + alen + blen + clen;

	if (need > nc->ocap) {
		size_t cap = nc->ocap ? nc->ocap : 65536;
		while (cap < need)
			cap *= 2;
		uint8_t *nb = realloc(nc->obuf, cap);
		if (nb == NULL) {
			fprintf(stderr, "ftmb-node: core %u: out of memory for its stream\n", nc->idx);
			abort();   /* losing a record silently would break the cut */
		}
		nc->obuf = nb;
		nc->ocap = cap;
	}
	memcpy(nc->obuf + nc->olen, &h, sizeof(h));
	nc->olen += sizeof(h);
	if (alen) memcpy(nc->obuf + nc->olen, a, alen);
	nc->olen += alen;
	if (blen) memcpy(nc->obuf + nc->olen, b, blen);
	nc->olen += blen;
	if (clen) memcpy(nc->obuf + nc->olen, c, clen);
	nc->olen += clen;
}

/* Write core nc's buffered records to the OL in one go (per-core FIFO is
 * kept: only this core's thread appends and flushes its buffer). */
static void core_flush(struct node *n, struct node_core *nc)
{
	if (nc->olen == 0)
		return;
	if (n->ilol_fd >= 0) {
		int fd = n->ilol_fd;
		pthread_mutex_lock(&n->send_mu);
		ftmb_ckpt_out_fd(&fd, nc->obuf, nc->olen);
		pthread_mutex_unlock(&n->send_mu);
	}
	nc->olen = 0;
}

static void sink(void *arg, const struct ftmb_rec *rec)
{
	struct node_core *nc = arg;

	switch (rec->kind) {
	case FTMB_REC_PAL_BATCH: {
		struct ftmb_m_pals h = { rec->core, rec->count, rec->first_pos };
		core_put(nc, FTMB_M_PALS, &h, sizeof(h), rec->pals,
			 (size_t)rec->count * sizeof(struct ftmb_pal), NULL, 0);
		break;
	}
	case FTMB_REC_OUTPUT: {
		struct ftmb_m_output h = { rec->core, rec->out_idx, rec->pkt_id,
					   nc->out_port, nc->out_len, rec->n_vec };
		core_put(nc, FTMB_M_OUTPUT, &h, sizeof(h), rec->vec,
			 (size_t)rec->n_vec * sizeof(uint64_t), nc->out_frame, nc->out_len);
		break;
	}
	case FTMB_REC_NO_OUTPUT: {
		struct ftmb_m_noout h = { rec->core, 0, rec->pkt_id };
		core_put(nc, FTMB_M_NOOUT, &h, sizeof(h), NULL, 0, NULL, 0);
		break;
	}
	}
}

int mb_emit(unsigned core, int port, const void *frame, uint16_t len)
{
	struct node_core *nc = tls_core;

	if (nc == NULL || nc->idx != core || (port != MB_PORT_INSIDE && port != MB_PORT_OUTSIDE))
		return -1;
	nc->out_frame = frame;
	nc->out_len = len;
	nc->out_port = (uint16_t)port;
	ftmb_core_emit_output(core, nc->cur_pkt_id, nc->n_out++, NULL);
	return 0;
}

/* ------------------------------------------------------------ workers */

static void *worker(void *arg)
{
	struct node_core *nc = arg;
	struct node *n = the_node;
	struct node_pkt *p;
	uint8_t frame[NODE_FRAME_CAP];

	ftmb_core_bind(nc->idx);
	tls_core = nc;
	for (;;) {
		pthread_mutex_lock(&nc->q.mu);
		while (nc->q.head == nc->q.tail && !n->stopping)
			pthread_cond_wait(&nc->q.cv, &nc->q.mu);
		if (n->stopping) {
			pthread_mutex_unlock(&nc->q.mu);
			break;
		}
		p = &nc->q.slots[nc->q.head % NODE_QUEUE_CAP];
		pthread_mutex_unlock(&nc->q.mu);

		if (p->pkt_id > nc->last_pkt_id) {
			struct mb_pkt mp;
			int verdict;

			memcpy(frame, p->data, p->len);
			mp.data = frame;
			mp.len = p->len;
			mp.cap = sizeof(frame);
			mp.in_port = p->in_port;
			mp.core = (uint16_t)nc->idx;
			nc->cur_pkt_id = p->pkt_id;
			nc->n_out = 0;
			ftmb_packet_begin(p->pkt_id, p->ts_ns);
			verdict = mb_process(&mp);
			if (verdict == MB_PORT_INSIDE || verdict == MB_PORT_OUTSIDE)
				mb_emit(nc->idx, verdict, mp.data, mp.len);
			ftmb_packet_end(nc->n_out);
			nc->last_pkt_id = p->pkt_id;
			nc->pkts++;
		} else {
			nc->skipped++;
		}

		pthread_mutex_lock(&nc->q.mu);
		nc->q.head++;
		int drained = nc->q.head == nc->q.tail;
		pthread_mutex_unlock(&nc->q.mu);
		/* Out of packets (or much to say): send the stream now, so no
		 * output waits behind an idle core, and before in_flight drops
		 * (a quiesced master has nothing buffered). */
		if (drained || nc->olen >= (1u << 16))
			core_flush(n, nc);
		pthread_mutex_lock(&n->idle_mu);
		if (--n->in_flight == 0)
			pthread_cond_broadcast(&n->idle_cv);
		pthread_mutex_unlock(&n->idle_mu);
	}
	ftmb_core_unbind();
	return NULL;
}

/* Deterministic flow hash: the packet's IPv4 addresses and ports (or the
 * whole frame if it is not IPv4), so all packets of a flow meet one core. */
static unsigned flow_core(const struct node *n, const uint8_t *f, uint16_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned from = 0, to = len;

	if (len >= 14 + 20 + 4 && f[12] == 0x08 && f[13] == 0x00) {
		from = 14 + 12;            /* src ip, dst ip, then the ports */
		to = 14 + 20 + 4;
	}
	for (unsigned i = from; i < to; i++) {
		h ^= f[i];
		h *= 0x100000001b3ull;
	}
	return (unsigned)(h % n->o.n_cores);
}

static int dispatch(struct node *n, const uint8_t *payload, uint32_t plen)
{
	struct ftmb_m_pkt h;
	struct node_core *nc;
	struct node_pkt *slot;

	if (plen < sizeof(h))
		return -1;
	memcpy(&h, payload, sizeof(h));
	if (h.len > NODE_FRAME_CAP || plen != sizeof(h) + h.len) {
		fprintf(stderr, "ftmb-node: malformed PKT (len %u, payload %u): dropped\n",
			h.len, plen);
		return -1;
	}
	nc = &n->cores[flow_core(n, payload + sizeof(h), h.len)];
	pthread_mutex_lock(&nc->q.mu);
	while (nc->q.tail - nc->q.head == NODE_QUEUE_CAP) {
		/* Full: let the core drain (rare; queues are deep). */
		pthread_mutex_unlock(&nc->q.mu);
		usleep(50);
		pthread_mutex_lock(&nc->q.mu);
	}
	slot = &nc->q.slots[nc->q.tail % NODE_QUEUE_CAP];
	slot->pkt_id = h.pkt_id;
	slot->ts_ns = h.ts_ns;
	slot->in_port = h.in_port;
	slot->len = h.len;
	memcpy(slot->data, payload + sizeof(h), h.len);
	pthread_mutex_lock(&n->idle_mu);
	n->in_flight++;
	pthread_mutex_unlock(&n->idle_mu);
	nc->q.tail++;
	pthread_cond_signal(&nc->q.cv);
	pthread_mutex_unlock(&nc->q.mu);
	if (h.pkt_id > n->watermark)
		n->watermark = h.pkt_id;
	return 0;
}

void node_quiesce(struct node *n)
{
	pthread_mutex_lock(&n->idle_mu);
	while (n->in_flight > 0)
		pthread_cond_wait(&n->idle_cv, &n->idle_mu);
	pthread_mutex_unlock(&n->idle_mu);
}

/* -------------------------------------------------------- heartbeats */

static void *heartbeat(void *arg)
{
	struct node *n = arg;
	struct ftmb_hb hb = { .magic = FTMB_HB_MAGIC, .pid = (uint32_t)getpid() };
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!n->stopping) {
		if (n->peer_hb_port != 0) {
			hb.seq++;
			hb.sent_ns = mono_ns();
			hb.ckpt_seq = n->ckpt_seq;
			hb.flags = n->resign ? FTMB_HB_RESIGN : 0;
			ftmb_udp_send(n->hb_fd, n->o.peer_host, n->peer_hb_port, &hb, sizeof(hb));
		}
		next.tv_nsec += (long)n->o.hb_interval_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

/* -------------------------------------------------------- checkpoints */

void node_connect_backup(struct node *n, const struct ftmb_m_hello *b)
{
	if (n->ckpt_fd >= 0) {
		close(n->ckpt_fd);
		ftmb_msg_reader_free(&n->ckpt_rd);
	}
	n->ckpt_fd = ftmb_tcp_connect(n->o.peer_host, b->ckpt_port, 2000);
	if (n->ckpt_fd < 0) {
		fprintf(stderr, "ftmb-node: cannot reach the backup at %s:%u: %s (unprotected)\n",
			n->o.peer_host, b->ckpt_port, strerror(errno));
		return;
	}
	ftmb_msg_reader_init(&n->ckpt_rd);
	n->ckpt_confirmed_here = 0;
	n->peer_hb_port = b->hb_port;
	n->next_ckpt_ns = mono_ns();   /* protect the new backup at once */
	fprintf(stderr, "ftmb-node: master %d: backup pid %u connected (ckpt port %u, hb port %u)\n",
		(int)getpid(), b->pid, b->ckpt_port, b->hb_port);
}

static void reap_child(struct node *n, int block)
{
	int status;

	if (n->ckpt_child <= 0)
		return;
	pid_t r = waitpid(n->ckpt_child, &status, block ? 0 : WNOHANG);
	if (r == n->ckpt_child) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			n->ckpt_failed++;
		n->ckpt_child = 0;
	}
}

static void take_checkpoint(struct node *n)
{
	uint64_t last[FTMB_CKPT_MAX_CORES], pkts[FTMB_CKPT_MAX_CORES];
	struct ftmb_ckpt_info info;
	uint64_t t_idle, fork_ns, seq;
	pid_t pid;

	node_quiesce(n);
	t_idle = mono_ns();
	for (unsigned c = 0; c < n->o.n_cores; c++) {
		last[c] = n->cores[c].last_pkt_id;
		pkts[c] = n->cores[c].pkts;
	}
	seq = n->ckpt_seq + 1;
	info.seq = seq;
	info.watermark = n->watermark;
	info.n_cores = n->o.n_cores;
	info.last_pkt_id = last;
	info.pkts = pkts;
	pid = ftmb_ckpt_fork(n->ckpt_fd, &info, &fork_ns, n->o.ckpt_throttle_us);
	n->ckpt_last_stop_ns = mono_ns() - t_idle;
	if (pid < 0) {
		fprintf(stderr, "ftmb-node: fork for checkpoint failed: %s\n", strerror(errno));
		n->ckpt_failed++;
		return;
	}
	n->ckpt_child = pid;
	n->ckpt_seq = seq;
	n->ckpt_watermark_started = info.watermark;
	n->ckpt_last_fork_ns = fork_ns;
	if (n->ckpt_last_stop_ns > n->ckpt_max_stop_ns)
		n->ckpt_max_stop_ns = n->ckpt_last_stop_ns;
	n->ckpt_started_at_ns = mono_ns();
	node_send(n, FTMB_M_CKPT_BEGIN, &seq, sizeof(seq), NULL, 0);
}

static void read_covers(struct node *n)
{
	struct ftmb_msg m;
	const uint8_t *p;
	ssize_t r = ftmb_msg_fill(&n->ckpt_rd, n->ckpt_fd);

	if (r == 0 || (r < 0 && errno != EAGAIN)) {
		fprintf(stderr, "ftmb-node: backup connection lost: running unprotected\n");
		close(n->ckpt_fd);
		n->ckpt_fd = -1;
		n->peer_hb_port = 0;
		ftmb_msg_reader_free(&n->ckpt_rd);
		return;
	}
	while (ftmb_msg_next(&n->ckpt_rd, &m, &p) == 1) {
		struct ftmb_ckpt_cover cov;
		if (m.type == FTMB_M_COVER && m.len == sizeof(cov)) {
			memcpy(&cov, p, sizeof(cov));
			n->ckpt_confirmed = cov.seq;
			n->ckpt_confirmed_here++;
			n->ckpt_confirmed_at_ns = ftmb_ckpt_now_ns(CLOCK_REALTIME);
		}
	}
}

static void answer_dump(struct node *n)
{
	char text[4096] = "";
	struct ftmb_m_dump d;
	extern int ftmb_node_mb_dump(char *buf, size_t cap) __attribute__((weak));

	node_quiesce(n);
	if (ftmb_node_mb_dump)
		ftmb_node_mb_dump(text, sizeof(text));
	d.digest = ftmb_ckpt_state_digest();
	d.text_len = (uint32_t)strlen(text);
	node_send(n, FTMB_M_DUMP, &d, sizeof(d), text, d.text_len);
}

/* ------------------------------------------------------------ start */

int node_master_start(struct node *n)
{
	the_node = n;
	for (unsigned c = 0; c < n->o.n_cores; c++)
		ftmb_core_set_sink(c, sink, &n->cores[c]);
	for (unsigned c = 0; c < n->o.n_cores; c++) {
		struct node_core *nc = &n->cores[c];
		if (pthread_create(&nc->thr, NULL, worker, nc) != 0) {
			fprintf(stderr, "ftmb-node: cannot start core %u\n", c);
			return -1;
		}
	}
	n->workers_running = 1;
	n->hb_fd = ftmb_udp_bind("0.0.0.0", 0, NULL);
	if (n->hb_fd < 0 || pthread_create(&n->hb_thr, NULL, heartbeat, n) != 0) {
		fprintf(stderr, "ftmb-node: cannot start heartbeats\n");
		return -1;
	}
	node_realtime(n->hb_thr, "heartbeat");
	n->hb_running = 1;
	n->role = FTMB_NODE_MASTER;
	return 0;
}

/* A checkpoint is due when the interval has passed, none is in flight,
 * and the state moved since the last one this backup confirmed (an idle
 * master does not re-send the same state every interval). */
static int ckpt_due(const struct node *n, uint64_t now)
{
	return n->ckpt_fd >= 0 && n->ckpt_child == 0 && now >= n->next_ckpt_ns &&
	       (n->ckpt_confirmed_here == 0 || n->watermark != n->ckpt_watermark_started);
}

int node_master_loop(struct node *n)
{
	for (;;) {
		struct pollfd pf[2];
		int nfd = 0, timeout = 50;
		uint64_t now = mono_ns();

		reap_child(n, 0);
		if (n->resign) {
			/* Planned failover: finish in-flight packets, make sure the
			 * backup confirmed a checkpoint, then stop heartbeating with
			 * RESIGN set (the heartbeat thread sends it) and leave. */
			node_quiesce(n);
			usleep(5000 + 3000u * n->o.hb_interval_ms);
			fprintf(stderr, "ftmb-node: master %d resigned\n", (int)getpid());
			return 0;
		}
		if (ckpt_due(n, now)) {
			take_checkpoint(n);
			n->next_ckpt_ns = now + (uint64_t)n->o.ckpt_interval_ms * 1000000u;
		}
		if (n->ckpt_fd >= 0) {
			uint64_t left = n->next_ckpt_ns > now ? n->next_ckpt_ns - now : 0;
			timeout = (int)(left / 1000000u) + 1;
			if (n->ckpt_child > 0 && timeout > 2)
				timeout = 2;
		}
		pf[nfd++] = (struct pollfd){ n->ilol_fd, POLLIN, 0 };
		if (n->ckpt_fd >= 0)
			pf[nfd++] = (struct pollfd){ n->ckpt_fd, POLLIN, 0 };
		if (poll(pf, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			return -1;
		if (nfd > 1 && pf[1].revents)
			read_covers(n);
		if (pf[0].revents) {
			struct ftmb_msg m;
			const uint8_t *p;
			ssize_t r = ftmb_msg_fill(&n->ilol_rd, n->ilol_fd);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				fprintf(stderr, "ftmb-node: IL/OL connection closed: exiting\n");
				return 0;
			}
			int k;
			while ((k = ftmb_msg_next(&n->ilol_rd, &m, &p)) == 1) {
				switch (m.type) {
				case FTMB_M_PKT:
					dispatch(n, p, m.len);
					/* Checkpoint due: stop dispatching here. */
					if (ckpt_due(n, mono_ns())) {
						take_checkpoint(n);
						n->next_ckpt_ns = mono_ns() +
							(uint64_t)n->o.ckpt_interval_ms * 1000000u;
					}
					break;
				case FTMB_M_NEW_BACKUP:
					if (m.len == sizeof(struct ftmb_m_hello)) {
						struct ftmb_m_hello b;
						memcpy(&b, p, sizeof(b));
						reap_child(n, 1);
						node_connect_backup(n, &b);
					}
					break;
				case FTMB_M_DUMP_REQ:
					answer_dump(n);
					break;
				case FTMB_M_RESUME:
					break;
				default:
					fprintf(stderr, "ftmb-node: unexpected message %u from IL/OL\n", m.type);
				}
			}
			if (k < 0) {
				fprintf(stderr, "ftmb-node: protocol error on the IL/OL connection: exiting\n");
				return -1;
			}
		}
	}
}
