/*
 * node_backup.c: the warm backup: checkpoint store, failure detector,
 * and the takeover (SPEC §6).
 *
 * Theory of operation (takeover)
 * ------------------------------
 *  1. Detect: no heartbeat for hb_timeout_ms (ftmb_fd), or a heartbeat
 *     with RESIGN (planned failover). From here the old master is dead to
 *     us: the detector is latched, its checkpoint connection is closed, a
 *     half-received image is discarded (the store never returns it).
 *  2. TAKEOVER(cover of the last complete checkpoint) to the IL/OL: the IL
 *     stops sending to the old master; the OL stops taking its streams and
 *     answers with, for each core c, the PALs it holds from the
 *     checkpoint's position max[c] on (CUT_PALS), then CUT_END.
 *  3. Restore the checkpoint into this process (arena at the same
 *     address, globals by id, counters) while the OL answers.
 *  4. Cut: ftmb_cut_compute over those PALs with the checkpoint's
 *     counters; keep[c] PALs of core c. CUT(max[c] + keep[c]) to the OL,
 *     which forgets everything of core c past that position and every
 *     held (unreleased) packet: replay re-creates them.
 *  5. Replay: cores start in REPLAY with MAX[c] = checkpoint's max[c] and
 *     the cut loaded; the IL re-sends every packet after the watermark.
 *     Each core processes its packets in the recorded per-core order and
 *     each shared access waits for its PAL's turn; a core past its cut
 *     runs freely (RECORD). Outputs are sent to the OL as usual; the OL
 *     drops those it had already released (by packet id, output index).
 *  6. This process is now the master (heartbeats start; a fresh backup
 *     that registers with the IL/OL is connected by NEW_BACKUP).
 * Correctness: the cut holds every PAL any released packet depends on
 * (release check), so the replayed execution reproduces every released
 * output, and everything not in the cut is re-executed from the logged
 * input as if it had just arrived.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ftmb_cut.h"
#include "ftmb_replay.h"
#include "node.h"

static uint64_t mono_ns(void)
{
	return ftmb_ckpt_now_ns(CLOCK_MONOTONIC);
}

static void on_ckpt_bytes(struct node *n)
{
	uint8_t buf[1 << 16];
	ssize_t r;

	do {
		r = read(n->ckpt_conn_fd, buf, sizeof(buf));
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		if (ftmb_ckpt_store_pending(n->store) > 0)
			fprintf(stderr, "ftmb-node: backup: checkpoint stream broke after %" PRIu64
				" bytes: partial image discarded\n", ftmb_ckpt_store_pending(n->store));
		ftmb_ckpt_store_abort(n->store);
		close(n->ckpt_conn_fd);
		n->ckpt_conn_fd = -1;
		return;
	}
	size_t off = 0;
	while (off < (size_t)r) {
		struct ftmb_ckpt_cover cov;
		char err[256];
		size_t used = 0;
		enum ftmb_store_event e = ftmb_ckpt_store_feed(n->store, buf + off, (size_t)r - off,
								&used, &cov, err, sizeof(err));
		off += used;
		if (e == FTMB_STORE_ACCEPTED) {
			n->last_ckpt_rx_ns = ftmb_ckpt_now_ns(CLOCK_REALTIME);
			/* A complete checkpoint is a sign of life too: it arms the
			 * detector if no heartbeat came yet (a master that dies right
			 * after its first checkpoint is still detected). */
			if (n->fd.state == FTMB_FD_WAITING)
				ftmb_fd_heard(&n->fd, mono_ns(), 0);
			/* Confirm: to the master (status) and to the IL/OL (trim). */
			ftmb_msg_send(n->ckpt_conn_fd, FTMB_M_COVER, &cov, sizeof(cov), NULL, 0);
			node_send(n, FTMB_M_COVER, &cov, sizeof(cov), NULL, 0);
		} else if (e == FTMB_STORE_REJECTED) {
			fprintf(stderr, "ftmb-node: backup: checkpoint refused: %s\n", err);
		}
		if (used == 0)
			break;
	}
}

static void on_heartbeat(struct node *n, int *resign)
{
	struct ftmb_hb hb;
	ssize_t r;

	while ((r = recv(n->hb_rx_fd, &hb, sizeof(hb), MSG_DONTWAIT)) > 0) {
		if ((size_t)r != sizeof(hb) || hb.magic != FTMB_HB_MAGIC)
			continue;   /* not ours: ignored */
		ftmb_fd_heard(&n->fd, mono_ns(), hb.seq);
		if (hb.flags & FTMB_HB_RESIGN)
			*resign = 1;
	}
}

/* Wait for the OL's CUT_PALS of every core, then CUT_END. */
static int receive_cut_pals(struct node *n, struct ftmb_pal **pals, size_t *n_pals,
			    const struct ftmb_ckpt_cover *cov)
{
	for (;;) {
		struct ftmb_msg m;
		const uint8_t *p;
		int k;

		while ((k = ftmb_msg_next(&n->ilol_rd, &m, &p)) == 1) {
			if (m.type == FTMB_M_CUT_END)
				return 0;
			if (m.type != FTMB_M_CUT_PALS || m.len < sizeof(struct ftmb_m_pals))
				continue;   /* e.g. a late NEW_BACKUP: irrelevant now */
			struct ftmb_m_pals h;
			memcpy(&h, p, sizeof(h));
			if (h.core >= cov->n_cores || h.first_pos != cov->max[h.core] ||
			    m.len != sizeof(h) + (uint64_t)h.count * sizeof(struct ftmb_pal)) {
				fprintf(stderr, "ftmb-node: takeover: malformed CUT_PALS\n");
				return -1;
			}
			free(pals[h.core]);
			pals[h.core] = malloc((size_t)h.count * sizeof(struct ftmb_pal) + 1);
			if (pals[h.core] == NULL)
				return -1;
			memcpy(pals[h.core], p + sizeof(h), (size_t)h.count * sizeof(struct ftmb_pal));
			n_pals[h.core] = h.count;
		}
		if (k < 0)
			return -1;
		struct pollfd pf = { n->ilol_fd, POLLIN, 0 };
		if (poll(&pf, 1, 5000) <= 0)
			return -1;
		ssize_t r = ftmb_msg_fill(&n->ilol_rd, n->ilol_fd);
		if (r <= 0)
			return -1;
	}
}

static int take_over(struct node *n)
{
	struct ftmb_ckpt_view v;
	struct ftmb_ckpt_cover cov;
	struct ftmb_pal *pals[FTMB_CKPT_MAX_CORES] = { 0 };
	size_t n_pals[FTMB_CKPT_MAX_CORES] = { 0 }, keep[FTMB_CKPT_MAX_CORES] = { 0 };
	struct ftmb_var_count *counts = NULL;
	struct ftmb_m_cut cut;
	char err[256];
	uint64_t t_dead = n->fd.dead_at_ns ? n->fd.dead_at_ns : mono_ns();
	uint64_t t0, t_restored;
	int rc = -1;

	/* 1. The old master is gone: drop its checkpoint stream. */
	{
		struct ftmb_ckpt_store_stats st;
		ftmb_ckpt_store_abort(n->store);   /* counts a partial image, if any */
		ftmb_ckpt_store_get_stats(n->store, &st);
		n->last_recovery.partial_images = st.aborted;
	}
	if (n->ckpt_conn_fd >= 0) {
		close(n->ckpt_conn_fd);
		n->ckpt_conn_fd = -1;
	}
	ftmb_ckpt_store_abort(n->store);
	close(n->ckpt_listen_fd);
	n->ckpt_listen_fd = -1;
	if (ftmb_ckpt_store_current(n->store, &v) < 0) {
		fprintf(stderr, "ftmb-node: backup: master failed before any complete checkpoint: "
				"cannot recover\n");
		return -1;
	}
	ftmb_ckpt_store_cover(&v, &cov);
	fprintf(stderr, "ftmb-node: backup %d: taking over from checkpoint %" PRIu64
		" (watermark %" PRIu64 ")\n", (int)getpid(), cov.seq, cov.watermark);

	/* 2. TAKEOVER: IL/OL switch to us and send the OL's PALs. */
	t0 = mono_ns();
	if (node_send(n, FTMB_M_TAKEOVER, &cov, sizeof(cov), NULL, 0) < 0)
		return -1;

	/* 3. Restore while the OL answers. */
	if (ftmb_ckpt_restore(&v, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftmb-node: %s\n", err);
		return -1;
	}
	if (ftmb_ckpt_restore_cores(&v, FTMB_MODE_REPLAY) < 0)
		return -1;
	for (unsigned c = 0; c < v.hdr->n_cores; c++) {
		n->cores[c].last_pkt_id = v.cores[c].last_pkt_id;
		n->cores[c].pkts = v.cores[c].pkts;
	}
	n->watermark = v.meta->input_watermark;
	t_restored = mono_ns();

	/* 4. The cut. */
	if (receive_cut_pals(n, pals, n_pals, &cov) < 0) {
		fprintf(stderr, "ftmb-node: takeover: no PALs from the OL\n");
		goto out;
	}
	counts = calloc(v.n_vars + 1, sizeof(*counts));
	if (counts == NULL)
		goto out;
	for (size_t i = 0; i < v.n_vars; i++) {
		counts[i].var_id = v.vars[i].id;
		counts[i].counter = v.vars[i].counter;
	}
	struct ftmb_cut_input in = {
		.n_cores = v.hdr->n_cores,
		.pals = (const struct ftmb_pal *const *)pals,
		.n_pals = n_pals,
		.counters = counts,
		.n_counters = v.n_vars,
	};
	if (ftmb_cut_compute(&in, keep) < 0)
		goto out;
	memset(&cut, 0, sizeof(cut));
	cut.n_cores = v.hdr->n_cores;
	uint64_t replay_pals = 0;
	for (unsigned c = 0; c < cut.n_cores; c++) {
		cut.keep_end[c] = cov.max[c] + keep[c];
		replay_pals += keep[c];
	}
	if (ftmb_replay_load((const struct ftmb_pal *const *)pals, keep) < 0)
		goto out;

	/* 5-6. Run as master; the OL truncates, the IL replays. */
	n->failovers++;
	n->last_failover_realtime_ns = ftmb_ckpt_now_ns(CLOCK_REALTIME);
	n->last_recovery.detect_ns = n->fd.dead_at_ns && n->fd.last_heard_ns
		? n->fd.dead_at_ns - n->fd.last_heard_ns : 0;
	n->last_recovery.dead_at_ns = t_dead;
	n->last_recovery.restore_ns = t_restored - t0;
	n->last_recovery.cut_ns = mono_ns() - t0;
	n->last_recovery.ckpt_seq = cov.seq;
	n->last_recovery.replay_pals = replay_pals;
	n->ckpt_seq = cov.seq;
	{
		/* The detector's real-time priority ends here: as the master's
		 * main thread it must not starve the workers. */
		struct sched_param sp = { .sched_priority = 0 };
		pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
	}
	if (node_master_start(n) < 0)
		goto out;
	if (node_send(n, FTMB_M_CUT, &cut, sizeof(cut), NULL, 0) < 0 ||
	    node_send(n, FTMB_M_RECOVERED, &n->last_recovery, sizeof(n->last_recovery), NULL, 0) < 0)
		goto out;
	rc = 0;
out:
	for (unsigned c = 0; c < FTMB_CKPT_MAX_CORES; c++)
		free(pals[c]);
	free(counts);
	return rc;
}

int node_backup_loop(struct node *n)
{
	struct ftmb_m_hello hello = { FTMB_NODE_BACKUP, n->o.n_cores, (uint32_t)getpid(), 0, 0 };
	int resign = 0;

	n->store = ftmb_ckpt_store_create(1ull << 34);
	n->ckpt_listen_fd = ftmb_tcp_listen(n->o.peer_host, 0, &n->ckpt_port);
	n->hb_rx_fd = ftmb_udp_bind(n->o.peer_host, 0, &n->hb_port);
	n->ckpt_conn_fd = -1;
	if (n->store == NULL || n->ckpt_listen_fd < 0 || n->hb_rx_fd < 0) {
		fprintf(stderr, "ftmb-node: backup: cannot open its sockets: %s\n", strerror(errno));
		return -1;
	}
	ftmb_fd_init(&n->fd, n->o.hb_timeout_ms);
	hello.ckpt_port = n->ckpt_port;
	hello.hb_port = n->hb_port;
	node_send(n, FTMB_M_HELLO, &hello, sizeof(hello), NULL, 0);

	for (;;) {
		struct pollfd pf[4];
		int nfd = 0;
		uint64_t left = ftmb_fd_remaining_ns(&n->fd, mono_ns());
		int timeout = n->fd.state == FTMB_FD_ALIVE ? (int)(left / 1000000u) + 1 : 100;

		pf[nfd++] = (struct pollfd){ n->hb_rx_fd, POLLIN, 0 };
		pf[nfd++] = (struct pollfd){ n->ilol_fd, POLLIN, 0 };
		pf[nfd++] = (struct pollfd){ n->ckpt_listen_fd, POLLIN, 0 };
		if (n->ckpt_conn_fd >= 0)
			pf[nfd++] = (struct pollfd){ n->ckpt_conn_fd, POLLIN, 0 };
		if (poll(pf, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			return -1;
		if (pf[0].revents)
			on_heartbeat(n, &resign);
		/* Checkpoint data before the detector's verdict: an image that
		 * arrived whole before the silence counts. */
		if (nfd > 3 && pf[3].revents)
			on_ckpt_bytes(n);
		if (pf[2].revents) {
			int c = accept4(n->ckpt_listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				if (n->ckpt_conn_fd >= 0) {
					ftmb_ckpt_store_abort(n->store);
					close(n->ckpt_conn_fd);
				}
				n->ckpt_conn_fd = c;
			}
		}
		if (pf[1].revents) {
			ssize_t r = ftmb_msg_fill(&n->ilol_rd, n->ilol_fd);
			if (r == 0) {
				fprintf(stderr, "ftmb-node: backup: IL/OL connection closed: exiting\n");
				return -1;
			}
		}
		if (resign || ftmb_fd_poll(&n->fd, mono_ns()) == FTMB_FD_DEAD) {
			struct ftmb_ckpt_view cur;
			if (ftmb_ckpt_store_current(n->store, &cur) < 0) {
				/* Nothing to restore: taking over is impossible, and
				 * exiting would leave the deployment without a backup
				 * if the master was only slow. Wait for it again. */
				fprintf(stderr, "ftmb-node: backup: master %s but no complete checkpoint "
						"yet: cannot take over, waiting\n",
					resign ? "resigned" : "silent");
				ftmb_fd_reset(&n->fd);
				resign = 0;
				continue;
			}
			if (resign && n->fd.dead_at_ns == 0)
				n->fd.dead_at_ns = mono_ns();
			fprintf(stderr, "ftmb-node: backup: master %s\n",
				resign ? "resigned (planned failover)" : "declared dead (heartbeat timeout)");
			return take_over(n);
		}
	}
}
