/*
 * firewall.c: the firewall's hosting interface.
 *
 * Theory of operation: a packet's connection key is its inside->outside
 * 5-tuple (an inbound packet's tuple reversed). Under fw_lock the packet
 * looks its connection up, runs the TCP state machine (fw_state.c) or the
 * UDP rule, creates the entry for an allowed new outbound connection, and
 * refreshes its last-seen time; the verdict follows from the result. The
 * lock makes lookup-create-transition one step, so two cores seeing the
 * two directions of one connection at once agree on its state. mb_tick
 * sweeps each core's slice of the table (entries core, core + n, ...),
 * --sweep entries per tick, freeing entries idle longer than their
 * state's timeout.
 */
#include <stdio.h>
#include <string.h>

#include "firewall.h"
#include "mbopt.h"
#include "middlebox.h"
#include "pkt.h"

struct fw_config fw_cfg;

static uint64_t core_now_ns[FW_MAX_CORES];
static uint32_t core_sweep_pos[FW_MAX_CORES];

static void count(enum fw_counter c)
{
	__atomic_fetch_add(&fw_counters[c], 1, __ATOMIC_RELAXED);
}

static const char *const timeout_opt[FW_N_STATES] = {
	NULL, "syn-timeout", "established-timeout", "closing-timeout", "closed-timeout",
	"udp-timeout",
};

int mb_init(int argc, char **argv, unsigned n_cores)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "firewall";
	static const uint64_t def_s[FW_N_STATES] = { 0, 30, 3600, 60, 10, 60 };
	struct fw_config c;
	memset(&c, 0, sizeof(c));
	for (unsigned s = 0; s < FW_N_STATES; s++)
		c.timeout_ns[s] = def_s[s] * 1000000000ull;
	c.max_conns = FW_MAX_CONNS;
	c.sweep = 64;
	c.n_cores = n_cores;
	if (n_cores < 1 || n_cores > FW_MAX_CORES) {
		fprintf(stderr, "%s: n_cores must be 1..%d, got %u\n", prog, FW_MAX_CORES, n_cores);
		return -1;
	}
	struct mbopt o;
	const char *name, *value;
	uint64_t x;
	int r;
	mbopt_start(&o, argc, argv);
	while ((r = mbopt_next(&o, &name, &value)) == 1) {
		int done = 0;
		for (unsigned s = 1; s < FW_N_STATES && !done; s++)
			if (strcmp(name, timeout_opt[s]) == 0) {
				if (mbopt_uint(prog, name, value, 1, 86400, &x))
					return -1;
				c.timeout_ns[s] = x * 1000000000ull;
				done = 1;
			}
		if (done)
			continue;
		if (strcmp(name, "max-conns") == 0) {
			if (mbopt_uint(prog, name, value, 1, FW_MAX_CONNS, &x))
				return -1;
			c.max_conns = (unsigned)x;
		} else if (strcmp(name, "sweep") == 0) {
			if (mbopt_uint(prog, name, value, 1, FW_MAX_CONNS, &x))
				return -1;
			c.sweep = (unsigned)x;
		} else {
			return mbopt_unknown(prog, name);
		}
	}
	if (r < 0)
		return -1;
	fw_cfg = c;
	memset(core_now_ns, 0, sizeof(core_now_ns));
	for (unsigned i = 0; i < FW_MAX_CORES; i++)
		core_sweep_pos[i] = i;
	pthread_mutex_lock(&fw_lock);
	fw_table_reset();
	pthread_mutex_unlock(&fw_lock);
	return 0;
}

/* Under fw_lock: decide, create or update. Returns 1 to pass, 0 to drop. */
static int decide(const struct pkt_view *v, int inbound, uint64_t now)
{
	uint32_t in_addr = inbound ? v->daddr : v->saddr;
	uint32_t out_addr = inbound ? v->saddr : v->daddr;
	uint16_t in_port = inbound ? v->dport : v->sport;
	uint16_t out_port = inbound ? v->sport : v->dport;
	int32_t i = fw_table_lookup(v->proto, in_addr, in_port, out_addr, out_port);
	if (i == FW_NIL) {
		if (inbound)
			return 0;
		if (v->proto == PKT_PROTO_TCP &&
		    (v->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK | PKT_TCP_RST)) != PKT_TCP_SYN)
			return 0;
		i = fw_table_insert(v->proto, in_addr, in_port, out_addr, out_port);
		if (i == FW_NIL)
			return 0;
		struct fw_conn_entry e = fw_conn[i];
		e.state = v->proto == PKT_PROTO_TCP ? FW_SYN_SENT : FW_UDP;
		e.last_seen_ns = now;
		fw_conn[i] = e;
		count(FW_CTR_NEW);
		return 1;
	}
	struct fw_conn_entry e = fw_conn[i]; /* one read, one write per packet */
	if (v->proto == PKT_PROTO_TCP) {
		enum fw_state s = fw_tcp_next((enum fw_state)e.state, v->tcp_flags, inbound,
					      &e.fin_in, &e.fin_out);
		if (s == FW_FREE)
			return 0;
		e.state = (uint8_t)s;
	}
	e.last_seen_ns = now;
	fw_conn[i] = e;
	return 1;
}

int mb_process(struct mb_pkt *pkt)
{
	struct pkt_view v;
	if (pkt->core >= fw_cfg.n_cores || pkt->in_port > MB_PORT_OUTSIDE ||
	    pkt_parse(pkt->data, pkt->len, &v) != 0) {
		count(FW_CTR_INVALID);
		return MB_DROP;
	}
	int inbound = pkt->in_port == MB_PORT_OUTSIDE;
	pthread_mutex_lock(&fw_lock);
	int pass = decide(&v, inbound, core_now_ns[pkt->core]);
	pthread_mutex_unlock(&fw_lock);
	if (!pass) {
		count(inbound ? FW_CTR_DROP_IN : FW_CTR_DROP_OUT);
		return MB_DROP;
	}
	count(inbound ? FW_CTR_PASS_IN : FW_CTR_PASS_OUT);
	return inbound ? MB_PORT_INSIDE : MB_PORT_OUTSIDE;
}

void mb_tick(unsigned core, uint64_t now_ns)
{
	if (core >= fw_cfg.n_cores)
		return;
	core_now_ns[core] = now_ns;
	uint32_t pos = core_sweep_pos[core];
	pthread_mutex_lock(&fw_lock);
	for (unsigned k = 0; k < fw_cfg.sweep; k++) {
		if (pos >= fw_cfg.max_conns)
			pos = core;
		if (pos >= fw_cfg.max_conns)
			break;
		struct fw_conn_entry e = fw_conn[pos]; /* one logged read per entry */
		if (e.state != FW_FREE && now_ns > e.last_seen_ns &&
		    now_ns - e.last_seen_ns > fw_cfg.timeout_ns[e.state]) {
			fw_table_remove((int32_t)pos);
			count(FW_CTR_EXPIRED);
		}
		pos += fw_cfg.n_cores;
	}
	pthread_mutex_unlock(&fw_lock);
	core_sweep_pos[core] = pos;
}
