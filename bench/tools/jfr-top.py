#!/usr/bin/env python3
"""Where a JFR recording spent its time and allocated its memory, as three short tables.

    jfr-top.py recording.jfr [--top 25] [--jfr PATH]

Reads the recording through `jfr print --json` (the JDK's own tool: $JAVA_HOME/bin/jfr, or `jfr`
on PATH) and prints:
  1. self time: the method at the top of each jdk.ExecutionSample stack, as a share of samples;
  2. total time: each dev.cnn method anywhere on a sample's stack (counted once per sample);
  3. allocation: jdk.ObjectAllocationSample weight (bytes) by the first dev.cnn frame of the
     allocating stack, with the allocated class.
Run bench/tools/profile-train.sh to record a training run and print these tables.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys


def frames(event):
    st = event["values"].get("stackTrace")
    if not st:
        return []
    out = []
    for f in st["frames"]:
        m = f["method"]
        cls = m["type"]["name"].replace("/", ".")
        out.append(cls.rsplit(".", 1)[-1] + "." + m["name"])
        out[-1] = (out[-1], cls.startswith("dev.cnn"))
    return out


def load(jfr, path, events):
    text = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", events, path],
                          check=True, capture_output=True, text=True).stdout
    return json.loads(text)["recording"]["events"]


def table(title, counter, total, unit, top):
    print(title)
    for name, v in counter.most_common(top):
        print("  %5.1f%%  %10s  %s" % (100.0 * v / total, unit(v), name))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--jfr", default=None)
    o = ap.parse_args()
    jfr = o.jfr or (os.path.join(os.environ["JAVA_HOME"], "bin", "jfr") if os.environ.get("JAVA_HOME")
                    else shutil.which("jfr"))
    if not jfr:
        sys.exit("jfr-top.py: no jfr tool; set JAVA_HOME or pass --jfr")

    samples = load(jfr, o.recording, "jdk.ExecutionSample")
    self_time, total_time = collections.Counter(), collections.Counter()
    for e in samples:
        fs = frames(e)
        if not fs:
            continue
        self_time[fs[0][0]] += 1
        for name in {n for n, ours in fs if ours}:
            total_time[name] += 1
    n = max(len(samples), 1)
    table("self time (%d execution samples)" % len(samples), self_time, n, lambda v: str(v), o.top)
    table("total time, dev.cnn methods (inclusive)", total_time, n, lambda v: str(v), o.top)

    allocs = load(jfr, o.recording, "jdk.ObjectAllocationSample")
    by_site = collections.Counter()
    for e in allocs:
        fs = frames(e)
        site = next((name for name, ours in fs if ours), fs[0][0] if fs else "?")
        cls = e["values"]["objectClass"]["name"]
        by_site["%s  (%s)" % (site, cls)] += e["values"]["weight"]
    total = max(sum(by_site.values()), 1)
    table("allocation by first dev.cnn frame (%.0f MB sampled)" % (total / 1e6), by_site, total,
          lambda v: "%.0f MB" % (v / 1e6), o.top)


if __name__ == "__main__":
    main()
