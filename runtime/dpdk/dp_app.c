/*
 * dp_app.c: start-up shared by every role program: EAL initialisation,
 * the application options after `--`, signals. l2fwd style: rte_exit is
 * used only here, during start-up.
 */
#include "dp.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "middlebox.h"

struct dp_config dp_cfg = {
	.in_port = {DP_NO_PORT, DP_NO_PORT},
	.out_port = {DP_NO_PORT, DP_NO_PORT},
	.master_port = DP_NO_PORT,
	.il_port = DP_NO_PORT,
	.ol_port = DP_NO_PORT,
	.backup_port = DP_NO_PORT,
	.ckpt_interval_ms = 50,
	.hb_timeout_ms = 50,
	.tick_us = 0,
	.tick_cores = 1,
	.hb_us = 1000,
	.peer_timeout_us = 50000,
	.ack_us = 50,
	.resend_us = 10000,
	.log_bytes = 64ull << 20,
	.log_full = DP_LOG_FULL_EVICT,
	.seed = 1,
	.hold_cap = 4096,
	.idle_sleep_max_us = 200,
	.gen_flows = 64,
	.gen_window = 256,
	.gen_len = 64,
};
volatile bool dp_force_quit;

static void on_signal(int sig)
{
	if (sig == SIGINT || sig == SIGTERM)
		dp_force_quit = true;
}

static const char *prog_name = "ftmb";

static void usage(void)
{
	fprintf(stderr,
"usage: %s [EAL options] -- [options]\n"
"roles:\n"
"  --role il|master|ol|single   (protected program; see docs/runtime.md)\n"
"ports (ethdev ids, in --vdev order from 0):\n"
"  --in-inside P  --in-outside P     traffic arriving from the inside/outside\n"
"  --out-inside P --out-outside P    traffic sent to the inside/outside\n"
"  --master-port P (IL: to master, OL: from master)\n"
"  --il-port P --ol-port P (master)\n"
"middlebox:\n"
"  --mb-args \"ARGS\"                  arguments for mb_init (split on spaces)\n"
"timers:\n"
"  --tick-us N --tick-cores N  --hb-us N  --peer-timeout-us N\n"
"  --ack-us N  --resend-us N\n"
"input logger:\n"
"  --log-bytes N  --log-full evict|drop  --wait-protected  --rate-pps N\n"
"master: --drop-pals N  --seed N  --direct-after-il-loss  --quiesce-every-ms N\n"
"output logger: --hold-cap N  --event-log FILE\n"
"checkpoints: --backup-port P[,P...] (IL, OL; repeatable: the next backups' links)\n"
"  --ckpt-peer HOST:PORT (master; a backup: after its takeover)\n"
"  --role backup --ckpt-listen HOST:PORT --il-port P --ol-port P\n"
"  --ckpt-interval-ms N  --hb-timeout-ms N  --ckpt-throttle-us N  --ckpt-inject-bad N\n"
"all: --idle-sleep-max-us N  --status  --run-ms N  --stop-after-idle-ms N\n"
"  --ctl PATH (control socket for ftmbctl: status, failover; protected roles)\n"
"bench: --gen-pkts N --gen-flows N --gen-window N --gen-len N --gen-report FILE\n"
"single: --link-ring N (slots of the IL->master->OL net_ring links, default 4096)\n",
		prog_name);
}

static uint64_t num(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v > max) {
		usage();
		rte_exit(EXIT_FAILURE, "--%s: bad value '%s' (0..%llu)\n", opt, s,
			 (unsigned long long)max);
	}
	return v;
}

static void split_mb_args(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	dp_cfg.mb_argc = 1;
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (dp_cfg.mb_argc >= (int)RTE_DIM(dp_cfg.mb_argv) - 1)
			rte_exit(EXIT_FAILURE, "--mb-args: too many arguments\n");
		dp_cfg.mb_argv[dp_cfg.mb_argc++] = tok;
	}
}

static const char *const role_names[] = {
	[DP_ROLE_IL] = "il", [DP_ROLE_MASTER] = "master", [DP_ROLE_OL] = "ol",
	[DP_ROLE_SINGLE] = "single", [DP_ROLE_UNPROTECTED] = "unprotected",
	[DP_ROLE_BACKUP] = "backup",
};

const char *dp_role_name(void)
{
	unsigned r = (unsigned)dp_cfg.role;

	return r < RTE_DIM(role_names) && role_names[r] ? role_names[r] : "?";
}

static enum dp_role parse_role(const char *s)
{
	for (unsigned r = 0; r < RTE_DIM(role_names); r++)
		if (role_names[r] && !strcmp(s, role_names[r]))
			return (enum dp_role)r;
	usage();
	rte_exit(EXIT_FAILURE, "--role: unknown role '%s' (il, master, ol, single, backup)\n", s);
}

enum {
	O_ROLE = 256, O_IN_INSIDE, O_IN_OUTSIDE, O_OUT_INSIDE, O_OUT_OUTSIDE,
	O_MASTER_PORT, O_IL_PORT, O_OL_PORT, O_MB_ARGS, O_TICK_US, O_TICK_CORES,
	O_HB_US, O_PEER_TIMEOUT, O_ACK_US, O_RESEND_US, O_LOG_BYTES, O_LOG_FULL,
	O_WAIT_PROT, O_RATE, O_DROP_PALS, O_SEED, O_HOLD_CAP, O_EVENT_LOG,
	O_IDLE, O_STATUS, O_RUN_MS, O_STOP_IDLE, O_GEN_PKTS, O_GEN_FLOWS,
	O_GEN_WINDOW, O_GEN_LEN, O_GEN_REPORT, O_LINK_RING, O_HELP, O_DIRECT_AFTER, O_QUIESCE,
	O_BACKUP_PORT, O_CKPT_PEER, O_CKPT_LISTEN, O_CKPT_INTERVAL, O_HB_TIMEOUT,
	O_CKPT_THROTTLE, O_CKPT_INJECT_BAD, O_CTL,
};

static const struct option long_opts[] = {
	{"role", required_argument, 0, O_ROLE},
	{"in-inside", required_argument, 0, O_IN_INSIDE},
	{"in-outside", required_argument, 0, O_IN_OUTSIDE},
	{"out-inside", required_argument, 0, O_OUT_INSIDE},
	{"out-outside", required_argument, 0, O_OUT_OUTSIDE},
	{"master-port", required_argument, 0, O_MASTER_PORT},
	{"il-port", required_argument, 0, O_IL_PORT},
	{"ol-port", required_argument, 0, O_OL_PORT},
	{"mb-args", required_argument, 0, O_MB_ARGS},
	{"tick-us", required_argument, 0, O_TICK_US},
	{"tick-cores", required_argument, 0, O_TICK_CORES},
	{"hb-us", required_argument, 0, O_HB_US},
	{"peer-timeout-us", required_argument, 0, O_PEER_TIMEOUT},
	{"ack-us", required_argument, 0, O_ACK_US},
	{"resend-us", required_argument, 0, O_RESEND_US},
	{"log-bytes", required_argument, 0, O_LOG_BYTES},
	{"log-full", required_argument, 0, O_LOG_FULL},
	{"wait-protected", no_argument, 0, O_WAIT_PROT},
	{"rate-pps", required_argument, 0, O_RATE},
	{"drop-pals", required_argument, 0, O_DROP_PALS},
	{"direct-after-il-loss", no_argument, 0, O_DIRECT_AFTER},
	{"quiesce-every-ms", required_argument, 0, O_QUIESCE},
	{"seed", required_argument, 0, O_SEED},
	{"hold-cap", required_argument, 0, O_HOLD_CAP},
	{"event-log", required_argument, 0, O_EVENT_LOG},
	{"idle-sleep-max-us", required_argument, 0, O_IDLE},
	{"status", no_argument, 0, O_STATUS},
	{"run-ms", required_argument, 0, O_RUN_MS},
	{"stop-after-idle-ms", required_argument, 0, O_STOP_IDLE},
	{"gen-pkts", required_argument, 0, O_GEN_PKTS},
	{"gen-flows", required_argument, 0, O_GEN_FLOWS},
	{"gen-window", required_argument, 0, O_GEN_WINDOW},
	{"gen-len", required_argument, 0, O_GEN_LEN},
	{"gen-report", required_argument, 0, O_GEN_REPORT},
	{"link-ring", required_argument, 0, O_LINK_RING},
	{"help", no_argument, 0, O_HELP},
	{"backup-port", required_argument, 0, O_BACKUP_PORT},
	{"ckpt-peer", required_argument, 0, O_CKPT_PEER},
	{"ckpt-listen", required_argument, 0, O_CKPT_LISTEN},
	{"ckpt-interval-ms", required_argument, 0, O_CKPT_INTERVAL},
	{"hb-timeout-ms", required_argument, 0, O_HB_TIMEOUT},
	{"ckpt-throttle-us", required_argument, 0, O_CKPT_THROTTLE},
	{"ckpt-inject-bad", required_argument, 0, O_CKPT_INJECT_BAD},
	{"ctl", required_argument, 0, O_CTL},
	{0, 0, 0, 0},
};

#define PORT(o) ((uint16_t)num(o, optarg, RTE_MAX_ETHPORTS - 1))

/* --backup-port P[,P...], repeatable: the links to the backups in the
 * order they protect the master (the standby's first, then the link of
 * the backup that protects the one that took over, ...). */
static void add_backup_ports(const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	if (!copy)
		rte_exit(EXIT_FAILURE, "--backup-port: out of memory\n");
	if (*arg == '\0' || *arg == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
		rte_exit(EXIT_FAILURE, "--backup-port: a port id or a comma list of them, not "
			 "'%s'\n", arg);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (dp_cfg.n_backup_ports == DP_MAX_BACKUP_LINKS)
			rte_exit(EXIT_FAILURE, "--backup-port: at most %u backup links\n",
				 DP_MAX_BACKUP_LINKS);
		dp_cfg.backup_ports[dp_cfg.n_backup_ports++] =
			(uint16_t)num("backup-port", tok, RTE_MAX_ETHPORTS - 1);
	}
	free(copy);
	dp_cfg.backup_port = dp_cfg.backup_ports[0];
}

void dp_app_start(int argc, char **argv, enum dp_role default_role)
{
	int ret, opt;
	const char *base = strrchr(argv[0], '/');

	prog_name = base ? base + 1 : argv[0];
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "invalid EAL arguments\n");
	dp_tsc_hz = rte_get_timer_hz();
	argc -= ret;
	argv += ret;
	argv[0] = (char *)prog_name;

	dp_cfg.role = default_role;
	dp_cfg.mb_argc = 1;
	dp_cfg.mb_argv[0] = (char *)prog_name;
	dp_cfg.status = isatty(STDOUT_FILENO);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (opt) {
		case O_ROLE:
			if (default_role == DP_ROLE_UNPROTECTED)
				rte_exit(EXIT_FAILURE, "--role: this is the unprotected program\n");
			dp_cfg.role = parse_role(optarg);
			break;
		case O_IN_INSIDE: dp_cfg.in_port[MB_PORT_INSIDE] = PORT("in-inside"); break;
		case O_IN_OUTSIDE: dp_cfg.in_port[MB_PORT_OUTSIDE] = PORT("in-outside"); break;
		case O_OUT_INSIDE: dp_cfg.out_port[MB_PORT_INSIDE] = PORT("out-inside"); break;
		case O_OUT_OUTSIDE: dp_cfg.out_port[MB_PORT_OUTSIDE] = PORT("out-outside"); break;
		case O_MASTER_PORT: dp_cfg.master_port = PORT("master-port"); break;
		case O_IL_PORT: dp_cfg.il_port = PORT("il-port"); break;
		case O_OL_PORT: dp_cfg.ol_port = PORT("ol-port"); break;
		case O_MB_ARGS: split_mb_args(optarg); break;
		case O_TICK_US: dp_cfg.tick_us = (uint32_t)num("tick-us", optarg, 60000000); break;
		case O_TICK_CORES:
			dp_cfg.tick_cores = (uint32_t)num("tick-cores", optarg, FTMB_WIRE_MAX_CORES);
			break;
		case O_HB_US: dp_cfg.hb_us = (uint32_t)num("hb-us", optarg, 10000000); break;
		case O_PEER_TIMEOUT:
			dp_cfg.peer_timeout_us = (uint32_t)num("peer-timeout-us", optarg, 60000000);
			break;
		case O_ACK_US: dp_cfg.ack_us = (uint32_t)num("ack-us", optarg, 10000000); break;
		case O_RESEND_US: dp_cfg.resend_us = (uint32_t)num("resend-us", optarg, 10000000); break;
		case O_LOG_BYTES: dp_cfg.log_bytes = num("log-bytes", optarg, 1ull << 40); break;
		case O_LOG_FULL:
			if (!strcmp(optarg, "evict"))
				dp_cfg.log_full = DP_LOG_FULL_EVICT;
			else if (!strcmp(optarg, "drop"))
				dp_cfg.log_full = DP_LOG_FULL_DROP;
			else
				rte_exit(EXIT_FAILURE, "--log-full: evict or drop, not '%s'\n", optarg);
			break;
		case O_WAIT_PROT: dp_cfg.wait_protected = true; break;
		case O_DIRECT_AFTER: dp_cfg.direct_after_il_loss = true; break;
		case O_QUIESCE: dp_cfg.quiesce_every_ms = (uint32_t)num("quiesce-every-ms", optarg, 60000); break;
		case O_RATE: dp_cfg.rate_pps = num("rate-pps", optarg, 100000000); break;
		case O_DROP_PALS: dp_cfg.drop_pals = (uint32_t)num("drop-pals", optarg, 1000000); break;
		case O_SEED: dp_cfg.seed = num("seed", optarg, UINT64_MAX); break;
		case O_HOLD_CAP: dp_cfg.hold_cap = (uint32_t)num("hold-cap", optarg, 1u << 24); break;
		case O_EVENT_LOG: dp_cfg.event_log = optarg; break;
		case O_IDLE: dp_cfg.idle_sleep_max_us = (uint32_t)num("idle-sleep-max-us", optarg, 1000000); break;
		case O_STATUS: dp_cfg.status = true; break;
		case O_RUN_MS: dp_cfg.run_ms = num("run-ms", optarg, UINT64_MAX / 2); break;
		case O_STOP_IDLE: dp_cfg.stop_after_idle_ms = num("stop-after-idle-ms", optarg, UINT64_MAX / 2); break;
		case O_GEN_PKTS: dp_cfg.gen_pkts = num("gen-pkts", optarg, UINT64_MAX / 2); break;
		case O_GEN_FLOWS: dp_cfg.gen_flows = (uint32_t)num("gen-flows", optarg, 1u << 20); break;
		case O_GEN_WINDOW: dp_cfg.gen_window = (uint32_t)num("gen-window", optarg, 16384); break;
		case O_GEN_LEN: dp_cfg.gen_len = (uint16_t)num("gen-len", optarg, 1500); break;
		case O_GEN_REPORT: dp_cfg.gen_report = optarg; break;
		case O_LINK_RING:
			dp_cfg.link_ring = (uint32_t)num("link-ring", optarg, 65536);
			if (dp_cfg.link_ring < 2 || !rte_is_power_of_2(dp_cfg.link_ring))
				rte_exit(EXIT_FAILURE, "--link-ring: a power of 2, 2..65536\n");
			break;
		case O_BACKUP_PORT: add_backup_ports(optarg); break;
		case O_CKPT_PEER: dp_cfg.ckpt_peer = optarg; break;
		case O_CKPT_LISTEN: dp_cfg.ckpt_listen = optarg; break;
		case O_CKPT_INTERVAL:
			dp_cfg.ckpt_interval_ms = (uint32_t)num("ckpt-interval-ms", optarg, 3600000);
			if (!dp_cfg.ckpt_interval_ms)
				rte_exit(EXIT_FAILURE, "--ckpt-interval-ms: at least 1\n");
			break;
		case O_HB_TIMEOUT:
			dp_cfg.hb_timeout_ms = (uint32_t)num("hb-timeout-ms", optarg, 600000);
			if (!dp_cfg.hb_timeout_ms)
				rte_exit(EXIT_FAILURE, "--hb-timeout-ms: at least 1\n");
			break;
		case O_CKPT_THROTTLE:
			dp_cfg.ckpt_throttle_us = (uint32_t)num("ckpt-throttle-us", optarg, 1000000);
			break;
		case O_CKPT_INJECT_BAD:
			dp_cfg.ckpt_inject_bad = (uint32_t)num("ckpt-inject-bad", optarg, 1000);
			break;
		case O_CTL: dp_cfg.ctl_path = optarg; break;
		case O_HELP: usage(); exit(0);
		default: usage(); rte_exit(EXIT_FAILURE, "bad option\n");
		}
	}
	if (optind < argc) {
		usage();
		rte_exit(EXIT_FAILURE, "unexpected argument '%s'\n", argv[optind]);
	}
	if (dp_cfg.role == DP_ROLE_NONE) {
		usage();
		rte_exit(EXIT_FAILURE, "--role is required\n");
	}
	if (dp_cfg.gen_len < 60)
		dp_cfg.gen_len = 60;
	dp_cfg.mb_argv[dp_cfg.mb_argc] = NULL;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	dp_pktmbuf_pool();
}
