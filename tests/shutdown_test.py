#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SIGINT stops quintminer promptly in every state (tests/shutdown.int).

Each case starts the miner against a peer on 127.0.0.1 that holds it in one
state, sends SIGINT once it is there, and checks that the process exits
within BOUND_S seconds with status 0 and without a sanitizer report (an ASan
build also checks for leaks at exit). The bound is a correctness bound, far
above the 2 s the miner aims for; the measured time is printed with each
result. States:
  connecting   a listener whose accept queue is full: the SYN goes unanswered
  dns          (own network namespace) a resolver that never answers
  tls          a plain TCP port that never sends a TLS handshake
  node-start   a node that accepts the HTTP connection and never answers
  node-hung    a node that gives one template, then never answers again
               (tip checks, longpoll and submitblock hang)
  scanning     mining a job whose share target is out of reach
  unanswered   mining, with submits the pool never answers: they are reported
Prints TAP.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BOUND_S = 5.0
SRCDIR = os.environ.get("QM_SRCDIR", ".")
MINER = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
FIXTURE = json.load(open(os.path.join(SRCDIR, "tests", "data", "gbt-ltc-regtest.json")))
NOTIFY = ('{"id":null,"method":"mining.notify","params":["4f",'
          '"efe76cdfdfb6f70ee6a25e3fd9348b2d5fe64eb5d3e3d6ee30029e57e617bf2e",'
          '"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff'
          '1a036f6e01","0d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f'
          '5582cd2458def567575a30e643ac25eb88ac00000000",[],"20000202","1d00ffff","67436d00",'
          'true]}\n')

count = 0
tmp = tempfile.mkdtemp(prefix="qm-shutdown.")
stop = threading.Event()


def ok(cond, text):
    global count
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, text), flush=True)
    return cond


def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def serve(s, handler):
    """Accepts connections on s in a thread; handler(conn) runs per connection."""
    s.listen(8)
    s.settimeout(0.2)

    def loop():
        while not stop.is_set():
            try:
                c, _ = s.accept()
            except OSError:
                continue
            threading.Thread(target=handler, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def hold(c):
    """Accepts and says nothing (a stalled TLS handshake, a hung node)."""
    while not stop.is_set():
        try:
            c.settimeout(0.2)
            if c.recv(65536) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    c.close()


def http_answers(answers):
    """A node: answers the first requests with answers[i] (JSON-RPC results), then hangs."""
    lock = threading.Lock()
    served = [0]

    def handler(c):
        f = c.makefile("rb")
        while not stop.is_set():
            line = f.readline()
            if not line:
                break
            length = 0
            while line not in (b"\r\n", b"\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                line = f.readline()
            req = json.loads(f.read(length) or b"{}")
            with lock:
                i = served[0]
                served[0] += 1
            if i >= len(answers):
                hold(c)
                return
            body = json.dumps({"result": answers[i](req), "error": None,
                               "id": req.get("id")}).encode()
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        c.close()
    return handler


def pool(diff, answer_submits):
    """A stratum pool: one job at difficulty diff; submits answered or not."""
    def handler(c):
        f = c.makefile("rb")
        while not stop.is_set():
            try:
                line = f.readline()
            except OSError:
                break
            if not line:
                break
            msg = json.loads(line)
            m, i = msg.get("method"), msg.get("id")
            out = ""
            if m == "mining.subscribe":
                out = json.dumps({"id": i, "result": [[["mining.notify", "s"]], "f8002c90", 4],
                                  "error": None}) + "\n"
            elif m == "mining.authorize":
                out = (json.dumps({"id": i, "result": True, "error": None}) + "\n" +
                       json.dumps({"id": None, "method": "mining.set_difficulty",
                                   "params": [diff]}) + "\n" + NOTIFY)
            elif m == "mining.submit":
                pool.submits += 1
                if answer_submits:
                    out = json.dumps({"id": i, "result": True, "error": None}) + "\n"
            elif i is not None:
                out = json.dumps({"id": i, "result": None, "error": None}) + "\n"
            if out:
                c.sendall(out.encode())
        c.close()
    return handler


pool.submits = 0


def started(settle_s, marker="mining "):
    """Ready once the log shows marker (the miner has set up its signal handlers
    before it logs "mining ..."), then settle_s seconds more in that state."""
    def ready(text):
        if marker not in text:
            return False
        time.sleep(settle_s)
        return True
    return ready


def run_case(name, argv, ready, extra_check=None, wrap=None):
    """Starts the miner, waits (bounded) until ready(log) holds, SIGINT, times the exit."""
    log_path = os.path.join(tmp, name + ".log")
    pid_path = os.path.join(tmp, name + ".pid")
    cmd = [MINER, "-t", "1", "--retry-pause", "1"] + argv
    with open(log_path, "wb") as log:
        if wrap:
            proc = subprocess.Popen(wrap(cmd, pid_path), stdout=log, stderr=subprocess.STDOUT)
        else:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        target = proc.pid
        try:
            t0 = time.monotonic()
            while time.monotonic() - t0 < 20 and proc.poll() is None:
                text = open(log_path, errors="replace").read()
                if ready(text) and (not wrap or os.path.exists(pid_path)):
                    break
                time.sleep(0.05)
            if wrap and os.path.exists(pid_path):
                target = int(open(pid_path).read().split()[0])
            reached = proc.poll() is None
            t1 = time.monotonic()
            os.kill(target, signal.SIGINT)
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
            took = time.monotonic() - t1
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    text = open(log_path, errors="replace").read()
    for line in text.splitlines()[-15:]:
        print("# " + line)
    ok(reached, "%s: the miner reached the state and was still running" % name)
    ok(took < BOUND_S and rc == 0,
       "%s: exited %.2f s after SIGINT with status %d" % (name, took, rc))
    ok(not any(s in text for s in ("Sanitizer", "runtime error")),
       "%s: no sanitizer report (leaks included)" % name)
    if extra_check:
        extra_check(text)
    return took


def main():
    results = {}
    base = ["-a", "sha256d", "-u", "w", "-p", "x"]

    # connecting: the accept queue is full (backlog 0, filled), so the SYN is dropped.
    s, port = listener()
    s.listen(0)
    fillers = []
    for _ in range(4):
        f = socket.socket()
        f.setblocking(False)
        f.connect_ex(("127.0.0.1", port))
        fillers.append(f)
    time.sleep(0.2)
    results["connecting"] = run_case(
        "connecting", base + ["-o", "stratum+tcp://127.0.0.1:%d" % port],
        started(1.5))
    for f in fillers:
        f.close()
    s.close()

    # dns: a namespace of its own whose resolver (127.0.0.1:53) never answers.
    if subprocess.call(["unshare", "-rmn", "true"], stderr=subprocess.DEVNULL) == 0:
        resolv = os.path.join(tmp, "resolv.conf")
        with open(resolv, "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:30 attempts:1\n")

        def in_netns(cmd, pid_path):
            script = ('ip link set lo up && mount --bind "$1" /etc/resolv.conf || exit 1; '
                      'shift; shift; "$0" -c "import socket,time; s=socket.socket(socket.AF_INET,'
                      'socket.SOCK_DGRAM); s.bind((\'127.0.0.1\',53)); time.sleep(60)" & bh=$!; '
                      'sleep 0.3; "$@" & m=$!; echo $m > "$PIDFILE"; wait $m; rc=$?; kill $bh; exit $rc')
            return (["env", "PIDFILE=" + pid_path, "unshare", "-rmn", "sh", "-c", script,
                     sys.executable, resolv, "-"] + cmd)
        results["dns"] = run_case(
            "dns", base + ["-o", "stratum+tcp://pool.quintminer.test:3333"],
            started(1.5), wrap=in_netns)
    else:
        print("ok %d # SKIP dns: cannot make a network namespace (unshare -rmn)" % (count + 1))
        globals()["count"] += 1

    # tls: a plain TCP port that never answers the ClientHello.
    s, port = listener()
    serve(s, hold)
    results["tls"] = run_case(
        "tls", base + ["-o", "stratum+tls://127.0.0.1:%d" % port], started(1.5))

    # node-start: the node never answers its first call.
    s, port = listener()
    serve(s, hold)
    solo = ["-a", "scrypt", "-u", "u", "-p", "p", "--coinbase-addr", FIXTURE["address"],
            "-o", "http://127.0.0.1:%d" % port]
    results["node-start"] = run_case("node-start", solo, started(1.5))

    # node-hung: one template, then silence (tip checks, longpoll, submitblock hang).
    s, port = listener()
    serve(s, http_answers([lambda r: {"chain": "regtest", "blocks": 260},
                           lambda r: {"isvalid": True},
                           lambda r: FIXTURE["template"]]))
    solo[-1] = "http://127.0.0.1:%d" % port
    results["node-hung"] = run_case("node-hung", solo,
                                    started(1.5, "work for block"))

    # scanning: a job whose share target is out of reach.
    s, port = listener()
    serve(s, pool(1e12, True))
    results["scanning"] = run_case(
        "scanning", base + ["-o", "stratum+tcp://127.0.0.1:%d" % port],
        started(1.0, "new block"))

    # unanswered: shares submitted, never answered; the exit reports them.
    s, port = listener()
    serve(s, pool(1e-4, False))
    results["unanswered"] = run_case(
        "unanswered", base + ["-o", "stratum+tcp://127.0.0.1:%d" % port],
        lambda t: pool.submits >= 2,
        lambda t: ok("no answer before exit" in t,
                     "unanswered: the shares left without an answer are reported"))
    stop.set()
    print("# shutdown times (s): " +
          ", ".join("%s %.2f" % (k, v) for k, v in results.items()))
    print("1..%d" % count)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
