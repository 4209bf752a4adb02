#!/usr/bin/env bash
# Bad input and partial failures around the backup, on the DPDK roles.
# usage: t_dpbad.sh BIN MB MODE
#   garbled    the backup sends broken extension frames (truncated COVER,
#              bad core counts, truncated TAKEOVER, empty CUT_PALS, CUT of
#              the wrong length, an unknown type) to the IL and the OL:
#              each is counted (malformed / unexpected) and dropped, none
#              acts (no pause, no trim, no fence); then the master is
#              killed and the takeover is as exact as ever.
#   halfsent   the master is killed (with its writer) while a checkpoint is
#              being streamed (a large state, a slowed writer): the backup
#              discards the partial image and takes over from the previous
#              complete one; outputs exact.
#   backupkill the backup is killed: the master goes on forwarding,
#              unprotected, every output released exactly as unprotected.
BIN=$1 MB=$2 MODE=$3
source "$(dirname "$0")/lib_dprec.sh"
NP=${FTMB_DPRECOVERY_PACKETS:-5000}
SEED=1
D=$T/run
mkdir -p "$D"
"$PCAPGEN" traffic "$D/in.pcap" -n "$NP" -f 24 -s 9 >/dev/null || fail pcapgen
reference "$D/in.pcap" "$T"
exact() {
	python3 "$HERE/pcapcmp.py" "$T/ref_out.pcap" "$D/p_out.pcap" --allow-empty ||
		fail "$MODE: outputs to the outside differ from the unprotected run"
	python3 "$HERE/pcapcmp.py" "$T/ref_in.pcap" "$D/p_in.pcap" --allow-empty ||
		fail "$MODE: outputs to the inside differ from the unprotected run"
	need_stat "$D/ol.log" released -eq "$(counter "$T/ref.log" pkts_out)"
}

case $MODE in
garbled)
	ROUNDS=3
	BACKUP_ARGS=(--ckpt-inject-bad $ROUNDS)
	start_roles "$D"
	wait_log "$D/backup.log" "rounds of bad extension frames sent"
	wait_ckpt "$D/master.log" 3
	kill_master
	wait_exit IL "$IL"; wait_exit OL "$OL"; wait_exit backup "$BACKUP"
	grep -q "backup: now the master" "$D/backup.log" || fail "no takeover"
	exact
	for r in il ol; do
		need_stat "$D/$r.log" malformed -eq $((6 * ROUNDS))
		need_stat "$D/$r.log" unexpected -ge $ROUNDS
		need_stat "$D/$r.log" takeovers -eq 1
		need_stat "$D/$r.log" covers -ge 2
		[ "$(grep -c 'takeover by the backup' "$D/$r.log")" -eq 1 ] ||
			fail "$r: acted on a broken TAKEOVER"
	done
	echo "PASS: $MB: $((7 * ROUNDS)) broken extension frames to each logger counted and dropped, takeover exact"
	;;
halfsent)
	# a state of several MiB (monitor --max-flows 65536: ~7 MiB of table)
	# streamed at 40 ms per MiB: each image takes ~300 ms to arrive
	start_roles "$D" --ckpt-throttle-us 40000
	wait_ckpt "$D/master.log" 2
	sleep 0.12 # checkpoint 3 is on its way now
	kill_master
	wait_exit IL "$IL"; wait_exit OL "$OL"; wait_exit backup "$BACKUP"
	grep -q "half-received checkpoint\|partial image discarded" "$D/backup.log" ||
		fail "no checkpoint was in flight at the kill: $(grep backup: "$D/backup.log" | tail -3)"
	grep -q "taking over from checkpoint 2 " "$D/backup.log" ||
		fail "the takeover did not start from the last complete checkpoint (2): $(grep 'taking over' "$D/backup.log")"
	grep -q "backup: now the master" "$D/backup.log" || fail "no takeover"
	need_stat "$D/backup.log" ckpt_aborted -ge 1
	exact
	echo "PASS: $MB: master killed mid-checkpoint ($(grep -o "broke after [0-9]* bytes\|checkpoint ([0-9]* bytes)" "$D/backup.log" | head -1)), the previous one was the recovery point, outputs exact"
	;;
backupkill)
	start_roles "$D"
	wait_ckpt "$D/master.log" 2
	kill -9 "$BACKUP"; wait "$BACKUP" 2>/dev/null
	wait_exit IL "$IL"; wait_exit OL "$OL"; wait_exit master "$MASTER"
	grep -q "running unprotected" "$D/master.log" || fail "the master did not notice the backup's loss"
	exact
	need_stat "$D/master.log" ckpt_confirmed -ge 2
	echo "PASS: $MB: backup killed, the master forwarded everything unprotected ($(counter "$D/ol.log" released) packets)"
	;;
*) fail "mode: garbled, halfsent or backupkill" ;;
esac
