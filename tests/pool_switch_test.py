#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pools over the API, against the real binary on two tests/stratum_server.py
pools (127.0.0.1): /pools shows each pool's state, the active one and its
round trip; POST /control/pool?index=1 needs the token, and with it moves
mining to pool 1 (pool 1's accepted count rises, pool 0's stops); the counts
agree on both sides and every share found was answered or counted stale.
Prints TAP. Every process started here is killed on exit."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("QM_SRCDIR", "."), "tests"))
from api_test_lib import BIN, PY, SRC, TOKEN, ok, wait_for, request, get_json, cgminer, \
    parse_metrics, ports_of, procs, run_tap  # noqa: E402


def start_pool(tmp, name):
    ready = os.path.join(tmp, name + ".ready")
    summary = os.path.join(tmp, name + ".json")
    p = subprocess.Popen(
        [PY, os.path.join(SRC, "tests", "stratum_server.py"), "--scenario", "basic",
         "--algo", "sha256d", "--diff", "0.002", "--shares", "1000000", "--ready", ready,
         "--summary", summary, "--lifetime", "200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    if not wait_for(lambda: os.path.exists(ready) and os.path.getsize(ready) > 0, 30):
        return None, None
    return json.load(open(ready))["a"], summary


def server(summary):
    try:
        return json.load(open(summary))
    except (OSError, ValueError):
        return {"accepted": 0, "rejected": 0, "accepts_lost": 0, "rejects_lost": 0}


def main():
    tmp = tempfile.mkdtemp(prefix="qm-pools.")
    port_a, sum_a = start_pool(tmp, "a")
    port_b, sum_b = start_pool(tmp, "b")
    if not port_a or not port_b:
        print("Bail out! the stratum test servers did not start")
        return 1
    log = os.path.join(tmp, "miner.log")
    f = open(log, "w")
    miner = subprocess.Popen(
        [BIN, "-a", "sha256d", "-o", "stratum+tcp://127.0.0.1:%d" % port_a,
         "-o", "stratum+tcp://127.0.0.1:%d" % port_b, "-u", "worker", "-p", "x", "-t", "1",
         "--time-limit", "150", "--status-interval", "0", "--api-bind", "127.0.0.1:0",
         "--api-token", TOKEN, "--metrics-bind", "127.0.0.1:0", "--cgminer-bind", "127.0.0.1:0"],
        stdout=f, stderr=subprocess.STDOUT)
    procs.append(miner)
    ports = ports_of(log, ["api-bind", "metrics-bind", "cgminer-bind"])
    if not ok(ports is not None, "the API, metrics and cgminer servers listen"):
        print("Bail out! no ports in the log:\n# " + open(log).read().replace("\n", "\n# "))
        return 1
    api, met, cg = ports["api-bind"], ports["metrics-bind"], ports["cgminer-bind"]

    def pools():
        return get_json(api, "/pools")[2]

    ok(wait_for(lambda: server(sum_a)["accepted"] >= 2, 60), "pool 0 accepts shares")
    p = pools()
    ok(len(p) == 2 and p[0]["active"] and p[0]["state"] == "connected" and
       not p[1]["active"] and p[1]["state"] == "idle",
       "/pools: pool 0 connected and active, pool 1 idle (%s)" %
       [(x["state"], x["active"]) for x in p])
    ok(isinstance(p[0]["latency_ms"], (int, float)) and p[0]["latency_ms"] >= 0 and
       p[1]["latency_ms"] is None,
       "/pools: pool 0's round trip is known (%s ms), pool 1's is not" % p[0]["latency_ms"])
    ok(p[0]["accepted"] >= 1 and p[1]["accepted"] == 0, "/pools counts answers per pool")
    fam = parse_metrics(request(met, "GET", "/metrics")[2].decode())
    states = {(l, v) for l, v in fam.get("quintminer_pool_state", {}).get("samples", [])}
    ok(any('pool="0"' in l and 'state="connected"' in l and v == 1 for l, v in states) and
       any('pool="1"' in l and 'state="idle"' in l and v == 1 for l, v in states),
       "/metrics: pool_state says pool 0 connected, pool 1 idle")
    lat = fam.get("quintminer_pool_latency_seconds", {}).get("samples", [])
    ok(any('pool="0"' in l and v >= 0 for l, v in lat), "/metrics: pool 0's latency")

    status, _, _ = request(api, "POST", "/control/pool?index=1")
    ok(status == 401, "switch pool without the token: 401")
    status, _, _ = request(api, "POST", "/control/pool?index=1",
                           {"Authorization": "Bearer wrong"})
    ok(status == 401, "switch pool with a wrong token: 401")
    time.sleep(1)
    ok(pools()[0]["active"], "... and pool 0 stays active")
    status, _, body = request(api, "POST", "/control/pool?index=1",
                              {"Authorization": "Bearer " + TOKEN})
    ok(status == 200 and json.loads(body).get("ok"), "switch to pool 1 with the token: 200")
    ok(wait_for(lambda: (lambda q: q[1]["active"] and q[1]["state"] == "connected" and
                         not q[0]["active"] and q[0]["state"] == "idle")(pools()), 30),
       "/pools: pool 1 connected and active, pool 0 idle")
    ok(wait_for(lambda: server(sum_b)["accepted"] >= 1, 60), "pool 1 accepts shares")
    a_then = server(sum_a)["accepted"]
    b_then = server(sum_b)["accepted"]
    ok(wait_for(lambda: server(sum_b)["accepted"] >= b_then + 3, 60),
       "pool 1's accepted count rises (%d -> %d)" % (b_then, server(sum_b)["accepted"]))
    ok(server(sum_a)["accepted"] == a_then, "pool 0's stops (%d)" % a_then)
    r = cgminer(cg, b'{"command":"pools"}')
    ok(r and not r["POOLS"][0]["Stratum Active"] and r["POOLS"][1]["Stratum Active"] and
       r["POOLS"][1]["Status"] == "Alive", "cgminer pools: pool 1 alive and active")
    fam = parse_metrics(request(met, "GET", "/metrics")[2].decode())
    act = fam.get("quintminer_pool_active", {}).get("samples", [])
    ok(any('pool="1"' in l and v == 1 for l, v in act) and
       any('pool="0"' in l and v == 0 for l, v in act), "/metrics: pool 1 active")
    time.sleep(3)
    ok(pools()[1]["active"], "pool 1 stays preferred (no return to pool 0)")

    # Pause; once nothing moves, both sides' counts must agree.
    status, _, _ = request(api, "POST", "/control/pause", {"Authorization": "Bearer " + TOKEN})

    def settled():
        s = get_json(api, "/summary")[2]
        time.sleep(1.5)
        t = get_json(api, "/summary")[2]
        keys = ("found", "accepted", "rejected", "stale")
        if any(s[k] != t[k] for k in keys):
            return None
        if t["found"] != t["accepted"] + t["rejected"] + t["stale"]:
            return None
        return t

    s = wait_for(settled, 30)
    a, b = server(sum_a), server(sum_b)
    print("# miner %s; pool 0 %d/%d, pool 1 %d/%d (accepted/rejected)" % (
        s and {k: s[k] for k in ("found", "accepted", "rejected", "stale")},
        a["accepted"], a["rejected"], b["accepted"], b["rejected"]))
    ok(s is not None, "every share found was answered or counted stale (none lost)")
    ok(s and s["accepted"] == a["accepted"] + b["accepted"] - a["accepts_lost"] - b["accepts_lost"]
       and s["rejected"] == a["rejected"] + b["rejected"] - a["rejects_lost"] - b["rejects_lost"],
       "the miner's accepted and rejected totals equal the pools'")
    p = pools()
    ok(p[0]["accepted"] == a["accepted"] and p[1]["accepted"] == b["accepted"],
       "/pools' per-pool counts equal each pool's own")

    status, _, body = request(api, "POST", "/control/pool?index=0",
                              {"Authorization": "Bearer " + TOKEN})
    ok(status == 200 and wait_for(lambda: pools()[0]["state"] == "connected" and
                                  pools()[0]["active"], 30),
       "switch back to pool 0 (while paused): connected and active")
    status, _, _ = request(api, "POST", "/control/quit", {"Authorization": "Bearer " + TOKEN})
    try:
        rc = miner.wait(30)
    except subprocess.TimeoutExpired:
        rc = None
    ok(rc == 0, "quit: the miner exits 0")
    return 0


run_tap(main)
