#!/usr/bin/env python3
"""node_bad_input.py NODE: the recovery node meets bad input with a clear
error, never a crash.

  - bad command lines exit 2 with a message;
  - an unreachable IL/OL exits 1 with a message;
  - as master: a PKT whose lengths disagree is dropped with a log line and
    the node goes on (a valid PKT after it is processed: its OUTPUT comes
    back); an unknown message type is logged and ignored; a header with a
    bad magic is a protocol error: the node exits 1 without a signal.
"""
import socket
import struct
import subprocess
import sys
import time

node = sys.argv[1]
MAGIC, VERSION = 0xF7B1, 1
M_HELLO, M_PKT, M_OUTPUT = 1, 2, 4
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, timeout=10):
    p = subprocess.run([node] + args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stderr


rc, err = run(["--role", "nobody", "--ilol", "127.0.0.1:1"])
check(rc == 2 and "bad role" in err, "bad role refused (rc %d: %s)" % (rc, err.strip()))
rc, err = run(["--role", "master", "--ilol", "127.0.0.1"])
check(rc == 2 and "HOST:PORT" in err, "--ilol without port refused")
rc, err = run(["--role", "master", "--ilol", "127.0.0.1:99999"])
check(rc == 2 and "bad port" in err, "port out of range refused")
rc, err = run(["--role", "master", "--ilol", "127.0.0.1:9", "--cores", "0"])
check(rc == 2 and "--cores" in err, "--cores 0 refused")
rc, err = run(["--role", "master", "--ilol", "127.0.0.1:9", "--hb-interval-ms", "5",
               "--hb-timeout-ms", "5"])
check(rc == 2 and "must exceed" in err, "timeout <= interval refused")
rc, err = run(["--role", "master"])
check(rc == 2 and "usage" in err, "missing --ilol gives usage")

# Unreachable IL/OL: a port nobody listens on.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
dead_port = probe.getsockname()[1]
probe.close()
rc, err = run(["--role", "master", "--ilol", "127.0.0.1:%d" % dead_port], timeout=20)
check(rc == 1 and "cannot connect" in err, "unreachable IL/OL: rc 1 and a message")

# A live master fed bad messages.
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
port = ls.getsockname()[1]
p = subprocess.Popen([node, "--role", "master", "--ilol", "127.0.0.1:%d" % port, "--cores", "2"],
                     stderr=subprocess.PIPE, text=True)
ls.settimeout(10)
c, _ = ls.accept()
c.settimeout(10)


def recv_msg():
    hdr = b""
    while len(hdr) < 8:
        hdr += c.recv(8 - len(hdr))
    magic, ver, typ, ln = struct.unpack("<HBBI", hdr)
    body = b""
    while len(body) < ln:
        body += c.recv(ln - len(body))
    return typ, body


def send_msg(typ, payload, magic=MAGIC):
    c.sendall(struct.pack("<HBBI", magic, VERSION, typ, len(payload)) + payload)


def frame():
    f = bytearray(64)
    f[12], f[13], f[14], f[23] = 0x08, 0x00, 0x45, 17
    f[26:30] = bytes([10, 0, 0, 1])
    f[30:34] = bytes([192, 0, 2, 1])
    f[34:38] = bytes([0x27, 0x10, 0, 53])
    return bytes(f)


typ, body = recv_msg()
check(typ == M_HELLO, "master says HELLO first")
# PKT claiming 64 bytes of frame but carrying 10.
send_msg(M_PKT, struct.pack("<QQHHI", 1, 1000, 0, 64, 0) + b"x" * 10)
# Unknown message type.
send_msg(77, b"junk")
# A valid packet: its output must come back.
send_msg(M_PKT, struct.pack("<QQHHI", 2, 2000, 0, 64, 0) + frame())
got_output = False
deadline = time.time() + 10
while time.time() < deadline and not got_output:
    typ, body = recv_msg()
    if typ == M_OUTPUT:
        core, out_idx, pkt_id = struct.unpack("<IIQ", body[:16])
        got_output = pkt_id == 2
check(got_output, "the node goes on after a malformed PKT")
# Garbage header: protocol error, clean exit.
send_msg(M_PKT, b"", magic=0x1234)
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
err = p.stderr.read()
check(rc == 1, "protocol error: exit 1 (got %r)" % rc)
check("malformed PKT" in err, "malformed PKT logged")
check("unexpected message 77" in err, "unknown message logged")
check("protocol error" in err, "protocol error logged")
c.close()
ls.close()
if failures:
    sys.exit(1)
print("node_bad_input: ok")
