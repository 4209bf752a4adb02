/*
 * tgen.h: a tiny deterministic traffic generator for the examples, the
 * demo and the pipeline tests (library behind the `ftmb-trafficgen` tool).
 *
 * It makes `flows` connections between inside clients (10.0.0.0/8) and
 * outside servers (203.0.113.0/24), TCP and UDP, and emits their packets
 * interleaved at random (xorshift64* seeded by `seed`) but keeping each
 * flow's own order. The same configuration always yields the same frames.
 *
 *   TCP flow: SYN(out) SYN-ACK(in) ACK(out), data alternating at random
 *             between the directions, FIN(out) FIN-ACK(in).
 *   UDP flow: datagrams in both directions, the first one outbound.
 * With directions = TGEN_OUTBOUND only the inside->outside packets are
 * emitted. A packet's port of arrival follows from its direction, and is
 * also written in its source MAC (TGEN_MAC_INSIDE / TGEN_MAC_OUTSIDE), so
 * a host reading a pcap can tell (tgen_port_of_frame).
 *
 * Payload bytes are lowercase letters; a share (`attack_percent`) of the
 * data packets carry one of tgen_signatures[] instead, which contain
 * non-letters, so they never appear by chance (the IDS tests rely on it).
 */
#ifndef EXAMPLES_TGEN_H
#define EXAMPLES_TGEN_H

#include <stdint.h>

#define TGEN_MAX_FRAME 1518
#define TGEN_INSIDE_NET 0x0a000000u   /* 10.0.0.0/8        */
#define TGEN_OUTSIDE_NET 0xcb007100u  /* 203.0.113.0/24    */

extern const uint8_t TGEN_MAC_INSIDE[6];   /* 02:00:00:00:00:01 */
extern const uint8_t TGEN_MAC_OUTSIDE[6];  /* 02:00:00:00:00:02 */
extern const uint8_t TGEN_MAC_MB[6];       /* 02:00:00:00:00:fe (the middlebox) */

extern const char *const tgen_signatures[];
extern const unsigned tgen_n_signatures;

enum tgen_directions { TGEN_BOTH = 0, TGEN_OUTBOUND = 1 };

struct tgen_config {
	unsigned flows;            /* >= 1                                    */
	unsigned packets_per_flow; /* >= 1 (TCP flows get at least 5)        */
	uint64_t seed;
	unsigned udp_percent;      /* share of UDP flows, 0..100              */
	unsigned payload;          /* data payload bytes, 0..1400             */
	unsigned attack_percent;   /* share of data packets with a signature */
	unsigned vlans;            /* 0: untagged; else flow i on VLAN i%vlans+1 */
	unsigned servers;          /* distinct servers 203.0.113.1..N, 1..200   */
	enum tgen_directions directions;
};

/* Defaults: 64 flows, 16 packets each, seed 1, 50% UDP, 64-byte
 * payloads, no attacks, untagged, 200 servers, both directions. */
void tgen_config_default(struct tgen_config *c);

struct tgen_pkt {
	uint16_t len;
	uint8_t in_port;          /* MB_PORT_INSIDE (0) or MB_PORT_OUTSIDE (1) */
	uint8_t reply;            /* 0: inside->outside, 1: outside->inside    */
	uint8_t attack;           /* carries tgen_signatures[signature]        */
	uint8_t signature;
	uint32_t flow;            /* flow index 0..flows-1                     */
	uint32_t index;           /* index of this packet within its flow      */
	uint8_t frame[TGEN_MAX_FRAME];
};

struct tgen;

/* Returns a generator, or NULL after printing why (bad config). */
struct tgen *tgen_create(const struct tgen_config *c);
void tgen_destroy(struct tgen *g);
/* Next packet: 1 and *p filled, or 0 when every flow is done. */
int tgen_next(struct tgen *g, struct tgen_pkt *p);

/* The inside client and outside server of flow i (host order). */
void tgen_flow_endpoints(const struct tgen *g, uint32_t flow, uint8_t *proto,
			 uint32_t *client, uint16_t *cport,
			 uint32_t *server, uint16_t *sport);

/* 0 (inside) or 1 (outside) from the frame's source MAC, -1 if neither. */
int tgen_port_of_frame(const uint8_t *frame, uint16_t len);

#endif /* EXAMPLES_TGEN_H */
