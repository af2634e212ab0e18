#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The monitoring and control API over loopback, against the real binary
mining on tests/stratum_server.py: every JSON endpoint, /metrics checked by a
Prometheus text-format parser (tests/api_test_lib.py), the cgminer-style port, the
token on write commands (pause stops hashing, resume restarts it), clients
not in --api-allow refused, and malformed, slow-drip and oversized requests
answered or dropped while mining goes on. Then the API in --benchmark mode.
Prints TAP. Every process started here is killed on exit."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("QM_SRCDIR", "."), "tests"))
from api_test_lib import BIN, PY, SRC, TOKEN, ok, wait_for, request, get_json, hashes, raw, \
    cgminer, parse_metrics, start, ports_of, procs, run_tap  # noqa: E402

PASSWORD = "secret-pool-password"


def main():
    tmp = tempfile.mkdtemp(prefix="qm-api.")
    ready = os.path.join(tmp, "ready.json")
    server = subprocess.Popen(
        [PY, os.path.join(SRC, "tests", "stratum_server.py"), "--scenario", "basic",
         "--algo", "sha256d", "--diff", "0.001", "--shares", "1000000", "--ready", ready,
         "--summary", os.path.join(tmp, "summary.json"), "--lifetime", "240"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(server)
    if not wait_for(lambda: os.path.exists(ready) and os.path.getsize(ready) > 0, 30):
        print("Bail out! the stratum test server did not start")
        return 1
    pool = json.load(open(ready))["a"]

    log = os.path.join(tmp, "miner.log")
    miner = start(["-a", "sha256d", "-o", "stratum+tcp://127.0.0.1:%d" % pool, "-u", "worker",
                   "-p", PASSWORD, "-t", "1", "--time-limit", "200", "--status-interval", "2",
                   "--api-bind", "127.0.0.1:0", "--api-token", TOKEN,
                   "--metrics-bind", "127.0.0.1:0", "--cgminer-bind", "127.0.0.1:0"], log)
    ports = ports_of(log, ["api-bind", "metrics-bind", "cgminer-bind"])
    if not ok(ports is not None, "the API, metrics and cgminer servers listen"):
        print("Bail out! no ports in the log:\n# " + open(log).read().replace("\n", "\n# "))
        return 1
    api, met, cg = ports["api-bind"], ports["metrics-bind"], ports["cgminer-bind"]
    ok(wait_for(lambda: hashes(api) > 0, 60), "the miner hashes (/summary hashes > 0)")

    bodies = []
    for path, kind in (("/summary", dict), ("/pools", list), ("/devices", list),
                       ("/threads", list), ("/scheduler", dict), ("/config", dict)):
        status, ctype, body = request(api, "GET", path)
        bodies.append(body)
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        ok(status == 200 and ctype.startswith("application/json") and isinstance(doc, kind),
           "GET %s: 200, a JSON %s" % (path, kind.__name__))
    summary = json.loads(bodies[0])
    ok(summary["mode"] == "mining" and summary["algo"] == "sha256d" and
       summary["version"] and "accepted" in summary and summary["uptime_s"] > 0,
       "/summary has mode, algorithm, version, shares, uptime")
    pools = json.loads(bodies[1])
    ok(len(pools) == 1 and pools[0]["url"].endswith(":%d" % pool) and pools[0]["active"],
       "/pools lists the pool, active")
    threads = json.loads(bodies[3])
    ok(len(threads) == 1 and "pu" in threads[0] and "numa_node" in threads[0],
       "/threads shows each worker's PU and NUMA node")
    config = json.loads(bodies[5])
    ok(config["pass"] == "********" and config["api-token"] == "********" and
       not any(PASSWORD.encode() in b or TOKEN.encode() in b for b in bodies),
       "/config masks the password and the token; no body shows them")
    status, _, body = request(api, "GET", "/nope")
    ok(status == 404 and "error" in json.loads(body), "an unknown endpoint: 404 with a JSON error")
    status, _, _ = request(api, "DELETE", "/summary")
    ok(status == 405, "DELETE: 405")

    # /metrics
    status, ctype, body = request(met, "GET", "/metrics")
    try:
        fam = parse_metrics(body.decode())
        parsed = True
    except ValueError as e:
        print("# " + str(e))
        fam, parsed = {}, False
    ok(status == 200 and ctype.startswith("text/plain") and parsed,
       "/metrics parses as Prometheus text format")
    want = ["quintminer_hashrate_hashes_per_second", "quintminer_hashes_total",
            "quintminer_shares_total", "quintminer_shares_by_reason_total",
            "quintminer_hardware_errors_total", "quintminer_pool_up",
            "quintminer_algorithm_current", "quintminer_uptime_seconds",
            "quintminer_build_info", "quintminer_network_difficulty"]
    ok(all(w in fam for w in want), "/metrics has %s" % ", ".join(w[11:] for w in want))
    ok(fam.get("quintminer_hashes_total", {}).get("type") == "counter" and
       any('algo="sha256d"' in l and v > 0 for l, v in fam["quintminer_hashes_total"]["samples"]),
       "hashes_total is a counter, per device and algorithm, > 0")
    ok(fam.get("quintminer_pool_up", {}).get("samples", [("", 0)])[0][1] == 1,
       "pool_up is 1 while mining")
    status, _, _ = request(met, "GET", "/summary")
    ok(status == 404, "the metrics server serves only /metrics")

    # Write commands and the token.
    status, _, _ = request(api, "POST", "/control/pause")
    ok(status == 401, "pause without the token: 401")
    status, _, _ = request(api, "POST", "/control/pause",
                           {"Authorization": "Bearer " + TOKEN[:-1] + "x"})
    ok(status == 401, "pause with a wrong token: 401")
    auth = {"Authorization": "Bearer " + TOKEN}
    status, _, body = request(api, "POST", "/control/pause", auth)
    ok(status == 200 and json.loads(body).get("ok"), "pause with the token: 200")

    def stopped():
        a = hashes(api)
        time.sleep(0.7)
        return hashes(api) == a

    ok(wait_for(stopped, 15), "paused: the hash count stops moving")
    ok(get_json(api, "/summary")[2]["paused"], "/summary says paused")
    before = hashes(api)
    status, _, _ = request(api, "POST", "/control/resume", auth)
    ok(status == 200 and wait_for(lambda: hashes(api) > before, 30),
       "resume with the token: hashing restarts")
    status, _, _ = request(api, "POST", "/control/pool?index=5", auth)
    ok(status == 400, "switch to a pool that does not exist: 400")
    status, _, body = request(api, "POST", "/control/algo?name=scrypt", auth)
    ok(status in (409, 501) and "error" in json.loads(body),
       "switch algorithm without a scheduler: an error, not a crash (%d)" % status)

    # Hostile clients, while mining goes on.
    def mining_goes_on():
        a = hashes(api)
        return wait_for(lambda: hashes(api) > a, 20)

    reply = raw(api, b"GARBAGE\r\n\r\n")
    ok(reply == b"" or reply.startswith(b"HTTP/1.1 4"), "a malformed request: 4xx or dropped")
    reply = raw(api, b"GET /summary HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
    ok(reply == b"" or reply.startswith(b"HTTP/1.1 4"), "200 kB of headers: 4xx or dropped")
    status, _, _ = request(api, "POST", "/control/pause", auth, body=b"x" * 100000)
    ok(status == 413, "a 100 kB body: 413")
    ok(not get_json(api, "/summary")[2]["paused"], "... and not obeyed")
    drip = socket.create_connection(("127.0.0.1", api), timeout=20)
    drip.sendall(b"GET /sum")
    t0 = time.monotonic()
    status, _, _ = request(api, "GET", "/summary")
    ok(status == 200, "while a client drips a request, others are served")
    try:
        got = drip.recv(100)
        closed = got == b"" or got.startswith(b"HTTP/1.1 4")
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        closed = False
    drip.close()
    ok(closed and time.monotonic() - t0 < 20, "the slow client is cut off")
    ok(mining_goes_on(), "mining went on through all of it")
    ok(miner.poll() is None, "the miner is still running")

    # Who may connect: 127.0.0.2 is loopback but not this host's own address.
    ok(raw(api, b"GET /summary HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.2") == b"",
       "a client at 127.0.0.2 (not in --api-allow) is refused")

    # cgminer-style port.
    r = cgminer(cg, b'{"command":"summary"}')
    ok(r and r["STATUS"][0]["STATUS"] == "S" and r["SUMMARY"][0]["Accepted"] >= 0 and
       "MHS av" in r["SUMMARY"][0], "cgminer summary: one JSON object, then the close")
    r = cgminer(cg, b'{"command":"pools"}')
    ok(r and r["POOLS"][0]["URL"].endswith(":%d" % pool), "cgminer pools")
    r = cgminer(cg, b'{"command":"devs"}')
    ok(r and len(r["DEVS"]) == 1, "cgminer devs")
    r = cgminer(cg, b"summary")
    ok(r and "SUMMARY" in r, "cgminer plain-text 'summary'")
    r = cgminer(cg, b'{"command":"quit"}')
    ok(r and r["STATUS"][0]["STATUS"] == "E" and miner.poll() is None,
       "cgminer 'quit' is refused (read-only)")
    r = cgminer(cg, b'{"command":')
    ok(r and r["STATUS"][0]["STATUS"] == "E", "cgminer half a JSON object: an error")
    r = cgminer(cg, b'{"command":"nosuch"}')
    ok(r and r["STATUS"][0]["Code"] == 14, "cgminer unknown command: code 14")
    ok(raw(cg, b"", source="127.0.0.2") == b"", "a cgminer client at 127.0.0.2 is refused")

    # Quit through the API: the miner exits 0.
    status, _, _ = request(api, "POST", "/control/quit", auth)
    try:
        rc = miner.wait(30)
    except subprocess.TimeoutExpired:
        rc = None
    ok(status == 200 and rc == 0, "quit with the token: the miner exits 0")

    # --benchmark, with --api-allow letting 127.0.0.2 in.
    log = os.path.join(tmp, "bench.log")
    bench = start(["--benchmark", "-a", "sha256d", "-t", "1", "--time-limit", "30",
                   "--api-bind", "127.0.0.1:0", "--api-allow", "127.0.0.2",
                   "--metrics-bind", "127.0.0.1:0"], log)
    ports = ports_of(log, ["api-bind", "metrics-bind"])
    if ok(ports is not None, "--benchmark: the API and metrics listen"):
        api, met = ports["api-bind"], ports["metrics-bind"]
        ok(wait_for(lambda: hashes(api) > 0, 20) and
           get_json(api, "/summary")[2]["mode"] == "benchmark",
           "--benchmark: /summary shows the benchmark's hashes")
        reply = raw(api, b"GET /summary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    source="127.0.0.2")
        ok(reply.startswith(b"HTTP/1.1 200"), "--api-allow 127.0.0.2: that client is served")
        status, _, body = request(met, "GET", "/metrics")
        ok(status == 200 and 'mode="benchmark"' in body.decode(), "--benchmark: /metrics")
        status, _, _ = request(api, "POST", "/control/pause", {"Authorization": "Bearer x"})
        ok(status == 403, "without --api-token the API is read-only (403)")
    bench.kill()

    p = subprocess.run([BIN, "--benchmark", "-a", "sha256d", "--time-limit", "1",
                        "--api-bind", "0.0.0.0:0"], capture_output=True, text=True, timeout=60)
    ok(p.returncode != 0 and "--api-allow" in p.stderr,
       "--api-bind 0.0.0.0 without --api-allow is refused")
    return 0


run_tap(main)
