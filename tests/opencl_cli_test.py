#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""OpenCL from the command line, on OpenCL device 0 (PoCL in CI): --opencl-list,
--hash through every kernel against every shared vector, --benchmark rows per
device, and the errors of the OpenCL options (exit 2). Prints TAP."""
import json
import os
import re
import subprocess
import sys

SRC = os.environ.get("QM_SRCDIR", ".")
BIN = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
ALGOS = ("sha256d", "scrypt", "skein", "qubit", "odocrypt")
n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    what = " ".join(what.split())  # one TAP line, whatever the messages hold
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what), flush=True)
    if not cond:
        failed += 1


def run(*args, timeout=300):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# --opencl-list: platforms, then their devices with index, name, units, memory.
rc, out, err = run("--opencl-list")
devices = re.findall(r"^  device (\d+): (.+), (\d+) compute units, (\d+) MHz, (\d+) MiB memory$",
                     out, re.M)
ok(rc == 0 and out.startswith("platform 0: ") and devices and devices[0][0] == "0"
   and int(devices[0][2]) > 0 and int(devices[0][4]) > 0,
   "--opencl-list shows platform 0 and device 0 with units and memory: %r" % out[:200])
cpu_only = devices and all(d[1].endswith("(cpu)") for d in devices)
for line in out.splitlines():
    print("# " + line)

# Every kernel against every vector, printed as the CPU --hash prints it.
for algo in ALGOS:
    vec = json.load(open(os.path.join(SRC, "tests", "vectors", algo + ".json")))
    bad = []
    for v in vec:
        args = ["--hash", algo, v["header"], "--opencl-devices", "0"]
        if "odo_key" in v:
            args += ["--odo-key", str(v["odo_key"])]
        rc, out, err = run(*args)
        if rc != 0 or out != v["pow_hash_display"] + "\n":
            bad.append("%s (%s)" % (v["id"], (out or err).strip()[:80]))
    ok(not bad, "--hash %s --opencl-devices 0 agrees with all %d vectors %s" %
       (algo, len(vec), " ".join(bad)))

# Odocrypt's key from nTime under --network, through the kernel's per-key tables.
vec = json.load(open(os.path.join(SRC, "tests", "vectors", "odocrypt.json")))
for v in vec:
    if v.get("odo_key_rule") in ("testnet", "regtest"):
        rc, out, _ = run("--hash", "odocrypt", v["header"], "--network", v["odo_key_rule"],
                         "--opencl-devices", "0")
        ok(rc == 0 and out.strip() == v["pow_hash_display"],
           "--hash odocrypt %s --network %s on device 0 derives the key" %
           (v["id"], v["odo_key_rule"]))

# --benchmark on device 0 alone: one row per algorithm, in the table and in --json.
rc, out, err = run("--benchmark", "-a", "all", "--opencl-devices", "0", "--no-cpu",
                   "--time-limit", "0.5", "--json")
rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
ok(rc == 0 and [r["algo"] for r in rows] == list(ALGOS) and
   all(r["impl"].startswith("opencl:") and r["hashes"] > 0 for r in rows),
   "--benchmark -a all --opencl-devices 0 --no-cpu --json: a device row per algorithm")
rc, out, err = run("--benchmark", "-a", "sha256d", "-t", "1", "--opencl-devices", "0",
                   "--time-limit", "0.5")
table = [l for l in out.splitlines() if l.startswith("sha256d ")]
ok(rc == 0 and len(table) == 2 and "opencl:" in table[1] and
   len(set(l.index(" 1 ") for l in table)) == 1,
   "--benchmark table: CPU and device rows with the columns aligned %r" % table)

# --opencl leaves out a device that is the CPU itself, and says how to use it.
if cpu_only:
    rc, out, err = run("--benchmark", "-a", "sha256d", "--opencl", "--no-cpu",
                       "--time-limit", "0.3")
    ok(rc == 1 and "--opencl-devices" in err,
       "--opencl with only a CPU device: a clear error (%s)" % err.strip()[-120:])

# Errors: exit 2 and a message that names the option.
for args, what, needle in [
    (["--hash", "sha256d", "00" * 80, "--opencl-devices", "99"], "device index past the last",
     "does not exist"),
    (["--benchmark", "-a", "sha256d", "--opencl-devices", "99"], "benchmark on a missing device",
     "does not exist"),
    (["--benchmark", "-a", "sha256d", "--opencl-devices", "0,x"], "bad device list",
     "device index"),
    (["--benchmark", "-a", "sha256d", "--opencl-devices", "0,0"], "device named twice",
     "twice"),
    (["--benchmark", "-a", "sha256d", "--opencl-devices", ""], "empty device list",
     "device indices"),
    (["--hash", "sha256d", "00" * 80, "--opencl-devices", "0,1"], "--hash on two devices",
     "one OpenCL device"),
    (["--benchmark", "-a", "sha256d", "--no-cpu"], "--no-cpu without OpenCL", "--opencl"),
    (["--benchmark", "-a", "sha256d", "--opencl", "--intensity", "40"], "intensity too high",
     "--intensity"),
    (["--benchmark", "-a", "scrypt", "--opencl", "--lookup-gap", "0"], "lookup gap 0",
     "--lookup-gap"),
    (["--benchmark", "-a", "sha256d", "--opencl", "--gpu-kernel-ms", "-1"], "negative kernel ms",
     "--gpu-kernel-ms"),
]:
    rc, out, err = run(*args)
    ok(rc == 2 and needle in err, "%s: exit 2 (%d), %s" % (what, rc, err.strip()[-120:]))

# --intensity and --lookup-gap reach the kernels: the hashes stay right.
h = vec[0]
rc, out, _ = run("--hash", "scrypt", json.load(open(os.path.join(SRC, "tests", "vectors",
                 "scrypt.json")))[0]["header"], "--opencl-devices", "0", "--lookup-gap", "4")
ok(rc == 0 and out.strip() == json.load(open(os.path.join(SRC, "tests", "vectors",
   "scrypt.json")))[0]["pow_hash_display"], "--hash scrypt with --lookup-gap 4 on device 0")
rc, out, err = run("--benchmark", "-a", "sha256d", "--opencl-devices", "0", "--no-cpu",
                   "--intensity", "12", "--time-limit", "0.3")
ok(rc == 0 and "4096 nonces per launch after tuning" in err,
   "--intensity 12: 4096 work-items per launch, untouched by tuning")

print("1..%d" % n)
sys.exit(1 if failed else 0)
