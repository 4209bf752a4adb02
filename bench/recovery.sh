#!/usr/bin/env bash
# bench/recovery.sh BUILD_DIR: checkpoint stop and recovery time.
#   ckpt_stop_ms_64MB           stop of the cores per checkpoint of 64 MiB of
#                               state (fork, transparent huge pages), median
#   ckpt_stop_ms_64MB_4k, ckpt_memcpy_ms_64MB, ckpt_size_ratio_64MB, ...
#                               the same with 4 KiB pages, a plain memcpy of
#                               the state, image size / state size
#   ckpt_stop_ms_64MB_dpdk      the same inside a DPDK process
#   recovery_ms_50ms_interval   SIGKILL of the master -> first packet released
#                               by the new master, checkpoints every 50 ms,
#                               heartbeat 1 ms, timeout 10 ms, traffic 50k pkt/s
#                               on 2 cores (median of runs);
#                               the split (detection / restore / cut / replay)
#                               follows as recovery_*_ms_50ms_interval rows
#   recovery_ms_50ms_interval_dpdk
#                               the same on the four DPDK roles (IL, master, OL,
#                               backup as processes over af_packet links in
#                               network namespaces: test/dprecovery), the
#                               forwarder on 1 core, 10k pkt/s, heartbeat 1 ms,
#                               timeout 20 ms; median of runs, then the split
#                               as recovery_*_ms_50ms_interval_dpdk rows
#                               (needs root; skipped otherwise)
# Rows metric,value,unit on stdout; details on stderr.
# FTMB_BENCH_RECOVERY_RUNS: failures measured (default 20; 10 on the DPDK
# roles).
set -euo pipefail
build=${1:-build}
bench=$build/bench/recovery/ckpt_bench
driver=$build/test/recovery/recovery_driver
node=$build/test/recovery/testmb-node
for f in "$bench" "$driver" "$node"; do
  [ -x "$f" ] || { echo "recovery.sh: $f not built" >&2; exit 1; }
done
runs=${FTMB_BENCH_RECOVERY_RUNS:-20}

"$bench" --mb 64 --reps 21
"$bench" --mb 64 --reps 11 --no-thp
# Inside a DPDK process (EAL --no-huge, 256 MiB of touched rte_malloc
# memory standing for mbuf pools, excluded from the fork).
"$bench" --mb 64 --reps 11 --eal-mb 256 || echo "recovery.sh: DPDK variant failed" >&2

"$driver" --node "$node" --cores 2 --seeds "1-$runs" --kills 1 --mode burst \
  --packets 20000 --rate 50000 --ckpt-interval-ms 50 --hb-timeout-ms 10 --csv |
  sed -E 's/^(recovery[a-z_]*_ms),/\1_50ms_interval,/'

# The DPDK roles: t_dpkill.sh prints, per seed, "kill->detected N us, then
# restored +R ms, replay asked +A ms, kill->first release F us".
dpbin=$build/test/pipeline
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "recovery.sh: DPDK-role recovery skipped (needs root and ip netns)" >&2
elif [ ! -x "$dpbin/ftmb-testfwd-protected" ]; then
  echo "recovery.sh: DPDK-role recovery skipped ($dpbin/ftmb-testfwd-protected not built)" >&2
else
  dpruns=$(( runs < 10 ? runs : 10 ))
  out=$(PCAPGEN=$dpbin/ftmb_pcapgen HBTO=20 FTMB_DPRECOVERY_SEEDS=1-$dpruns \
    bash "$(dirname "$0")/../test/dprecovery/t_dpkill.sh" "$dpbin" ftmb-testfwd 2>&1) ||
    { echo "recovery.sh: DPDK-role recovery run failed: $(tail -3 <<<"$out")" >&2; exit 1; }
  grep -E "^seed" <<<"$out" >&2
  grep -E "kill->first release" <<<"$out" | sed -E \
    's/.*kill->detected ([0-9]+) us, then restored \+([0-9.]+) ms, replay asked \+([0-9.]+) ms, kill->first release ([0-9]+) us.*/\1 \2 \3 \4/' |
    awk 'function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
           if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
           return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
         { n++; d[n] = $1 / 1000; r[n] = $2; c[n] = $3 - $2; t[n] = $4 / 1000
           p[n] = $4 / 1000 - $1 / 1000 - $3 }
         END { if (!n) exit 1
           printf "recovery_ms_50ms_interval_dpdk,%.3f,ms\n", med(t, n)
           printf "recovery_detect_ms_50ms_interval_dpdk,%.3f,ms\n", med(d, n)
           printf "recovery_restore_ms_50ms_interval_dpdk,%.3f,ms\n", med(r, n)
           printf "recovery_cut_ms_50ms_interval_dpdk,%.3f,ms\n", med(c, n)
           printf "recovery_replay_ms_50ms_interval_dpdk,%.3f,ms\n", med(p, n) }' ||
    { echo "recovery.sh: no DPDK-role recovery times in the output" >&2; exit 1; }
fi
