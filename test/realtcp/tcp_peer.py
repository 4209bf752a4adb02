#!/usr/bin/env python3
"""tcp_peer.py: the two ends of the real-TCP tests (python3 standard library).

    tcp_peer.py server --bind A --port P --conns N --report FILE
                       [--progress FILE] [--ready FILE] [--rate BYTES_PER_S] [--timeout S]
    tcp_peer.py client --connect A --port P --conns N --bytes B --report FILE
                       [--rate BYTES_PER_S] [--hold FRACTION=FILE ...] [--timeout S]

Theory of operation:
  The client opens --conns connections at once. On each it sends a header
  (magic, connection id, bytes up, bytes down), then both ends send their
  payload at the same time (random bytes, a sender thread per direction,
  paced to --rate if given) and read the other's until end of stream. Each
  end hashes what it sent and what it received with SHA-256 and writes one
  JSON line per connection to --report: the client its local address and
  port, the server the peer address and port it saw (the NAT's external
  ones when the translation happened). The test joins the two reports by
  connection id: a transfer is right when every hash sent equals the hash
  received at the other end and every byte count is complete.
  --hold F=FILE (client, upload direction): stop after the fraction F of
  the upload until FILE exists. The test uses it to act (kill an output
  logger) while every connection is known to be in the middle of its
  transfer, without depending on timing. The server publishes the bytes
  received per connection in --progress (rewritten atomically every
  100 ms) so the test can see the hold points were reached.
  Every wait is bounded: socket timeouts and an overall --timeout (SIGALRM);
  on any error the process exits non-zero with a message on stderr.
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

MAGIC = b'FTCP'
HEADER = struct.Struct('!4sIQQ')  # magic, connection id, bytes up, bytes down
CHUNK = 16384


class Failure(Exception):
    pass


def recv_exact(sock, n):
    buf = b''
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise Failure(f'connection closed after {len(buf)} of {n} header bytes')
        buf += part
    return buf


class Sender(threading.Thread):
    """Sends `total` random bytes (paced, with hold points), then shuts
    down the write side. Records the SHA-256 of what it sent."""

    def __init__(self, sock, total, rate, holds, deadline):
        super().__init__(daemon=True)
        self.sock, self.total, self.rate = sock, total, rate
        self.holds = sorted(holds)  # [(byte offset, file)]
        self.deadline = deadline
        self.sha = hashlib.sha256()
        self.sent = 0
        self.error = None

    def wait_hold(self, path):
        while not os.path.exists(path):
            if time.monotonic() > self.deadline:
                raise Failure(f'hold file {path} never appeared')
            time.sleep(0.02)

    def run(self):
        try:
            start = time.monotonic()
            holds = list(self.holds)
            while self.sent < self.total:
                if holds and self.sent >= holds[0][0]:
                    self.wait_hold(holds.pop(0)[1])
                    start = time.monotonic() - (self.sent / self.rate if self.rate else 0)
                    continue
                limit = holds[0][0] if holds else self.total
                data = os.urandom(min(CHUNK, limit - self.sent))
                self.sock.sendall(data)
                self.sha.update(data)
                self.sent += len(data)
                if self.rate:
                    ahead = self.sent / self.rate - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)
            self.sock.shutdown(socket.SHUT_WR)
        except (OSError, Failure) as e:
            self.error = f'send after {self.sent} bytes: {e}'


def receive_all(sock, expected, progress=None):
    """Reads until end of stream; returns (bytes, sha256 hex)."""
    sha = hashlib.sha256()
    n = 0
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sha.update(data)
        n += len(data)
        if progress is not None:
            progress(n)
        if n > expected:
            raise Failure(f'received {n} bytes, more than the {expected} announced')
    return n, sha.hexdigest()


def transfer(sock, up_or_down, expected, rate, holds, deadline, progress=None):
    sender = Sender(sock, up_or_down, rate, holds, deadline)
    sender.start()
    try:
        rx, rx_sha = receive_all(sock, expected, progress)
    finally:
        sender.join(max(0.0, deadline - time.monotonic()))
    if sender.is_alive():
        raise Failure('sender did not finish in time')
    if sender.error:
        raise Failure(sender.error)
    return {'tx_bytes': sender.sent, 'tx_sha': sender.sha.hexdigest(),
            'rx_bytes': rx, 'rx_sha': rx_sha}


def run_server(a, deadline):
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((a.bind, a.port))
    lst.listen(64)
    lst.settimeout(a.io_timeout)
    if a.ready:
        open(a.ready, 'w').close()
    received = {}
    results, errors = [], []
    lock = threading.Lock()

    def write_progress():
        with lock:
            snapshot = dict(received)
        tmp = a.progress + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(snapshot, f)
        os.replace(tmp, a.progress)

    def serve(conn, peer):
        try:
            conn.settimeout(a.io_timeout)
            magic, cid, up, down = HEADER.unpack(recv_exact(conn, HEADER.size))
            if magic != MAGIC:
                raise Failure(f'bad magic from {peer}')

            def progress(n):
                with lock:
                    received[str(cid)] = n
            progress(0)
            r = transfer(conn, down, up, a.rate, [], deadline, progress)
            r.update(id=cid, peer=list(peer), expected_rx=up)
            with lock:
                results.append(r)
        except (OSError, Failure, struct.error) as e:
            with lock:
                errors.append(f'{peer}: {e}')
        finally:
            conn.close()

    threads = []
    # the accept socket's own timeout bounds each wait for a connection
    for _ in range(a.conns):
        conn, peer = lst.accept()
        t = threading.Thread(target=serve, args=(conn, peer), daemon=True)
        t.start()
        threads.append(t)
    while any(t.is_alive() for t in threads):
        if a.progress:
            write_progress()
        if time.monotonic() > deadline:
            raise Failure('transfers not finished before the deadline')
        time.sleep(0.1)
    if a.progress:
        write_progress()
    return results, errors


def run_client(a, deadline):
    holds = []
    for h in a.hold:
        frac, _, path = h.partition('=')
        if not path or not 0 < float(frac) < 1:
            raise Failure(f'--hold {h}: expected FRACTION=FILE with 0 < FRACTION < 1')
        holds.append((int(float(frac) * a.bytes), path))
    results, errors = [], []
    lock = threading.Lock()

    def one(cid):
        try:
            s = socket.create_connection((a.connect, a.port), timeout=a.io_timeout)
            with s:
                s.sendall(HEADER.pack(MAGIC, cid, a.bytes, a.bytes))
                r = transfer(s, a.bytes, a.bytes, a.rate, holds, deadline)
                r.update(id=cid, local=list(s.getsockname()), expected_rx=a.bytes)
            with lock:
                results.append(r)
        except (OSError, Failure) as e:
            with lock:
                errors.append(f'connection {cid}: {e}')

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(a.conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            raise Failure('transfers not finished before the deadline')
    return results, errors


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('mode', choices=['server', 'client'])
    p.add_argument('--bind', default='0.0.0.0')
    p.add_argument('--connect')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--conns', type=int, default=1)
    p.add_argument('--bytes', type=int, default=2 << 20)
    p.add_argument('--rate', type=float, default=0, help='bytes per second per direction (0: as fast as TCP goes)')
    p.add_argument('--hold', action='append', default=[])
    p.add_argument('--report', required=True)
    p.add_argument('--progress')
    p.add_argument('--ready', help='server: create this file once listening')
    p.add_argument('--timeout', type=float, default=60, help='overall deadline, seconds')
    p.add_argument('--io-timeout', type=float, default=20, help='longest silence on a socket')
    a = p.parse_args()
    if a.mode == 'client' and not a.connect:
        p.error('client needs --connect')
    if a.conns < 1 or a.bytes < 0 or a.rate < 0:
        p.error('--conns must be >= 1, --bytes and --rate >= 0')
    signal.signal(signal.SIGALRM, lambda *_: os._exit(3))  # hard bound
    signal.alarm(int(a.timeout) + 5)
    deadline = time.monotonic() + a.timeout
    try:
        results, errors = (run_server if a.mode == 'server' else run_client)(a, deadline)
    except (OSError, Failure, ValueError) as e:
        print(f'tcp_peer {a.mode}: {e}', file=sys.stderr)
        return 1
    with open(a.report, 'w') as f:
        for r in sorted(results, key=lambda r: r['id']):
            f.write(json.dumps(r) + '\n')
    for e in errors:
        print(f'tcp_peer {a.mode}: {e}', file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
