# SPDX-License-Identifier: MIT
"""What the API tests share (tests/api_test.py, tests/pool_switch_test.py): TAP
output, polling, HTTP and raw-socket clients on 127.0.0.1, the cgminer-style
exchange, a Prometheus text-format parser, and the ports from the miner's log."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

SRC = os.environ.get("QM_SRCDIR", ".")
BIN = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
PY = os.environ.get("QM_PYTHON3", sys.executable)
TOKEN = "test-token-0123456789"
n = 0
procs = []


def ok(cond, what):
    global n
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what), flush=True)
    return cond


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return None


def request(port, method, path, headers=None, body=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read()
    finally:
        c.close()


def get_json(port, path):
    status, ctype, body = request(port, "GET", path)
    return status, ctype, json.loads(body)


def hashes(port):
    return get_json(port, "/summary")[2].get("hashes", 0)


def raw(port, data, source="127.0.0.1", wait=8):
    """Sends data, returns what comes back until the server closes (or wait passes)."""
    s = socket.socket()
    s.settimeout(wait)
    got = b""
    try:
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        if data:
            s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    return got


def cgminer(port, data):
    reply = raw(port, data).rstrip(b"\0")
    try:
        return json.loads(reply)
    except ValueError:
        return None


# --- a Prometheus text exposition format (0.0.4) parser ---------------------
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?\})? (\S+)( -?\d+)?$" % (NAME, LABEL, LABEL))


def parse_metrics(text):
    """Returns {family: {"type": t, "samples": [(labels, value)]}}; raises on bad input."""
    families, typed = {}, {}
    if not text.endswith("\n"):
        raise ValueError("does not end with a newline")
    for line in text.split("\n")[:-1]:
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if not re.fullmatch(NAME, name):
                raise ValueError("bad HELP name: " + line)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram",
                                                   "summary", "untyped"):
                raise ValueError("bad TYPE: " + line)
            if parts[2] in typed:
                raise ValueError("TYPE twice: " + line)
            typed[parts[2]] = parts[3]
            families[parts[2]] = {"type": parts[3], "samples": []}
            continue
        if line.startswith("#") or not line:
            raise ValueError("unexpected line: %r" % line)
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("bad sample: %r" % line)
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        float(value)  # NaN, +Inf and numbers all parse
        if name not in families:
            raise ValueError("sample before its TYPE: " + line)
        families[name]["samples"].append((labels, float(value)))
    return families


def start(args, log):
    f = open(log, "w")
    p = subprocess.Popen([BIN] + args, stdout=f, stderr=subprocess.STDOUT)
    procs.append(p)
    return p


def ports_of(log, names):
    def read():
        text = open(log).read()
        found = {}
        for name in names:
            m = re.search(r"--%s: listening on [0-9.:\[\]a-f]*:(\d+)" % name, text)
            if m:
                found[name] = int(m.group(1))
        return found if len(found) == len(names) else None
    return wait_for(read, 30)


def count():
    """How many results ok() printed."""
    return n


def run_tap(main):
    """Runs main(), kills every process in procs, prints the plan; exits with main's code."""
    rc = 1
    try:
        rc = main()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    print("1..%d" % count())
    sys.exit(rc)
