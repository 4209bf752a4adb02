/*
 * tgen.c: see tgen.h.
 *
 * Theory of operation: each flow is a small script (its packets in
 * order, indexed 0..n-1). The generator keeps the set of unfinished flows
 * in an array; each step draws one of them with the seeded xorshift64*
 * and emits that flow's next packet, so flows interleave at random while
 * each flow's own order holds. Every random choice is drawn from the one
 * generator in emission order, so the output is a pure function of the
 * configuration.
 */
#include "tgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

const uint8_t TGEN_MAC_INSIDE[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t TGEN_MAC_OUTSIDE[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t TGEN_MAC_MB[6] = { 0x02, 0, 0, 0, 0, 0xfe };

const char *const tgen_signatures[] = {
	"/etc/passwd",
	"cmd.exe",
	"UNION SELECT",
	"\x90\x90\x90\x90\x90\x90\x90\x90",
};
const unsigned tgen_n_signatures = sizeof(tgen_signatures) / sizeof(tgen_signatures[0]);

struct tgen_flow {
	uint8_t proto;
	uint16_t cport, sport;
	uint32_t client, server;
	uint32_t next, total;
	uint32_t cseq, sseq;
};

struct tgen {
	struct tgen_config cfg;
	uint64_t rng;
	struct tgen_flow *flows;
	uint32_t *active;
	uint32_t n_active;
};

static uint64_t rnd(struct tgen *g)
{
	uint64_t x = g->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

void tgen_config_default(struct tgen_config *c)
{
	memset(c, 0, sizeof(*c));
	c->flows = 64;
	c->packets_per_flow = 16;
	c->seed = 1;
	c->udp_percent = 50;
	c->payload = 64;
	c->servers = 200;
}

struct tgen *tgen_create(const struct tgen_config *c)
{
	if (c->flows < 1 || c->flows > 1u << 24 || c->packets_per_flow < 1 ||
	    c->udp_percent > 100 || c->attack_percent > 100 || c->payload > 1400 ||
	    c->vlans > 4094 || c->servers < 1 || c->servers > 200) {
		fprintf(stderr, "tgen: bad configuration (flows 1..16M, packets >= 1, "
				"udp/attack percent 0..100, payload 0..1400, vlans 0..4094, "
				"servers 1..200)\n");
		return NULL;
	}
	struct tgen *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->cfg = *c;
	g->rng = c->seed * 0x9e3779b97f4a7c15ull + 0x6a09e667f3bcc909ull;
	if (g->rng == 0)
		g->rng = 1;
	g->flows = calloc(c->flows, sizeof(*g->flows));
	g->active = calloc(c->flows, sizeof(*g->active));
	if (g->flows == NULL || g->active == NULL) {
		tgen_destroy(g);
		return NULL;
	}
	for (uint32_t i = 0; i < c->flows; i++) {
		struct tgen_flow *f = &g->flows[i];
		f->proto = rnd(g) % 100 < c->udp_percent ? PKT_PROTO_UDP : PKT_PROTO_TCP;
		/* Unique client address per flow: 10.a.b.c, c in 1..200. */
		f->client = TGEN_INSIDE_NET | (i / 200) << 8 | (i % 200 + 1);
		f->cport = (uint16_t)(20000 + rnd(g) % 40000);
		f->server = TGEN_OUTSIDE_NET | (uint32_t)(1 + rnd(g) % c->servers);
		static const uint16_t ports[] = { 80, 443, 53, 8080, 5001 };
		f->sport = ports[rnd(g) % 5];
		f->total = c->packets_per_flow;
		if (f->proto == PKT_PROTO_TCP && f->total < 5)
			f->total = 5;
		f->cseq = (uint32_t)rnd(g);
		f->sseq = (uint32_t)rnd(g);
		g->active[i] = i;
	}
	g->n_active = c->flows;
	return g;
}

void tgen_destroy(struct tgen *g)
{
	if (g == NULL)
		return;
	free(g->flows);
	free(g->active);
	free(g);
}

/* Direction and TCP flags of packet `idx` of flow f; data packets draw
 * their direction from the generator. */
static int script(struct tgen *g, const struct tgen_flow *f, uint32_t idx,
		  uint8_t *flags, int *data)
{
	*flags = 0;
	*data = 0;
	if (f->proto == PKT_PROTO_UDP) {
		*data = 1;
		return idx == 0 ? 0 : (int)(rnd(g) & 1);
	}
	if (idx == 0) { *flags = PKT_TCP_SYN; return 0; }
	if (idx == 1) { *flags = PKT_TCP_SYN | PKT_TCP_ACK; return 1; }
	if (idx == 2) { *flags = PKT_TCP_ACK; return 0; }
	if (idx == f->total - 2) { *flags = PKT_TCP_FIN | PKT_TCP_ACK; return 0; }
	if (idx == f->total - 1) { *flags = PKT_TCP_FIN | PKT_TCP_ACK; return 1; }
	*flags = PKT_TCP_ACK | PKT_TCP_PSH;
	*data = 1;
	return (int)(rnd(g) & 1);
}

int tgen_next(struct tgen *g, struct tgen_pkt *p)
{
	for (;;) {
		if (g->n_active == 0)
			return 0;
		uint32_t slot = (uint32_t)(rnd(g) % g->n_active);
		uint32_t fi = g->active[slot];
		struct tgen_flow *f = &g->flows[fi];
		uint32_t idx = f->next++;
		if (f->next == f->total)
			g->active[slot] = g->active[--g->n_active];
		uint8_t flags;
		int data;
		int reply = script(g, f, idx, &flags, &data);

		uint8_t payload[1400];
		unsigned plen = data ? g->cfg.payload : 0;
		int attack = 0;
		unsigned sig = 0;
		for (unsigned i = 0; i < plen; i++)
			payload[i] = (uint8_t)('a' + rnd(g) % 26);
		if (data && g->cfg.attack_percent && rnd(g) % 100 < g->cfg.attack_percent) {
			sig = (unsigned)(rnd(g) % tgen_n_signatures);
			size_t sl = strlen(tgen_signatures[sig]);
			if (plen < sl)
				plen = (unsigned)sl;
			memcpy(payload + (plen - sl) / 2, tgen_signatures[sig], sl);
			attack = 1;
		}
		struct pkt_spec s;
		memset(&s, 0, sizeof(s));
		s.proto = f->proto;
		s.tcp_flags = flags;
		s.vlan = g->cfg.vlans ? (uint16_t)(fi % g->cfg.vlans + 1) : 0;
		s.payload = payload;
		s.payload_len = (uint16_t)plen;
		memcpy(s.dst_mac, TGEN_MAC_MB, 6);
		if (!reply) {
			memcpy(s.src_mac, TGEN_MAC_INSIDE, 6);
			s.saddr = f->client; s.sport = f->cport;
			s.daddr = f->server; s.dport = f->sport;
			s.seq = f->cseq; s.ack = f->sseq;
			f->cseq += plen + ((flags & (PKT_TCP_SYN | PKT_TCP_FIN)) ? 1 : 0);
		} else {
			memcpy(s.src_mac, TGEN_MAC_OUTSIDE, 6);
			s.saddr = f->server; s.sport = f->sport;
			s.daddr = f->client; s.dport = f->cport;
			s.seq = f->sseq; s.ack = f->cseq;
			f->sseq += plen + ((flags & (PKT_TCP_SYN | PKT_TCP_FIN)) ? 1 : 0);
		}
		/* Skipped replies still advance the sequence numbers above, so
		 * an outbound-only trace is exactly the outbound part. */
		if (reply && g->cfg.directions == TGEN_OUTBOUND)
			continue;
		p->len = pkt_build(p->frame, sizeof(p->frame), &s);
		if (p->len == 0)
			return 0; /* cannot happen with a valid config */
		p->in_port = (uint8_t)reply;
		p->reply = (uint8_t)reply;
		p->attack = (uint8_t)attack;
		p->signature = (uint8_t)sig;
		p->flow = fi;
		p->index = idx;
		return 1;
	}
}

void tgen_flow_endpoints(const struct tgen *g, uint32_t flow, uint8_t *proto,
			 uint32_t *client, uint16_t *cport,
			 uint32_t *server, uint16_t *sport)
{
	const struct tgen_flow *f = &g->flows[flow];
	*proto = f->proto;
	*client = f->client;
	*cport = f->cport;
	*server = f->server;
	*sport = f->sport;
}

int tgen_port_of_frame(const uint8_t *frame, uint16_t len)
{
	if (len < 12)
		return -1;
	if (memcmp(frame + 6, TGEN_MAC_INSIDE, 6) == 0)
		return 0;
	if (memcmp(frame + 6, TGEN_MAC_OUTSIDE, 6) == 0)
		return 1;
	return -1;
}
