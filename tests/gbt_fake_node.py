# SPDX-License-Identifier: MIT
"""A hostile JSON-RPC node for tests/gbt_hostile.int (standard library only).

Serves the real Litecoin regtest template of tests/data/gbt-ltc-regtest.json,
but answers every longpoll with the next item of a list of broken answers
(garbage, HTML errors, truncated or oversized JSON, wrong types, a template
whose txid lies or whose version names another algorithm, 401...) before it
behaves. The first submitblock calls get garbage and a reject string, later
ones null. Every submitted block is checked here, independently of
quintminer: header fields, coinbase (BIP34 height, payout, witness
commitment and reserved value), merkle root from the txids, the template's
transactions appended unchanged, and the Scrypt proof of work against the
target. Writes a JSON summary to --summary when it exits (after --lifetime
seconds, or on SIGTERM).
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import signal
import sys
import threading
import time


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def read_compact(b, i):
    n = b[i]
    if n < 0xfd:
        return n, i + 1
    size = {0xfd: 2, 0xfe: 4, 0xff: 8}[n]
    return int.from_bytes(b[i + 1:i + 1 + size], "little"), i + 1 + size


def parse_tx(b, i):
    """Returns (end, non-witness serialization, witness stacks) of the tx at b[i:]."""
    start = i
    i += 4
    has_witness = b[i] == 0 and b[i + 1] == 1
    if has_witness:
        i += 2
    body = i
    n_in, i = read_compact(b, i)
    for _ in range(n_in):
        i += 36
        n, i = read_compact(b, i)
        i += n + 4
    n_out, i = read_compact(b, i)
    for _ in range(n_out):
        i += 8
        n, i = read_compact(b, i)
        i += n
    body_end = i
    stacks = []
    if has_witness:
        for _ in range(n_in):
            items, i = read_compact(b, i)
            stack = []
            for _ in range(items):
                n, i = read_compact(b, i)
                stack.append(b[i:i + n])
                i += n
            stacks.append(stack)
    stripped = b[start:start + 4] + b[body:body_end] + b[i:i + 4]
    return i + 4, stripped, stacks


def outputs(tx):
    """(value, script) pairs of a non-witness serialization."""
    i = 4
    n_in, i = read_compact(tx, i)
    for _ in range(n_in):
        i += 36
        n, i = read_compact(tx, i)
        i += n + 4
    n_out, i = read_compact(tx, i)
    outs = []
    for _ in range(n_out):
        value = int.from_bytes(tx[i:i + 8], "little")
        n, i = read_compact(tx, i + 8)
        outs.append((value, tx[i:i + n]))
        i += n
    return outs


def merkle_root(hashes):
    while len(hashes) > 1:
        if len(hashes) % 2:
            hashes.append(hashes[-1])
        hashes = [sha256d(hashes[k] + hashes[k + 1]) for k in range(0, len(hashes), 2)]
    return hashes[0]


def height_push(h):
    if 1 <= h <= 16:
        return bytes([0x50 + h])
    num = h.to_bytes((h.bit_length() + 7) // 8, "little")
    if num[-1] & 0x80:
        num += b"\0"
    return bytes([len(num)]) + num


def check_block(hexdata, tmpl, script):
    """Returns None if the block is right for tmpl paying script, else why not."""
    try:
        b = bytes.fromhex(hexdata)
    except ValueError:
        return "not hex"
    hdr = b[:80]
    if int.from_bytes(hdr[0:4], "little") != tmpl["version"] & 0xffffffff:
        return "version"
    if hdr[4:36] != bytes.fromhex(tmpl["previousblockhash"])[::-1]:
        return "previous block hash"
    if hdr[72:76] != bytes.fromhex(tmpl["bits"])[::-1]:
        return "bits"
    if int.from_bytes(hdr[68:72], "little") < tmpl.get("mintime", 0):
        return "time below mintime"
    count, i = read_compact(b, 80)
    if count != len(tmpl["transactions"]) + 1:
        return "transaction count"
    end, cb, stacks = parse_tx(b, i)
    if b[end:] != b"".join(bytes.fromhex(t["data"]) for t in tmpl["transactions"]):
        return "template transactions not appended unchanged"
    script_sig_len, k = read_compact(cb, 4 + 1 + 36)
    script_sig = cb[k:k + script_sig_len]
    if not script_sig.startswith(height_push(tmpl["height"])) or not 2 <= len(script_sig) <= 100:
        return "coinbase scriptSig (BIP34 height or size)"
    outs = outputs(cb)
    if (tmpl["coinbasevalue"], bytes.fromhex(script)) not in outs:
        return "no output paying the address the whole coinbasevalue"
    if sum(v for v, _ in outs) != tmpl["coinbasevalue"]:
        return "outputs do not add up to coinbasevalue"
    dwc = tmpl.get("default_witness_commitment")
    if dwc:
        if (0, bytes.fromhex(dwc)) not in outs:
            return "witness commitment output"
        if stacks != [[bytes(32)]]:
            return "coinbase witness is not one 32-byte zero item"
    txids = [sha256d(cb)] + [bytes.fromhex(t["txid"])[::-1] for t in tmpl["transactions"]]
    if merkle_root(txids) != hdr[36:68]:
        return "merkle root"
    pow_hash = hashlib.scrypt(hdr, salt=hdr, n=1024, r=1, p=1, dklen=32)
    if int.from_bytes(pow_hash, "little") > int(tmpl["target"], 16):
        return "scrypt hash above the target"
    return None


class State:
    def __init__(self, fixture, script):
        self.lock = threading.Lock()
        self.tmpl = fixture["template"]
        self.tmpl["longpollid"] = "fake-lp"
        self.script = script
        good = json.dumps({"result": self.tmpl, "error": None, "id": 1})
        bad_txid = json.loads(json.dumps(self.tmpl))
        bad_txid["transactions"][1]["txid"] = bad_txid["transactions"][2]["txid"]
        other_algo = json.loads(json.dumps(self.tmpl))
        other_algo["version"] |= 0x200
        # (HTTP status, body) served to longpolls, in order.
        self.hostile = [
            (200, "garbage, not JSON"),
            (500, "<html><body>Internal Server Error</body></html>"),
            (200, good[:len(good) // 2]),
            (200, json.dumps({"result": bad_txid, "error": None, "id": 1})),
            (200, json.dumps({"result": other_algo, "error": None, "id": 1})),
            (200, json.dumps({"result": "a string", "error": None, "id": 1})),
            (200, json.dumps({"result": [1, 2], "error": None, "id": 1})),
            (500, json.dumps({"result": None, "id": 1, "error": {
                "code": -10, "message": "Loading block index\u2026\nsecond line\u0007"}})),
            (200, json.dumps({"result": None, "error": "not an object", "id": 1})),
            (200, '{"result": "' + "a" * (33 << 20) + '"}'),
            (401, ""),
            (200, "[" * 100000),
        ]
        self.good = good
        self.served = 0
        self.submits = []
        self.second_params = set()
        self.unauthorized = 0


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        def result(self, value):
            self.reply(200, json.dumps({"result": value, "error": None, "id": 1}))

        def do_POST(self):
            auth = self.headers.get("Authorization", "")
            length = int(self.headers.get("Content-Length", "0"))
            req = json.loads(self.rfile.read(length))
            if auth != "Basic " + base64.b64encode(b"u:p").decode():
                with state.lock:
                    state.unauthorized += 1
                return self.reply(401, "")
            method, params = req.get("method"), req.get("params", [])
            tmpl = state.tmpl
            if method == "getblockchaininfo":
                return self.result({"chain": "regtest", "blocks": tmpl["height"] - 1})
            if method == "validateaddress":
                return self.result({"isvalid": True, "scriptPubKey": state.script})
            if method == "getbestblockhash":
                return self.result(tmpl["previousblockhash"])
            if method == "getblocktemplate":
                with state.lock:
                    if len(params) > 1:
                        state.second_params.add(str(params[1]))
                    is_longpoll = bool(params) and "longpollid" in params[0]
                    item = None
                    if is_longpoll and state.served < len(state.hostile):
                        item = state.hostile[state.served]
                        state.served += 1
                if item:
                    return self.reply(*item)
                if is_longpoll:
                    time.sleep(1)
                return self.reply(200, state.good)
            if method == "submitblock":
                why = check_block(params[0], tmpl, state.script)
                with state.lock:
                    state.submits.append(why or "ok")
                    n = len(state.submits)
                if n == 1:
                    return self.reply(200, "}{ not JSON")
                if n == 2:
                    return self.result("high-hash")
                return self.result(None if why is None else "bad-block: " + why)
            self.reply(404, json.dumps({"result": None, "id": 1, "error": {
                "code": -32601, "message": "Method not found"}}))

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()

    state = State(json.load(open(a.fixture)), a.script)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # clients that hang up are expected
    stop = threading.Event()

    def write_summary():
        with state.lock:
            summary = {"hostile_total": len(state.hostile), "hostile_served": state.served,
                       "submits": state.submits, "second_params": sorted(state.second_params),
                       "unauthorized": state.unauthorized}
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
        stop.wait(0.2)
    write_summary()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
