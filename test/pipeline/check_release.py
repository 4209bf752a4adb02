#!/usr/bin/env python3
"""check_release.py: verify an output logger's --event-log offline.

usage: check_release.py EVENTS [--min-releases N]

Lines: "P core pos pkt_id" (a PAL accepted, in order), "H core pkt out V..."
(an output held with vector V), "R core pkt out R..." (released, with R at
that moment). Checks, independently of the OL's code:
  1. PALs of each core are accepted gapless, in increasing positions;
  2. at every release, R[c] equals the PALs of core c accepted so far
     (the OL does not claim PALs it has not got);
  3. at every release, V <= R for the output's vector (SPEC §4);
  4. every PAL that the released output's own input packet made (found
     anywhere in the log) was accepted before the release;
  5. no output is released twice, and each released output was held.
Exit 0 when all hold; prints the first violations otherwise.
"""
import sys
from collections import defaultdict


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    path = args[0]
    min_rel = int(args[args.index('--min-releases') + 1]) if '--min-releases' in args else 1
    lines = [l.split() for l in open(path) if l.strip()]
    pals_of = defaultdict(list)   # pkt_id -> [(core, pos)]
    for l in lines:
        if l[0] == 'P':
            pals_of[int(l[3])].append((int(l[1]), int(l[2])))
    nxt = {}                       # core -> next expected position
    accepted = defaultdict(int)    # core -> end position accepted so far
    held, released = {}, set()
    errors = []
    for i, l in enumerate(lines, 1):
        kind = l[0]
        if kind == 'P':
            c, pos = int(l[1]), int(l[2])
            if c in nxt and pos != nxt[c]:
                errors.append(f'line {i}: PAL of core {c} at {pos}, expected {nxt[c]}')
            nxt[c] = pos + 1
            accepted[c] = pos + 1
        elif kind == 'H':
            held[(int(l[2]), int(l[3]))] = [int(x) for x in l[4:]]
        elif kind == 'R':
            key = (int(l[2]), int(l[3]))
            R = [int(x) for x in l[4:]]
            if key in released:
                errors.append(f'line {i}: output {key} released twice')
            released.add(key)
            V = held.get(key)
            if V is None:
                errors.append(f'line {i}: output {key} released but never held')
                continue
            # what the log shows accepted so far is the authority, not R
            A = [accepted[c] for c in range(len(R))]
            for c, r in enumerate(R):
                if r != A[c]:
                    errors.append(f'line {i}: R[{c}]={r} but {A[c]} PALs accepted')
            if any(v > a for v, a in zip(V, A)):
                errors.append(f'line {i}: output {key} released early: V={V} accepted={A}')
            for (c, pos) in pals_of.get(key[0], []):
                if pos >= A[c]:
                    errors.append(f'line {i}: output {key} released before its PAL '
                                  f'(core {c}, position {pos}) arrived ({A[c]} accepted)')
        else:
            errors.append(f'line {i}: unknown event {kind}')
    for e in errors[:10]:
        print('check_release:', e, file=sys.stderr)
    print(f'check_release: {sum(1 for l in lines if l[0] == "P")} PALs, {len(held)} held, '
          f'{len(released)} released, {len(errors)} violation(s)', file=sys.stderr)
    if len(released) < min_rel:
        print(f'check_release: fewer than {min_rel} releases', file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
