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


def usage_error(args, words, what):
    """Exit 2, nothing on stdout, and the first line of stderr says what is wrong."""
    rc, out, err = run(*args, timeout=20)
    first = err.splitlines()[0] if err else ""
    ok(rc == 2 and not out and first.startswith("quintminer: ")
       and all(w in first for w in words),
       "%s: exit 2, '%s'" % (what, first))


# URLs are checked when the options are read, each with what is wrong.
for url, words in [
    ("stratum+tcp://127.0.0.1", ["missing port"]),
    ("stratum+tcp://127.0.0.1:99999", ["99999", "out of range"]),
    ("stratum+tcp://127.0.0.1:0", ["port 0", "out of range"]),
    ("stratum+tcp://127.0.0.1:abc", ["'abc'", "not a number"]),
    ("stratum+tcp://:3333", ["missing host"]),
    ("http://127.0.0.1:99999", ["99999", "out of range"]),
    # A USER:PASS is never echoed (url_redact).
    ("https://user:pw@127.0.0.1", ["https://***@127.0.0.1", "missing port"]),
    ("ftp://127.0.0.1:21", ["unknown scheme", "stratum+tls://", "https://"]),
    ("127.0.0.1:3333", ["no scheme"]),
    ("stratum+tcp://127.0.0.1:3333/path", ["no path"]),
]:
    shown = [] if "@" in url else [url]
    usage_error(["-a", "sha256d", "-o", url], shown + words, "-o %s" % url)
usage_error(["-a", "sha256d", "-o", "stratum+tcp://127.0.0.1:3333", "-o", "http://127.0.0.1:1"],
            ["cannot be mixed"], "pool and node URLs together")

# Options that cannot go together.
usage_error(["--hash", "sha256d", hdr, "-a", "scrypt"], ["-a", "--hash"], "--hash with -a")
usage_error(["--benchmark", "-a", "sha256d", "--hash", "skein", hdr], ["--benchmark", "--hash"],
            "--benchmark with --hash")
usage_error(["--cpu-features", "--benchmark", "-a", "sha256d"], ["--cpu-features", "--benchmark"],
            "--cpu-features with --benchmark")
usage_error(["--benchmark", "-a", "sha256d", "-o", "stratum+tcp://127.0.0.1:3333"],
            ["-o", "--benchmark"], "--benchmark with -o")
usage_error(["--hash", "sha256d", hdr, "-t", "2"], ["-t", "--hash"], "--hash with -t")
usage_error(["-a", "all", "-o", "stratum+tcp://127.0.0.1:3333"], ["-a all"], "mining -a all")

# Bad values: exit 2, with what the value should be.
usage_error(["-a", "sha256d", "-o", "http://u:p@127.0.0.1:1", "--coinbase-addr", "garbage"],
            ["--coinbase-addr", "garbage"], "--coinbase-addr garbage")
usage_error(["-a", "sha256d", "-o", "http://u:p@127.0.0.1:1"], ["--coinbase-addr"],
            "solo without --coinbase-addr")
usage_error(["-a", "sha256d", "-o", "http://127.0.0.1:1", "--coinbase-addr",
             "rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw"], ["credentials"],
            "solo without credentials")
usage_error(["--benchmark", "-a", "sha256d", "--cpu-impl", "foo"],
            ["foo", "sha256d:", "portable"], "--cpu-impl foo lists the names sha256d has")
usage_error(["--benchmark", "-a", "sha256d", "--cpu-impl", "vaes"], ["vaes", "portable"],
            "--cpu-impl vaes (no algorithm has it)")
usage_error(["--benchmark", "-a", "sha256d", "--coinbase-sig", "x" * 76], ["at most 75"],
            "--coinbase-sig longer than the coinbase takes")
usage_error(["--time-limit", "0", "--benchmark", "-a", "sha256d"], ["--time-limit", "'0'"],
            "--time-limit 0")
usage_error(["-c", "/nonexistent/q.json"], ["/nonexistent/q.json", "No such file"],
            "-c with a missing file")
usage_error(["-c", "/"], ["is a directory"], "-c with a directory")

rc, out, err = run("--benchmark", "-a", "sha256d", "--cpu-impl", "foo")
ok(rc == 2 and "Usage" not in out and "hashrate" not in out,
   "--cpu-impl foo prints no table header")

# Only a warning: a solo option with a pool.
rc, out, err = run("-a", "sha256d", "-o", "stratum+tcp://127.0.0.1:1", "--coinbase-addr", "x",
                   "-t", "1", "--time-limit", "0.5", "--retry-pause", "1", timeout=20)
ok(rc == 0 and "--coinbase-addr is for solo mining" in err,
   "--coinbase-addr with a stratum pool is a warning: %s" % (err.splitlines() or [""])[0])
ok("for 0 s" not in err and "time limit of 0.5 s" in err, "--time-limit 0.5 says 0.5 s")

# A requested stop is exit 0, also while waiting for a node or a pool that is not up.
import signal
import socket
import time
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
closed_port = sock.getsockname()[1]
sock.close()
for what, args in [
    ("a solo node", ["-o", "http://u:p@127.0.0.1:%d" % closed_port, "--coinbase-addr",
                     "rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw"]),
    ("a pool", ["-o", "stratum+tcp://127.0.0.1:%d" % closed_port]),
]:
    p = subprocess.Popen([BIN, "-a", "sha256d", "-t", "1", "--retry-pause", "1"] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    ok(p.returncode == 0 and "summary:" in err,
       "SIGINT while waiting for %s: exit %s, with the summary" % (what, p.returncode))

rc, out, err = run("--help", "--benchmark")
ok(rc == 0 and "Usage" in out, "--help wins over another mode")

rc, out, err = run("--frobnicate")
ok("--frobnicate" in err, "the error names the unknown option")

rc, out, _ = run("--version")
ok(rc == 0 and out.startswith("quintminer "), "--version")
rc, out, _ = run("--help")
ok(rc == 0 and "--benchmark" in out and "--hash" in out and "-o, --url" in out, "--help")
ok(all(sch in out for sch in ("stratum+tcp://", "stratum+ssl://", "stratum+tls://", "http://",
                                "https://")), "--help names every URL scheme")
impl_lines = out.split("Implementations in this build")[-1].splitlines()
ok(all(any(l.split()[:1] == [a] and "portable" in l for l in impl_lines) for a in algos),
   "--help lists the implementations each algorithm has")

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
try:
    lines = [json.loads(l) for l in out.splitlines()]
except ValueError:
    lines = []
ok(rc == 0 and [l["algo"] for l in lines] == algos, "--benchmark -a all runs every algorithm")
ok(rc == 0 and lines and "hashrate" in err,
   "--benchmark --json: every line of stdout is JSON (| jq works); the table is on stderr")
rc, out, err = run("--benchmark", "-a", "sha256d", "-t", "1", "--time-limit", "0.3")
ok(rc == 0 and "hashrate" in out and not out.lstrip().startswith("{"),
   "--benchmark without --json: the table on stdout")

rc, out, err = run("--benchmark", "-a", "sha256d", "--cpu-impl", "portable", "-t", "1",
                   "--time-limit", "0.3", "--json")
ok(rc == 0 and json.loads(out.strip().splitlines()[-1])["impl"] == "portable",
   "--cpu-impl forces the implementation")
rc, out, err = run("--benchmark", "-a", "sha256d", "--cpu-impl", "nosuch", "-t", "1",
                   "--time-limit", "0.3")
ok(rc == 2 and "no implementation 'nosuch'" in err, "--cpu-impl with an unknown name fails")

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
    # A command-line -o replaces the file's pools: nothing is tried on the file's.
    pool = os.path.join(d, "pool.json")
    with open(pool, "w") as f:
        json.dump({"algo": "sha256d", "url": "stratum+tcp://127.0.0.1:9", "threads": 1}, f)
    rc, out, err = run("-c", pool, "-o", "stratum+tcp://127.0.0.1:7", "--time-limit", "1",
                       timeout=20)
    ok(rc == 0 and "127.0.0.1:7" in err and "127.0.0.1:9" not in err,
       "a command-line -o replaces the config file's URLs")
    rc, out, err = run("-c", pool, "--benchmark", "-t", "1", "--time-limit", "0.3", "--json")
    ok(rc == 0 and json.loads(out.strip().splitlines()[-1])["algo"] == "sha256d",
       "a config file's pool options do not stop --benchmark")
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
