#!/usr/bin/env python3
"""check_transfer.py: judge one run of tcp_peer.py (client and server reports).

    check_transfer.py CLIENT_REPORT SERVER_REPORT --conns N --bytes B
                      --inside-ip A [--external-ip X --port-range LO-HI]

Theory of operation: the reports hold one JSON line per finished connection,
keyed by the connection id the client sent in its header. A run is right
when all N connections finished at both ends, each direction carried B
bytes, and the SHA-256 of what one end sent equals the SHA-256 of what the
other end received. With --external-ip (a NAT in the path) the server must
have seen every connection come from the external address with a port of
the pool, distinct per connection (one mapping per flow), while the client
used its inside address: the translation really happened. Without it (no
NAT expected) nothing is checked about addresses. Exit 0 when right, 1
with one line per problem otherwise.
"""
import argparse
import json
import sys


def load(path):
    with open(path) as f:
        return {r['id']: r for r in map(json.loads, filter(str.strip, f))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('client')
    p.add_argument('server')
    p.add_argument('--conns', type=int, required=True)
    p.add_argument('--bytes', type=int, required=True)
    p.add_argument('--inside-ip', required=True)
    p.add_argument('--external-ip')
    p.add_argument('--port-range', default='10000-19999')
    a = p.parse_args()
    problems = []
    try:
        cl, sv = load(a.client), load(a.server)
    except (OSError, ValueError, KeyError) as e:
        print(f'check_transfer: cannot read the reports: {e}', file=sys.stderr)
        return 1
    lo, hi = map(int, a.port_range.split('-'))
    ports = set()
    for cid in range(a.conns):
        c, s = cl.get(cid), sv.get(cid)
        if c is None or s is None:
            problems.append(f'connection {cid}: missing at the {"client" if c is None else "server"}')
            continue
        for who, r in (('client', c), ('server', s)):
            if r['tx_bytes'] != a.bytes or r['rx_bytes'] != a.bytes:
                problems.append(f'connection {cid}: {who} sent {r["tx_bytes"]}, received '
                                f'{r["rx_bytes"]} bytes, expected {a.bytes} each way')
        if c['tx_sha'] != s['rx_sha']:
            problems.append(f'connection {cid}: upload differs (client sent {c["tx_sha"][:16]}, '
                            f'server got {s["rx_sha"][:16]})')
        if s['tx_sha'] != c['rx_sha']:
            problems.append(f'connection {cid}: download differs (server sent {s["tx_sha"][:16]}, '
                            f'client got {c["rx_sha"][:16]})')
        if c['local'][0] != a.inside_ip:
            problems.append(f'connection {cid}: client used {c["local"][0]}, not {a.inside_ip}')
        if a.external_ip:
            addr, port = s['peer']
            if addr != a.external_ip or not lo <= port <= hi:
                problems.append(f'connection {cid}: server saw {addr}:{port}, expected '
                                f'{a.external_ip}:{lo}-{hi} (no translation?)')
            if port in ports:
                problems.append(f'connection {cid}: external port {port} used twice')
            ports.add(port)
    for pr in problems:
        print(f'check_transfer: {pr}', file=sys.stderr)
    if not problems:
        seen = ', '.join(f'{sv[i]["peer"][0]}:{sv[i]["peer"][1]}' for i in range(a.conns))
        print(f'check_transfer: {a.conns} connections x {a.bytes} bytes each way, '
              f'hashes equal; server saw {seen}', file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
