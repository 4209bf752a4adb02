#!/usr/bin/env python3
"""ftmb_telemetry.py: query a running ftmb role's DPDK telemetry socket.

usage: ftmb_telemetry.py FILE_PREFIX [COMMAND]   (default /ftmb/stats)

FILE_PREFIX is the role's EAL --file-prefix; the socket is
/var/run/dpdk/<prefix>/dpdk_telemetry.v2 (what dpdk-telemetry.py reads).
Other commands: / (list), /info, /ethdev/stats,<port>, ...
"""
import json
import socket
import sys


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    path = f'/var/run/dpdk/{sys.argv[1]}/dpdk_telemetry.v2'
    cmd = sys.argv[2] if len(sys.argv) > 2 else '/ftmb/stats'
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
    except OSError as e:
        raise SystemExit(f'{path}: {e.strerror} (is the role running with that --file-prefix?)')
    info = json.loads(s.recv(4096))
    s.send(cmd.encode())
    reply = json.loads(s.recv(info.get('max_output_len', 65536)))
    print(json.dumps(reply, indent=1))


if __name__ == '__main__':
    main()
