#!/usr/bin/env bash
# A fresh backup protects the new master after a takeover, on the DPDK
# roles (docs/recovery.md "On the DPDK roles", "A fresh backup"):
#   master killed -> backup B1 takes over (its link becomes the IL's and
#   OL's master link) -> a fresh backup B2 is started on the IL's and OL's
#   second backup link (--backup-port 1,2,3 / --backup-port 1 --backup-port 2,3;
#   the third is only for stray frames)
#   -> B1 checkpoints to B2 (--ckpt-peer), B2 confirms one (COVER frames
#   reach the IL and OL on the new standby link) -> B1 killed -> B2 takes
#   over exactly like the first takeover.
# Checks per seed (one core): the OL's outputs equal the unprotected run's
# flow by flow, packet for packet; B2's final state digest equals a
# failure-free run's; IL and OL served two takeovers; a COVER and a
# TAKEOVER sent on a third backup link (never the standby's while the
# test sends them) are counted (wrong_link) and ignored, and so is a TAKEOVER
# without a backup's epoch (id 0) on the standby's link (malformed);
# acting on any would trim the IL's whole log or pause it or fence the
# master for good: the outputs would differ.
# Before that, bad --backup-port lists are refused at start-up with a
# clear message.
# usage: t_dpfresh.sh BIN MB   (env: FTMB_DPRECOVERY_SEEDS 1-2,
#        FTMB_DPRECOVERY_PACKETS 20000, RATE 5000, MB_ARGS, LCORES)
BIN=$1 MB=$2
# 4 s of traffic: B2 must be up (EAL start, B1's reconnection every 500 ms,
# an image) while the IL still forwards, also on a loaded machine
RATE=${RATE:-5000}
source "$(dirname "$0")/lib_dprec.sh"
# roles stop 4 s (not 1.5 s) after their traffic: this test has more
# phases than t_dpkill.sh, and a machine stalled for a second (seen on the
# loaded 2-CPU test machine) must not make a logger quit in one of them
COMMON=(--stop-after-idle-ms "${IDLE_MS:-4000}" --run-ms 120000 --idle-sleep-max-us 200
	--peer-timeout-us 1000000)
# on failure, the roles' own account of the run in the test's output
fail() {
	echo "FAIL: $*" >&2
	for f in "${D:-/nonexistent}"/*.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f"):" >&2
		grep '^ftmb: ' "$f" | grep -v 'non-FTMB' | tail -12 >&2
		grep -E '^ftmb-stats: (takeovers|backup_state|malformed|unexpected|wrong_link|covers|released|ckpt_accepted)=' \
			"$f" | tr '\n' ' ' >&2
		echo >&2
	done
	exit 1
}
SEEDS=${FTMB_DPRECOVERY_SEEDS:-${DEFAULT_SEEDS:-1-2}}
NP=${FTMB_DPRECOVERY_PACKETS:-20000}
FLOWS=${FLOWS:-24}

# ---- bad backup link lists: clear errors at start-up (net_null ports) ----
bad_links() { # bad_links ROLE 'ARGS' 'EXPECTED MESSAGE'
	local out=$T/badlinks.log ports
	if [ "$1" = il ]; then ports=(--master-port 0 --in-inside 3); else
		ports=(--master-port 0 --out-outside 3); fi
	if timeout 30 "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix bad)" --lcores=0@0 \
		--vdev=net_null0 --vdev=net_null1 --vdev=net_null2 --vdev=net_null3 -- \
		--role "$1" "${ports[@]}" $2 >"$out" 2>&1; then
		fail "$1 $2: started (a bad backup link list must be refused)"
	fi
	grep -q -- "$3" "$out" || fail "$1 $2: no '$3' in: $(tail -2 "$out")"
}
bad_links il "--backup-port 1,7" "backup-port 7: no such port"
bad_links il "--backup-port 1,2 --backup-port 1" "backup-port 1 given twice"
bad_links ol "--backup-port 0" "backup-port 0 is also its master or an outside port"
bad_links il "--backup-port 3" "backup-port 3 is also its master or an outside port"
bad_links ol "--backup-port 1,2,1 --backup-port 2,1" "at most 4 backup links"
bad_links il "--backup-port 1,,2" "a port id or a comma list"
bad_links ol "--backup-port 1,x" "backup-port: bad value 'x'"
echo "bad backup link lists refused at start-up (7 cases)"

# ---- stray COVER / TAKEOVER frames ----
# send_stray NS IFACE other|id0: raw frames into a logger's backup link
#   from the namespace of its other end, 1 core each:
#   other: COVER(watermark 2^63) and TAKEOVER(id 12345), sent on the
#          third backup link before B2 is started (never the standby's
#          link then, even if B1 took over early on a false suspicion):
#          counted in wrong_link, ignored
#   id0:   TAKEOVER with takeover id 0 (no backup's epoch) on the
#          standby's own link: counted malformed, ignored
# Acting on any of them would trim the IL's whole log, or pause it or
# fence the master for good: the outputs would differ.
send_stray() {
	$(in_ns "$1") python3 - "$2" "$3" <<'PY' || fail "cannot send stray frames on $2"
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
def frame(t, body):
    return (b'\xff' * 6 + b'\x02\0\0\0\0\x01' + struct.pack('!H', 0x88B5) +
            struct.pack('<BBHI', 1, t, len(body), 0) + body)
if sys.argv[2] == 'other':
    frames = [frame(0x40, struct.pack('<QQQB7xQ', 0, 99, 1 << 63, 1, 1 << 40)),
              frame(0x41, struct.pack('<QQQB7xQ', 12345, 99, 0, 1, 0))]
else:
    frames = [frame(0x41, struct.pack('<QQQB7xQ', 0, 99, 0, 1, 0))]
for f in frames:
    s.send(f)
PY
}

fresh_setup
"$PCAPGEN" traffic "$T/in.pcap" -n "$NP" -f "$FLOWS" -s 11 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
[ "$(counter "$T/ref.log" pkts_out)" -gt 0 ] || fail "the unprotected run produced no output"
exact() { # DIR SEED [MALFORMED: expected at the OL, default 0]
	python3 "$HERE/pcapcmp.py" "$T/ref_out.pcap" "$1/p_out.pcap" --allow-empty ||
		fail "seed $2: outputs to the outside differ from the unprotected run"
	python3 "$HERE/pcapcmp.py" "$T/ref_in.pcap" "$1/p_in.pcap" --allow-empty ||
		fail "seed $2: outputs to the inside differ from the unprotected run"
	need_stat "$1/ol.log" released -eq "$(counter "$T/ref.log" pkts_out)"
	need_stat "$1/ol.log" malformed -eq "${3:-0}"
}

# the failure-free run (same topology, nobody killed): the reference state
reference_run start_roles_fresh exact

first=${SEEDS%-*} last=${SEEDS#*-}
for SEED in $(seq "$first" "$last"); do
	D=$T/s$SEED
	mkdir -p "$D"
	cp "$T/in.pcap" "$D/in.pcap"
	start_roles_fresh "$D"
	wait_ckpt "$D/master.log" 2
	send_stray c xib other; send_stray c xoa other
	send_stray b ibb id0; send_stray b boa id0
	sleep "$(printf '0.%03d' $(((SEED * 37) % 200)))"
	KILL1=$(date +%s%N)
	kill_master
	wait_log "$D/backup.log" "backup: now the master"
	grep -q "master: connected to the backup" "$D/backup.log" &&
		fail "seed $SEED: B1 connected to a backup before B2 was started"
	start_backup2 "$D"
	wait_log "$D/backup2.log" "backup: first checkpoint stored"
	# protected again: B2's COVERs reach the loggers on their second link
	wait_log "$D/il.log" "IL: first COVER from the backup on port 2 "
	wait_log "$D/ol.log" "OL: first COVER from the backup on port 2 "
	# kill B1 0..149 ms later: between or inside checkpoints
	sleep "$(printf '0.%03d' $(((SEED * 53) % 150)))"
	KILL2=$(date +%s%N)
	kill_backup1
	wait_log "$D/backup2.log" "backup: now the master"
	wait_exit IL "$IL"
	wait_exit OL "$OL"
	# as in t_dpkill.sh: a new master with nothing left to do sees no
	# traffic of its own; stop it once the loggers are gone
	for _ in $(seq 50); do kill -0 "$BACKUP2" 2>/dev/null || break; sleep 0.1; done
	kill -TERM "$BACKUP2" 2>/dev/null
	wait_exit B2 "$BACKUP2"
	exact "$D" "$SEED" 1
	need_stat "$D/il.log" malformed -eq 1
	need_stat "$D/il.log" takeovers -eq 2
	need_stat "$D/ol.log" takeovers -eq 2
	need_stat "$D/backup2.log" takeovers -eq 1
	# the 2 stray frames, and now and then a late frame of a backup on a
	# link that is no longer its own (a resend in flight at a takeover):
	# counted the same way, ignored (seen: OL wrong_link=3)
	need_stat "$D/il.log" wrong_link -ge 2
	need_stat "$D/ol.log" wrong_link -ge 2
	need_stat "$D/backup2.log" ckpt_accepted -ge 1
	[ "$(grep -c 'takeover by the backup' "$D/il.log")" -eq 2 ] ||
		fail "seed $SEED: the IL acted on a takeover other than B1's and B2's"
	dg=$(counter "$D/backup2.log" state_digest)
	[ "$dg" = "$REF_DIGEST" ] ||
		fail "seed $SEED: state digest after two takeovers $dg, failure-free run $REF_DIGEST"
	f1=$(sed -n 's/.*OL: first release after the takeover at \([0-9]*\).*/\1/p' "$D/ol.log" | sed -n 1p)
	f2=$(sed -n 's/.*OL: first release after the takeover at \([0-9]*\).*/\1/p' "$D/ol.log" | sed -n 2p)
	msg="seed $SEED: B1 took over from checkpoint $(sed -n 's/.*taking over from checkpoint \([0-9]*\).*/\1/p' "$D/backup.log"), B2 from $(sed -n 's/.*taking over from checkpoint \([0-9]*\).*/\1/p' "$D/backup2.log") ($(counter "$D/backup2.log" pkts_in) inputs processed as master); B2 stored $(counter "$D/backup2.log" ckpt_accepted) images, IL covers $(counter "$D/il.log" covers), $(counter "$D/ol.log" dup_suppressed) outputs suppressed"
	since() { # NS_FIRST_RELEASE NS_KILL
		if [ "$1" -lt "$2" ]; then echo "before the kill (a false suspicion: the machine stalled)"
		else echo "$(( ($1 - $2) / 1000 )) us"; fi
	}
	[ -n "$f1" ] && msg="$msg; kill->first release: takeover 1 $(since "$f1" "$KILL1")"
	[ -n "$f2" ] && msg="$msg, takeover 2 $(since "$f2" "$KILL2")"
	msg="$msg; B1: $(grep -o 'detect->restore.*' "$D/backup.log" | head -1); B2: $(grep -o 'detect->restore.*' "$D/backup2.log" | head -1)"
	echo "$msg"
	rm -f "$D"/*.pcap
done
echo "PASS: $MB: master killed, B1 took over, fresh backup B2 protected it, B1 killed, B2 took over: outputs and state exact, seeds $SEEDS"
