/*
 * pkt.h: the small packet toolkit shared by the example middleboxes:
 * parse an Ethernet (optionally 802.1Q) / IPv4 / TCP-or-UDP frame in place,
 * rewrite addresses and ports with incremental checksum updates, build
 * frames, and compute full checksums (for the generator and the tests).
 *
 * Plain C, no DPDK, no state: every function works only on its arguments,
 * so the middleboxes can be compiled through ftmbcc unchanged.
 *
 * Addresses and ports in struct pkt_view are in host byte order; the
 * frame itself is always in network byte order.
 */
#ifndef EXAMPLES_PKT_H
#define EXAMPLES_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_ETH_HLEN 14
#define PKT_VLAN_HLEN 4
#define PKT_ETHERTYPE_IPV4 0x0800
#define PKT_ETHERTYPE_VLAN 0x8100
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17

/* TCP flags (byte 13 of the TCP header). */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

/* A parsed frame: pointers into the frame plus decoded header fields. */
struct pkt_view {
	uint8_t *frame;
	uint16_t frame_len;
	uint16_t vlan;        /* VLAN id (12 bits), 0 when untagged          */
	uint8_t *ip;          /* IPv4 header                                 */
	uint8_t *l4;          /* TCP or UDP header                           */
	uint8_t *payload;     /* L4 payload                                  */
	uint16_t ip_len;      /* IPv4 total length                           */
	uint16_t payload_len; /* bytes of L4 payload                         */
	uint8_t proto;        /* PKT_PROTO_TCP or PKT_PROTO_UDP              */
	uint8_t tcp_flags;    /* 0 for UDP                                   */
	uint32_t saddr, daddr;
	uint16_t sport, dport;
};

/* Parses frame[0..len). Returns 0, or -1 when the frame is not a
 * well-formed Ethernet/IPv4 frame carrying TCP or UDP (truncated, bad
 * IHL or data offset, fragment, total length beyond the frame, ...). */
int pkt_parse(uint8_t *frame, uint16_t len, struct pkt_view *v);

/* Rewrite one field; IPv4 and L4 checksums are updated incrementally
 * (RFC 1624), a zero UDP checksum ("none") stays zero. */
void pkt_set_saddr(struct pkt_view *v, uint32_t addr);
void pkt_set_daddr(struct pkt_view *v, uint32_t addr);
void pkt_set_sport(struct pkt_view *v, uint16_t port);
void pkt_set_dport(struct pkt_view *v, uint16_t port);
void pkt_set_dst_mac(struct pkt_view *v, const uint8_t mac[6]);
void pkt_set_src_mac(struct pkt_view *v, const uint8_t mac[6]);

/* Full checksums, computed from scratch. */
uint16_t pkt_ipv4_cksum(const uint8_t *ip);             /* over the header */
uint16_t pkt_l4_cksum(const struct pkt_view *v);        /* with pseudo-header */
/* 0 when the IPv4 and L4 checksums of a parsed frame are both right. */
int pkt_cksums_ok(const struct pkt_view *v);

/* What pkt_build puts in a frame. */
struct pkt_spec {
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;        /* 0: untagged                                 */
	uint8_t proto;        /* PKT_PROTO_TCP or PKT_PROTO_UDP              */
	uint8_t tcp_flags;
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t ttl;          /* 0: 64                                       */
	const void *payload;
	uint16_t payload_len;
};

/* Builds a frame with correct checksums into buf[0..cap). Returns its
 * length, or 0 when it does not fit in cap or the spec is invalid. */
uint16_t pkt_build(uint8_t *buf, uint16_t cap, const struct pkt_spec *s);

/* Dotted-quad helpers: parse returns 0 or -1; format writes into out
 * (at least 16 bytes). */
int pkt_parse_ipv4(const char *s, uint32_t *addr);
const char *pkt_format_ipv4(uint32_t addr, char out[16]);

#endif /* EXAMPLES_PKT_H */
