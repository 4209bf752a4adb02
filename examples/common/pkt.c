/*
 * pkt.c: parsing, in-place rewriting and checksums (see pkt.h).
 *
 * Theory of operation (incremental checksum update, RFC 1624 eqn. 3):
 * the Internet checksum HC is the one's-complement of the one's-complement
 * sum of 16-bit words. Replacing word m by m' gives
 *     HC' = ~(~HC + ~m + m')
 * computed in one's-complement arithmetic (end-around carry). An address is
 * two words, a port one. Addresses are also in the TCP/UDP pseudo-header,
 * so changing one updates both the IPv4 and the L4 checksum; a port is only
 * in the L4 checksum. UDP's checksum 0 means "none" and stays 0; a computed
 * 0 is sent as 0xffff (RFC 768).
 */
#include "pkt.h"

#include <stdio.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void wr16(uint8_t *p, uint16_t x) { p[0] = (uint8_t)(x >> 8); p[1] = (uint8_t)x; }
static void wr32(uint8_t *p, uint32_t x)
{
	wr16(p, (uint16_t)(x >> 16));
	wr16(p + 2, (uint16_t)x);
}

int pkt_parse(uint8_t *frame, uint16_t len, struct pkt_view *v)
{
	memset(v, 0, sizeof(*v));
	if (frame == NULL || len < PKT_ETH_HLEN)
		return -1;
	v->frame = frame;
	v->frame_len = len;
	uint16_t off = PKT_ETH_HLEN;
	uint16_t type = rd16(frame + 12);
	if (type == PKT_ETHERTYPE_VLAN) {
		if (len < PKT_ETH_HLEN + PKT_VLAN_HLEN)
			return -1;
		v->vlan = rd16(frame + 14) & 0x0fff;
		type = rd16(frame + 16);
		off += PKT_VLAN_HLEN;
	}
	if (type != PKT_ETHERTYPE_IPV4 || len < off + 20)
		return -1;
	uint8_t *ip = frame + off;
	unsigned ihl = (unsigned)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return -1;
	uint16_t tot = rd16(ip + 2);
	if (tot < ihl || (unsigned)off + tot > len)
		return -1;
	if (rd16(ip + 6) & 0x3fff) /* MF set or fragment offset: no L4 header */
		return -1;
	v->ip = ip;
	v->ip_len = tot;
	v->proto = ip[9];
	v->saddr = rd32(ip + 12);
	v->daddr = rd32(ip + 16);
	uint8_t *l4 = ip + ihl;
	unsigned l4_len = tot - ihl;
	unsigned l4_hlen;
	if (v->proto == PKT_PROTO_TCP) {
		if (l4_len < 20)
			return -1;
		l4_hlen = (unsigned)(l4[12] >> 4) * 4;
		if (l4_hlen < 20 || l4_hlen > l4_len)
			return -1;
		v->tcp_flags = l4[13];
	} else if (v->proto == PKT_PROTO_UDP) {
		if (l4_len < 8 || rd16(l4 + 4) < 8 || rd16(l4 + 4) > l4_len)
			return -1;
		l4_hlen = 8;
		l4_len = rd16(l4 + 4);
	} else {
		return -1;
	}
	v->l4 = l4;
	v->sport = rd16(l4);
	v->dport = rd16(l4 + 2);
	v->payload = l4 + l4_hlen;
	v->payload_len = (uint16_t)(l4_len - l4_hlen);
	return 0;
}

/* One's-complement sum of n bytes, folded to 16 bits later. */
static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
	for (; n > 1; n -= 2, p += 2)
		acc += rd16(p);
	if (n)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t pkt_ipv4_cksum(const uint8_t *ip)
{
	unsigned ihl = (unsigned)(ip[0] & 0x0f) * 4;
	uint32_t acc = sum16(0, ip, 10);               /* skip the checksum */
	acc = sum16(acc, ip + 12, ihl - 12);
	return (uint16_t)~fold(acc);
}

static uint16_t l4_len_of(const struct pkt_view *v)
{
	return (uint16_t)(v->ip_len - (uint16_t)(v->l4 - v->ip));
}

static uint8_t *l4_cksum_field(const struct pkt_view *v)
{
	return v->l4 + (v->proto == PKT_PROTO_TCP ? 16 : 6);
}

uint16_t pkt_l4_cksum(const struct pkt_view *v)
{
	uint16_t n = v->proto == PKT_PROTO_UDP ? rd16(v->l4 + 4) : l4_len_of(v);
	uint32_t acc = sum16(0, v->ip + 12, 8);        /* saddr, daddr */
	acc += v->proto;
	acc += n;
	unsigned ck = (unsigned)(l4_cksum_field(v) - v->l4);
	acc = sum16(acc, v->l4, ck);
	acc = sum16(acc, v->l4 + ck + 2, n - ck - 2);
	uint16_t c = (uint16_t)~fold(acc);
	if (v->proto == PKT_PROTO_UDP && c == 0)
		c = 0xffff;
	return c;
}

int pkt_cksums_ok(const struct pkt_view *v)
{
	if (rd16(v->ip + 10) != pkt_ipv4_cksum(v->ip))
		return -1;
	uint16_t l4 = rd16(l4_cksum_field(v));
	if (v->proto == PKT_PROTO_UDP && l4 == 0)
		return 0;
	return l4 == pkt_l4_cksum(v) ? 0 : -1;
}

/* RFC 1624: field word old -> new in the checksum at p. */
static void cksum_replace16(uint8_t *p, uint16_t old, uint16_t new_)
{
	uint32_t acc = (uint16_t)~rd16(p);
	acc += (uint16_t)~old;
	acc += new_;
	wr16(p, (uint16_t)~fold(acc));
}

static void cksum_replace32(uint8_t *p, uint32_t old, uint32_t new_)
{
	cksum_replace16(p, (uint16_t)(old >> 16), (uint16_t)(new_ >> 16));
	cksum_replace16(p, (uint16_t)old, (uint16_t)new_);
}

/* L4 checksum update, keeping UDP's "no checksum" (0) as it is. */
static void l4_replace16(struct pkt_view *v, uint16_t old, uint16_t new_)
{
	uint8_t *ck = l4_cksum_field(v);
	if (v->proto == PKT_PROTO_UDP && rd16(ck) == 0)
		return;
	cksum_replace16(ck, old, new_);
	if (v->proto == PKT_PROTO_UDP && rd16(ck) == 0)
		wr16(ck, 0xffff);
}

static void set_addr(struct pkt_view *v, unsigned off, uint32_t *field, uint32_t addr)
{
	uint32_t old = *field;
	wr32(v->ip + off, addr);
	cksum_replace32(v->ip + 10, old, addr);
	l4_replace16(v, (uint16_t)(old >> 16), (uint16_t)(addr >> 16));
	l4_replace16(v, (uint16_t)old, (uint16_t)addr);
	*field = addr;
}

void pkt_set_saddr(struct pkt_view *v, uint32_t addr) { set_addr(v, 12, &v->saddr, addr); }
void pkt_set_daddr(struct pkt_view *v, uint32_t addr) { set_addr(v, 16, &v->daddr, addr); }

void pkt_set_sport(struct pkt_view *v, uint16_t port)
{
	l4_replace16(v, v->sport, port);
	wr16(v->l4, port);
	v->sport = port;
}

void pkt_set_dport(struct pkt_view *v, uint16_t port)
{
	l4_replace16(v, v->dport, port);
	wr16(v->l4 + 2, port);
	v->dport = port;
}

void pkt_set_dst_mac(struct pkt_view *v, const uint8_t mac[6]) { memcpy(v->frame, mac, 6); }
void pkt_set_src_mac(struct pkt_view *v, const uint8_t mac[6]) { memcpy(v->frame + 6, mac, 6); }

uint16_t pkt_build(uint8_t *buf, uint16_t cap, const struct pkt_spec *s)
{
	unsigned l2 = PKT_ETH_HLEN + (s->vlan ? PKT_VLAN_HLEN : 0);
	unsigned l4h;
	if (s->proto == PKT_PROTO_TCP)
		l4h = 20;
	else if (s->proto == PKT_PROTO_UDP)
		l4h = 8;
	else
		return 0;
	if (s->payload_len && s->payload == NULL)
		return 0;
	unsigned total = l2 + 20 + l4h + s->payload_len;
	unsigned len = total < 60 ? 60 : total;  /* Ethernet minimum (no FCS) */
	if (buf == NULL || len > cap || total > 0xffff)
		return 0;
	memset(buf, 0, len);
	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	uint8_t *p = buf + 12;
	if (s->vlan) {
		wr16(p, PKT_ETHERTYPE_VLAN);
		wr16(p + 2, s->vlan & 0x0fff);
		p += 4;
	}
	wr16(p, PKT_ETHERTYPE_IPV4);
	uint8_t *ip = p + 2;
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(20 + l4h + s->payload_len));
	wr16(ip + 6, 0x4000);                       /* DF */
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = s->proto;
	wr32(ip + 12, s->saddr);
	wr32(ip + 16, s->daddr);
	wr16(ip + 10, pkt_ipv4_cksum(ip));
	uint8_t *l4 = ip + 20;
	wr16(l4, s->sport);
	wr16(l4 + 2, s->dport);
	if (s->proto == PKT_PROTO_TCP) {
		wr32(l4 + 4, s->seq);
		wr32(l4 + 8, s->ack);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags;
		wr16(l4 + 14, 65535);
	} else {
		wr16(l4 + 4, (uint16_t)(8 + s->payload_len));
	}
	if (s->payload_len)
		memcpy(l4 + l4h, s->payload, s->payload_len);
	struct pkt_view v;
	if (pkt_parse(buf, (uint16_t)len, &v) != 0)
		return 0;
	wr16(l4_cksum_field(&v), pkt_l4_cksum(&v));
	return (uint16_t)len;
}

int pkt_parse_ipv4(const char *s, uint32_t *addr)
{
	unsigned a, b, c, d;
	char tail;
	if (s == NULL || sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
		return -1;
	if (a > 255 || b > 255 || c > 255 || d > 255)
		return -1;
	*addr = a << 24 | b << 16 | c << 8 | d;
	return 0;
}

const char *pkt_format_ipv4(uint32_t addr, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return out;
}
