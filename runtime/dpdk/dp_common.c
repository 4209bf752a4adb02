/*
 * dp_common.c: what every role shares: mbuf pool, port set-up, TX with
 * bounded retries, FTMB framing, peer liveness, idle back-off, flow hash.
 */
#include "dp.h"

#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>

RTE_LOG_REGISTER_DEFAULT(ftmb_dp_logtype, INFO);

struct dp_counters dp_stats __rte_cache_aligned;
__thread struct dp_counters *dp_cnt = &dp_stats;
uint64_t dp_tsc_hz = 1;
int dp_ts_dynfield = -1;

static struct rte_mempool *pool;
static bool port_started[RTE_MAX_ETHPORTS];

/* ---- time and back-off ---- */

uint64_t dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Theory of operation: a loop that found no work spins (rte_pause) for a
 * while, so a busy role keeps its latency; after DP_SPIN_POLLS empty polls
 * in a row it sleeps, doubling from 1 µs up to --idle-sleep-max-us. Any
 * work resets it. Two roles sharing one CPU then leave it to each other
 * when idle, which is what lets four roles run on two cores.
 */
#define DP_SPIN_POLLS 256u
void dp_idle_step(struct dp_idle *s, unsigned work)
{
	if (work) {
		s->empty = 0;
		s->sleep_us = 0;
		return;
	}
	if (++s->empty < DP_SPIN_POLLS || dp_cfg.idle_sleep_max_us == 0) {
		rte_pause();
		return;
	}
	s->sleep_us = s->sleep_us ? s->sleep_us * 2 : 1;
	if (s->sleep_us > dp_cfg.idle_sleep_max_us)
		s->sleep_us = dp_cfg.idle_sleep_max_us;
	usleep(s->sleep_us);
}

/* ---- ports ---- */

struct rte_mempool *dp_pktmbuf_pool(void)
{
	static const struct rte_mbuf_dynfield ts_desc = {
		.name = "ftmb_dp_ts",
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};

	if (pool)
		return pool;
	pool = rte_pktmbuf_pool_create("ftmb_pool", 16383, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!pool)
		rte_exit(EXIT_FAILURE, "cannot create mbuf pool: %s\n",
			 rte_strerror(rte_errno));
	dp_ts_dynfield = rte_mbuf_dynfield_register(&ts_desc);
	if (dp_ts_dynfield < 0)
		rte_exit(EXIT_FAILURE, "cannot register mbuf dynfield\n");
	return pool;
}

static void close_ports(void)
{
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (port_started[p]) {
			rte_eth_dev_stop(p);
			rte_eth_dev_close(p);
			port_started[p] = false;
		}
}

void dp_ports_stop(void)
{
	bool memif = false;

	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		memif |= port_started[p] && dp_port_guarded[p];
	/* memif ports close on the EAL interrupt thread, never at the same
	 * time as the PMD's handling of a departing peer (dp_memif_guard.c) */
	if (!memif || !dp_memif_close_and_park(close_ports))
		close_ports();
}

void dp_port_setup(uint16_t port)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t nrx = 1024, ntx = 1024;
	int ret;

	if (port == DP_NO_PORT)
		return;
	if (!rte_eth_dev_is_valid_port(port))
		rte_exit(EXIT_FAILURE, "port %u does not exist (%u ports; check --vdev)\n",
			 port, rte_eth_dev_count_avail());
	if (port < RTE_MAX_ETHPORTS && port_started[port])
		return; /* one port may serve two purposes (in and out) */
	if (rte_eth_dev_info_get(port, &info) != 0)
		rte_exit(EXIT_FAILURE, "port %u: no device info\n", port);
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "port %u: configure: %s\n", port, rte_strerror(-ret));
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	ret = rte_eth_rx_queue_setup(port, 0, nrx, rte_eth_dev_socket_id(port), NULL,
				     dp_pktmbuf_pool());
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "port %u: rx queue: %s\n", port, rte_strerror(-ret));
	ret = rte_eth_tx_queue_setup(port, 0, ntx, rte_eth_dev_socket_id(port), NULL);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "port %u: tx queue: %s\n", port, rte_strerror(-ret));
	/* a memif client whose server is still cleaning up after the previous
	 * peer (a role restarted after a crash) is refused for a moment */
	for (int tries = 0; (ret = rte_eth_dev_start(port)) < 0 && tries < 50 && !dp_force_quit;
	     tries++)
		usleep(100000);
	if (ret < 0 && dp_force_quit) { /* told to stop while starting: not an error */
		DP_LOG(NOTICE, "stopped before port %u started\n", port);
		dp_ports_stop();
		rte_eal_cleanup();
		exit(EXIT_SUCCESS);
	}
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "port %u: start: %s\n", port, rte_strerror(-ret));
	port_started[port] = true;
	if (strcmp(info.driver_name, "net_memif") == 0)
		dp_memif_guard_port(port); /* its peer may go away mid-burst */
	rte_eth_promiscuous_enable(port); /* not every vdev supports it */
}

void dp_tx_ctl(uint16_t port, struct rte_mbuf *m)
{
	if (port == DP_NO_PORT || dp_tx_burst(port, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		DP_INC(ctl_drop);
	}
}

unsigned dp_tx_some(uint16_t port, struct rte_mbuf **m, unsigned n)
{
	unsigned sent = 0;
	int tries = 0;

	while (sent < n && tries++ < 4) {
		sent += dp_tx_burst(port, m + sent, (uint16_t)(n - sent));
		if (sent < n)
			rte_pause();
	}
	return sent;
}

void dp_tx_out(struct rte_mbuf **m, unsigned n)
{
	struct rte_mbuf *o[2][DP_BURST];
	unsigned no[2] = {0, 0};

	for (unsigned i = 0; i < n; i++) {
		unsigned p = m[i]->port & 1;
		o[p][no[p]++] = m[i];
	}
	for (unsigned p = 0; p < 2; p++) {
		DP_ADD(pkts_out, no[p]);
		dp_tx(dp_cfg.out_port[p], o[p], no[p]);
	}
}

void dp_mbuf_free_cb(void *arg, void *pkt)
{
	(void)arg;
	rte_pktmbuf_free(pkt);
}

void dp_tx(uint16_t port, struct rte_mbuf **m, unsigned n)
{
	unsigned sent = 0;
	int tries = 0;

	if (n == 0)
		return;
	if (port == DP_NO_PORT) {
		rte_pktmbuf_free_bulk(m, n);
		DP_ADD(no_route, n);
		return;
	}
	while (sent < n && tries++ < 64) {
		sent += dp_tx_burst(port, m + sent, (uint16_t)(n - sent));
		if (sent < n)
			rte_pause();
	}
	if (sent < n) {
		rte_pktmbuf_free_bulk(m + sent, n - sent);
		DP_ADD(tx_drop, n - sent);
	}
}

/* ---- framing ---- */

static const struct rte_ether_addr dp_mac_src = {{0x02, 0x46, 0x54, 0x4d, 0x42, 0x01}};
static const struct rte_ether_addr dp_mac_dst = {{0x02, 0x46, 0x54, 0x4d, 0x42, 0x02}};

static void fill_hdr(uint8_t *p, uint8_t type, uint16_t body_len)
{
	struct rte_ether_hdr *eth = (void *)p;
	struct ftmb_hdr *h = (void *)(p + FTMB_ETH_HLEN);

	rte_ether_addr_copy(&dp_mac_dst, &eth->dst_addr);
	rte_ether_addr_copy(&dp_mac_src, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(FTMB_ETHERTYPE);
	h->version = FTMB_WIRE_VERSION;
	h->type = type;
	h->length = body_len;
	h->flags = 0;
}

void *dp_encap(struct rte_mbuf *m, uint8_t type, uint16_t body_len, uint16_t extra_len)
{
	uint16_t add = FTMB_ETH_HLEN + sizeof(struct ftmb_hdr) + body_len;
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, add);

	if (!p)
		return NULL;
	fill_hdr(p, type, (uint16_t)(body_len + extra_len));
	return p + FTMB_ETH_HLEN + sizeof(struct ftmb_hdr);
}

/* A new mbuf holding a copy of frame[0..len) (mb_emit's extra outputs). */
struct rte_mbuf *dp_mbuf_copy(const void *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pktmbuf_pool());
	void *p;

	if (!m)
		return NULL;
	p = rte_pktmbuf_append(m, len);
	if (!p) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, frame, len);
	return m;
}

struct rte_mbuf *dp_frame_new_part(uint8_t type, uint16_t body_len, uint16_t zero_len,
				   void **body)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pktmbuf_pool());
	uint16_t hlen = FTMB_ETH_HLEN + sizeof(struct ftmb_hdr);
	uint16_t len = hlen + body_len;
	uint8_t *p;

	if (!m) {
		DP_ATOMIC_ADD(mbuf_fail, 1);
		return NULL;
	}
	/* body 8-byte aligned (Ethernet + FTMB header = 22 bytes): a receiver
	 * in this process (net_ring) can then use u64 fields and PAL records
	 * in place */
	m->data_off = (uint16_t)(RTE_ALIGN_CEIL(m->data_off + hlen, 8) - hlen);
	if (len < 60)
		len = 60; /* Ethernet minimum; the header's length says what counts */
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (!p) {
		/* longer than an mbuf holds (one segment): not transient */
		DP_ATOMIC_ADD(mbuf_fail, 1);
		DP_LOG_RL(ERR, "a %u-byte frame does not fit one mbuf\n", len);
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (zero_len > body_len)
		zero_len = body_len;
	memset(p + hlen, 0, zero_len);
	if (len > hlen + body_len)
		memset(p + hlen + body_len, 0, len - hlen - body_len);
	fill_hdr(p, type, body_len);
	*body = p + hlen;
	return m;
}

struct rte_mbuf *dp_frame_new(uint8_t type, uint16_t body_len, void **body)
{
	return dp_frame_new_part(type, body_len, body_len, body);
}

int dp_parse(struct rte_mbuf *m, struct ftmb_wire_view *v, const char *from)
{
	int err;

	if (m->nb_segs != 1) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "%s: multi-segment frame rejected\n", from);
		return FTMB_WIRE_LENGTH_BAD;
	}
	err = ftmb_wire_parse(rte_pktmbuf_mtod(m, void *), m->data_len, v);
	if (err == FTMB_WIRE_NOT_FTMB) {
		DP_INC(unexpected);
		DP_LOG_RL(WARNING, "%s: non-FTMB frame on a role link, dropped\n", from);
	} else if (err != FTMB_WIRE_OK) {
		DP_INC(malformed);
		DP_LOG_RL(WARNING, "%s: malformed FTMB frame (%s, %u bytes), dropped\n",
			  from, ftmb_wire_strerror(err), m->data_len);
	}
	return err;
}

void dp_send_hb(uint16_t port, uint8_t role, uint64_t epoch, uint32_t flags)
{
	static uint64_t seq;
	struct ftmb_w_hb *hb;
	struct rte_mbuf *m;

	if (port == DP_NO_PORT)
		return;
	m = dp_frame_new(FTMB_W_HB, sizeof(*hb), (void **)&hb);
	if (!m)
		return;
	rte_pktmbuf_mtod_offset(m, struct ftmb_hdr *, FTMB_ETH_HLEN)->flags = flags;
	hb->role = role;
	hb->epoch = epoch;
	hb->seq = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED); /* IL/OL and master may be two threads */
	hb->ts_ns = dp_now_ns();
	DP_INC(hb_tx);
	dp_tx_ctl(port, m);
}

/* ---- peers ---- */

bool dp_peer_seen(struct dp_peer *p, uint64_t epoch)
{
	bool joined = !p->up || (epoch && p->epoch != epoch);

	p->last_seen_tsc = rte_get_timer_cycles();
	if (epoch)
		p->epoch = epoch;
	if (joined) {
		p->up = true;
		DP_INC(peer_up);
		DP_LOG(NOTICE, "%s is up (epoch %" PRIu64 ")\n", p->name, p->epoch);
	}
	return joined;
}

bool dp_peer_check(struct dp_peer *p, uint64_t now_tsc)
{
	if (!p->up || now_tsc <= p->last_seen_tsc ||
	    now_tsc - p->last_seen_tsc < dp_us_to_tsc(dp_cfg.peer_timeout_us))
		return false;
	p->up = false;
	DP_INC(peer_down);
	DP_LOG(WARNING, "%s is gone (silent for > %u us)\n", p->name, dp_cfg.peer_timeout_us);
	return true;
}

/* ---- flow hash ----
 * Theory of operation: IPv4 TCP/UDP frames hash (src ip, dst ip, proto,
 * src port, dst port) with the CRC32-C of rte_hash_crc, seed 0, so the
 * same flow in the same direction always meets the same core, in the
 * master, the backup and the unprotected host alike (the two directions of
 * a connection may meet different cores: middleboxes share what both
 * directions touch). Other IPv4 hashes the addresses and protocol; non-IP
 * frames hash the Ethernet addresses and type. */
uint32_t dp_flow_hash(const uint8_t *f, uint16_t len)
{
	uint16_t et;
	unsigned l2 = FTMB_ETH_HLEN;

	if (len < FTMB_ETH_HLEN)
		return 0;
	et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == RTE_ETHER_TYPE_VLAN && len >= 18) {
		et = (uint16_t)(f[16] << 8 | f[17]);
		l2 = 18;
	}
	if (et == RTE_ETHER_TYPE_IPV4 && len >= l2 + 20) {
		const uint8_t *ip = f + l2;
		unsigned ihl = (ip[0] & 0xfu) * 4u;
		uint8_t key[13];

		memcpy(key, ip + 12, 8);
		key[8] = ip[9];
		memset(key + 9, 0, 4);
		if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) && ihl >= 20 &&
		    len >= l2 + ihl + 4 && (ip[6] & 0x1f) == 0 && ip[7] == 0)
			memcpy(key + 9, ip + ihl, 4);
		return rte_hash_crc(key, sizeof(key), 0);
	}
	return rte_hash_crc(f, 14, 0);
}
