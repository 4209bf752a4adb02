/*
 * ftmb_wire.c: validation of FTMB frames (see ftmb_wire.h, docs/wire.md).
 *
 * Theory of operation: a frame is accepted only when every length it
 * states fits in the bytes received: Ethernet header, ftmb_hdr, the type's
 * fixed body, then its variable part (vector, PAL records, carried frame).
 * hdr.length must equal exactly the bytes the body needs (a sender never
 * pads inside the FTMB payload; Ethernet padding after it is allowed), so a
 * corrupted count cannot make a role read a neighbour's bytes. Checks are
 * done in that order so each reads only what an earlier check proved is
 * there.
 */
#include "ftmb_wire.h"

#include <string.h>

static size_t fixed_size(int type)
{
	switch (type) {
	case FTMB_W_PKT: return sizeof(struct ftmb_w_pkt);
	case FTMB_W_DATA: return sizeof(struct ftmb_w_data);
	case FTMB_W_PALS: return sizeof(struct ftmb_w_pals);
	case FTMB_W_NOOUT: return sizeof(struct ftmb_w_noout);
	case FTMB_W_ACK: return sizeof(struct ftmb_w_ack);
	case FTMB_W_HB: return sizeof(struct ftmb_w_hb);
	case FTMB_W_SYNC: return sizeof(struct ftmb_w_sync);
	default: return 0;
	}
}

size_t ftmb_wire_size(int type, unsigned n, unsigned frame_len)
{
	size_t s = sizeof(struct ftmb_hdr) + fixed_size(type);

	switch (type) {
	case FTMB_W_PKT: return s + frame_len;
	case FTMB_W_DATA: return s + 8u * n + frame_len;
	case FTMB_W_PALS: return s + sizeof(struct ftmb_w_pal) * n;
	case FTMB_W_ACK: return s + 8u * n;
	case FTMB_W_SYNC: return s + 16u * n;
	default: return s;
	}
}

_Static_assert(sizeof(struct ftmb_wire_view) == 64,
	       "ftmb_wire_parse sets each field of the view: update it with the struct");

int ftmb_wire_parse(const void *frame, size_t len, struct ftmb_wire_view *v)
{
	const uint8_t *p = frame;
	const struct ftmb_hdr *h;
	const uint8_t *body;
	size_t avail, need;

	/* every field of the view, without a memset call per frame */
	v->hdr = NULL;
	v->type = 0;
	v->body = NULL;
	v->vec = v->vec2 = NULL;
	v->pals = NULL;
	v->frame = NULL;
	v->frame_len = 0;
	if (len < FTMB_ETH_HLEN)
		return FTMB_WIRE_SHORT;
	if ((p[12] << 8 | p[13]) != FTMB_ETHERTYPE)
		return FTMB_WIRE_NOT_FTMB; /* (a VLAN-tagged FTMB frame is not one either) */
	if (len < FTMB_ETH_HLEN + sizeof(*h))
		return FTMB_WIRE_SHORT;
	h = (const void *)(p + FTMB_ETH_HLEN);
	if (h->version != FTMB_WIRE_VERSION)
		return FTMB_WIRE_VERSION_BAD;
	if ((h->type < FTMB_W_PKT || h->type > FTMB_W_TYPE_MAX) &&
	    (h->type < FTMB_W_EXT_FIRST || h->type > FTMB_W_EXT_LAST))
		return FTMB_WIRE_TYPE_BAD;
	avail = len - FTMB_ETH_HLEN - sizeof(*h);
	if (h->length > avail)
		return FTMB_WIRE_SHORT;
	if (h->type >= FTMB_W_EXT_FIRST) {
		v->hdr = h;
		v->type = h->type;
		v->body = h + 1;
		return FTMB_WIRE_OK;
	}
	if (h->length < fixed_size(h->type))
		return FTMB_WIRE_LENGTH_BAD;
	body = (const uint8_t *)(h + 1);
	v->hdr = h;
	v->type = h->type;
	v->body = body;

	switch (h->type) {
	case FTMB_W_PKT: {
		const struct ftmb_w_pkt *b = (const void *)body;
		if (b->kind > FTMB_PKT_TICK || (b->kind == FTMB_PKT_TICK && b->frame_len))
			return FTMB_WIRE_FIELD_BAD;
		if (b->kind == FTMB_PKT_FRAME && b->frame_len < FTMB_ETH_HLEN)
			return FTMB_WIRE_FIELD_BAD;
		need = fixed_size(h->type) + b->frame_len;
		if (need != h->length)
			return FTMB_WIRE_LENGTH_BAD;
		v->frame = body + sizeof(*b);
		v->frame_len = b->frame_len;
		break;
	}
	case FTMB_W_DATA: {
		const struct ftmb_w_data *b = (const void *)body;
		if (b->n_vec == 0 || b->n_vec > FTMB_WIRE_MAX_CORES || b->core >= b->n_vec)
			return FTMB_WIRE_FIELD_BAD;
		if (b->frame_len < FTMB_ETH_HLEN || b->out_port > 1)
			return FTMB_WIRE_FIELD_BAD;
		need = fixed_size(h->type) + 8u * b->n_vec + b->frame_len;
		if (need != h->length)
			return FTMB_WIRE_LENGTH_BAD;
		v->vec = (const void *)(body + sizeof(*b));
		v->frame = body + sizeof(*b) + 8u * b->n_vec;
		v->frame_len = b->frame_len;
		break;
	}
	case FTMB_W_PALS: {
		const struct ftmb_w_pals *b = (const void *)body;
		if (b->count == 0 || b->count > FTMB_PALS_PER_FRAME ||
		    b->core >= FTMB_WIRE_MAX_CORES)
			return FTMB_WIRE_FIELD_BAD;
		need = fixed_size(h->type) + sizeof(struct ftmb_w_pal) * b->count;
		if (need != h->length)
			return FTMB_WIRE_LENGTH_BAD;
		v->pals = (const void *)(body + sizeof(*b));
		break;
	}
	case FTMB_W_NOOUT: {
		const struct ftmb_w_noout *b = (const void *)body;
		if (b->core >= FTMB_WIRE_MAX_CORES)
			return FTMB_WIRE_FIELD_BAD;
		if (h->length != fixed_size(h->type))
			return FTMB_WIRE_LENGTH_BAD;
		break;
	}
	case FTMB_W_ACK: {
		const struct ftmb_w_ack *b = (const void *)body;
		if (b->n_cores == 0 || b->n_cores > FTMB_WIRE_MAX_CORES)
			return FTMB_WIRE_FIELD_BAD;
		if (h->length != fixed_size(h->type) + 8u * b->n_cores)
			return FTMB_WIRE_LENGTH_BAD;
		v->vec = (const void *)(body + sizeof(*b));
		break;
	}
	case FTMB_W_HB: {
		const struct ftmb_w_hb *b = (const void *)body;
		if (b->role < FTMB_ROLE_IL || b->role > FTMB_ROLE_BACKUP)
			return FTMB_WIRE_FIELD_BAD;
		if (h->length != fixed_size(h->type))
			return FTMB_WIRE_LENGTH_BAD;
		break;
	}
	case FTMB_W_SYNC: {
		const struct ftmb_w_sync *b = (const void *)body;
		if (b->n_cores == 0 || b->n_cores > FTMB_WIRE_MAX_CORES)
			return FTMB_WIRE_FIELD_BAD;
		if (h->length != fixed_size(h->type) + 16u * b->n_cores)
			return FTMB_WIRE_LENGTH_BAD;
		v->vec = (const void *)(body + sizeof(*b));
		v->vec2 = v->vec + b->n_cores;
		break;
	}
	}
	return FTMB_WIRE_OK;
}

const char *ftmb_wire_strerror(int err)
{
	switch (err) {
	case FTMB_WIRE_OK: return "ok";
	case FTMB_WIRE_NOT_FTMB: return "not an FTMB frame";
	case FTMB_WIRE_SHORT: return "truncated frame";
	case FTMB_WIRE_VERSION_BAD: return "unknown wire version";
	case FTMB_WIRE_TYPE_BAD: return "unknown frame type";
	case FTMB_WIRE_LENGTH_BAD: return "length fields disagree";
	case FTMB_WIRE_FIELD_BAD: return "field out of range";
	default: return "unknown error";
	}
}

const char *ftmb_wire_type_name(int type)
{
	static const char *const names[] = {
		"?", "PKT", "DATA", "PALS", "NOOUT", "ACK", "HB", "SYNC",
	};
	if (type < 0 || type > FTMB_W_TYPE_MAX)
		return "?";
	return names[type];
}
