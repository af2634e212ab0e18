#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A soak with faults: quintminer against tests/stratum_server.py --scenario soak.

The pool injects faults at random for --duration seconds (see the server's
docstring); this driver runs the miner through it, samples its resident
memory, stops it with SIGINT once the pool has finished, and compares the
two sides' books. tests/soak.int runs a short version in make check; run it
by hand for the long one, e.g.

    QM_BUILDDIR=. QM_SRCDIR=. python3 tests/soak_test.py --duration 420 --down 20

Asserts (TAP): no crash or hang (the miner runs until stopped and exits 0
within a bound); the server found no invalid share; the miner's accepted
total equals the pool's, less the answers the pool sent after a line that
makes the miner hang up (they never arrive: the miner sends those shares
again and the pool calls them duplicates), less at most a few shares the
pool credited after the miner had left their connection (bounded by the
miner's stale count); its rejected total equals the pool's likewise, plus
the submits it gave up on after the pool left them unanswered (at most the
number the pool left unanswered); with --duration of two minutes or more,
resident memory at the end within 10% of what it was after the first
minute.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

count = 0


def ok(cond, text):
    global count
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, text), flush=True)
    return cond


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=40)
    ap.add_argument("--down", type=float, default=5)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("QM_SOAK_SEED", "7")))
    ap.add_argument("--algo", default="sha256d")
    a = ap.parse_args()
    srcdir = os.environ.get("QM_SRCDIR", ".")
    miner = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
    tmp = tempfile.mkdtemp(prefix="qm-soak.")
    ready, summary = os.path.join(tmp, "ready.json"), os.path.join(tmp, "summary.json")
    server = subprocess.Popen(
        [sys.executable, os.path.join(srcdir, "tests", "stratum_server.py"),
         "--scenario", "soak", "--algo", a.algo, "--diff", "0.002",
         "--duration", str(a.duration), "--down", str(a.down), "--seed", str(a.seed),
         "--ready", ready, "--summary", summary, "--lifetime", str(a.duration + 120)],
        stdout=open(os.path.join(tmp, "server.log"), "wb"), stderr=subprocess.STDOUT)
    proc = None
    try:
        for _ in range(100):
            if os.path.exists(ready):
                break
            time.sleep(0.1)
        port = json.load(open(ready))["a"]
        log_path = os.path.join(tmp, "miner.log")
        proc = subprocess.Popen(
            [miner, "-a", a.algo, "-t", "1", "-u", "worker", "-p", "x", "--retry-pause", "1",
             "-o", "stratum+tcp://127.0.0.1:%d" % port],
            stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
        t0 = time.monotonic()
        rss_1min = rss_end = None
        done = False
        while time.monotonic() - t0 < a.duration + 60 and proc.poll() is None:
            time.sleep(0.5)
            if rss_1min is None and time.monotonic() - t0 >= 60:
                rss_1min = rss_kib(proc.pid)
            try:
                done = json.load(open(summary)).get("done", False)
            except (OSError, ValueError):
                done = False
            if done:
                break
        alive = proc.poll() is None
        rss_end = rss_kib(proc.pid)
        t1 = time.monotonic()
        if alive:
            proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        took = time.monotonic() - t1
        s = json.load(open(summary))
        log = open(log_path, errors="replace").read()
        m = re.findall(r"shares: (\d+) accepted, (\d+) rejected, (\d+) stale", log)
        acc, rej, stale = (int(x) for x in m[-1]) if m else (-1, -1, -1)
        noanswer = log.count("no answer from the pool")
        for line in [ln for ln in log.splitlines() if "accepted: " not in ln][-25:]:
            print("# " + line)
        faults = s.get("faults", {})
        print("# faults injected: %s" % json.dumps(faults, sort_keys=True))
        print("# pool: %d accepted, %d rejected %s, %d left unanswered, answers cut off: %d "
              "accepts %d rejects; miner: %d accepted, %d rejected (%d without an answer), "
              "%d stale; %d connections" %
              (s["accepted"], s["rejected"], json.dumps(s["rejected_reasons"]),
               s["unanswered"], s["accepts_lost"], s["rejects_lost"], acc, rej, noanswer,
               stale, s["connects"].get("a", 0)))
        print("# resident memory: %s KiB after 1 min, %s KiB at the end" % (rss_1min, rss_end))
        ok(done and alive, "the miner ran through %.0f s of faults (%d kinds, %d in all)" %
           (a.duration, len(faults), sum(faults.values())))
        ok(rc == 0 and took < 10, "then stopped on SIGINT in %.2f s, status %d" % (took, rc))
        ok(s["violations"] == [], "the pool found no invalid share (%d violations)" %
           len(s["violations"]))
        # A share the miner had in flight when it left a connection (drain over,
        # or the pool hung up) may still be credited by the pool after the miner
        # stopped reading; the miner then counts it stale (its job is gone) or
        # sends it again (a duplicate, counted rejected on both sides). So the
        # pool may credit a few more than the miner saw, never fewer, and never
        # more than the miner's stale count.
        gap = s["accepted"] - s["accepts_lost"] - acc
        ok(s["accepted"] > 0 and 0 <= gap <= max(stale, 0),
           "accepted: miner %d, pool %d - %d whose answer a fault cut off (%d credited after "
           "the miner left their connection)" % (acc, s["accepted"], s["accepts_lost"], gap))
        ok(rej == s["rejected"] - s["rejects_lost"] + noanswer and noanswer <= s["unanswered"],
           "rejected: miner %d = pool %d - %d cut off + %d given up without an answer (pool "
           "left %d unanswered)" % (rej, s["rejected"], s["rejects_lost"], noanswer,
                                    s["unanswered"]))
        ok(not any(x in log for x in ("Sanitizer", "runtime error")), "no sanitizer report")
        if a.duration >= 120:
            ok(rss_1min and rss_end and rss_end <= rss_1min * 1.10,
               "resident memory %s KiB at the end, %s KiB after 1 min (within 10%%)" %
               (rss_end, rss_1min))
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % count)


if __name__ == "__main__":
    main()
