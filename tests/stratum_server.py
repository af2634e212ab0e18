#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stratum v1 test pool for tests/stratum.int (Python 3 standard library only).

It listens on 127.0.0.1 (one port per pool, optionally TLS), speaks the
protocol of docs/protocols.md section 1, builds its jobs from
the worked example's real block data (coinbase halves, merkle branches,
version, nbits) with a BIP34 height and a chained prevhash, and checks every
share independently of quintminer's code: job id and validity, extranonce2
size, ntime, nonce format, and the share's hash (hashlib sha256d or
hashlib.scrypt N=1024 r=1 p=1) against the target of the difficulty in force
when the job was sent. A scenario drives faults from the number of accepted
shares. Everything it sees goes into a JSON summary file that the .int
script checks; it is rewritten after every event.

Scenarios:
  faults    one pool: garbage lines, get_version, unknown methods, clean_jobs,
            set_extranonce, a disconnect in the middle of a line, a dropped
            submit (the share must come back on the resumed session), a 1 MiB
            line, fast shares, then client.reconnect with a submit unanswered
            and later answers a second late (a client that keeps submitting
            while it leaves gets duplicates).
  failover  pools a and b: a goes away (listener closed, clients dropped), the
            miner must mine on b, a comes back, the miner must return to a.
  basic     one pool (optionally TLS): a few accepted shares.
  idle      one pool that says something every second (set_difficulty, as a
            pool's job refresh) until, after --shares-per-phase accepted
            shares, the next submit finds it silent: from then on the
            connection stays open but nothing goes out, and what the miner
            sends is read and dropped unanswered (a half-open connection as
            the miner sees it). The miner must notice (--stratum-idle, or the
            unanswered submit), reconnect, resume and send the swallowed
            submits again; done when each came back accepted and
            --shares-per-phase more were accepted.
  ntime     one pool: done when shares at every ntime offset 0..--ntime-roll
            were accepted (--shares-per-phase each), e.g. with --en2-size 0,
            where every unit of work past the first is a rolled ntime.
  soak      one pool, --duration seconds of faults picked at random (--seed):
            disconnects mid-line and mid-submit, garbage, a 1 MiB line, a
            one-byte-per-second drip, a submit left unanswered, set_extranonce
            with another size, set_difficulty up and down, jobs every 200 ms
            with clean_jobs, client.reconnect, and the pool down for --down
            seconds; every kind once first (the pool going down first), then
            at random every 0.5-2 s. "faults" counts what was injected;
            "unanswered" counts submits left unanswered and never sent again.

ntime policy (--ntime-roll S, as quintminer's option of that name): a share's
ntime must lie in [job ntime, job ntime + S]; anything else is a violation
(S = 0, the default: exactly the job's ntime).

In every scenario, answers sent after a line that makes the client hang up
(the 1 MiB line) never reach it: they are counted in accepts_lost and
rejects_lost (the client sends those shares again; they come back as
duplicates).
"""

import argparse
import hashlib
import json
import os
import random
import socket
import ssl
import struct
import sys
import threading
import time
from fractions import Fraction

# docs/protocols.md section 1, the worked example: real block data.
EX_COINB1_HEAD = bytes.fromhex(
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff")
EX_COINB2 = bytes.fromhex(
    "0d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f5582cd2458def56757"
    "5a30e643ac25eb88ac00000000")
EX_BRANCHES = [bytes.fromhex(h) for h in (
    "95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6",
    "709b55bd3da0f5a838125bd0ee20c5bfdd7caba173912d4281cae816b79a201b")]
EX_PREVHASH_INTERNAL = bytes.fromhex(
    "df6ce7ef0ef7b6df3f5ea2e62d8b34d9b54ee65feed6e3d3579e02302ebf17e6")
EX_HEIGHT = 93807
EX_NTIME = 0x67436D00
EX_NBITS = 0x1D00FFFF
# nVersion: BIP9 top bits, algorithm in bits 8..11 (docs/pow.md section 2).
VERSION = {"sha256d": 0x20000202, "scrypt": 0x20000002}
FACTOR = {"sha256d": 1, "scrypt": 65536}
DIFF1 = 0xFFFF << 208
LINE_MAX = 64 * 1024
USER = "worker"


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def pow_hash(algo, header):
    if algo == "scrypt":
        return hashlib.scrypt(password=header, salt=header, n=1024, r=1, p=1, dklen=32)
    return sha256d(header)


def nbits_target(nbits):
    """The block target of compact nBits (docs/pow.md)."""
    return (nbits & 0xFFFFFF) << (8 * ((nbits >> 24) - 3))


def swap_words(b):
    """Internal-order prevhash -> the notify's word-swapped form (section 1 step 3)."""
    return b"".join(b[i:i + 4][::-1] for i in range(0, len(b), 4))


def bip34_push(height):
    n = height.to_bytes((height.bit_length() + 8) // 8, "little")  # room for the sign bit
    return bytes([len(n)]) + n


class Job:
    nbits = EX_NBITS  # --nbits

    def __init__(self, jid, pool, prevhash, height, ntime, en1, en2_size, diff, algo, factor,
                 nbits=None):
        self.id = jid
        if nbits is not None:
            self.nbits = nbits  # --nbits-file: the server's current one
        self.pool = pool
        self.prevhash = prevhash
        self.ntime = ntime
        self.en1 = en1
        self.en2_size = en2_size
        self.diff = diff
        self.algo = algo
        self.version = VERSION[algo]
        push = bip34_push(height)
        script_len = len(push) + len(en1) + en2_size + 14  # 14: the tag at coinb2's start
        self.coinb1 = EX_COINB1_HEAD + bytes([script_len]) + push
        self.coinb2 = EX_COINB2
        self.target = min(int(Fraction(DIFF1) * Fraction(factor) / Fraction(diff)), 2**256 - 1)

    def notify(self, clean):
        return {"id": None, "method": "mining.notify", "params": [
            self.id, swap_words(self.prevhash).hex(), self.coinb1.hex(), self.coinb2.hex(),
            [b.hex() for b in EX_BRANCHES], "%08x" % self.version, "%08x" % self.nbits,
            "%08x" % self.ntime, clean]}

    def header(self, en2, ntime, nonce):
        coinbase = self.coinb1 + self.en1 + en2 + self.coinb2
        root = sha256d(coinbase)
        for b in EX_BRANCHES:
            root = sha256d(root + b)
        return (struct.pack("<I", self.version) + self.prevhash + root +
                struct.pack("<III", ntime, self.nbits, nonce))


class Session:
    """What the pool keeps per subscription (survives a reconnect that resumes it)."""

    def __init__(self, sid, pool, en1, en2_size):
        self.sid = sid
        self.pool = pool
        self.en1 = en1
        self.en2_size = en2_size
        self.valid = {}          # job id -> Job, emptied on clean_jobs
        self.current = None      # the newest job
        self.clean_at = 0.0      # when the last clean_jobs went out
        self.seen = set()        # (job, en2, ntime, nonce) accepted


class Pool:
    def __init__(self, server, name, tls_ctx):
        self.server = server
        self.name = name
        self.tls_ctx = tls_ctx
        self.port = 0
        self.listener = None
        self.conns = set()
        self.is_open = False

    def open(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(8)
        self.port = s.getsockname()[1]
        self.listener = s
        self.is_open = True
        threading.Thread(target=self.accept_loop, args=(s,), daemon=True).start()

    def close(self):
        """The pool goes away: no listener, every client dropped."""
        self.is_open = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for c in list(self.conns):
            c.drop()

    def accept_loop(self, listener):
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            if not self.is_open:
                sock.close()
                return
            threading.Thread(target=Conn(self, sock).run, daemon=True).start()


class Conn:
    def __init__(self, pool, sock):
        self.pool = pool
        self.server = pool.server
        self.raw = sock
        self.sock = sock
        self.session = None
        self.is_authorized = False
        self.lock = threading.Lock()
        self.is_dropped = False
        # soak: a line was sent that makes the client drop the connection (a
        # 1 MiB line): answers sent after it are never read by the client.
        self.is_poisoned = False
        # idle: nothing more goes out, what comes in is dropped unanswered.
        self.is_silent = False
        # faults: after client.reconnect, submit answers go out this many
        # seconds late (a slow pool), so a client that keeps submitting on a
        # connection it is leaving has answers in flight when it hangs up.
        self.answer_delay = 0.0

    def send(self, obj):
        self.send_raw((json.dumps(obj, separators=(",", ":")) + "\n").encode())

    def send_raw(self, data):
        with self.lock:
            if self.is_dropped or self.is_silent:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                pass

    def answer(self, obj):
        """A submit's answer: now, or answer_delay seconds late."""
        if self.answer_delay > 0:
            threading.Timer(self.answer_delay, self.send, [obj]).start()
        else:
            self.send(obj)

    def drop(self):
        """Ends the connection from our side. Only the write side is shut: what the
        client still sends is read and ignored until it closes, so the kernel never
        answers with a reset that could discard replies already sent."""
        with self.lock:
            if self.is_dropped:
                return
            self.is_dropped = True
            try:
                self.raw.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def run(self):
        srv = self.server
        self.raw.settimeout(30)
        if self.pool.tls_ctx:
            try:
                self.sock = self.pool.tls_ctx.wrap_socket(self.raw, server_side=True)
            except (OSError, ssl.SSLError) as e:
                srv.event("tls_handshake_failed", pool=self.pool.name, why=str(e)[:120])
                self.raw.close()
                return
        self.pool.conns.add(self)
        srv.event("connect", pool=self.pool.name)
        buf = b""
        idle = 0
        try:
            while idle < 4:
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    idle += 1
                    continue
                if not chunk:
                    break
                idle = 0
                if self.is_dropped:
                    continue
                buf += chunk
                while b"\n" in buf and not self.is_dropped:
                    line, buf = buf.split(b"\n", 1)
                    if self.is_silent:
                        srv.swallow(self, line)
                    elif line.strip():
                        self.on_line(line)
                if len(buf) > LINE_MAX:
                    srv.violation("client line over %d bytes" % LINE_MAX)
                    break
        except (OSError, ssl.SSLError):
            pass
        finally:
            self.pool.conns.discard(self)
            if self.is_silent:
                with srv.lock:
                    srv.summary["silent_conn_closed_at"] = round(time.time() - srv.start, 3)
            srv.event("disconnect", pool=self.pool.name)
            self.drop()
            try:
                self.sock.close()
            except OSError:
                pass

    def on_line(self, line):
        srv = self.server
        try:
            msg = json.loads(line)
        except ValueError:
            srv.violation("client sent non-JSON: %r" % line[:80])
            return
        if not isinstance(msg, dict):
            srv.violation("client sent a non-object")
            return
        method = msg.get("method")
        if method is None:
            srv.on_client_response(self, msg)
            return
        params = msg.get("params")
        if not isinstance(params, list):
            srv.violation("%s without a params array" % method)
            return
        with srv.lock:
            handler = {
                "mining.subscribe": srv.on_subscribe,
                "mining.authorize": srv.on_authorize,
                "mining.extranonce.subscribe": srv.on_extranonce_subscribe,
                "mining.suggest_difficulty": srv.on_suggest_difficulty,
                "mining.submit": srv.on_submit,
            }.get(method)
            if handler is None:
                srv.violation("unexpected method %r" % method)
                self.send({"id": msg.get("id"), "result": None,
                           "error": [20, "unknown method", None]})
                return
            handler(self, msg.get("id"), params)


class Server:
    def __init__(self, args):
        self.args = args
        self.algo = args.algo
        self.factor = args.factor if args.factor else FACTOR[args.algo]
        self.lock = threading.RLock()
        self.diff = args.diff
        self.nbits, self.nbits_text = Job.nbits, None
        self.read_nbits()
        self.height = EX_HEIGHT
        self.prevhash = EX_PREVHASH_INTERNAL
        self.job_seq = 0
        self.en1_seq = 0x10000000
        self.sessions = {}
        self.phase = 0
        self.phase_accepted = 0
        self.phase_by_pool = {}
        self.start = time.time()
        self.rate_window = (time.time(), 0)
        self.pending_drop = None
        self.summary = {
            "algo": self.algo, "scenario": args.scenario, "done": False,
            "accepted": 0, "rejected": 0, "rejected_reasons": {}, "accepted_by_pool": {},
            "accepted_by_en2_size": {}, "connects": {}, "disconnects": {},
            "subscribes": 0, "resumed": 0, "authorized": 0, "extranonce_subscribed": 0,
            "suggested_difficulty": None, "get_version": None, "unknown_method_answer": None,
            "late_stale": 0, "dropped_share": None, "dropped_share_resubmitted": False,
            "phases": [], "difficulties": [], "violations": [], "events": [],
            "tls_handshake_failed": 0, "agent": None, "cross_pool_shares": 0,
            "blocks": 0, "authorize_refused": 0,
            "faults": {}, "unanswered": 0, "accepts_lost": 0, "rejects_lost": 0,
            "accepted_by_ntime_offset": {}, "ntime_roll": args.ntime_roll,
            "swallowed": 0, "swallowed_resubmitted": 0, "silent_at": None,
            "silent_conn_closed_at": None,
        }
        self.swallowed = set()   # idle: keys of submits the silent connection dropped
        self.valid_shares = 0
        self.ignored = set()     # soak: keys of submits left unanswered, not seen again
        self.rng = random.Random(args.seed)
        tls_ctx = None
        if args.tls:
            tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls_ctx.load_cert_chain(args.tls)
        names = ["a", "b"] if args.scenario == "failover" else ["a"]
        self.pools = {n: Pool(self, n, tls_ctx) for n in names}

    # --- records -----------------------------------------------------------
    def write_summary(self):
        tmp = self.args.summary + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.summary, f, indent=1, sort_keys=True)
        os.replace(tmp, self.args.summary)

    def event(self, what, **kw):
        with self.lock:
            if what == "connect":
                self.summary["connects"][kw["pool"]] = \
                    self.summary["connects"].get(kw["pool"], 0) + 1
            elif what == "disconnect":
                self.summary["disconnects"][kw["pool"]] = \
                    self.summary["disconnects"].get(kw["pool"], 0) + 1
            elif what == "tls_handshake_failed":
                self.summary["tls_handshake_failed"] += 1
            kw["t"] = round(time.time() - self.start, 3)
            kw["what"] = what
            if len(self.summary["events"]) < 400:
                self.summary["events"].append(kw)
            self.write_summary()

    def violation(self, text):
        with self.lock:
            if len(self.summary["violations"]) < 50:
                self.summary["violations"].append(text)
            self.write_summary()

    def set_phase(self, phase, note):
        self.phase = phase
        self.phase_accepted = 0
        self.phase_by_pool = {}
        self.summary["phases"].append({"phase": phase, "note": note,
                                       "t": round(time.time() - self.start, 3)})
        self.write_summary()

    # --- jobs --------------------------------------------------------------
    def new_block(self):
        """The chain moves: the next prevhash is the hash of a header on the old one."""
        self.prevhash = sha256d(self.prevhash + struct.pack("<I", self.height))
        self.height += 1

    def make_job(self, conn):
        s = conn.session
        self.job_seq += 1
        ntime = EX_NTIME + int(time.time() - self.start)
        job = Job("%s%x" % (conn.pool.name, self.job_seq), conn.pool.name, self.prevhash,
                  self.height, ntime, s.en1, s.en2_size, self.diff, self.algo, self.factor,
                  self.nbits)
        return job

    def read_nbits(self):
        """--nbits-file: the network target the jobs carry; True when it changed."""
        if not self.args.nbits_file:
            return False
        try:
            text = open(self.args.nbits_file).read().strip()
            nbits = int(text, 16)
        except (OSError, ValueError):
            return False
        if text == self.nbits_text:
            return False
        self.nbits, self.nbits_text = nbits, text
        return True

    def nbits_changed(self):
        """The network retargeted: a new block with the new nBits for every miner."""
        self.event("nbits", nbits="%08x" % self.nbits)
        with self.lock:
            first = True
            for p in self.pools.values():
                for c in list(p.conns):
                    if c.session is not None and c.is_authorized:
                        self.send_job(c, True, new_block=first)
                        first = False

    def send_job(self, conn, clean, new_block=False):
        if new_block:
            self.new_block()
        s = conn.session
        job = self.make_job(conn)
        if clean:
            s.valid.clear()
            s.clean_at = time.time()
        s.valid[job.id] = job
        s.current = job
        conn.send(job.notify(clean))

    def send_difficulty(self, conn):
        conn.send({"id": None, "method": "mining.set_difficulty", "params": [self.diff]})

    def vardiff(self, conn):
        """Keeps shares near a few per second whatever the CPU: faster -> harder.
        Not in idle and ntime, whose checks want one job and a steady share rate."""
        if self.args.scenario in ("idle", "ntime"):
            return
        t0, n = self.rate_window
        n += 1
        now = time.time()
        if now - t0 >= 2.0:
            rate = n / (now - t0)
            self.rate_window = (now, 0)
            if rate > 6:
                self.diff *= 4
            elif rate < 0.5:
                self.diff /= 4
            else:
                return
            self.summary["difficulties"].append(self.diff)
            self.send_difficulty(conn)
            self.send_job(conn, clean=False)
        else:
            self.rate_window = (t0, n)

    # --- client requests ---------------------------------------------------
    def on_subscribe(self, conn, rid, params):
        self.summary["subscribes"] += 1
        if not params or not isinstance(params[0], str):
            self.violation("subscribe without a user agent")
        else:
            self.summary["agent"] = params[0]
        sid = params[1] if len(params) > 1 else None
        old = self.sessions.get(sid) if isinstance(sid, str) else None
        resumed = old is not None and old.pool == conn.pool.name
        if resumed:
            self.summary["resumed"] += 1
            conn.session = old
        else:
            self.en1_seq += 1
            sid = "%s-%08x" % (conn.pool.name, self.en1_seq)
            conn.session = Session(sid, conn.pool.name, struct.pack(">I", self.en1_seq),
                                   self.args.en2_size)
            self.sessions[sid] = conn.session
        s = conn.session
        conn.send({"id": rid, "result": [[["mining.set_difficulty", s.sid],
                                          ["mining.notify", s.sid]], s.en1.hex(), s.en2_size],
                   "error": None})
        self.send_difficulty(conn)
        if resumed and s.current is not None:
            # A resumed session gets its current job again; older shares stay valid.
            s.valid[s.current.id] = s.current
            conn.send(s.current.notify(False))
        else:
            self.send_job(conn, clean=True, new_block=True)
        self.event("subscribe", pool=conn.pool.name, resumed=resumed)
        self.after_subscribe(conn, resumed)

    def on_authorize(self, conn, rid, params):
        if len(params) >= 1 and params[0] == USER:
            conn.is_authorized = True
            self.summary["authorized"] += 1
            conn.send({"id": rid, "result": True, "error": None})
        else:
            self.summary["authorize_refused"] += 1
            conn.send({"id": rid, "result": None, "error": [24, "Unauthorized worker", None]})
            self.write_summary()

    def on_extranonce_subscribe(self, conn, rid, params):
        self.summary["extranonce_subscribed"] += 1
        conn.send({"id": rid, "result": True, "error": None})

    def on_suggest_difficulty(self, conn, rid, params):
        self.summary["suggested_difficulty"] = params[0] if params else None
        conn.send({"id": rid, "result": True, "error": None})

    def reject(self, conn, rid, code, text):
        self.summary["rejected"] += 1
        if conn.is_poisoned:
            self.summary["rejects_lost"] += 1
        key = "%d %s" % (code, text)
        self.summary["rejected_reasons"][key] = self.summary["rejected_reasons"].get(key, 0) + 1
        conn.answer({"id": rid, "result": None, "error": [code, text, None]})
        self.write_summary()

    def on_submit(self, conn, rid, params):
        s = conn.session
        if not conn.is_authorized or s is None:
            return self.reject(conn, rid, 24, "Unauthorized worker")
        if len(params) != 5 or not all(isinstance(p, str) for p in params):
            self.violation("submit params not five strings: %r" % (params,))
            return self.reject(conn, rid, 20, "Bad params")
        user, jid, en2_hex, ntime_hex, nonce_hex = params
        if user != USER:
            self.violation("submit for user %r" % user)
        if self.pending_drop == "submit":
            # Fault: the connection dies with this submit unanswered and unrecorded.
            self.pending_drop = None
            self.summary["dropped_share"] = [jid, en2_hex, ntime_hex, nonce_hex]
            self.event("drop_on_submit", pool=conn.pool.name)
            conn.drop()
            return None
        if self.pending_drop == "silence":
            # idle: this submit and everything after it on this connection is lost.
            self.pending_drop = None
            self.summary["silent_at"] = round(time.time() - self.start, 3)
            self.swallowed.add(tuple(params[1:]))
            self.summary["swallowed"] += 1
            conn.is_silent = True
            self.event("silent", pool=conn.pool.name)
            return None
        if self.pending_drop == "ignore":
            # Fault: this submit is left unanswered (the connection stays up).
            self.pending_drop = None
            self.ignored.add(tuple(params[1:]))
            self.summary["unanswered"] = len(self.ignored)
            self.write_summary()
            return None
        self.ignored.discard(tuple(params[1:]))
        self.summary["unanswered"] = len(self.ignored)
        if jid[:1] != conn.pool.name:
            self.summary["cross_pool_shares"] += 1
            self.violation("share for job %s of another pool sent to pool %s" %
                           (jid, conn.pool.name))
            return self.reject(conn, rid, 21, "Job not found")
        job = s.valid.get(jid)
        if job is None:
            if time.time() - s.clean_at > 1.0:
                self.summary["late_stale"] += 1
            return self.reject(conn, rid, 21, "Job not found")
        if len(en2_hex) != 2 * job.en2_size:
            self.violation("extranonce2 %r for size %d" % (en2_hex, job.en2_size))
            return self.reject(conn, rid, 20, "Incorrect size of extranonce2")
        try:
            en2 = bytes.fromhex(en2_hex)
            ntime = int(ntime_hex, 16)
            nonce = int(nonce_hex, 16)
        except ValueError:
            self.violation("submit fields not hex: %r" % (params,))
            return self.reject(conn, rid, 20, "Bad hex")
        if len(ntime_hex) != 8 or len(nonce_hex) != 8:
            self.violation("ntime/nonce not 8 hex digits: %r" % (params,))
            return self.reject(conn, rid, 20, "Bad length")
        if not job.ntime <= ntime <= job.ntime + self.args.ntime_roll:
            self.violation("ntime %08x outside the job's %08x + 0..%d" %
                           (ntime, job.ntime, self.args.ntime_roll))
            return self.reject(conn, rid, 20, "ntime out of range")
        key = (jid, en2_hex, ntime_hex, nonce_hex)
        if key in s.seen:
            return self.reject(conn, rid, 22, "Duplicate share")
        h = pow_hash(self.algo, job.header(en2, ntime, nonce))
        if int.from_bytes(h, "little") > job.target:
            self.violation("share above target: job %s en2 %s nonce %s hash %s" %
                           (jid, en2_hex, nonce_hex, h[::-1].hex()))
            return self.reject(conn, rid, 23, "Low difficulty share")
        s.seen.add(key)
        self.valid_shares += 1
        if self.args.reject_every and self.valid_shares % self.args.reject_every == 0:
            # A valid share refused on purpose, so the miner's rejected line is seen.
            return self.reject(conn, rid, 23, "Low difficulty share")
        if int.from_bytes(h, "little") <= nbits_target(job.nbits):
            self.summary["blocks"] += 1
        if self.summary["dropped_share"] == list(key):
            self.summary["dropped_share_resubmitted"] = True
        if key in self.swallowed:
            self.swallowed.discard(key)
            self.summary["swallowed_resubmitted"] += 1
        if self.args.scenario == "faults" and self.phase == 7 and jid == s.current.id:
            # A share of the fast job: before its answer, client.reconnect, and
            # from then on answers a second late. A client that went on
            # submitting on the connection it is leaving would hang up with
            # answers in flight, send those shares again and have them called
            # duplicates (the totals check sees it).
            self.set_phase(8, "client.reconnect to the same port")
            conn.answer_delay = 1.0
            conn.send({"id": None, "method": "client.reconnect",
                       "params": ["127.0.0.1", self.pools["a"].port, 0]})
        by_off = self.summary["accepted_by_ntime_offset"]
        by_off[str(ntime - job.ntime)] = by_off.get(str(ntime - job.ntime), 0) + 1
        self.summary["accepted"] += 1
        if conn.is_poisoned:
            self.summary["accepts_lost"] += 1
        by_pool = self.summary["accepted_by_pool"]
        by_pool[conn.pool.name] = by_pool.get(conn.pool.name, 0) + 1
        by_size = self.summary["accepted_by_en2_size"]
        by_size[str(job.en2_size)] = by_size.get(str(job.en2_size), 0) + 1
        conn.answer({"id": rid, "result": True, "error": None})
        self.phase_accepted += 1
        self.phase_by_pool[conn.pool.name] = self.phase_by_pool.get(conn.pool.name, 0) + 1
        self.write_summary()
        self.vardiff(conn)
        self.after_accept(conn)
        return None

    def on_client_response(self, conn, msg):
        with self.lock:
            if msg.get("id") == "gv1":
                self.summary["get_version"] = msg.get("result")
            elif msg.get("id") == "um1":
                self.summary["unknown_method_answer"] = msg.get("error")
            else:
                self.violation("unexpected response %r" % (msg,))
            self.write_summary()

    # --- scenarios ---------------------------------------------------------
    def hostile_lines(self, conn):
        """Garbage a pool might send; the miner must log, ignore and carry on."""
        for raw in (b"this is not json\n", b"[1,2,3]\n", b"\x00\xff\xfe binary\n",
                    b'{"id":null,"method":"mining.notify","params":[1,2,3]}\n',
                    b'{"id":null,"method":"mining.notify","params":["x","zz","","",[],'
                    b'"20000202","1d00ffff","67436d00",true]}\n',
                    b'{"id":null,"method":"mining.set_difficulty","params":["high"]}\n',
                    b'{"id":null,"method":"mining.set_difficulty","params":[-1]}\n',
                    b'{"id":null,"method":"mining.set_extranonce","params":["zz",4]}\n',
                    b'{"id":12345,"result":true,"error":null}\n',
                    b'{"id":null,"method":"mining.unknown_thing","params":[]}\n'):
            conn.send_raw(raw)
        conn.send({"id": "gv1", "method": "client.get_version", "params": []})
        conn.send({"id": "um1", "method": "mining.made_up", "params": [1]})
        conn.send({"id": None, "method": "client.show_message",
                   "params": ["hello from the test pool"]})

    def swallow(self, conn, line):
        """idle: a line to the silent connection, lost on the way."""
        with self.lock:
            try:
                msg = json.loads(line)
                params = msg.get("params")
                if msg.get("method") == "mining.submit" and len(params) == 5:
                    self.swallowed.add(tuple(params[1:]))
                    self.summary["swallowed"] += 1
            except (ValueError, TypeError, AttributeError):
                pass
            self.write_summary()

    def after_subscribe(self, conn, resumed):
        if self.args.scenario == "idle" and self.phase == 1 and \
                self.summary["silent_at"] is not None:
            self.set_phase(2, "the miner reconnected (resumed: %s)" % resumed)
        if self.args.scenario == "faults" and self.phase == 0:
            self.hostile_lines(conn)
            self.set_phase(1, "hostile lines sent; waiting for shares")

    def after_accept(self, conn):
        sc = self.args.scenario
        n = self.phase_accepted
        need = self.args.shares_per_phase
        if self.summary["done"]:
            return
        if sc == "failover":
            # Each step counts the shares of the pool it is about.
            if self.phase_by_pool.get(conn.pool.name, 0) >= need:
                self.failover_step(conn)
            return
        if n < need:
            return
        if sc == "basic":
            if self.summary["accepted"] >= self.args.shares:
                self.finish()
        elif sc == "idle":
            if self.phase == 0:
                self.set_phase(1, "the next submit finds the pool silent")
                self.pending_drop = "silence"
            elif self.phase == 2 and not self.swallowed:
                self.finish()
        elif sc == "ntime":
            by_off = self.summary["accepted_by_ntime_offset"]
            if all(by_off.get(str(k), 0) >= need for k in range(self.args.ntime_roll + 1)):
                self.finish()
        elif sc == "faults":
            self.faults_step(conn)

    def faults_step(self, conn):
        p = self.phase
        if p == 1:
            self.set_phase(2, "clean_jobs with a new block")
            self.send_job(conn, clean=True, new_block=True)
        elif p == 2:
            self.set_phase(3, "set_extranonce (extranonce2 size 3) then clean job")
            self.en1_seq += 1
            s = conn.session
            s.en1 = struct.pack(">I", self.en1_seq)
            s.en2_size = 3
            conn.send({"id": None, "method": "mining.set_extranonce",
                       "params": [s.en1.hex(), s.en2_size]})
            self.send_job(conn, clean=True, new_block=True)
        elif p == 3:
            self.set_phase(4, "disconnect in the middle of a line")
            s = conn.session
            job = self.make_job(conn)
            line = json.dumps(job.notify(True)).encode()
            conn.send_raw(line[:len(line) // 2])
            conn.drop()
        elif p == 4:
            self.set_phase(5, "the next submit is dropped unanswered")
            self.pending_drop = "submit"
        elif p == 5:
            if not self.summary["dropped_share_resubmitted"]:
                return
            self.set_phase(6, "a 1 MiB line")
            conn.is_poisoned = True
            conn.send_raw(b'{"id":null,"method":"mining.notify","params":["' +
                          b"0" * (1 << 20) + b'"]}\n')
            # The client must refuse the line and leave: answers to submits that
            # cross it would never be read, so none are given (a resubmitted
            # share would otherwise be a duplicate of one counted here).
            conn.drop()
        elif p == 6:
            # Shares come fast (the next phase sees several per answer time).
            self.set_phase(7, "lower difficulty")
            self.diff /= 8
            self.send_difficulty(conn)
            self.send_job(conn, clean=False)
        elif p == 8 and conn.answer_delay == 0:
            self.finish()  # a share on the new connection

    def failover_step(self, conn):
        p = self.phase
        if p == 0 and conn.pool.name == "a":
            self.set_phase(1, "pool a goes away")
            threading.Thread(target=self.pools["a"].close, daemon=True).start()
        elif p == 1 and conn.pool.name == "b":
            self.set_phase(2, "pool a is back")
            self.pools["a"].open()
        elif p == 2 and conn.pool.name == "a":
            self.finish()

    # --- soak ----------------------------------------------------------------
    def soak_conn(self):
        """An authorized connection to fault, or None."""
        conns = [c for c in self.pools["a"].conns
                 if c.is_authorized and c.session is not None and not c.is_dropped]
        return self.rng.choice(conns) if conns else None

    def soak_fault(self, name, conn):
        """Injects one fault (called with the lock held, except the slow ones)."""
        s = conn.session
        if name == "disconnect_mid_line":
            line = json.dumps(self.make_job(conn).notify(True)).encode()
            conn.send_raw(line[:self.rng.randrange(1, len(line))])
            conn.drop()
        elif name == "disconnect_mid_submit":
            self.pending_drop = "submit"
        elif name == "garbage":
            conn.send_raw(b"\x00\x01garbage{{{\n[1,2]\n" +
                          bytes(self.rng.randrange(32, 127) for _ in range(200)) + b"\n")
        elif name == "huge_line":
            conn.is_poisoned = True
            conn.send_raw(b'{"id":null,"method":"mining.notify","params":["' +
                          b"0" * (1 << 20) + b'"]}\n')
        elif name == "unanswered_submit":
            self.pending_drop = "ignore"
        elif name == "set_extranonce":
            self.en1_seq += 1
            s.en1 = struct.pack(">I", self.en1_seq)
            s.en2_size = self.rng.choice([x for x in (2, 3, 4, 8) if x != s.en2_size])
            conn.send({"id": None, "method": "mining.set_extranonce",
                       "params": [s.en1.hex(), s.en2_size]})
            self.send_job(conn, clean=True, new_block=True)
        elif name == "difficulty_up":
            self.diff *= 4
            self.summary["difficulties"].append(self.diff)
            self.send_difficulty(conn)
            self.send_job(conn, clean=False)
        elif name == "difficulty_down":
            self.diff /= 4
            self.summary["difficulties"].append(self.diff)
            self.send_difficulty(conn)
            self.send_job(conn, clean=False)
        elif name == "reconnect":
            conn.send({"id": None, "method": "client.reconnect",
                       "params": ["127.0.0.1", self.pools["a"].port, 0]})

    def soak_slow(self, name, conn):
        """Faults that take time: run without the lock."""
        if name == "drip":
            line = ('{"id":null,"method":"mining.set_difficulty","params":[%r]}\n' %
                    self.diff).encode()
            with conn.lock:  # nothing else may interleave with the line on the wire
                try:
                    for i in range(min(5, len(line))):
                        conn.sock.sendall(line[i:i + 1])
                        time.sleep(1.0)
                    conn.sock.sendall(line[5:])
                except OSError:
                    pass
        elif name == "job_storm":
            for _ in range(15):
                with self.lock:
                    if conn.is_dropped:
                        return
                    self.send_job(conn, clean=True, new_block=True)
                time.sleep(0.2)
        elif name == "pool_down":
            with self.lock:  # no answer may be counted after its connection is cut
                self.pools["a"].close()
            time.sleep(self.args.down)
            self.pools["a"].open()

    def heartbeat(self):
        """idle: something every second on each live connection, as a pool's job
        refresh, so that only the silence can set off the miner's idle timeout."""
        while True:
            time.sleep(1.0)
            with self.lock:
                for c in list(self.pools["a"].conns):
                    if c.session is not None and not c.is_silent and not c.is_dropped:
                        self.send_difficulty(c)

    def soak(self):
        faults = ["disconnect_mid_line", "disconnect_mid_submit", "garbage", "huge_line",
                  "unanswered_submit", "set_extranonce", "difficulty_up", "difficulty_down",
                  "reconnect", "drip", "job_storm", "pool_down"]
        end = time.time() + self.args.duration
        # Every fault once early on (the pool going down first), then at random.
        order = faults[:-1]
        self.rng.shuffle(order)
        order.insert(0, "pool_down")
        time.sleep(3)
        while time.time() < end:
            name = order.pop(0) if order else self.rng.choice(faults)
            if name == "pool_down" and time.time() + self.args.down + 5 > end:
                continue
            conn = None
            for _ in range(50):
                conn = self.soak_conn()
                if conn or time.time() >= end:
                    break
                time.sleep(0.2)
            if conn is None:
                continue
            with self.lock:
                self.summary["faults"][name] = self.summary["faults"].get(name, 0) + 1
                self.event("fault", pool="a", fault=name)
                if name not in ("drip", "job_storm", "pool_down"):
                    self.soak_fault(name, conn)
            if name in ("drip", "job_storm", "pool_down"):
                self.soak_slow(name, conn)
            time.sleep(self.rng.uniform(0.5, 2.0))
        # Quiet end: every fault answered or given up, shares flow again.
        with self.lock:
            self.pending_drop = None
        time.sleep(5)
        self.finish()

    def finish(self):
        self.summary["done"] = True
        self.set_phase(99, "done")

    def run(self):
        for p in self.pools.values():
            p.open()
        with open(self.args.ready + ".tmp", "w") as f:
            json.dump({n: p.port for n, p in self.pools.items()}, f)
        os.replace(self.args.ready + ".tmp", self.args.ready)
        self.write_summary()
        if self.args.scenario == "soak":
            threading.Thread(target=self.soak, daemon=True).start()
        if self.args.scenario == "idle":
            threading.Thread(target=self.heartbeat, daemon=True).start()
        deadline = time.time() + self.args.lifetime
        while time.time() < deadline:
            time.sleep(0.2)
            with self.lock:
                changed = self.read_nbits()
            if changed:
                self.nbits_changed()
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", choices=["faults", "failover", "basic", "soak", "idle",
                                           "ntime"],
                    default="basic")
    ap.add_argument("--duration", type=float, default=45, help="soak: seconds of faults")
    ap.add_argument("--down", type=float, default=20, help="soak: seconds the pool is down")
    ap.add_argument("--seed", type=int, default=1, help="soak: random seed")
    ap.add_argument("--algo", choices=sorted(VERSION), default="sha256d")
    ap.add_argument("--diff", type=float, default=0.001, help="first share difficulty")
    ap.add_argument("--factor", type=float, default=0,
                    help="difficulty factor (default: 65536 for scrypt, 1 for sha256d)")
    ap.add_argument("--shares", type=int, default=3, help="basic: accepted shares to finish")
    ap.add_argument("--shares-per-phase", type=int, default=2)
    ap.add_argument("--reject-every", type=int, default=0,
                    help="refuse every Nth valid share (23 Low difficulty share)")
    ap.add_argument("--en2-size", type=int, default=4,
                    help="extranonce2 size given at subscribe (0..16)")
    ap.add_argument("--ntime-roll", type=int, default=0,
                    help="a share's ntime may exceed its job's by up to this many seconds")
    ap.add_argument("--nbits", type=lambda v: int(v, 16), default=EX_NBITS,
                    help="block target of the jobs (hex); e.g. 207fffff makes shares blocks")
    ap.add_argument("--tls", metavar="PEM", help="serve TLS with this certificate and key")
    ap.add_argument("--ready", required=True, help="file written with the ports once listening")
    ap.add_argument("--summary", required=True, help="JSON summary, rewritten on every event")
    ap.add_argument("--lifetime", type=float, default=300, help="seconds before exiting")
    ap.add_argument("--nbits-file", help="file with the jobs' nBits in hex, re-read every 0.2 s; "
                    "a change is sent to every miner as a new block")
    args = ap.parse_args()
    Job.nbits = args.nbits
    return Server(args).run()


if __name__ == "__main__":
    sys.exit(main())
