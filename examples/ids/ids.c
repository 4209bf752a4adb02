/*
 * ids.c: the IDS's hosting interface.
 *
 * Theory of operation: a packet that parses as TCP/UDP has its payload
 * matched against every signature (ids_sig.c). For each signature found,
 * the core takes the next global sequence number (one atomic add on
 * ids_alert_seq, so numbers are unique and gapless), counts the alert, and
 * emits the alert frame with mb_emit on the log port; a failed emit is
 * counted, never retried. The packet itself goes out of the other port,
 * or is dropped with --block 1 when it matched. Frames that do not parse
 * are forwarded unmatched (an IDS watches, it does not police format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "mbopt.h"
#include "middlebox.h"
#include "pkt.h"

struct ids_config ids_cfg;
uint64_t ids_alert_seq;
uint64_t ids_alerts[IDS_MAX_SIGS];
uint64_t ids_emit_failed;

static uint8_t core_frame[IDS_MAX_CORES][IDS_LOG_MAX + 128];

static const char *const default_sigs[] = {
	"/etc/passwd",
	"cmd.exe",
	"UNION SELECT",
	"\\x90\\x90\\x90\\x90\\x90\\x90\\x90\\x90",
};

static void free_config(struct ids_config *c)
{
	for (unsigned i = 0; i < c->n_sigs; i++)
		ids_sig_free(&c->sig[i]);
	c->n_sigs = 0;
}

static int parse_endpoint(const char *prog, const char *name, const char *v,
			  uint32_t *addr, uint16_t *port)
{
	char ip[32];
	const char *colon = strchr(v, ':');
	uint64_t p;
	size_t n = colon ? (size_t)(colon - v) : 0;
	if (colon == NULL || n >= sizeof(ip)) {
		fprintf(stderr, "%s: --%s wants A.B.C.D:PORT, got '%s'\n", prog, name, v);
		return -1;
	}
	memcpy(ip, v, n);
	ip[n] = '\0';
	if (mbopt_ipv4(prog, name, ip, addr) || mbopt_uint(prog, name, colon + 1, 1, 65535, &p))
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "ids";
	if (n_cores < 1 || n_cores > IDS_MAX_CORES) {
		fprintf(stderr, "%s: n_cores must be 1..%d, got %u\n", prog, IDS_MAX_CORES, n_cores);
		return -1;
	}
	struct ids_config c;
	memset(&c, 0, sizeof(c));
	c.log_src = 0xc00002feu; /* 192.0.2.254:514 -> 192.0.2.10:514 */
	c.log_sport = 514;
	c.log_dst = 0xc000020au;
	c.log_dport = 514;
	c.log_port = MB_PORT_INSIDE;
	c.n_cores = n_cores;
	struct mbopt o;
	const char *name, *value;
	uint64_t x;
	int r;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		if (strcmp(name, "signature") == 0) {
			if (c.n_sigs == IDS_MAX_SIGS) {
				fprintf(stderr, "%s: at most %d signatures\n", prog, IDS_MAX_SIGS);
				goto fail;
			}
			if (ids_sig_parse(prog, value, &c.sig[c.n_sigs]))
				goto fail;
			c.n_sigs++;
		} else if (strcmp(name, "log-collector") == 0) {
			if (parse_endpoint(prog, name, value, &c.log_dst, &c.log_dport))
				goto fail;
		} else if (strcmp(name, "log-source") == 0) {
			if (parse_endpoint(prog, name, value, &c.log_src, &c.log_sport))
				goto fail;
		} else if (strcmp(name, "log-port") == 0) {
			if (strcmp(value, "inside") == 0) {
				c.log_port = MB_PORT_INSIDE;
			} else if (strcmp(value, "outside") == 0) {
				c.log_port = MB_PORT_OUTSIDE;
			} else {
				fprintf(stderr, "%s: --log-port wants inside or outside, got '%s'\n",
					prog, value);
				goto fail;
			}
		} else if (strcmp(name, "block") == 0) {
			if (mbopt_uint(prog, name, value, 0, 1, &x))
				goto fail;
			c.block = (int)x;
		} else {
			mbopt_unknown(prog, name);
			goto fail;
		}
	}
	if (r < 0)
		goto fail;
	if (c.n_sigs == 0)
		for (unsigned i = 0; i < sizeof(default_sigs) / sizeof(default_sigs[0]); i++)
			if (ids_sig_parse(prog, default_sigs[i], &c.sig[c.n_sigs++]))
				goto fail;
	free_config(&ids_cfg);
	ids_cfg = c;
	__atomic_store_n(&ids_alert_seq, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ids_emit_failed, 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < IDS_MAX_SIGS; i++)
		__atomic_store_n(&ids_alerts[i], 0, __ATOMIC_RELAXED);
	return 0;
fail:
	free_config(&c);
	return -1;
}

int mb_process(struct mb_pkt *pkt)
{
	if (pkt->core >= ids_cfg.n_cores || pkt->in_port > MB_PORT_OUTSIDE)
		return MB_DROP;
	int out = pkt->in_port == MB_PORT_INSIDE ? MB_PORT_OUTSIDE : MB_PORT_INSIDE;
	struct pkt_view v;
	if (pkt_parse(pkt->data, pkt->len, &v) != 0)
		return out;
	int matched = 0;
	for (int s = ids_match(v.payload, v.payload_len, 0); s >= 0;
	     s = ids_match(v.payload, v.payload_len, (unsigned)s + 1)) {
		matched = 1;
		uint64_t seq = __atomic_add_fetch(&ids_alert_seq, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&ids_alerts[s], 1, __ATOMIC_RELAXED);
		uint8_t *f = core_frame[pkt->core];
		uint16_t n = ids_alert_frame(f, sizeof(core_frame[0]), seq, (unsigned)s, v.proto,
					     v.saddr, v.sport, v.daddr, v.dport);
		if (n == 0 || mb_emit(pkt->core, ids_cfg.log_port, f, n) != 0)
			__atomic_fetch_add(&ids_emit_failed, 1, __ATOMIC_RELAXED);
	}
	return matched && ids_cfg.block ? MB_DROP : out;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	(void)core;
	(void)now_ns;
}

uint64_t ids_alert_count(unsigned sig)
{
	return sig < IDS_MAX_SIGS ? __atomic_load_n(&ids_alerts[sig], __ATOMIC_RELAXED) : 0;
}
