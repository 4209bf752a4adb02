/*
 * ids_alert.c: the alert log record, a syslog-style (RFC 3164 flavoured)
 * UDP datagram:
 *   <116>ftmb-ids: seq=12 sig=1 name="cmd.exe" proto=tcp
 *   src=10.0.0.5:40000 dst=203.0.113.7:80
 * (one line; priority 116 = facility "log alert" (14) * 8 + severity
 * "warning" (4)).
 */
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "pkt.h"

static const uint8_t log_src_mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };
static const uint8_t log_dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x10 };

uint16_t ids_alert_frame(uint8_t *buf, uint16_t cap, uint64_t seq, unsigned sig,
			 uint8_t proto, uint32_t saddr, uint16_t sport,
			 uint32_t daddr, uint16_t dport)
{
	char msg[IDS_LOG_MAX], a[16], b[16];
	int n = snprintf(msg, sizeof(msg),
			 "<116>ftmb-ids: seq=%llu sig=%u name=\"%s\" proto=%s src=%s:%u dst=%s:%u",
			 (unsigned long long)seq, sig, ids_cfg.sig[sig].name,
			 proto == PKT_PROTO_TCP ? "tcp" : "udp", pkt_format_ipv4(saddr, a), sport,
			 pkt_format_ipv4(daddr, b), dport);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	struct pkt_spec s;
	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, log_src_mac, 6);
	memcpy(s.dst_mac, log_dst_mac, 6);
	s.proto = PKT_PROTO_UDP;
	s.saddr = ids_cfg.log_src;
	s.sport = ids_cfg.log_sport;
	s.daddr = ids_cfg.log_dst;
	s.dport = ids_cfg.log_dport;
	s.payload = msg;
	s.payload_len = (uint16_t)n;
	return pkt_build(buf, cap, &s);
}
