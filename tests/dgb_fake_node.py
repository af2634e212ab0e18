#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fake DigiByte node for the scheduler's solo tests (standard library only).

It answers what a multi-algorithm solo miner asks a DigiByte node
(docs/pow.md, mining RPCs): getmininginfo in the 7.17 shape (difficulty_<name>
fields) or the 8.22 shape (a difficulties object), getblocktemplate with the
algorithm as its second parameter (or, with --refuse-algo-param, refusing a
second parameter as the 8.22.0 development tree does and serving only its
--node-algo), and submitblock. Templates are built from the real Litecoin
regtest template of tests/data/gbt-ltc-regtest.json with the algorithm's
version nibble and nBits; the nBits of each algorithm are read from
--bits-file (JSON {"sha256d": "1e00ffff", ...}) on every call, so a test can
change the difficulties while the miner runs. An accepted block moves the tip
(height and previous block hash), as a real node's would.

Every submitted block is checked independently of quintminer with
tests/gbt_fake_node.py's check_block (header fields, coinbase, merkle root,
the template's transactions), and its proof of work with hashlib for SHA-256d
and Scrypt. Writes a JSON summary to --summary, rewritten every 0.2 s.
"""

import argparse
import base64
import copy
import hashlib
import http.server
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbt_fake_node  # noqa: E402

# docs/pow.md: the algorithm nibble of nVersion, and the node's names.
NIBBLE = {"scrypt": 0x000, "sha256d": 0x200, "skein": 0x600, "qubit": 0x800, "odo": 0xE00}
DIFF1 = 0xFFFF << 208
USAGE = ('getblocktemplate ( "template_request" )\n\nIf the request parameters include a '
         "'mode' key, that is used to explicitly select between the default 'template' "
         "request or a 'proposal'.")


def target_of(bits):
    n = int(bits, 16)
    return (n & 0x7fffff) << (8 * ((n >> 24) - 3))


class State:
    def __init__(self, a):
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.args = a
        fixture = json.load(open(a.fixture))
        self.base = fixture["template"]
        self.height = self.base["height"]
        self.prev = self.base["previousblockhash"]
        self.bits = {}
        self.bits_text = ""
        self.accepted = {}
        self.rejected = []
        self.second_params = set()
        self.mininginfo_calls = 0
        self.templates = {}

    def read_bits(self):
        try:
            text = open(self.args.bits_file).read()
            bits = json.loads(text)
        except (OSError, ValueError):
            return
        if text != self.bits_text:
            self.bits_text = text
            self.bits = bits
            self.changed.notify_all()

    def template(self, algo):
        t = copy.deepcopy(self.base)
        t["version"] = 0x20000000 | NIBBLE[algo]
        t["bits"] = self.bits.get(algo, "207fffff")
        t["target"] = "%064x" % target_of(t["bits"])
        t["height"] = self.height
        t["previousblockhash"] = self.prev
        t["curtime"] = max(int(time.time()), t["mintime"] + 1)
        t["longpollid"] = "%s-%d-%s" % (self.prev, self.height, self.bits_text.strip())
        if algo == "odo":
            t["odokey"] = t["curtime"] - t["curtime"] % 4
        return t

    def difficulties(self):
        return {a: DIFF1 / target_of(self.bits.get(a, "207fffff")) for a in NIBBLE}


def check_pow(hdr, algo, target):
    if algo == "sha256d":
        h = gbt_fake_node.sha256d(hdr)
    elif algo == "scrypt":
        h = hashlib.scrypt(hdr, salt=hdr, n=1024, r=1, p=1, dklen=32)
    else:
        return None  # checked by structure only here
    return None if int.from_bytes(h, "little") <= target else "high-hash"


def make_handler(state):
    a = state.args

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        def result(self, value):
            self.reply(200, {"result": value, "error": None, "id": 1})

        def error(self, code, message):
            self.reply(500, {"result": None, "error": {"code": code, "message": message},
                             "id": 1})

        def do_POST(self):
            if self.headers.get("Authorization", "") != \
                    "Basic " + base64.b64encode(b"u:p").decode():
                return self.reply(401, {})
            length = int(self.headers.get("Content-Length", "0"))
            req = json.loads(self.rfile.read(length))
            method, params = req.get("method"), req.get("params", [])
            with state.lock:
                state.read_bits()
                if method == "getblockchaininfo":
                    return self.result({"chain": "regtest", "blocks": state.height - 1,
                                        "difficulties": state.difficulties()})
                if method == "validateaddress":
                    return self.result({"isvalid": True, "scriptPubKey": a.script})
                if method == "getbestblockhash":
                    return self.result(state.prev)
                if method == "getmininginfo":
                    state.mininginfo_calls += 1
                    d = state.difficulties()
                    info = {"blocks": state.height - 1, "pow_algo": a.node_algo,
                            "pow_algo_id": 1, "chain": "regtest"}
                    if a.shape == "717":
                        info["difficulty"] = d[a.node_algo]
                        info.update({"difficulty_" + k: v for k, v in d.items()})
                    else:
                        info["difficulties"] = d
                        info["networkhashps"] = 1
                    return self.result(info)
                if method == "getblocktemplate":
                    return self.getblocktemplate(params)
                if method == "submitblock":
                    return self.submitblock(params[0])
            self.error(-32601, "Method not found")

        def getblocktemplate(self, params):
            if len(params) > 1:
                state.second_params.add(str(params[1]))
                if a.refuse_algo_param:
                    return self.error(-1, USAGE)
                algo = str(params[1]).lower()
            else:
                algo = a.node_algo
            if algo not in NIBBLE:
                algo = a.node_algo  # DigiByte falls back to -algo for an unknown name
            lp = params[0].get("longpollid") if params and isinstance(params[0], dict) else None
            if lp:
                deadline = time.monotonic() + 3
                while state.template(algo)["longpollid"] == lp and time.monotonic() < deadline:
                    state.changed.wait(0.2)
                    state.read_bits()
            t = state.template(algo)
            state.templates[(t["height"], algo)] = t
            return self.result(t)

        def submitblock(self, hexdata):
            hdr = bytes.fromhex(hexdata[:160])
            nibble = int.from_bytes(hdr[0:4], "little") & 0xF00
            algo = next((k for k, v in NIBBLE.items() if v == nibble), None)
            prev = hdr[4:36][::-1].hex()
            if algo is None:
                state.rejected.append("algo-inactive")
                return self.result("algo-inactive")
            if prev != state.prev:
                state.rejected.append("stale " + algo)
                return self.result("inconclusive")
            tmpl = state.templates.get((state.height, algo))
            why = "no template was served" if tmpl is None else \
                gbt_fake_node.check_block(hexdata, dict(tmpl, target="f" * 64), a.script)
            why = why or check_pow(hdr, algo, target_of(tmpl["bits"]))
            if why:
                state.rejected.append(algo + ": " + why)
                return self.result("bad-block: " + why)
            state.accepted[algo] = state.accepted.get(algo, 0) + 1
            state.prev = gbt_fake_node.sha256d(hdr)[::-1].hex()
            state.height += 1
            state.changed.notify_all()
            return self.result(None)

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--bits-file", required=True)
    ap.add_argument("--shape", choices=["717", "822"], default="822")
    ap.add_argument("--node-algo", choices=sorted(NIBBLE), default="scrypt")
    ap.add_argument("--refuse-algo-param", action="store_true")
    ap.add_argument("--ready", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()

    state = State(a)
    with state.lock:
        state.read_bits()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None
    stop = threading.Event()

    def write_summary():
        with state.lock:
            summary = {"accepted": state.accepted, "rejected": state.rejected,
                       "second_params": sorted(state.second_params),
                       "mininginfo_calls": state.mininginfo_calls, "height": state.height}
        with open(a.summary + ".tmp", "w") as f:
            json.dump(summary, f)
        os.replace(a.summary + ".tmp", a.summary)

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(a.ready + ".tmp", "w") as f:
        json.dump({"port": server.server_address[1]}, f)
    os.replace(a.ready + ".tmp", a.ready)
    deadline = time.monotonic() + a.lifetime
    while not stop.is_set() and time.monotonic() < deadline:
        write_summary()
        with state.lock:
            state.read_bits()
        stop.wait(0.2)
    write_summary()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
