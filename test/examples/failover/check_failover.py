#!/usr/bin/env python3
"""check_failover.py EXAMPLE TRACE RUN [--ref REF] [--identical]

Checks one failover run of an example against its trace (gen_trace.py),
from the recovery driver's --outputs-dir file RUN ("out <pkt> <idx> <port>
<hex>", "drop <pkt>", "dump <text>", "digest <hex>"). The driver already
checked that no output was released twice, that suppressed duplicates
were byte-identical, and that every packet was decided; this checks what
matters for the example (exit 1 with the reasons):

  firewall   REF (a failure-free run over the same trace) required: the
             same packets pass and the same drop, each passed packet
             leaves unchanged by the opposite port; the connection table
             is sound (table_bad=0) and its counters and per-state counts
             equal the failure-free run's; packets dropped by design exist.
  lb         every request passes, each flow's packets all go to one
             backend (the one the table holds for the flow), lb_load ==
             the table's recount == flows per backend in the released
             packets, loads differ by at most one (least loaded, no
             expiry), new == flows.
  ratelimit  per tenant: passed == released, passed + dropped == the
             trace's packets, passed == min(burst, packets) (--rate 0:
             tokens never overspent, none lost), granted == burst,
             tokens == granted - passed; inbound packets all pass.
  ids        every packet forwarded unchanged exactly once; each attack
             packet has exactly one alert, of its signature, released
             with it; alert sequence numbers are exactly 1..N (gapless,
             each once); ids_alert_seq == N, per-signature counts right,
             no emit failure.
  --identical  RUN and REF (1 core) hold the same outputs, drops and dump.
"""
import re
import sys


def read_trace(path):
    meta, pkts = {}, [None]
    with open(path) as f:
        for line in f:
            if line.startswith("# pkt "):
                _, _, i, rest = line.rstrip("\n").split(" ", 3)
                meta[int(i)] = rest
            elif line and line[0] in "01":
                port, hexf = line.split()
                pkts.append((int(port), bytes.fromhex(hexf)))
    return pkts, meta


def read_run(path):
    outs, drops, dump, digest = {}, set(), None, None
    with open(path) as f:
        for line in f:
            w = line.rstrip("\n").split(" ", 1)
            if w[0] == "out":
                pkt, idx, port, hexf = w[1].split()
                outs.setdefault(int(pkt), {})[int(idx)] = (int(port), bytes.fromhex(hexf))
            elif w[0] == "drop":
                drops.add(int(w[1]))
            elif w[0] == "dump":
                dump = w[1] if len(w) > 1 else ""
            elif w[0] == "digest":
                digest = w[1]
    if dump is None:
        raise SystemExit("%s: no dump line (run incomplete)" % path)
    return outs, drops, dump, digest


def kv(dump):
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", dump))


class Checker:
    def __init__(self):
        self.errors = []

    def req(self, cond, msg):
        if not cond and len(self.errors) < 20:
            self.errors.append(msg)
        return cond


def ip4(f, off):
    return int.from_bytes(f[off:off + 4], "big")


def check_firewall(c, trace, meta, run, ref):
    pkts, (outs, drops, dump, _) = trace, run
    if not c.req(ref is not None, "firewall: needs --ref (a failure-free run)"):
        return
    r_outs, r_drops, r_dump, _ = ref
    c.req(drops == r_drops, "verdicts differ from the failure-free run: dropped here only %s, "
          "there only %s" % (sorted(drops - r_drops)[:10], sorted(r_drops - drops)[:10]))
    for i in range(1, len(pkts)):
        port, f = pkts[i]
        if i in outs:
            o = outs[i]
            c.req(list(o) == [0] and o[0] == (1 - port, f),
                  "packet %d left changed, twice, or by the wrong port" % i)
    d, rd = kv(dump), kv(r_dump)
    c.req(d.get("table_bad") == "0", "connection table unsound: %s" % dump)
    for k in ("live", "chained", "free", "pass_out", "pass_in", "drop_in", "drop_out", "new",
              "states", "invalid"):
        c.req(d.get(k) == rd.get(k), "%s=%s, failure-free run %s" % (k, d.get(k), rd.get(k)))
    c.req(int(d.get("pass_out", 0)) + int(d.get("pass_in", 0)) == len(outs),
          "pass counters %s/%s, %d packets released" % (d.get("pass_out"), d.get("pass_in"),
                                                        len(outs)))
    c.req(len(drops) > 0 and len(outs) > 0, "trace exercises no drop or no pass")
    for i in drops:
        c.req(meta[i] != "udp" or pkts[i][0] == 1, "outbound UDP packet %d dropped" % i)


def check_lb(c, trace, meta, run, ref):
    pkts, (outs, drops, dump, _) = trace, run
    c.req(not drops, "requests dropped: %s" % sorted(drops)[:10])
    d = kv(dump)
    backend_of = {}
    for i in range(1, len(pkts)):
        if i not in outs:
            continue
        o = outs[i]
        if not c.req(list(o) == [0] and o[0][0] == 1, "packet %d: outputs %s" % (i, list(o))):
            continue
        f_in, f_out = pkts[i][1], o[0][1]
        sport = int.from_bytes(f_in[34:36], "big")
        be = ip4(f_out, 30)
        c.req(f_out[26:30] == f_in[26:30] and f_out[34:38] == f_in[34:38],
              "packet %d: source or ports rewritten" % i)
        prev = backend_of.setdefault(sport, be)
        c.req(prev == be, "flow %d changed backend: %08x then %08x (packet %d)" % (sport, prev, be, i))
    backends = sorted(set(backend_of.values()))
    table = dict(tuple(map(int, x.split(":"))) for x in d.get("flows", "").split(",") if x)
    c.req(d.get("table_bad") == "0", "flow table unsound: %s" % dump)
    c.req(set(table) == set(backend_of), "flows in the table %d, flows seen %d" %
          (len(table), len(backend_of)))
    loads = [int(x) for x in d.get("loads", "").split(",") if x]
    recount = [int(x) for x in d.get("recount", "").split(",") if x]
    c.req(loads == recount, "lb_load %s, table holds %s" % (loads, recount))
    per_backend = [0] * len(loads)
    # Backend index of each flow from the table; its address from the packets.
    addr_of_index = {}
    for sport, idx in table.items():
        if sport in backend_of and c.req(idx < len(loads), "backend index %d" % idx):
            per_backend[idx] += 1
            a = addr_of_index.setdefault(idx, backend_of[sport])
            c.req(a == backend_of[sport], "flow %d: table backend %d is %08x, packets went to %08x"
                  % (sport, idx, a, backend_of[sport]))
    c.req(per_backend == loads, "flows per backend %s, lb_load %s" % (per_backend, loads))
    c.req(loads and max(loads) - min(loads) <= 1, "loads not balanced: %s" % loads)
    c.req(int(d.get("new", -1)) == len(backend_of) == int(d.get("live", -1)),
          "new=%s live=%s, %d flows" % (d.get("new"), d.get("live"), len(backend_of)))
    c.req(len(backends) > 1, "all flows on one backend")


def check_ratelimit(c, trace, meta, run, ref, burst):
    pkts, (outs, drops, dump, _) = trace, run
    n_t, rel_t = {}, {}
    for i in range(1, len(pkts)):
        port, f = pkts[i]
        if i in outs:
            c.req(list(outs[i]) == [0] and outs[i][0] == (1 - port, f),
                  "packet %d left changed or twice" % i)
        if port == 1:
            c.req(i in outs, "inbound packet %d dropped" % i)
            continue
        t = ip4(f, 26) & 0xffffff00
        n_t[t] = n_t.get(t, 0) + 1
        rel_t[t] = rel_t.get(t, 0) + (i in outs)
    buckets = {}
    for m in re.finditer(r"b=(\d+)/(\d+)/(\d+)/(\d+)/(\d+)", dump):
        t, passed, dropped, granted, tokens = map(int, m.groups())
        buckets[t] = (passed, dropped, granted, tokens)
    c.req(set(buckets) == set(n_t), "tenants in the buckets %s, in the trace %s" %
          (sorted(buckets), sorted(n_t)))
    for t, n in n_t.items():
        if t not in buckets:
            continue
        passed, dropped, granted, tokens = buckets[t]
        c.req(passed == rel_t[t], "tenant %08x: passed=%d, %d released" % (t, passed, rel_t[t]))
        c.req(passed + dropped == n, "tenant %08x: passed+dropped=%d, trace has %d" %
              (t, passed + dropped, n))
        c.req(passed == min(burst, n), "tenant %08x: %d passed, burst %d of %d packets" %
              (t, passed, burst, n))
        c.req(granted == burst * 1000 and tokens == granted - passed * 1000,
              "tenant %08x: granted %d, tokens %d after %d passed" % (t, granted, tokens, passed))
    c.req(any(n > burst for n in n_t.values()) and any(n <= burst for n in n_t.values()),
          "trace has no tenant over (or under) the burst")


ALERT = re.compile(rb"ftmb-ids: seq=(\d+) sig=(\d+) ")


def check_ids(c, trace, meta, run, ref):
    pkts, (outs, drops, dump, _) = trace, run
    c.req(not drops, "packets dropped: %s" % sorted(drops)[:10])
    seqs, per_sig = [], {}
    for i in range(1, len(pkts)):
        port, f = pkts[i]
        o = outs.get(i, {})
        attack = meta[i].startswith("attack")
        want = 2 if attack else 1
        if not c.req(sorted(o) == list(range(want)), "packet %d (%s): outputs %s" %
                     (i, meta[i], sorted(o))):
            continue
        c.req(o[want - 1] == (1 - port, f), "packet %d forwarded changed or by the wrong port" % i)
        if attack:
            m = ALERT.search(o[0][1])
            if c.req(m is not None, "packet %d: output 0 is not an alert" % i):
                seq, sig = int(m.group(1)), int(m.group(2))
                seqs.append(seq)
                per_sig[sig] = per_sig.get(sig, 0) + 1
                c.req(sig == int(meta[i].split()[1]), "packet %d: alert for signature %d, carries %s"
                      % (i, sig, meta[i]))
    n = len(seqs)
    c.req(sorted(seqs) == list(range(1, n + 1)), "alert sequence numbers not 1..%d once each: "
          "missing %s, repeated %s" % (n, sorted(set(range(1, n + 1)) - set(seqs))[:10],
                                       sorted(s for s in set(seqs) if seqs.count(s) > 1)[:10]))
    d = kv(dump)
    c.req(int(d.get("alert_seq", -1)) == n, "ids_alert_seq=%s, %d alerts" % (d.get("alert_seq"), n))
    c.req(d.get("emit_failed") == "0", "alerts not queued: %s" % d.get("emit_failed"))
    counts = [int(x) for x in d.get("alerts", "").split(",") if x]
    c.req(counts == [per_sig.get(s, 0) for s in range(len(counts))],
          "alerts per signature %s, released %s" % (counts, per_sig))
    c.req(n > 0, "trace has no attack")


def main(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("example", choices=["firewall", "lb", "ratelimit", "ids"])
    ap.add_argument("trace")
    ap.add_argument("run")
    ap.add_argument("--ref")
    ap.add_argument("--identical", action="store_true")
    ap.add_argument("--burst", type=int, default=20)
    a = ap.parse_args(argv)
    pkts, meta = read_trace(a.trace)
    run = read_run(a.run)
    ref = read_run(a.ref) if a.ref else None
    c = Checker()
    if a.example == "ratelimit":
        check_ratelimit(c, pkts, meta, run, ref, a.burst)
    else:
        globals()["check_" + a.example](c, pkts, meta, run, ref)
    if a.identical:
        if c.req(ref is not None, "--identical needs --ref"):
            c.req(run[0] == ref[0], "outputs differ from the failure-free run")
            c.req(run[1] == ref[1], "drops differ from the failure-free run")
            c.req(run[2] == ref[2], "dump differs: '%s' vs '%s'" % (run[2], ref[2]))
            c.req(run[3] == ref[3], "state digest %s, failure-free %s" % (run[3], ref[3]))
    if c.errors:
        for e in c.errors:
            sys.stderr.write("check_failover %s %s: %s\n" % (a.example, a.run, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
