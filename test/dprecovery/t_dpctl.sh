#!/usr/bin/env bash
# ftmbctl against the DPDK roles (--ctl, runtime/dpdk/dp_ctl.c): the four
# roles run with a control socket each, under traffic.
#   status    master, backup, IL and OL answer with sensible values
#             (checkpoints confirmed, image sizes, log sizes)
#   refusals  `failover` sent to the backup, the IL, the OL or a master
#             whose backup is not there (status: backup=disconnected) is refused
#             (an error= line, ftmbctl exits 3); --ctl on the unprotected
#             program and a socket path too long are refused at start-up;
#             malformed heartbeat datagrams (RESIGN with an unknown flag,
#             too long, truncated) are counted at the backup, none acts
#   failover  `ftmbctl failover` to the master under traffic: final
#             checkpoint, RESIGN; the backup takes over at once (its log and
#             status say "resign", not a heartbeat timeout; the timeout is 1 s
#             here), the OL's outputs equal the unprotected run's packet for
#             packet, and `status` then names the new master with failovers=1;
#             the new master (no backup of its own) refuses `failover`
# usage: t_dpctl.sh BIN MB   (env: FTMBCTL, FTMB_DPRECOVERY_PACKETS 40000,
#        RATE 5000, HBTO 1000)
BIN=$1 MB=$2
HBTO=${HBTO:-1000}
RATE=${RATE:-5000}
source "$(dirname "$0")/lib_dprec.sh"
CTL=${FTMBCTL:?FTMBCTL must name the ftmbctl binary}
NP=${FTMB_DPRECOVERY_PACKETS:-40000}
SEED=1
D=$T/run
mkdir -p "$D"

# ---- bad start-up options: a clear error, never a crash ----
long=$T/$(printf 'x%.0s' $(seq 120)).sock
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix long)" --vdev=net_null0 -- \
	--role ol --master-port 0 --ctl "$long" >"$T/long.log" 2>&1 &&
	fail "a --ctl path longer than a Unix socket path was accepted"
grep -q "longer than a Unix socket path" "$T/long.log" ||
	fail "no clear error for a long --ctl path: $(tail -2 "$T/long.log")"
"$BIN/$MB-unprotected" $EAL_BASE --file-prefix "$(prefix unp)" --vdev=net_null0 -- \
	--in-inside 0 --out-outside 0 --ctl "$T/u.sock" >"$T/unp.log" 2>&1 &&
	fail "the unprotected program accepted --ctl"
grep -q -- "--ctl: only the roles of the protected program" "$T/unp.log" ||
	fail "no clear error for --ctl on the unprotected program: $(tail -2 "$T/unp.log")"

# a master whose backup is not there (--ckpt-peer to a closed port): its
# status says so and it refuses failover; its socket goes with it
run_bg $(in_ns m) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix lone)" "${LCORES[@]}" \
	--vdev=net_ring0 --vdev=net_ring1 -- --role master --il-port 0 --ol-port 1 \
	--ckpt-peer 127.0.0.1:9 --ctl "$T/lone.sock" --run-ms 20000 >"$T/lone.log" 2>&1
LONE=$!
for _ in $(seq 200); do [ -S "$T/lone.sock" ] && break; sleep 0.05; done
"$CTL" -s "$T/lone.sock" failover >"$T/lone.out"; rc=$?
[ $rc -eq 3 ] && grep -q "^error=no backup connected" "$T/lone.out" ||
	fail "a master without a backup did not refuse failover (exit $rc): $(cat "$T/lone.out")"
"$CTL" -s "$T/lone.sock" status >"$T/st.lone" || fail "status of the lone master"
need_is_lone() { grep -qx "$1" "$T/st.lone" || fail "lone master: no $1 in its status"; }
need_is_lone role=master; need_is_lone protected=no; need_is_lone backup=disconnected
kill -TERM "$LONE"
wait "$LONE" || fail "the lone master did not stop cleanly: $(tail -2 "$T/lone.log")"
[ ! -e "$T/lone.sock" ] || fail "the lone master left its control socket behind"

"$PCAPGEN" traffic "$D/in.pcap" -n "$NP" -f 24 -s 11 >/dev/null || fail pcapgen
reference "$D/in.pcap" "$T"

start_roles_ctl "$D"
wait_ckpt "$D/master.log" 2
ALL=(-s "$D/master.sock" -s "$D/backup.sock" -s "$D/il.sock" -s "$D/ol.sock")

# ---- status: poll until every role shows traffic and checkpoints ----
split() { # split FILE: one file per [socket] section, FILE.master ...
	awk -v f="$1" '/^\[/ { n = $0; sub(/.*\//, "", n); sub(/\.sock\]$/, "", n); next }
		n != "" { print > (f "." n) }' "$1"
}
t0=$(date +%s%N)
ms_since() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }
ok=0
for _ in $(seq 100); do
	rm -f "$T"/st.*
	if "$CTL" "${ALL[@]}" status >"$T/st" 2>"$T/st.err"; then
		split "$T/st"
		if [ "$(ctl_get "$T/st.master" ckpt_confirmed)" -ge 2 ] 2>/dev/null &&
		   [ "$(ctl_get "$T/st.master" packets)" -gt 0 ] 2>/dev/null &&
		   [ "$(ctl_get "$T/st.il" il_trimmed_upto)" -gt 0 ] 2>/dev/null &&
		   [ "$(ctl_get "$T/st.il" il_log_packets)" -gt 0 ] 2>/dev/null &&
		   [ "$(ctl_get "$T/st.ol" ol_released)" -gt 0 ] 2>/dev/null; then
			ok=1; break
		fi
	fi
	sleep 0.05
done
cat "$T/st" >&2
echo "status complete after $(ms_since)" >&2
[ $ok = 1 ] || fail "status never showed traffic and confirmed checkpoints: $(cat "$T/st.err")"
need() { # need ROLE KEY OP VALUE: a status value
	local v; v=$(ctl_get "$T/st.$1" "$2")
	[ -n "$v" ] || fail "status of $1 lacks $2"
	[ "$v" "$3" "$4" ] 2>/dev/null || fail "status of $1: $2=$v, expected $3 $4"
}
need_is() { grep -qx "$2=$3" "$T/st.$1" || fail "status of $1: expected $2=$3: $(grep "^$2=" "$T/st.$1")"; }
need_is master role master; need_is master protected yes; need_is master backup connected
need_is master planned_failover none; need master failovers -eq 0
grep -Eq '^pid=[1-9][0-9]*$' "$T/st.master" || fail "status of master: no pid"
need master ckpt_bytes -gt 0; need master ckpt_seq -ge 2
for k in ckpt_age_ms ckpt_stop_us_last ckpt_stop_us_max; do
	grep -Eq "^$k=[0-9]+\.[0-9]$" "$T/st.master" || fail "status of master: bad $k"
done
need_is backup role backup; need_is backup master alive; need_is backup takeover standby
need backup ckpt_seq -ge 2; need backup ckpt_bytes -gt 0; need backup ckpt_state_bytes -gt 0
need backup ckpt_state_bytes -lt "$(ctl_get "$T/st.backup" ckpt_bytes)"
need backup ckpt_accepted -ge 2; need backup failovers -eq 0
grep -Eq "^ckpt_age_ms=[0-9]+\.[0-9]$" "$T/st.backup" || fail "status of backup: bad ckpt_age_ms"
need_is il role il; need_is il paused no
need il il_log_bytes -ge $((60 * $(ctl_get "$T/st.il" il_log_packets))) # frames of 60 bytes and more
need il covers -ge 1; need il failovers -eq 0
need_is ol role ol; need ol ol_pals_stored -ge 0; need ol ol_pal_bytes -ge 0; need ol ol_held -ge 0
need ol ol_suppressed -eq 0; need ol failovers -eq 0
# the master's image size is the one the backup stored (the same seq) or close to it
mb=$(ctl_get "$T/st.master" ckpt_bytes) bb=$(ctl_get "$T/st.backup" ckpt_bytes)
[ $((mb * 2)) -gt "$bb" ] && [ $((bb * 2)) -gt "$mb" ] ||
	fail "checkpoint sizes disagree: master says $mb bytes, backup $bb"

# ---- malformed heartbeats at the backup: counted, never acted on ----
# (UDP: a round that does not arrive within a second is sent again)
bad_heartbeats() {
	$(in_ns m) python3 - "$CKPORT" <<'PY' || fail "cannot send the test datagrams"
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a = ("10.99.0.2", int(sys.argv[1]))
hb = lambda flags: struct.pack("<IIQQQII", 0x46544842, flags, 1 << 60, 0, 0, 0, 0)
s.sendto(hb(0x3), a)          # RESIGN with an unknown flag
s.sendto(hb(0x1) + b"x", a)   # RESIGN, one byte too long
s.sendto(hb(0x1)[:20], a)     # RESIGN, truncated
PY
}
for round in 1 2 3; do
	bad_heartbeats
	for _ in $(seq 20); do
		HB_BAD=$(ctl_get <("$CTL" -s "$D/backup.sock" status) hb_bad)
		[ "${HB_BAD:-0}" -ge 3 ] && break 2
		sleep 0.05
	done
done
echo "malformed heartbeats counted after $(ms_since): hb_bad=$HB_BAD ($round rounds of 3)" >&2
[ "${HB_BAD:-0}" -ge 3 ] || fail "the backup did not count malformed heartbeats (hb_bad=$HB_BAD)"

# ---- refusals ----
for r in backup il ol; do
	"$CTL" -s "$D/$r.sock" failover >"$T/ref.$r"; rc=$?
	[ $rc -eq 3 ] || fail "failover sent to the $r: ftmbctl exited $rc (expected 3): $(cat "$T/ref.$r")"
	grep -q "^error=not the master" "$T/ref.$r" || fail "the $r did not refuse failover: $(cat "$T/ref.$r")"
done
"$CTL" -s "$D/il.sock" bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "an unknown command should exit 2"
sleep 0.3
grep -q "resigned\|declared dead" "$D/backup.log" &&
	fail "the backup acted on a refused failover or a malformed heartbeat"

# ---- the planned failover, under traffic ----
echo "failover after $(ms_since); the IL has forwarded $(ctl_get <("$CTL" -s "$D/il.sock" status) il_forwarded) of $NP" >&2
"$CTL" -t 5000 -s "$D/master.sock" failover >"$T/fo" || fail "failover: $(cat "$T/fo")"
cat "$T/fo" >&2
grep -q "^failover=started" "$T/fo" || fail "failover not started: $(cat "$T/fo")"
wait_exit master "$MASTER"
grep -q "master: resigned: the backup took over" "$D/master.log" ||
	fail "the master saw no takeover: $(grep 'master:' "$D/master.log" | tail -3)"
wait_log "$D/backup.log" "backup: now the master"
grep -q "backup: master resigned (planned failover" "$D/backup.log" ||
	fail "the backup did not take over on RESIGN: $(grep 'backup:' "$D/backup.log" | tail -3)"
grep -q "master declared dead" "$D/backup.log" && fail "the backup waited for the heartbeat timeout"

"$CTL" "${ALL[@]:2}" status >"$T/st2" 2>/dev/null # the old master is gone
rm -f "$T"/st.*; cp "$T/st2" "$T/st"; split "$T/st"
cat "$T/st" >&2
need_is backup role master; need_is backup takeover master; need backup failovers -eq 1
need_is backup last_failover_cause resign; need backup last_failover_ckpt -ge 2
need_is backup backup none
need il failovers -eq 1; need ol failovers -eq 1; need_is il paused no
"$CTL" -s "$D/backup.sock" failover >"$T/ref.new"; rc=$?
[ $rc -eq 3 ] && grep -q "^error=no backup to hand over to" "$T/ref.new" ||
	fail "the new master (no backup) did not refuse failover (exit $rc): $(cat "$T/ref.new")"
"$CTL" -s "$D/master.sock" status >/dev/null 2>&1; [ $? -eq 1 ] ||
	fail "the old master's socket still answers"

wait_exit IL "$IL"
wait_exit OL "$OL"
for _ in $(seq 50); do kill -0 "$BACKUP" 2>/dev/null || break; sleep 0.1; done
kill -TERM "$BACKUP" 2>/dev/null
wait_exit backup "$BACKUP"
[ ! -e "$D/backup.sock" ] || fail "the backup left its control socket behind"

python3 "$HERE/pcapcmp.py" "$T/ref_out.pcap" "$D/p_out.pcap" --allow-empty ||
	fail "outputs to the outside differ from the unprotected run"
python3 "$HERE/pcapcmp.py" "$T/ref_in.pcap" "$D/p_in.pcap" --allow-empty ||
	fail "outputs to the inside differ from the unprotected run"
need_stat "$D/ol.log" released -eq "$(counter "$T/ref.log" pkts_out)"
need_stat "$D/ol.log" malformed -eq 0
need_stat "$D/master.log" resigned -eq 1
need_stat "$D/backup.log" recovery_resigned -eq 1
need_stat "$D/backup.log" hb_bad -ge "$HB_BAD" # the datagrams above
for r in backup il ol; do need_stat "$D/$r.log" takeovers -eq 1; done
# under traffic: the new master took inputs that were not replayed too
need_stat "$D/backup.log" pkts_in -gt "$(counter "$D/il.log" il_replayed)"

REQ=$(counter "$D/master.log" resign_request_realtime_ns)
RES=$(counter "$D/master.log" resign_sent_realtime_ns)
DEAD=$(counter "$D/backup.log" recovery_dead_at_realtime_ns)
FIRST=$(sed -n 's/.*OL: first release after the takeover at \([0-9]*\).*/\1/p' "$D/ol.log" | head -1)
msg="planned failover (checkpoint $(counter "$D/master.log" resign_final_ckpt)):"
msg="$msg request->RESIGN $(( (RES - REQ) / 1000 )) us, RESIGN->takeover started $(( (DEAD - RES) / 1000 )) us"
msg="$msg, then restored +$(counter "$D/backup.log" recovery_detect_to_restored_ms) ms, replay asked +$(counter "$D/backup.log" recovery_detect_to_replay_ms) ms"
[ -n "$FIRST" ] && msg="$msg, request->first release by the new master $(( (FIRST - REQ) / 1000 )) us"
echo "$msg; $(counter "$D/backup.log" recovery_cut_pals) PALs in the cut, $(counter "$D/ol.log" dup_suppressed) outputs suppressed"
echo "PASS: $MB: ftmbctl status on the four roles, refusals, planned failover exact"
