#!/usr/bin/env python3
"""cksum_sniff.py: check the checksums of the TCP frames a host receives.

    cksum_sniff.py IFACE --report FILE --stop FILE [--ready FILE]
                   [--src A] [--dst A] [--max N] [--timeout S]

Run inside a test namespace. Theory of operation: an AF_PACKET socket on
IFACE sees every frame the interface receives before the IP stack judges
it (offloads are off on the test's veths, so nothing arrives with a
checksum left to hardware). For each incoming IPv4 TCP frame it recomputes
the IPv4 header checksum and the TCP checksum (with the pseudo-header) from
scratch, and checks the addresses: --src / --dst are what every TCP frame
reaching this host must carry once the NAT translated it. It checks up to
--max frames (then only counts), stops when the --stop file exists or at
--timeout, and writes a JSON report: frames, checked, bad_ip, bad_tcp,
bad_addr, and the first bad frame described. The NAT updates checksums
incrementally (RFC 1624); a slip there shows up here as bad_tcp or bad_ip,
independently of whether the receiving kernel happens to verify them.
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def ones_sum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def check_frame(frame):
    """Returns None if not IPv4/TCP, else (ip_ok, tcp_ok, saddr, daddr)."""
    if len(frame) < 34 or frame[12:14] != b'\x08\x00':
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[0] >> 4 != 4 or ihl < 20 or ip[9] != 6:
        return None
    total = struct.unpack('!H', ip[2:4])[0]
    if total > len(ip) or total < ihl + 20:
        return (False, False, ip[12:16], ip[16:20])
    ip_ok = ones_sum(ip[:ihl]) == 0xffff
    seg = ip[ihl:total]
    pseudo = ip[12:20] + struct.pack('!BBH', 0, 6, len(seg))
    tcp_ok = ones_sum(pseudo + seg) == 0xffff
    return ip_ok, tcp_ok, ip[12:16], ip[16:20]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('iface')
    p.add_argument('--report', required=True)
    p.add_argument('--stop', required=True)
    p.add_argument('--ready')
    p.add_argument('--src')
    p.add_argument('--dst')
    p.add_argument('--max', type=int, default=20000)
    p.add_argument('--timeout', type=float, default=60)
    a = p.parse_args()
    want_src = socket.inet_aton(a.src) if a.src else None
    want_dst = socket.inet_aton(a.dst) if a.dst else None
    # protocol 0 until bound: a socket opened with ETH_P_ALL would take
    # frames of every interface until bind() names one
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((a.iface, ETH_P_ALL))
    # a deep buffer: python checks slower than the transfer delivers
    s.setsockopt(socket.SOL_SOCKET, getattr(socket, 'SO_RCVBUFFORCE', 33), 64 << 20)
    s.settimeout(0.2)
    if a.ready:
        open(a.ready, 'w').close()
    r = {'frames': 0, 'checked': 0, 'bad_ip': 0, 'bad_tcp': 0, 'bad_addr': 0, 'first_bad': None}
    deadline = time.monotonic() + a.timeout
    while not os.path.exists(a.stop) and time.monotonic() < deadline:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        except OSError as e:  # the interface went away: report what we have
            r['error'] = str(e)
            break
        if addr[2] == PACKET_OUTGOING:
            continue
        res = check_frame(frame)
        if res is None:
            continue
        r['frames'] += 1
        if r['checked'] >= a.max:
            continue
        r['checked'] += 1
        ip_ok, tcp_ok, src, dst = res
        addr_ok = (want_src is None or src == want_src) and (want_dst is None or dst == want_dst)
        r['bad_ip'] += not ip_ok
        r['bad_tcp'] += not tcp_ok
        r['bad_addr'] += not addr_ok
        if not (ip_ok and tcp_ok and addr_ok) and r['first_bad'] is None:
            r['first_bad'] = (f'{socket.inet_ntoa(src)} -> {socket.inet_ntoa(dst)} '
                              f'ip_ok={ip_ok} tcp_ok={tcp_ok} len={len(frame)} '
                              f'head={frame[:54].hex()}')
    with open(a.report, 'w') as f:
        json.dump(r, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
