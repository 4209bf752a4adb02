#!/usr/bin/env python3
"""dpcheck.py: exactly-once and NAT-mapping checks of a run with a failover,
for runs whose frames may legitimately differ from the unprotected run's
(several master cores: a NAT hands out ports in another order).

usage: dpcheck.py IN.pcap REF_OUT.pcap[,MORE] OUT.pcap[,MORE] [--nat]

Every frame of the generated captures carries its packet number in the UDP
payload (test/pipeline/pcapgen.c). Checks:
  - every packet number appears in OUT exactly as often as in REF_OUT
    (nothing duplicated, nothing lost, nothing extra);
  - with --nat: all outputs of one input flow (addresses and ports in IN)
    leave with one translated source (address, port), and no translated
    (address, port) serves two input flows (a public port is never given
    to two flows).
Exit 0 if every check passes.
"""
import struct
import sys
from collections import Counter


def frames(paths):
    for path in paths.split(','):
        with open(path, 'rb') as f:
            data = f.read()
        if len(data) < 24:
            raise SystemExit(f'{path}: not a pcap file')
        magic = struct.unpack('<I', data[:4])[0]
        e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        off = 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + 'I', data[off + 8:off + 12])[0]
            yield data[off + 16:off + 16 + incl]
            off += 16 + incl


def udp_fields(fr):
    """(src ip, src port, packet number, dst ip, dst port) of an IPv4 UDP
    frame, else None."""
    if len(fr) < 14 + 20 + 16 or fr[12:14] != b'\x08\x00' or fr[14 + 9] != 17:
        return None
    ihl = (fr[14] & 0x0f) * 4
    udp = 14 + ihl
    if len(fr) < udp + 16:
        return None
    sport = struct.unpack('>H', fr[udp:udp + 2])[0]
    num = struct.unpack("<I", fr[udp + 12:udp + 16])[0]
    dport = struct.unpack('>H', fr[udp + 2:udp + 4])[0]
    return (bytes(fr[26:30]), sport, num, bytes(fr[30:34]), dport)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    nat = '--nat' in sys.argv
    if len(args) != 3:
        raise SystemExit(__doc__)
    flow_of = {}
    for fr in frames(args[0]):
        u = udp_fields(fr)
        if u:
            flow_of[u[2]] = (u[0], u[1], u[3], u[4])
    ref = Counter(u[2] for u in map(udp_fields, frames(args[1])) if u)
    out = Counter()
    mapping, owner = {}, {}
    errors = []
    for fr in frames(args[2]):
        u = udp_fields(fr)
        if not u:
            continue
        out[u[2]] += 1
        if nat and u[2] in flow_of:
            f, t = flow_of[u[2]], (u[0], u[1])
            if mapping.setdefault(f, t) != t:
                errors.append(f'flow {f} left as {mapping[f]} and as {t}')
            if owner.setdefault(t, f) != f:
                errors.append(f'translated {t} serves flows {owner[t]} and {f}')
    # a middlebox may send one input out more than once (mb_emit copies):
    # each number must come out as often as in the unprotected run
    dups = sorted(n for n, k in out.items() if n in ref and k > ref[n])
    lost = sorted(n for n, k in ref.items() if out[n] < k)
    extra = sorted(set(out) - set(ref))
    if dups:
        errors.append(f'{len(dups)} packets released more than once, e.g. {dups[:5]}')
    if lost:
        errors.append(f'{len(lost)} packets lost, e.g. {lost[:5]}')
    if extra:
        errors.append(f'{len(extra)} packets that the unprotected run did not send, e.g. {extra[:5]}')
    for e in errors[:10]:
        print('dpcheck: ' + e, file=sys.stderr)
    print(f'dpcheck: {sum(out.values())} outputs, {len(ref)} expected'
          + (f', {len(mapping)} flows translated' if nat else ''), file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
