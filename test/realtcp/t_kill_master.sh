#!/usr/bin/env bash
# Real TCP through the protected NAT while its master is killed with
# SIGKILL (with its checkpoint writer) mid-transfer; the backup takes over
# from its last checkpoint (SPEC §5-6, docs/recovery.md "On the DPDK
# roles"). Four processes: IL and OL beside the hosts' links, master and
# backup in namespaces of their own (realtcp_lib.sh, start_protected_ha).
# $CONNS connections move $BYTES each way, paced; the uploads stop at a
# hold point, so every connection is known to be in the middle of its
# transfer; the downloads keep flowing. Once every upload is there, the
# uploads go on and the master is killed while both directions flow.
# Then: every transfer complete with equal SHA-256 at both ends, translated
# by the NAT with one port per connection (a connection whose mapping
# changed across the failure would be reset or stall), correct checksums,
# and the counters show one takeover at the IL, the OL and the backup, and
# outputs released by the new master.
# usage: t_kill_master.sh BIN
BIN=$1
PEER_TIMEOUT=${FTMB_REALTCP_TIMEOUT:-150}
source "$(dirname "$0")/realtcp_lib.sh"
RATE=${FTMB_REALTCP_RATE:-1000000}   # bytes/s per direction and connection

start_sniffers
start_protected_ha
start_server --rate "$RATE"
start_client --rate "$RATE" --hold "0.4=$T/go1"
H1=$("$PY" -c "print(int(0.4 * $BYTES))")
wait_until 100 "every upload at its hold point ($H1 bytes)" progress_at_least "$H1"
REL1=$(telemetry o1 released)
[ -n "$REL1" ] && [ "$REL1" -gt 0 ] || fail "the OL released nothing before the kill ($REL1)"
touch "$T/go1"
sleep 0.3   # both directions flowing
# a heartbeat gap longer than the timeout on a starved machine would have
# made the backup take over already (a false suspicion: correct, but then
# this test would not kill the serving master)
log_has "$T/backup.log" "backup: now the master" &&
	fail "the backup took over before the kill (false suspicion: $(grep -m1 -i 'dead\|suspect\|timeout' "$T/backup.log"))"
KILL_NS=$(date +%s%N)
kill -9 -- "-$MASTER" 2>/dev/null || kill -9 "$MASTER"
wait "$MASTER" 2>/dev/null
MASTER=""
wait_until 30 "the backup to take over" log_has "$T/backup.log" "backup: now the master"
MASTER=$BACKUP   # roles_up_and watches the new master from here on
finish_transfer --external-ip $EXT_IP --port-range $PORT_RANGE
check_sniffers
FIRST=$(sed -n 's/.*OL: first release after the takeover at \([0-9]*\).*/\1/p' "$T/ol1.log" | head -1)
REL_BEFORE_STOP=$(telemetry o1 released)
stop_pid "$IL"; stop_pid "$BACKUP"; stop_pid "$OL1"

need_stat "$T/il.log" takeovers -eq 1
need_stat "$T/ol1.log" takeovers -eq 1
need_stat "$T/backup.log" takeovers -eq 1
need_stat "$T/ol1.log" malformed -eq 0
REL=$(counter "$T/ol1.log" released)
[ "$REL" -gt "$REL1" ] || fail "the OL released nothing after the takeover ($REL1 -> $REL)"
[ -n "$FIRST" ] || fail "the OL logged no release after the takeover"
need_stat "$T/backup.log" pals -gt 0   # the new master logged its own PALs
echo "PASS: master killed mid-transfer: $CONNS x $BYTES bytes each way complete in ${TRANSFER_S}s;" \
	"the OL released $REL1 before the kill, $REL in all;" \
	"kill -> first release by the new master $(( (FIRST - KILL_NS) / 1000000 )) ms;" \
	"$(counter "$T/backup.log" recovery_cut_pals) PALs in the cut, $(counter "$T/ol1.log" dup_suppressed) outputs suppressed"
