#!/usr/bin/env python3
"""Counts the instructions of the hot loop in C2's output for one method.

usage: loop-instructions.py ASM_FILE

ASM_FILE is what -XX:CompileCommand=print,CLASS::METHOD printed (with bench/tools/hsdis.sh
installed). The last full (non-OSR) C2 compilation is read; its loop is the first backward branch
after the first vfmadd. Prints the loop's instruction count, its FMAs, its stack accesses (spills)
and the instructions that are neither loads, broadcasts nor FMAs. Unlike a timing, the count does
not depend on how busy the machine is: the GEMM micro-kernel is bound by instructions issued, so
fewer instructions per FMA is faster (see VectorGemm's class comment).
"""
import re
import sys

text = open(sys.argv[1]).read().splitlines()
starts = [i for i, l in enumerate(text) if "Compiled method (c2)" in l and " % " not in l]
if not starts:
    sys.exit("no C2 compilation in " + sys.argv[1])
rows = []
for line in text[starts[-1]:]:
    m = re.match(r"\s*(0x[0-9a-f]+):\s+(.*)", line)
    if m:
        rows.append((int(m.group(1), 16), m.group(2).split(";")[0].strip()))
first = next(i for i, (_, t) in enumerate(rows) if "vfmadd" in t)
for j in range(first, len(rows)):
    m = re.match(r"j\w+ (0x[0-9a-f]+)", rows[j][1])
    if m and int(m.group(1), 16) < rows[j][0]:
        target = int(m.group(1), 16)
        break
else:
    sys.exit("no backward branch after the first FMA")
start = next(i for i, (a, _) in enumerate(rows) if a == target)
body = [t for _, t in rows[start:j + 1]]
fmas = sum("vfmadd" in t for t in body)
spills = sum("rsp" in t for t in body)
print(f"loop: {len(body)} instructions, {fmas} FMAs ({len(body) / max(fmas, 1):.2f} per FMA), {spills} stack accesses")
for t in body:
    if not re.match(r"(vfmadd|vbroadcast|vmovdqu ymm\d+, ymmword|vmovups ymm\d+, ymmword)", t):
        print("  " + t)
