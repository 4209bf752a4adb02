/*
 * fwd.c: forwarder used by the pipeline tests (test/pipeline).
 *
 * Every IPv4 frame: TTL decremented (checksum fixed), the flow's sequence
 * number (per-core local state, so deterministic per flow) written in the
 * first payload byte after the UDP/TCP header, counted in the shared
 * counters, and sent to the other side. UDP to port 9 (discard) is
 * dropped; UDP to port 7 (echo) also makes an mb_emit copy back to the
 * sender's side. Non-IPv4 frames are forwarded unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "fwd.h"
#include "middlebox.h"

uint64_t fwd_packets;
uint64_t fwd_bytes;
uint64_t fwd_ticks;

#define FWD_MAX_CORES 8
#define FWD_FLOWS 4096 /* per core, open addressing */

struct flow_slot {
	uint8_t key[13];
	uint8_t used;
	uint32_t seq;
};
static struct flow_slot flows[FWD_MAX_CORES][FWD_FLOWS];

int mb_init(int argc, char **argv, unsigned n_cores)
{
	(void)argc;
	(void)argv;
	if (n_cores > FWD_MAX_CORES) {
		fprintf(stderr, "fwd: at most %d cores\n", FWD_MAX_CORES);
		return -1;
	}
	return 0;
}

static uint32_t flow_next_seq(unsigned core, const uint8_t *key)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 13; i++)
		h = (h ^ key[i]) * 16777619u;
	for (uint32_t i = 0; i < FWD_FLOWS; i++) {
		struct flow_slot *s = &flows[core][(h + i) % FWD_FLOWS];
		if (!s->used) {
			s->used = 1;
			memcpy(s->key, key, 13);
		}
		if (!memcmp(s->key, key, 13))
			return ++s->seq;
	}
	return 0; /* table full: sequence 0 */
}

int mb_process(struct mb_pkt *pkt)
{
	uint8_t *f = pkt->data;
	int out = pkt->in_port == MB_PORT_INSIDE ? MB_PORT_OUTSIDE : MB_PORT_INSIDE;

	fwd_packets++;
	fwd_bytes += pkt->len;
	if (pkt->len >= 14 + 20 + 8 && f[12] == 0x08 && f[13] == 0x00) {
		uint8_t *ip = f + 14;
		unsigned ihl = (ip[0] & 0xfu) * 4u;
		uint8_t key[13];
		uint32_t sum;
		uint16_t dport;

		if (ihl < 20 || pkt->len < 14 + ihl + 8)
			return out;
		memcpy(key, ip + 12, 8);
		key[8] = ip[9];
		memcpy(key + 9, ip + ihl, 4);
		dport = (uint16_t)(ip[ihl + 2] << 8 | ip[ihl + 3]);
		if (ip[9] == 17 && dport == 9)
			return MB_DROP;
		if (ip[8] <= 1)
			return MB_DROP;
		/* TTL - 1, incremental checksum update (RFC 1624) */
		ip[8]--;
		sum = (uint32_t)((ip[10] << 8 | ip[11])) + 0x0100u;
		sum = (sum & 0xffffu) + (sum >> 16);
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
		if (pkt->len > 14 + ihl + 8)
			f[14 + ihl + 8] = (uint8_t)flow_next_seq(pkt->core, key);
		if (ip[9] == 17 && dport == 7)
			mb_emit(pkt->core, pkt->in_port, f, pkt->len);
	}
	return out;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	(void)core;
	(void)now_ns;
	fwd_ticks++;
}
