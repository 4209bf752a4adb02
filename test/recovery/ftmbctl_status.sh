#!/usr/bin/env bash
# ftmbctl_status.sh DRIVER NODE FTMBCTL: a live deployment answers
# `ftmbctl status` (who is master, checkpoint seq/age/size at the backup),
# bad usage and unknown commands are refused, a backup refuses `failover`.
set -uo pipefail
driver=$1 node=$2 ctl=$3
dir=$(mktemp -d /tmp/ftmbctl-test.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Usage errors: exit 2 with a message, never a crash.
"$ctl" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no arguments should exit 2"
"$ctl" -s /nonexistent bogus >/dev/null 2>"$dir/err"; [ $? -eq 2 ] || fail "unknown command should exit 2"
grep -q "unknown command" "$dir/err" || fail "unknown command message missing"
"$ctl" -s "$dir/none.sock" status >"$dir/out" 2>/dev/null; [ $? -eq 1 ] || fail "a dead socket should exit 1"
grep -q "state=down" "$dir/out" || fail "a dead socket should print state=down"

# A long failure-free run, queried while it runs.
"$driver" --node "$node" --cores 2 --seed 7 --kills 0 --packets 3000000 --burst 8 \
  --ctl-dir "$dir" >"$dir/driver.log" 2>&1 &
pid=$!
ok=0
for _ in $(seq 1 200); do
  sleep 0.05
  if "$ctl" -s "$dir/master-0.sock" -s "$dir/backup-1.sock" status >"$dir/st" 2>/dev/null &&
     grep -q "^role=master" "$dir/st" && grep -q "^role=backup" "$dir/st" &&
     grep -Eq "^ckpt_seq=[0-9]+" "$dir/st" && grep -Eq "^ckpt_confirmed=[1-9]" "$dir/st"; then
    ok=1; break
  fi
done
cat "$dir/st" >&2
[ $ok = 1 ] || fail "status never showed a master with a confirmed checkpoint and a backup holding it"
for key in ckpt_bytes ckpt_state_bytes ckpt_age_ms packets protected=yes failovers=0 hb_max_gap_ms; do
  grep -q "$key" "$dir/st" || fail "status lacks $key"
done
# The IL/OL stand-in shows the logs' sizes and who is master.
"$ctl" -s "$dir/ilol.sock" status >"$dir/ilol" || fail "IL/OL status"
cat "$dir/ilol" >&2
for key in role=ilol master_pid= backup_pid= il_log_packets= il_log_bytes= ol_pals_stored= ol_held= failovers=; do
  grep -q "$key" "$dir/ilol" || fail "IL/OL status lacks $key"
done
mpid=$(sed -n 's/^pid=//p' "$dir/st" | head -1)
grep -q "^master_pid=$mpid\$" "$dir/ilol" || fail "IL/OL and master disagree on the master's pid ($mpid)"
out=$("$ctl" -s "$dir/backup-1.sock" failover)
echo "$out" | grep -q "error=not the master" || fail "a backup accepted failover: $out"
echo "ftmbctl_status: ok"
