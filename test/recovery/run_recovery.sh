#!/usr/bin/env bash
# run_recovery.sh DRIVER NODE [driver options...]: one fault-injection test.
# Seeds 1..$FTMB_RECOVERY_SEEDS (default 30; e.g. 500 for the long run).
set -euo pipefail
driver=$1 node=$2
shift 2
seeds=${FTMB_RECOVERY_SEEDS:-30}
exec "$driver" --node "$node" --seeds "1-$seeds" "$@"
