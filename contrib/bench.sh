#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: every algorithm x every implementation this CPU runs x 1 and
# all threads, with H/s, through the miner's own --benchmark (so it measures
# what mines); beside sha256d, the SHA-NI bound of this machine.
#   contrib/bench.sh QUINTMINER [SHANI_BOUND] [SECONDS]
# SECONDS per row (default 5; BENCH_SECONDS in make bench). Threads: 1 and
# the CPU count (BENCH_THREADS overrides the list, e.g. "1 2 4").
set -u
q=${1:?usage: bench.sh QUINTMINER [SHANI_BOUND] [SECONDS]}
bound=${2:-}
s=${3:-5}
threads=${BENCH_THREADS:-"1 $(getconf _NPROCESSORS_ONLN)"}
[ "$threads" = "1 1" ] && threads=1

rows=$(mktemp) || exit 1
trap 'rm -f "$rows"' EXIT INT TERM
for t in $threads; do
	"$q" --benchmark -a all --cpu-impl all -t "$t" --time-limit "$s" --json -q 2>/dev/null |
		grep '^{' >>"$rows" || { echo "bench: $q --benchmark failed" >&2; exit 1; }
done
if [ -n "$bound" ] && [ -x "$bound" ]; then
	shani=$("$bound")
else
	shani="SHA-NI bound: not built"
fi
python3 - "$rows" "$shani" <<'PY'
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
order = {}
for r in rows:
    order.setdefault((r["algo"], r["impl"]), len(order))
rows.sort(key=lambda r: (order[(r["algo"], r["impl"])], r["threads"]))
one = {(r["algo"], r["impl"]): r["hashrate"] for r in rows if r["threads"] == 1}
def rate(h):
    for unit, f in (("GH/s", 1e9), ("MH/s", 1e6), ("kH/s", 1e3)):
        if h >= f:
            return "%.2f %s" % (h / f, unit)
    return "%.2f H/s" % h
print("| algorithm | impl | threads | rate | x one thread |")
print("|---|---|---:|---:|---:|")
last = None
for r in rows + [{"algo": None}]:
    if last == "sha256d" and r["algo"] != "sha256d":
        m = re.search(r"every ([0-9.]+) ns, ([0-9]+) per nonce: ([0-9.]+) MH/s", sys.argv[2])
        if m:
            print("| sha256d | SHA-NI bound (%s sha256rnds2 at %s ns) | 1 | %s MH/s | - |" % (m.group(2), m.group(1), m.group(3)))
    last = r["algo"]
    if r["algo"] is None:
        break
    base = one.get((r["algo"], r["impl"]))
    scale = "%.2f" % (r["hashrate"] / base) if base else "-"
    print("| %s | %s | %d | %s | %s |" % (r["algo"], r["impl"], r["threads"], rate(r["hashrate"]), scale))
print()
print(sys.argv[2])
PY
