#!/usr/bin/env bash
# The master of a protected middlebox on the DPDK roles is killed with
# SIGKILL (with its checkpoint writer) at a random moment after its first
# confirmed checkpoint; the backup takes over (TAKEOVER, cut, CUT, replay).
# For each seed the kill comes 0..199 ms (by seed) after the second
# checkpoint is confirmed (the first with traffic): between checkpoints,
# during one, in bursts.
# Checks over the whole run, by CHECK:
#   exact  (one core) the OL's outputs equal the unprotected program's flow
#          by flow, packet for packet (every input's output released exactly
#          once), and the recovered master's state digest at the end equals
#          a failure-free run's (state byte-identical: counters exact)
#   once   (several cores) every input's output released exactly once
#          (dpcheck.py, by packet number), the same set as unprotected
#   nat    once + every flow keeps one translation, no port for two flows
# usage: t_dpkill.sh BIN MB   (env: CHECK exact, FTMB_DPRECOVERY_SEEDS 1-6,
#        FTMB_DPRECOVERY_PACKETS 5000, MB_ARGS, RATE, LCORES)
BIN=$1 MB=$2
source "$(dirname "$0")/lib_dprec.sh"
SEEDS=${FTMB_DPRECOVERY_SEEDS:-${DEFAULT_SEEDS:-1-6}}
NP=${FTMB_DPRECOVERY_PACKETS:-5000}
FLOWS=${FLOWS:-24}
CHECK=${CHECK:-exact}
D0=$(dirname "$0")

"$PCAPGEN" traffic "$T/in.pcap" -n "$NP" -f "$FLOWS" -s 7 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
[ "$(counter "$T/ref.log" pkts_out)" -gt 0 ] || fail "the unprotected run produced no output"
check_outputs() { # DIR SEED
	case $CHECK in
	exact)
		python3 "$HERE/pcapcmp.py" "$T/ref_out.pcap" "$1/p_out.pcap" --allow-empty ||
			fail "seed $2: outputs to the outside differ from the unprotected run"
		python3 "$HERE/pcapcmp.py" "$T/ref_in.pcap" "$1/p_in.pcap" --allow-empty ||
			fail "seed $2: outputs to the inside differ from the unprotected run";;
	once|nat)
		python3 "$D0/dpcheck.py" "$T/in.pcap" "$T/ref_out.pcap,$T/ref_in.pcap" \
			"$1/p_out.pcap,$1/p_in.pcap" $([ "$CHECK" = nat ] && echo --nat) ||
			fail "seed $2: outputs not released exactly once (dpcheck.py)";;
	esac
	need_stat "$1/ol.log" released -eq "$(counter "$T/ref.log" pkts_out)"
	need_stat "$1/ol.log" malformed -eq 0
}

# the failure-free run: its master's final state is the reference
[ "$CHECK" = exact ] && reference_run start_roles check_outputs

first=${SEEDS%-*} last=${SEEDS#*-}
total_sup=0
for SEED in $(seq "$first" "$last"); do
	D=$T/s$SEED
	# the seed runs again (3 times at most) if the backup takes over before
	# the kill: a false suspicion under load, which the protocol handles
	# (the old master is fenced) but which leaves no master to kill
	for attempt in 1 2 3; do
		rm -rf "$D"; mkdir -p "$D"
		cp "$T/in.pcap" "$D/in.pcap"
		IL=""
		FALSE_SUSPICION_OK=1 start_roles "$D" &&
			FALSE_SUSPICION_OK=1 wait_ckpt "$D/master.log" 2 && break
		echo "seed $SEED: the backup took over before the kill (a false suspicion:" \
			"$(grep -m1 'declared dead' "$D/backup.log")); running the seed again" >&2
		kill_roles
		[ "$attempt" = 3 ] && fail "seed $SEED: a false suspicion before the kill in 3 runs"
	done
	DELAY_MS=$(((SEED * 37) % 200))
	sleep "$(printf '0.%03d' $DELAY_MS)"
	KILL_NS=$(date +%s%N)
	kill_master
	wait_exit IL "$IL"
	wait_exit OL "$OL"
	# a new master that had nothing to replay saw no traffic of its own, so
	# --stop-after-idle-ms never starts for it: stop it once the loggers are gone
	for _ in $(seq 50); do kill -0 "$BACKUP" 2>/dev/null || break; sleep 0.1; done
	kill -TERM "$BACKUP" 2>/dev/null
	wait_exit backup "$BACKUP"
	grep -q "backup: now the master" "$D/backup.log" ||
		fail "seed $SEED: the backup did not take over: $(grep 'backup' "$D/backup.log" | tail -3)"
	check_outputs "$D" "$SEED"
	need_stat "$D/backup.log" takeovers -eq 1
	need_stat "$D/il.log" takeovers -eq 1
	need_stat "$D/ol.log" takeovers -eq 1
	if [ "$CHECK" = exact ]; then
		dg=$(counter "$D/backup.log" state_digest)
		[ "$dg" = "$REF_DIGEST" ] ||
			fail "seed $SEED: recovered state digest $dg, failure-free run $REF_DIGEST"
	fi
	DEAD=$(counter "$D/backup.log" recovery_dead_at_realtime_ns)
	FIRST=$(sed -n 's/.*OL: first release after the takeover at \([0-9]*\).*/\1/p' "$D/ol.log" | head -1)
	sup=$(counter "$D/ol.log" dup_suppressed)
	total_sup=$((total_sup + sup))
	msg="seed $SEED: killed $DELAY_MS ms after checkpoint 2; $(counter "$D/backup.log" recovery_cut_pals) PALs in the cut, $sup outputs suppressed"
	if [ -n "$FIRST" ] && [ -n "$DEAD" ]; then
		msg="$msg; kill->detected $(( (DEAD - KILL_NS) / 1000 )) us, then restored +$(counter "$D/backup.log" recovery_detect_to_restored_ms) ms, replay asked +$(counter "$D/backup.log" recovery_detect_to_replay_ms) ms, kill->first release $(( (FIRST - KILL_NS) / 1000 )) us"
	fi
	echo "$msg"
	rm -f "$D"/*.pcap
done
echo "PASS: $MB ($CHECK): master killed at random moments, seeds $SEEDS ($total_sup duplicates suppressed in all)"
