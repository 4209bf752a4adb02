/*
 * flow.h: 5-tuple flow keys and a deterministic hash for them.
 *
 * flow_key_of() gives the key of a packet in its own direction;
 * flow_key_canon() gives a direction-free key (the smaller endpoint
 * first), so a connection's two directions map to one table entry.
 * flow_hash() is FNV-1a over the key's fields, the same on every machine
 * and in every run (no seed), so master and backup agree on it.
 */
#ifndef EXAMPLES_FLOW_H
#define EXAMPLES_FLOW_H

#include <stdint.h>

#include "pkt.h"

struct flow_key {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint8_t proto;
};

static inline struct flow_key flow_key_of(const struct pkt_view *v)
{
	struct flow_key k = { v->saddr, v->daddr, v->sport, v->dport, v->proto };
	return k;
}

static inline struct flow_key flow_key_reverse(struct flow_key k)
{
	struct flow_key r = { k.daddr, k.saddr, k.dport, k.sport, k.proto };
	return r;
}

static inline struct flow_key flow_key_canon(struct flow_key k)
{
	if (k.saddr > k.daddr || (k.saddr == k.daddr && k.sport > k.dport))
		return flow_key_reverse(k);
	return k;
}

static inline int flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->proto == b->proto;
}

static inline uint32_t flow_hash(const struct flow_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const uint32_t f[5] = { k->saddr, k->daddr, k->sport, k->dport, k->proto };
	const int w[5] = { 4, 4, 2, 2, 1 };
	for (int i = 0; i < 5; i++)
		for (int b = 0; b < w[i]; b++) {
			h ^= (f[i] >> (8 * b)) & 0xff;
			h *= 0x100000001b3ull;
		}
	return (uint32_t)(h ^ (h >> 32));
}

#endif /* EXAMPLES_FLOW_H */
