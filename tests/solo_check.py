# SPDX-License-Identifier: MIT
"""Reads a regtest node's chain over JSON-RPC and says which blocks quintminer made.

Used by tests/solo.int after a solo-mining run. A block counts as
quintminer's when its coinbase pays the test's address (scriptPubKey as the
node reports it) and its scriptSig carries quintminer's tag. Writes a JSON
summary:

  tip                 node's height
  qm_heights          heights of quintminer's blocks in the main chain
  qm_with_txs         how many of them hold transactions besides the coinbase
  missing             txids (from --txids) not in any quintminer block
  peer_in_chain       the block --peer-block is in the main chain
  peer_child_is_qm    the block after it is quintminer's

Standard library only.
"""

import argparse
import base64
import json
import sys
import urllib.request


def rpc(port, method, *params):
    body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method,
                       "params": list(params)}).encode()
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body)
    req.add_header("Authorization", "Basic " + base64.b64encode(b"u:p").decode())
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    if answer.get("error"):
        raise RuntimeError("%s: %s" % (method, answer["error"]))
    return answer["result"]


def is_quintminer(block, script, tag_hex):
    cb = block["tx"][0]
    if tag_hex not in cb["vin"][0].get("coinbase", ""):
        return False
    return any(o["scriptPubKey"]["hex"] == script for o in cb["vout"] if o["value"] > 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--from-height", type=int, required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--tag", default="/quintminer/")
    ap.add_argument("--txids", default="")
    ap.add_argument("--peer-block", default="")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    tag_hex = a.tag.encode().hex()
    want = set(t for t in a.txids.split(",") if t)
    tip = rpc(a.port, "getblockcount")
    summary = {"tip": tip, "qm_heights": [], "qm_with_txs": 0, "missing": [],
               "peer_in_chain": False, "peer_child_is_qm": False}
    found = set()
    qm_hashes = set()
    for h in range(a.from_height, tip + 1):
        block = rpc(a.port, "getblock", rpc(a.port, "getblockhash", h), 2)
        if not is_quintminer(block, a.script, tag_hex):
            continue
        summary["qm_heights"].append(h)
        qm_hashes.add(block["hash"])
        if len(block["tx"]) > 1:
            summary["qm_with_txs"] += 1
        found.update(tx["txid"] for tx in block["tx"][1:])
    summary["missing"] = sorted(want - found)
    if a.peer_block:
        peer = rpc(a.port, "getblock", a.peer_block, 1)
        summary["peer_in_chain"] = peer.get("confirmations", -1) > 0
        child = peer.get("nextblockhash")
        summary["peer_child_is_qm"] = bool(child) and child in qm_hashes
    with open(a.out, "w") as f:
        json.dump(summary, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
