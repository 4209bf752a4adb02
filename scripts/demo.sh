#!/usr/bin/env bash
# make demo: the NAT of examples/nat, compiled by ftmbcc, runs protected on
# two cores under built-in traffic; its master is killed with SIGKILL in the
# middle of the run; the backup takes over from its last checkpoint, replays
# the log in PAL order and carries on. The report below is verified: the
# script exits non-zero when any check fails.
#
# Processes (docs/recovery.md): the input and output loggers (the driver
# process, on the runtime's release logic, ftmb_release.h), the master and
# the backup (two nat-node processes: examples/nat rewritten by ftmbcc and
# hosted by the recovery node). After the takeover a fresh backup joins.
# Then the same NAT on the DPDK roles as four processes, with real TCP
# through it, and its master killed mid-transfer (test/realtcp/t_kill_master.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)

ftmbcc=$build/ftmbcc/ftmbcc
node=$build/test/recovery/nat-node/nat-node
driver=$build/test/recovery/recovery_driver
for f in "$ftmbcc" "$node" "$driver"; do
	[ -x "$f" ] || { echo "demo: $f is missing: run 'make build' first" >&2; exit 1; }
done

cores=2 flows=256 packets=60000 rate=30000 seed=${FTMB_DEMO_SEED:-$(( $(date +%s) % 1000 + 1 ))}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { printf '%s\n' "$*"; }
fail=0
check() { # check <description> <command...>
	local what=$1; shift
	if "$@"; then say "  [ok]   $what"; else say "  [FAIL] $what"; fail=1; fi
}

say "ftmb demo: a NAT protected by ftmb, its master killed mid-run"
say
say "1. ftmbcc rewrites every access to the NAT's shared state (examples/nat/nat.h):"
"$ftmbcc" --dump-accesses "$top"/examples/nat/nat.c "$top"/examples/nat/nat_table.c \
	-- -I"$top"/examples/nat -I"$top"/examples/common -I"$top"/include >"$tmp/accesses" 2>"$tmp/ftmbcc.err"
rc=$?
check "ftmbcc parsed the NAT (exit $rc)" test "$rc" -eq 0
n_acc=$(grep -c . "$tmp/accesses")
say "         $n_acc access sites: $(awk '{print $NF}' "$tmp/accesses" | sort | uniq -c | awk '{printf "%s%d %s", sep, $1, $2; sep=", "}')"
say "         on: $(awk '{sub(":$","",$2); print $2}' "$tmp/accesses" | sort -u | tr '\n' ' ')"
check "every shared access is logged (none left unlogged)" \
	bash -c "! grep -q unlogged '$tmp/accesses'"
say
say "2. run: $cores cores, $flows flows, $packets packets at $rate packets/s (seed $seed);"
say "   the master is killed with SIGKILL in the middle of a burst"
"$driver" --node "$node" --cores "$cores" --flows "$flows" --packets "$packets" \
	--rate "$rate" --mode burst --kills 1 --seed "$seed" --csv -v \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out" "$tmp/err" >"$tmp/all"
grep -E "^ftmb-node|^driver" "$tmp/all" | sed 's/^/         /'
say
say "3. report"
okline=$(grep -E "^ok seed" "$tmp/all" | tail -1)
recline=$(grep -E "^recovery seed" "$tmp/all" | tail -1)
val() { grep -E "^$1," "$tmp/all" | tail -1 | cut -d, -f2; }
released=$(sed -n 's/.*released \([0-9]*\).*/\1/p' <<<"$okline")
dups=$(sed -n 's/.*suppressed \([0-9]*\) duplicates.*/\1/p' <<<"$okline")
ckpt=$(sed -n 's/.*ckpt \([0-9]*\).*/\1/p' <<<"$recline")
pals=$(sed -n 's/.*replayed PALs \([0-9]*\).*/\1/p' <<<"$recline")
say "         packets in:          $packets"
say "         packets released:    ${released:-?} (each exactly once)"
say "         checkpoints taken:   ${ckpt:-?} before the failure (every 50 ms)"
say "         PALs replayed:       ${pals:-?} (shared-state accesses since that checkpoint, in logged order)"
say "         replayed outputs suppressed as already released: ${dups:-?}"
say "         recovery time:       $(val recovery_ms) ms from the kill to the first packet released by the new master"
say "                              (detection $(val recovery_detect_ms) ms, restore $(val recovery_restore_ms) ms," \
	"cut $(val recovery_cut_ms) ms, replay $(val recovery_replay_ms) ms)"
say
say "4. checks (made by the driver against the input trace)"
check "the run finished and the backup took over (driver exit $rc)" test "$rc" -eq 0
check "master killed and backup took over" grep -q "taking over from checkpoint" "$tmp/all"
check "every input packet's output released exactly once, none lost" test "${released:-0}" -eq "$packets"
check "no NAT port given to two flows; every flow kept its mapping; counters exact" test -n "$okline"
check "a fresh backup protects the new master" bash -c "grep -c 'backup pid' '$tmp/all' | grep -qx 2"
say
say "5. the same NAT on the DPDK dataplane, real TCP: four processes (input logger,"
say "   master, output logger, backup) joined by af_packet ports in network namespaces"
say "   of their own; a Linux client sends 4 x 2 MiB through the NAT to a Linux server"
say "   and back; the master is killed with SIGKILL mid-transfer"
rt=$top/test/realtcp/t_kill_master.sh
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
	say "         skipped: needs root and 'ip netns' (network namespaces, veths, af_packet)"
else
	bash "$rt" "$build/examples/nat" >"$tmp/rt" 2>&1
	rtrc=$?
	grep -E "^check_transfer|host received" "$tmp/rt" | sed 's/^/         /'
	pass=$(grep -E "^PASS" "$tmp/rt")
	kms=$(sed -n 's/.*kill -> first release by the new master \([-0-9]*\) ms.*/\1/p' <<<"$pass")
	say "         recovery time:       ${kms:-?} ms from the kill to the first packet released by"
	say "                              the new master (heartbeat timeout 200 ms: test/realtcp/README.md)"
	check "every connection completed with equal SHA-256 at both ends, through the backup" \
		test "$rtrc" -eq 0
	check "the backup took over (one takeover at the input logger, output logger and backup)" \
		test -n "$pass"
	[ "$rtrc" -eq 0 ] || cat "$tmp/rt" >>"$tmp/all"
fi
say
if [ "$fail" -ne 0 ]; then
	say "demo: FAILED. Full output:"
	cat "$tmp/all"
	exit 1
fi
say "demo: all checks passed"
