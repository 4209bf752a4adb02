/*
 * ftmb-trafficgen: writes deterministic test traffic (see tgen.h) to a
 * pcap file, for the demo, the pipeline tests and manual runs.
 *
 *   ftmb-trafficgen --flows 64 --packets 16 --seed 1 -o traffic.pcap
 *
 * Frames from inside clients carry source MAC 02:00:00:00:00:01, frames
 * from outside servers 02:00:00:00:00:02; a host feeding them to a
 * middlebox picks the port of arrival from that (or uses
 * --outbound-only). Timestamps are 1 µs apart from 0, so two runs with
 * the same options give byte-identical files.
 */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgen.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ftmb-trafficgen -o FILE [options]\n"
		"  -o, --output FILE        pcap file to write (required; '-' = stdout)\n"
		"  -f, --flows N            number of flows (default 64)\n"
		"  -p, --packets N          packets per flow (default 16; TCP flows >= 5)\n"
		"  -s, --seed N             seed (default 1)\n"
		"  -u, --udp-percent P      share of UDP flows (default 50)\n"
		"  -l, --payload BYTES      data payload size (default 64, max 1400)\n"
		"  -a, --attack-percent P   data packets carrying an IDS signature (default 0)\n"
		"  -v, --vlans N            tag flow i with VLAN i%%N+1 (default 0: untagged)\n"
		"  -S, --servers N          distinct servers 203.0.113.1..N (default 200)\n"
		"  -O, --outbound-only      only inside->outside packets\n"
		"  -h, --help\n");
}

static int num(const char *opt, const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	if (s == NULL || *s == '\0' || *s == '-')
		goto bad;
	*out = strtoull(s, &end, 0);
	if (*end == '\0' && *out <= max)
		return 0;
bad:
	fprintf(stderr, "ftmb-trafficgen: %s wants a number <= %llu, got '%s'\n", opt, max,
		s ? s : "");
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "flows", required_argument, 0, 'f' },
		{ "packets", required_argument, 0, 'p' },
		{ "seed", required_argument, 0, 's' },
		{ "udp-percent", required_argument, 0, 'u' },
		{ "payload", required_argument, 0, 'l' },
		{ "attack-percent", required_argument, 0, 'a' },
		{ "vlans", required_argument, 0, 'v' },
		{ "servers", required_argument, 0, 'S' },
		{ "outbound-only", no_argument, 0, 'O' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct tgen_config cfg;
	tgen_config_default(&cfg);
	const char *out = NULL;
	unsigned long long x;
	int c;
	while ((c = getopt_long(argc, argv, "o:f:p:s:u:l:a:v:S:Oh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': if (num("--flows", optarg, 1u << 24, &x)) return 2; cfg.flows = (unsigned)x; break;
		case 'p': if (num("--packets", optarg, 1u << 20, &x)) return 2; cfg.packets_per_flow = (unsigned)x; break;
		case 's': if (num("--seed", optarg, ~0ull, &x)) return 2; cfg.seed = x; break;
		case 'u': if (num("--udp-percent", optarg, 100, &x)) return 2; cfg.udp_percent = (unsigned)x; break;
		case 'l': if (num("--payload", optarg, 1400, &x)) return 2; cfg.payload = (unsigned)x; break;
		case 'a': if (num("--attack-percent", optarg, 100, &x)) return 2; cfg.attack_percent = (unsigned)x; break;
		case 'v': if (num("--vlans", optarg, 4094, &x)) return 2; cfg.vlans = (unsigned)x; break;
		case 'S': if (num("--servers", optarg, 200, &x)) return 2; cfg.servers = (unsigned)x; break;
		case 'O': cfg.directions = TGEN_OUTBOUND; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ftmb-trafficgen: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (out == NULL) {
		fprintf(stderr, "ftmb-trafficgen: missing --output FILE\n");
		usage(stderr);
		return 2;
	}
	struct tgen *g = tgen_create(&cfg);
	if (g == NULL)
		return 2;
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pd ? pcap_dump_open(pd, out) : NULL;
	if (d == NULL) {
		fprintf(stderr, "ftmb-trafficgen: cannot write %s: %s\n", out,
			pd ? pcap_geterr(pd) : "pcap_open_dead failed");
		if (pd)
			pcap_close(pd);
		tgen_destroy(g);
		return 1;
	}
	static struct tgen_pkt p;
	unsigned long long n = 0, replies = 0, attacks = 0;
	while (tgen_next(g, &p)) {
		struct pcap_pkthdr h;
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(n / 1000000);
		h.ts.tv_usec = (suseconds_t)(n % 1000000);
		h.caplen = h.len = p.len;
		pcap_dump((u_char *)d, &h, p.frame);
		n++;
		replies += p.reply;
		attacks += p.attack;
	}
	int rc = 0;
	if (pcap_dump_flush(d) != 0) {
		fprintf(stderr, "ftmb-trafficgen: write error on %s\n", out);
		rc = 1;
	}
	pcap_dump_close(d);
	pcap_close(pd);
	tgen_destroy(g);
	fprintf(stderr, "ftmb-trafficgen: %llu packets (%llu outbound, %llu replies, "
			"%llu with signatures), %u flows -> %s\n",
		n, n - replies, replies, attacks, cfg.flows, out);
	return rc;
}
