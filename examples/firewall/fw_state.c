/*
 * fw_state.c: the firewall's TCP connection state machine.
 *
 * Theory of operation: the firewall only needs to know whether a packet
 * belongs to a connection an inside host opened, and when that connection
 * is over (to pick its timeout). States:
 *   SYN_SENT    after the inside SYN; outside may answer SYN-ACK (-> ESTABLISHED)
 *               or RST (-> CLOSED); the inside may retransmit the SYN.
 *   ESTABLISHED both ways pass; a FIN -> CLOSING.
 *   CLOSING     both ways pass; when both sides sent a FIN -> CLOSED.
 *   CLOSED      only ACKs/RSTs/FINs (the last handshake) pass, until the
 *               short close timeout frees the entry.
 * A RST in any state -> CLOSED. Inbound SYN (a connection opened from
 * outside) is never allowed.
 */
#include "firewall.h"
#include "pkt.h"

enum fw_state fw_tcp_next(enum fw_state s, uint8_t flags, int inbound,
			  uint8_t *fin_in, uint8_t *fin_out)
{
	int syn = flags & PKT_TCP_SYN, ack = flags & PKT_TCP_ACK;
	if (flags & PKT_TCP_RST)
		return s == FW_FREE ? FW_FREE : FW_CLOSED;
	switch (s) {
	case FW_SYN_SENT:
		if (!inbound)
			return syn && !ack ? FW_SYN_SENT : FW_FREE;
		return syn && ack ? FW_ESTABLISHED : FW_FREE;
	case FW_ESTABLISHED:
	case FW_CLOSING:
		if (syn && !(inbound && ack))
			return FW_FREE;
		if (flags & PKT_TCP_FIN) {
			if (inbound)
				*fin_in = 1;
			else
				*fin_out = 1;
		}
		if (*fin_in && *fin_out)
			return FW_CLOSED;
		return (*fin_in || *fin_out) ? FW_CLOSING : FW_ESTABLISHED;
	case FW_CLOSED:
		return syn ? FW_FREE : FW_CLOSED;
	default:
		return FW_FREE;
	}
}
