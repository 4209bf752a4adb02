#!/usr/bin/env python3
"""gen_trace.py EXAMPLE SEED OUT: the failover tests' input for one seed.

Writes the recovery driver's trace format (one packet a line,
"<in_port> <hex frame>"; in_port 0 = inside, 1 = outside) with a header
of '#' lines the checker reads back:
  # example <name>
  # pkt <id> <fields...>        what the generator meant by packet <id>

Traffic per example (deterministic from the seed):
  firewall  UDP flows with replies, TCP connections (SYN, SYN-ACK, ACK,
            data both ways, FINs), unsolicited inbound packets and
            outbound TCP without SYN; both directions of a flow are given
            ports that make the recovery node's flow hash put them on the
            same core (for 1 and 2 cores), so each flow is processed in
            trace order and its verdicts do not depend on how the cores
            interleave: a failure-free run gives every packet's verdict.
  lb        requests from clients to the VIP (192.0.2.1:80), several
            packets per flow.
  ratelimit outbound packets of 8 tenants (/24 subnets), from several
            hosts: odd tenants 5..20 packets (within the burst of 20), even
            ones 25..59 (over it), plus inbound packets (never limited).
  ids       packets both ways with random lowercase payloads; about one in
            six carries exactly one of the default signatures.
"""
import random
import struct
import sys

N_CORES_CHECKED = (1, 2)
SIGS = [b"/etc/passwd", b"cmd.exe", b"UNION SELECT", b"\x90" * 8]


def ip(a):
    return struct.pack("!I", a)


def frame(sip, dip, sport, dport, proto, payload, tcp_flags=0, seq=0):
    if proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    else:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, tcp_flags,
                         65535, 0, 0) + payload
    iph = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0) + ip(sip) + ip(dip)
    f = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00" + iph + l4
    return f + b"\x00" * max(0, 60 - len(f))


def node_core_hash(f):
    """The recovery node's flow_core() hash (runtime/ckpt/src/node_master.c)."""
    h = 0xcbf29ce484222325
    for b in f[26:38]:
        h ^= b
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h


def same_core(sip, dip, sport, dport):
    a = node_core_hash(frame(sip, dip, sport, dport, 17, b""))
    b = node_core_hash(frame(dip, sip, dport, sport, 17, b""))
    return all(a % n == b % n for n in N_CORES_CHECKED)


def interleave(rng, flows):
    """Merges per-flow packet lists at random, keeping each flow's order."""
    out, live = [], [list(f) for f in flows if f]
    while live:
        f = rng.choice(live)
        out.append(f.pop(0))
        if not f:
            live.remove(f)
    return out


def pay(rng, n):
    return bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(n))


def gen_firewall(rng):
    flows, used = [], set()
    TCP_SYN, TCP_ACK, TCP_FIN, TCP_PSH = 0x02, 0x10, 0x01, 0x08

    def tuple_():
        while True:
            sip = 0x0a000000 | rng.randrange(1, 60000)
            dip = 0xc6336400 | rng.randrange(1, 250)
            sport, dport = rng.randrange(1024, 65000), rng.choice([53, 80, 443, 8080])
            if (sip, sport) not in used and same_core(sip, dip, sport, dport):
                used.add((sip, sport))
                return sip, dip, sport, dport

    for k in range(40):
        kind = rng.choice(["udp", "udp", "tcp", "tcp", "unsolicited", "nosyn"])
        sip, dip, sport, dport = tuple_()
        pk = []
        out = lambda proto, fl=0, p=b"": (0, frame(sip, dip, sport, dport, proto, p or pay(rng, 20), fl), kind)
        inn = lambda proto, fl=0, p=b"": (1, frame(dip, sip, dport, sport, proto, p or pay(rng, 20), fl), kind)
        if kind == "udp":
            pk.append(out(17))
            for _ in range(rng.randrange(2, 30)):
                pk.append(rng.choice([out, inn])(17))
        elif kind == "tcp":
            pk += [out(6, TCP_SYN), inn(6, TCP_SYN | TCP_ACK), out(6, TCP_ACK)]
            for _ in range(rng.randrange(2, 25)):
                pk.append(rng.choice([out, inn])(6, TCP_ACK | TCP_PSH))
            if rng.random() < 0.5:
                pk += [out(6, TCP_FIN | TCP_ACK), inn(6, TCP_FIN | TCP_ACK), out(6, TCP_ACK)]
        elif kind == "unsolicited":
            for _ in range(rng.randrange(2, 15)):
                pk.append(inn(rng.choice([6, 17]), TCP_ACK))
        else:
            for _ in range(rng.randrange(2, 10)):
                pk.append(out(6, TCP_ACK | TCP_PSH))
        flows.append(pk)
    return [(port, f, kind) for port, f, kind in interleave(rng, flows)]


def gen_lb(rng):
    flows = []
    for k in range(48):
        sip = 0x0a000000 | rng.randrange(1, 60000)
        sport = 20000 + k          # unique per flow: names the flow in the dump
        proto = rng.choice([6, 17])
        flows.append([(0, frame(sip, 0xc0000201, sport, 80, proto, pay(rng, 24), 0x10), "flow%d" % sport)
                      for _ in range(rng.randrange(5, 40))])
    return interleave(rng, flows)


def gen_ratelimit(rng):
    flows = []
    for t in range(8):
        n = rng.randrange(5, 21) if t % 2 else rng.randrange(25, 60)   # under / over the burst of 20
        per_host = {}
        for _ in range(n):
            h = rng.randrange(1, 6)
            per_host.setdefault(h, []).append(h)
        for h, lst in per_host.items():
            sip, dip = 0x0a000000 | (t + 1) << 8 | h, 0xc6336400 | rng.randrange(1, 250)
            flows.append([(0, frame(sip, dip, 30000 + h, 80, 17, pay(rng, 16)),
                           "tenant %d" % ((0x0a000000 | (t + 1) << 8)))] * len(lst))
    for _ in range(4):   # inbound: passes whatever the buckets hold
        sip, dip = 0xc6336400 | rng.randrange(1, 250), 0x0a000100 | rng.randrange(1, 250)
        flows.append([(1, frame(sip, dip, 80, 40000, 17, pay(rng, 16)), "inbound")] *
                     rng.randrange(3, 15))
    return interleave(rng, flows)


def gen_ids(rng):
    flows = []
    for k in range(40):
        sip, dip = 0x0a000000 | rng.randrange(1, 60000), 0xc6336400 | rng.randrange(1, 250)
        sport, dport, proto = 40000 + k, rng.choice([80, 443, 21]), rng.choice([6, 17])
        pk = []
        for _ in range(rng.randrange(5, 40)):
            inbound = rng.random() < 0.3
            body, meta = pay(rng, rng.randrange(20, 120)), "clean"
            if rng.random() < 1 / 6:
                s = rng.randrange(len(SIGS))
                at = rng.randrange(len(body))
                body, meta = body[:at] + SIGS[s] + body[at:], "attack %d" % s
            if inbound:
                pk.append((1, frame(dip, sip, dport, sport, proto, body, 0x18), meta))
            else:
                pk.append((0, frame(sip, dip, sport, dport, proto, body, 0x18), meta))
        flows.append(pk)
    return interleave(rng, flows)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("firewall", "lb", "ratelimit", "ids"):
        sys.stderr.write("usage: gen_trace.py firewall|lb|ratelimit|ids SEED OUT\n")
        return 2
    name, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random("%s-%d" % (name, seed))
    pkts = globals()["gen_" + name](rng)
    with open(out, "w") as f:
        f.write("# example %s\n" % name)
        for i, (port, fr, meta) in enumerate(pkts, 1):
            f.write("# pkt %d %s\n" % (i, meta))
        for port, fr, meta in pkts:
            f.write("%d %s\n" % (port, fr.hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
