#!/usr/bin/env python3
"""pcapcmp.py: compare two captures packet for packet within each flow.

usage: pcapcmp.py EXPECTED.pcap[,MORE.pcap] ACTUAL.pcap[,MORE.pcap] [--subset]

Several files joined by commas are read as one capture, in that order.

Flows are keyed by (src ip, dst ip, protocol, src port, dst port) for IPv4
TCP/UDP, else by the Ethernet header. Each flow's sequence of frames must
be identical in both files (frames of different flows may interleave
differently: the cores run in parallel). With --subset, ACTUAL may lack
frames, but what it has of each flow must be, in order, a subsequence of
EXPECTED's (used when a role was killed on purpose); an ACTUAL file of
0 bytes then counts as a capture with no frames (a role killed by SIGKILL
before net_pcap flushed even the file header). An empty EXPECTED is
an error unless --allow-empty. Exit 0 if equal.
"""
import struct
import sys
from collections import defaultdict


def read_pcap(path, killed_writer=False):
    with open(path, 'rb') as f:
        data = f.read()
    if killed_writer and not data:
        return []
    if len(data) < 24:
        raise SystemExit(f'{path}: not a pcap file')
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        endian = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        endian = '>'
    else:
        raise SystemExit(f'{path}: bad pcap magic {magic:#x}')
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        off += 16
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


def flow_key(f):
    if len(f) >= 34 and f[12:14] == b'\x08\x00':
        ihl = (f[14] & 0xf) * 4
        proto = f[23]
        ports = f[14 + ihl:14 + ihl + 4] if proto in (6, 17) else b''
        return (f[26:30], f[30:34], proto, ports)
    return ('eth', f[:14])


def by_flow(frames):
    flows = defaultdict(list)
    for f in frames:
        flows[flow_key(f)].append(f)
    return flows


def is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    subset = '--subset' in sys.argv
    if len(args) != 2:
        raise SystemExit(__doc__)
    exp = [f for p in args[0].split(',') for f in read_pcap(p)]
    act = [f for p in args[1].split(',') for f in read_pcap(p, killed_writer=subset)]
    fe, fa = by_flow(exp), by_flow(act)
    bad = 0
    for k in sorted(set(fe) | set(fa), key=repr):
        a, e = fa.get(k, []), fe.get(k, [])
        ok = is_subsequence(a, e) if subset else a == e
        if not ok:
            bad += 1
            if bad <= 5:
                print(f'flow {k!r}: expected {len(e)} frames, got {len(a)}', file=sys.stderr)
    print(f'pcapcmp: expected {len(exp)} frames in {len(fe)} flows, got {len(act)} in {len(fa)};'
          f' {bad} flow(s) differ', file=sys.stderr)
    if len(exp) == 0 and not subset and '--allow-empty' not in sys.argv:
        print('pcapcmp: expected capture is empty', file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
