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
# Rows metric,value,unit on stdout; details on stderr.
# FTMB_BENCH_RECOVERY_RUNS: failures measured (default 20).
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
