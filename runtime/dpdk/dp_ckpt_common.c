/*
 * dp_ckpt_common.c: what the checkpoint/recovery code of every role
 * shares: building and sending extension frames, checking their length,
 * and polling a link that no role task reads.
 */
#include "dp_ckpt.h"

#include <time.h>

#include <rte_ethdev.h>

uint64_t dp_ckpt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool dp_ckpt_ext_ok(const struct ftmb_wire_view *v, const char *where)
{
	unsigned len = v->hdr->length;
	unsigned want = dp_ckpt_ext_expected_len(v->type, v->body, len);
	unsigned n = 0;

	if (want == 0) {
		DP_INC(unexpected);
		DP_LOG_RL(WARNING, "%s: unknown extension frame type 0x%x: dropped\n", where,
			  v->type);
		return false;
	}
	switch (v->type) { /* core counts must fit the vectors they size */
	case DP_W_COVER:
	case DP_W_TAKEOVER:
		n = len >= sizeof(struct dp_w_cover) ? ((const struct dp_w_cover *)v->body)->n_cores : 1;
		break;
	case DP_W_CUT_END:
		n = len >= sizeof(struct dp_w_cut_end) ? ((const struct dp_w_cut_end *)v->body)->n_cores
						       : 1;
		break;
	case DP_W_CUT:
		n = len >= sizeof(struct dp_w_cut) ? ((const struct dp_w_cut *)v->body)->n_cores : 1;
		break;
	case DP_W_CUT_PALS:
		if (len >= sizeof(struct dp_w_cut_pals)) {
			const struct dp_w_cut_pals *p = v->body;
			if (p->count == 0 || p->count > FTMB_PALS_PER_FRAME ||
			    p->core >= FTMB_WIRE_MAX_CORES)
				n = 0; /* caught below */
			else
				n = 1;
		}
		break;
	default:
		n = 1;
	}
	if (len != want || n == 0 || n > FTMB_WIRE_MAX_CORES) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "%s: extension frame 0x%x with a bad body (%u bytes, want %u, "
			  "count %u): dropped\n", where, v->type, len, want, n);
		return false;
	}
	/* every body starts with the takeover id: a backup's epoch (never 0)
	 * in a takeover's frames, 0 in a COVER (the loggers tell a new
	 * takeover from a repeat by it) */
	if ((v->type == DP_W_COVER) != (((const struct dp_w_ack *)v->body)->takeover_id == 0)) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "%s: extension frame 0x%x with takeover id %" PRIu64 ": "
			  "dropped\n", where, v->type,
			  ((const struct dp_w_ack *)v->body)->takeover_id);
		return false;
	}
	return true;
}

struct rte_mbuf *dp_ckpt_frame(uint8_t type, uint16_t len, void **body)
{
	return dp_frame_new(type, len, body);
}

bool dp_ckpt_send(uint16_t port, struct rte_mbuf *m)
{
	if (!m)
		return false;
	if (port == DP_NO_PORT || dp_tx_some(port, &m, 1) != 1) {
		DP_INC(ctl_drop);
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

unsigned dp_ckpt_poll_port(uint16_t port, const char *where)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n;

	if (port == DP_NO_PORT)
		return 0;
	n = dp_rx_burst(port, pkts, DP_BURST);
	for (unsigned i = 0; i < n; i++) {
		struct ftmb_wire_view v;

		/* a frame of another protocol (the kernel's solicitations on a
		 * veth) is not traffic: dropped without moving the counters that
		 * --stop-after-idle-ms watches, so a standby backup never looks
		 * like a role whose traffic has ended */
		if (pkts[i]->nb_segs == 1 &&
		    ftmb_wire_ethertype(rte_pktmbuf_mtod(pkts[i], const void *),
					rte_pktmbuf_data_len(pkts[i])) != FTMB_ETHERTYPE) {
			DP_LOG_RL(INFO, "%s: non-FTMB frame on a role link, dropped\n", where);
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		if (dp_parse(pkts[i], &v, where) == FTMB_WIRE_OK) {
			if (v.type >= FTMB_W_EXT_FIRST) {
				dp_ext_frame(port, pkts[i], &v);
				continue;
			}
			if (v.type == FTMB_W_HB)
				DP_INC(hb_rx);
			/* anything else (e.g. a late ACK of a dead peer) is stale */
		}
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}
