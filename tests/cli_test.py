#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CLI tests: --hash against the shared vectors for every algorithm in the
binary, exit statuses for bad input, --benchmark --json, --cpu-features,
-c config files. Prints TAP."""
import json
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("QM_SRCDIR", ".")
BIN = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what), flush=True)
    if not cond:
        failed += 1


def run(*args, timeout=120):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def algos_in_binary():
    rc, out, _ = run("--cpu-features")
    names = []
    for line in out.splitlines()[1:]:
        if line.strip():
            names.append(line.split()[0])
    return names


algos = algos_in_binary()
ok(len(algos) >= 2 and "sha256d" in algos and "scrypt" in algos,
   "--cpu-features lists the algorithms (%s)" % " ".join(algos))

for algo in algos:
    vec = json.load(open(os.path.join(SRC, "tests", "vectors", algo + ".json")))
    bad = []
    for v in vec:
        args = ["--hash", algo, v["header"]]
        if "odo_key" in v:
            args += ["--odo-key", str(v["odo_key"])]
        rc, out, err = run(*args)
        if rc != 0 or out.strip() != v["pow_hash_display"]:
            bad.append(v["id"])
    ok(not bad, "--hash %s agrees with all %d vectors %s" % (algo, len(vec), " ".join(bad)))

# Beyond the shared vectors: random headers against Python's hashlib (an
# implementation that shares no code with ours) for SHA-256d and Scrypt.
import hashlib
import random
rng = random.Random(20261125)
for algo in ("sha256d", "scrypt"):
    bad = []
    for _ in range(25):
        h = bytes(rng.getrandbits(8) for _ in range(80))
        if algo == "sha256d":
            ref = hashlib.sha256(hashlib.sha256(h).digest()).digest()
        else:
            ref = hashlib.scrypt(h, salt=h, n=1024, r=1, p=1, dklen=32)
        rc, out, _ = run("--hash", algo, h.hex())
        if rc != 0 or out.strip() != ref[::-1].hex():
            bad.append(h.hex())
    ok(not bad, "--hash %s agrees with hashlib on 25 random headers %s" % (algo, " ".join(bad)))

# Odocrypt: the default key comes from the header's nTime with mainnet rules,
# and --network picks the epoch length.
if "odocrypt" in algos:
    vec = json.load(open(os.path.join(SRC, "tests", "vectors", "odocrypt.json")))
    nets = {"mainnet": "mainnet", "testnet": "testnet", "regtest": "regtest",
            "regtest-7.17": "regtest-7.17"}
    checked = 0
    for v in vec:
        rule = v.get("odo_key_rule")
        if rule in nets:
            rc, out, _ = run("--hash", "odocrypt", v["header"], "--network", nets[rule])
            ok(rc == 0 and out.strip() == v["pow_hash_display"],
               "--hash odocrypt %s with --network %s derives the key" % (v["id"], rule))
            checked += 1
    ok(checked > 0, "odocrypt vectors with derived keys exist")

hdr = "00" * 80
for args, what in [
    (["--hash", "sha256d", "zz" + "00" * 79], "bad hex"),
    (["--hash", "sha256d", "00" * 79], "79-byte header"),
    (["--hash", "sha256d", "00" * 81], "81-byte header"),
    (["--hash", "nosuch", hdr], "unknown algorithm"),
    (["--hash", "sha256d"], "missing header"),
    (["--frobnicate"], "unknown long option"),
    (["-Z"], "unknown short option"),
    (["-t", "zero", "--benchmark", "-a", "sha256d"], "bad thread count"),
    (["--time-limit", "-5", "--benchmark", "-a", "sha256d"], "negative time limit"),
    (["-a", "sha256d"], "nothing to do"),
    (["--benchmark"], "benchmark without an algorithm"),
    (["--network", "moon", "--hash", "odocrypt", hdr], "unknown network"),
    (["--odo-key", "x", "--hash", "odocrypt", hdr], "bad odo key"),
    (["-c", "/nonexistent/q.json"], "missing config file"),
    (["-a", "sha256d", "-o", "ftp://x:1"], "unsupported URL scheme"),
]:
    rc, out, err = run(*args)
    lines = [l for l in err.splitlines() if l.strip()]
    ok(rc == 2 and lines and lines[0].startswith("quintminer: "),
       "%s: exit 2 with a one-line error (%s)" % (what, lines[0] if lines else "no message"))

rc, out, err = run("--frobnicate")
ok("--frobnicate" in err, "the error names the unknown option")

rc, out, _ = run("--version")
ok(rc == 0 and out.startswith("quintminer "), "--version")
rc, out, _ = run("--help")
ok(rc == 0 and "--benchmark" in out and "--hash" in out and "-o, --url" in out, "--help")

# Benchmark: honest JSON on the last line.
rc, out, err = run("--benchmark", "-a", "sha256d", "-t", "1", "--time-limit", "1", "--json")
last = out.strip().splitlines()[-1] if out.strip() else ""
try:
    j = json.loads(last)
except ValueError:
    j = {}
ok(rc == 0 and all(k in j for k in ("algo", "impl", "threads", "hashes", "seconds", "hashrate")),
   "--benchmark --json ends with a JSON object: %s" % last)
ok(j.get("algo") == "sha256d" and j.get("threads") == 1 and j.get("hashes", 0) > 0
   and abs(j["hashrate"] - j["hashes"] / j["seconds"]) < 0.01 * j["hashrate"] + 1,
   "benchmark figures are consistent (hashrate = hashes / seconds)")

rc, out, err = run("--benchmark", "-a", "all", "-t", "1", "--time-limit", "0.3", "--json",
                   timeout=300)
lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
ok(rc == 0 and [l["algo"] for l in lines] == algos, "--benchmark -a all runs every algorithm")

rc, out, err = run("--benchmark", "-a", "sha256d", "--cpu-impl", "portable", "-t", "1",
                   "--time-limit", "0.3", "--json")
ok(rc == 0 and json.loads(out.strip().splitlines()[-1])["impl"] == "portable",
   "--cpu-impl forces the implementation")
rc, out, err = run("--benchmark", "-a", "sha256d", "--cpu-impl", "nosuch", "-t", "1",
                   "--time-limit", "0.3")
ok(rc != 0 and "no implementation of that name" in err, "--cpu-impl with an unknown name fails")

with tempfile.TemporaryDirectory() as d:
    good = os.path.join(d, "good.json")
    with open(good, "w") as f:
        json.dump({"algo": "sha256d", "benchmark": True, "threads": 1, "time-limit": 0.3,
                   "json": True}, f)
    rc, out, err = run("-c", good)
    ok(rc == 0 and json.loads(out.strip().splitlines()[-1])["threads"] == 1,
       "-c FILE with the long option names as keys")
    rc, out, err = run("-c", good, "-t", "2")
    ok(rc == 0 and json.loads(out.strip().splitlines()[-1])["threads"] == 2,
       "the command line overrides the config file")
    bad = os.path.join(d, "bad.json")
    with open(bad, "w") as f:
        f.write('{"algo": "sha256d", "threads": [1, {}]}')
    rc, out, err = run("-c", bad)
    ok(rc == 2 and "threads" in err, "a config value of the wrong type is an error")
    with open(bad, "w") as f:
        f.write('{"algo": ')
    rc, out, err = run("-c", bad)
    ok(rc == 2 and "bad.json" in err, "malformed JSON in the config file is an error")

print("1..%d" % n)
sys.exit(1 if failed else 0)
