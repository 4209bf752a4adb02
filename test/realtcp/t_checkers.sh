#!/usr/bin/env bash
# The judges of the real-TCP tests must be able to fail: check_transfer.py
# on reports that are right, then each kind of wrong (a hash differs, a
# byte short, a connection missing, no translation, one external port
# twice, an unreadable report); cksum_sniff.py's frame check on a right
# frame and on frames with a damaged TCP or IPv4 checksum; tcp_peer.py
# refusing bad options. Needs no root and no network.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# the interpreter itself, not a version-manager shim (much faster to start)
PY=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 is needed" >&2; exit 1; }
T=$(mktemp -d /tmp/ftmb-realtcp-check.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# make CASE: writes $T/c.json and $T/s.json for 2 connections, one fault
make() {
	"$PY" - "$T" "$1" <<'PY'
import json, sys
d, case = sys.argv[1], sys.argv[2]
B = 1000
cl, sv = [], []
for i in range(2):
    up, down = f'{i}a' * 32, f'{i}b' * 32
    cl.append(dict(id=i, local=['10.77.0.2', 40000 + i], tx_bytes=B, tx_sha=up, rx_bytes=B, rx_sha=down))
    sv.append(dict(id=i, peer=['10.88.0.1', 20000 + i], tx_bytes=B, tx_sha=down, rx_bytes=B, rx_sha=up))
if case == 'hash': sv[1]['rx_sha'] = 'ff' * 32
if case == 'short': cl[0]['rx_bytes'] = B - 1
if case == 'missing': sv.pop()
if case == 'untranslated': sv[0]['peer'] = ['10.77.0.2', 40000]
if case == 'sameport': sv[1]['peer'][1] = 20000
for name, rows in (('c', cl), ('s', sv)):
    with open(f'{d}/{name}.json', 'w') as f:
        f.writelines(json.dumps(r) + '\n' for r in rows)
if case == 'garbage':
    open(f'{d}/s.json', 'w').write('{not json\n')
PY
}
judge() {
	"$PY" "$HERE/check_transfer.py" "$T/c.json" "$T/s.json" --conns 2 --bytes 1000 \
		--inside-ip 10.77.0.2 --external-ip 10.88.0.1 --port-range 20000-29999 2>"$T/err"
}
make good; judge || fail "right reports judged wrong: $(cat "$T/err")"
for c in hash short missing untranslated sameport garbage; do
	make $c
	judge && fail "check_transfer.py accepted a '$c' fault"
	[ -s "$T/err" ] || fail "check_transfer.py gave no reason for '$c'"
done
"$PY" - "$HERE" <<'PY' || fail "cksum_sniff.py's frame check"
import sys, struct
sys.path.insert(0, sys.argv[1])
from cksum_sniff import check_frame, ones_sum
def frame():
    ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + 20 + 4, 1, 0, 64, 6, 0,
                               bytes([10, 88, 0, 1]), bytes([10, 88, 0, 2])))
    ip[10:12] = struct.pack('!H', 0xffff - ones_sum(bytes(ip)))
    tcp = bytearray(struct.pack('!HHIIBBHHH', 20000, 5001, 1, 0, 0x50, 0x18, 1000, 0, 0)) + b'data'
    pseudo = bytes(ip[12:20]) + struct.pack('!BBH', 0, 6, len(tcp))
    tcp[16:18] = struct.pack('!H', 0xffff - ones_sum(pseudo + bytes(tcp)))
    return bytearray(b'\x02' * 12 + b'\x08\x00') + ip + tcp
good = frame()
assert check_frame(bytes(good))[:2] == (True, True), 'right frame judged wrong'
bad_tcp = frame(); bad_tcp[-1] ^= 1
assert check_frame(bytes(bad_tcp))[:2] == (True, False), 'damaged TCP checksum missed'
bad_ip = frame(); bad_ip[14 + 8] -= 1   # TTL changed, header checksum not
assert check_frame(bytes(bad_ip))[0] is False, 'damaged IPv4 checksum missed'
arp = bytes(12) + b'\x08\x06' + bytes(28)
assert check_frame(arp) is None, 'non-IPv4 frame checked'
PY
"$PY" "$HERE/tcp_peer.py" client --connect 127.0.0.1 --port 1 --report "$T/x" \
	--hold 2=/nonexistent 2>"$T/err" && fail "tcp_peer.py accepted --hold 2=FILE"
grep -q "FRACTION" "$T/err" || fail "tcp_peer.py gave no reason for a bad --hold: $(cat "$T/err")"
"$PY" "$HERE/tcp_peer.py" client --port 1 --report "$T/x" 2>/dev/null &&
	fail "tcp_peer.py client accepted no --connect"
echo "PASS: the checkers catch every fault they are shown"
