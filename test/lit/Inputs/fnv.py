"""Prints FNV-1a 64 of argv[1] as ftmbcc spells it (0x%016xULL)."""
import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h ^= b
    h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
print("0x%016xULL" % h)
