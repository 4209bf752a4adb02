/*
 * ids.h: a signature-matching intrusion detection system for the ftmb
 * examples.
 *
 * Every TCP/UDP payload is searched for a few byte patterns (signatures).
 * Each match produces an alert: a syslog-style UDP frame to a log
 * collector, sent with mb_emit as an extra output of the packet (under
 * ftmb it is held and released like any packet: the activity log is an
 * output under output commit). Alerts carry a global sequence number, so
 * the log's order depends on how the cores interleave; that is exactly
 * the nondeterminism ftmb logs and replays. Packets are forwarded
 * (--block 1: packets that match are dropped).
 *
 * State and who touches it:
 *   shared (marked below):
 *     ids_alert_seq        the last alert's sequence number
 *     ids_alerts[]         alerts per signature
 *     ids_emit_failed      alerts the host could not queue
 *   local: the signatures (built by mb_init, read-only afterwards: reads
 *   of data nobody writes need no log), the configuration, and each
 *   core's frame buffer (only core c uses slot c).
 */
#ifndef IDS_H
#define IDS_H

#include <stddef.h>
#include <stdint.h>

#include "ftmb.h"

#define IDS_MAX_SIGS 64
#define IDS_MAX_SIG_LEN 128
#define IDS_MAX_CORES 64
#define IDS_LOG_MAX 400            /* bytes of one log message */

extern uint64_t ids_alert_seq __ftmb_shared;
extern uint64_t ids_alerts[IDS_MAX_SIGS] __ftmb_shared;
extern uint64_t ids_emit_failed __ftmb_shared;

struct ids_signature {
	uint8_t *bytes;            /* malloc'd by mb_init */
	size_t len;
	char *name;                /* printable form, malloc'd */
};

struct ids_config {
	unsigned n_sigs;
	struct ids_signature sig[IDS_MAX_SIGS];
	uint32_t log_src, log_dst;
	uint16_t log_sport, log_dport;
	int log_port;              /* enum mb_port the alerts leave by */
	int block;
	unsigned n_cores;
};
extern struct ids_config ids_cfg;

/* Signatures (ids_sig.c): parse "text with \xNN escapes" into bytes;
 * 0, or -1 after printing why. */
int ids_sig_parse(const char *prog, const char *text, struct ids_signature *s);
void ids_sig_free(struct ids_signature *s);
/* Index of the first signature at or after `from` found in data, or -1. */
int ids_match(const uint8_t *data, size_t len, unsigned from);

/* Alert frame (ids_alert.c): builds the syslog frame for a match into
 * buf (TGEN-independent, at most cap bytes); returns its length or 0. */
uint16_t ids_alert_frame(uint8_t *buf, uint16_t cap, uint64_t seq, unsigned sig,
			 uint8_t proto, uint32_t saddr, uint16_t sport,
			 uint32_t daddr, uint16_t dport);

uint64_t ids_alert_count(unsigned sig);

#endif /* IDS_H */
