#!/usr/bin/env python3
"""Load and soak of `ackbot serve`: thousands of signed webhooks against platform stand-ins that
inject faults, then a check that every valid event was answered exactly once. Not a CI test.

1. Builds the release binary (`cargo build --release --bin ackbot`) unless `--skip-build`.
2. Starts stand-ins of Slack (`response_url`s and the Web API) and LINE (reply, push, loading) in
   a process of their own (ThreadingHTTPServer, so the driver's threads do not share its GIL).
   They record every call with its payload, and the *first* attempt of each reply answers, by a
   seeded draw: 500 (`--fault-500`, 5 %), 429 with `Retry-After: 1` (`--fault-429`, 2 %), or
   slowly (`--fault-slow`, 1 %, `--slow-seconds` 2 s, under the clients' 10 s timeout). Later
   attempts succeed. A LINE reply token works once (then 400 `Invalid reply token`), a repeated
   `X-Line-Retry-Key` answers 409, as LINE does.
3. Starts `ackbot serve` on loopback with Slack and LINE configured against them, JSON logs,
   `ACKBOT_WORKERS` 32 and a queue large enough for the whole run; the inspector on, with a
   reader on its event stream all along, as a page left open would be (`--inspector`).
4. Sends `--events` (10,000) signed webhooks from `--concurrency` (48) threads over keep-alive
   connections, timing each acknowledgement. A third each of Slack slash commands `/echo ID`
   (each with its own `response_url`), Events API `app_mention`s `<@BOT> echo ID` (unique
   `event_id` and `ts`; ephemeral replies go to `chat.postEphemeral`) and LINE text messages
   `echo ID` (unique `webhookEventId` and reply token). Of all requests 20 % are duplicates sent
   after their original's ack, most within the next few dozen requests, some much later: exact
   replays of a signed slash command, Events API retries (same body, re-signed,
   `X-Slack-Retry-Num`), LINE redeliveries (same `webhookEventId` and reply token,
   `isRedelivery: true`). 10 % are tampered: the text changed after signing.
5. Waits until every expected reply arrived and the stand-ins have been quiet for `--quiet`
   seconds (or `--timeout`), then checks: each valid event replied exactly once, with its own
   text, at its own destination; no tampered one replied; no second delivery attempt; every ack
   as the platform expects (200; 401 for a tampered event at the function-ack `/slack/events`).

Reports acks/s, ack latency p50/p90/p99/max, reply latency, the injected faults, the log's
outcomes and the peak RSS (`VmHWM`) of `ackbot serve`. Written to bench/results/soak.json; exits 1
when a check fails. Python 3.11 standard library only.

    python3 bench/soak.py [--events 10000] [--concurrency 48] [--seed 1] [--skip-build]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlparse

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"

SLACK_SECRET = "soak-slack-signing-secret-0123456789"
SLACK_TOKEN = "xoxb-soak-bot-token"
LINE_SECRET = "soak-line-channel-secret-abcdef"
LINE_TOKEN = "soak-line-channel-access-token"
# The inspector's token (at least 32 characters), for the page left open on its stream.
INSPECT_TOKEN = "soak-inspector-token-0123456789abcdef"
BOT_USER = "U0SOAKBOT"
SLACK_CHANNEL = "C0SOAK"
LINE_DESTINATION = "U0123456789abcdef0123456789abcdef"

KINDS = ("slash", "mention", "line")
ROUTES = {"slash": "/slack/commands", "mention": "/slack/events", "line": "/line/webhook"}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
UID = re.compile(r"[0-9a-f]{6}[otx][sml][0-9]{6}")  # the ids `plan` makes: run, role, kind, number


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Stand-ins of Slack and LINE (their own process)
# --------------------------------------------------------------------------------------------------


@dataclass
class Faults:
    p500: float
    p429: float
    pslow: float
    slow_seconds: float
    seed: int

    def draw(self, key: str) -> str | None:
        """The fault of `key`'s first attempt: the same for a seed, whatever the arrival order."""
        r = random.Random(f"{self.seed}/{key}").random()
        if r < self.p500:
            return "500"
        if r < self.p500 + self.p429:
            return "429"
        if r < self.p500 + self.p429 + self.pslow:
            return "slow"
        return None


class Recorder:
    def __init__(self, faults: Faults):
        self.faults = faults
        self.lock = threading.Lock()
        self.calls: list[dict] = []
        self.attempts: dict[str, int] = {}
        self.accepted: set[str] = set()  # keys with an accepted delivery
        self.reply_tokens: set[str] = set()
        self.retry_keys: set[str] = set()
        self.last = time.time()

    def begin(self, key: str) -> str | None:
        """Counts an attempt at delivering `key`; the fault of the first one."""
        with self.lock:
            n = self.attempts.get(key, 0) + 1
            self.attempts[key] = n
            self.last = time.time()
        return self.faults.draw(key) if n == 1 else None

    def record(self, call: dict) -> None:
        with self.lock:
            call["done"] = time.time()
            self.calls.append(call)
            self.last = call["done"]
            if call["status"] < 300:
                self.accepted.add(call["key"])


class StandInHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "soak-standin"
    recorder: Recorder  # set on the class before serving

    def log_message(self, *args) -> None:  # quiet
        pass

    def answer(self, status: int, body: bytes | str | dict, headers: dict | None = None) -> None:
        if isinstance(body, dict):
            body, content_type = json.dumps(body).encode(), "application/json"
        elif isinstance(body, str):
            body, content_type = body.encode(), "text/plain; charset=utf-8"
        else:
            content_type = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        rec = self.recorder
        if self.path == "/_soak/stats":
            with rec.lock:
                stats = {"calls": len(rec.calls), "accepted": len(rec.accepted), "idle_s": time.time() - rec.last}
            return self.answer(200, stats)
        if self.path == "/_soak/calls":
            with rec.lock:
                body = json.dumps({"calls": rec.calls}).encode()
            return self.answer(200, body)
        self.answer(404, "not found")

    def do_POST(self) -> None:
        started = time.time()
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode("utf-8", "replace")
        content_type = self.headers.get("Content-Type", "")
        try:
            body = dict(parse_qsl(text)) if "form-urlencoded" in content_type else json.loads(text or "null")
        except ValueError:
            body = text
        path = urlparse(self.path).path
        call = {"t": started, "path": path, "body": body, "status": 0, "fault": None, "note": None}
        parts = path.strip("/").split("/")

        if path.startswith("/commands/"):  # a slash command's response_url: /commands/T/<id>/<secret>
            call["api"] = "response_url"
            call["url_id"] = parts[2] if len(parts) > 2 else ""
            call["auth_ok"] = True
            key = call["url_id"]
        elif path.startswith("/api/"):
            call["api"] = path[len("/api/"):]
            call["auth_ok"] = self.headers.get("Authorization") == f"Bearer {SLACK_TOKEN}"
            key = body.get("text", "") if isinstance(body, dict) else ""
        elif path.startswith("/v2/bot/"):
            call["api"] = "line:" + path[len("/v2/bot/"):]
            call["auth_ok"] = self.headers.get("Authorization") == f"Bearer {LINE_TOKEN}"
            call["retry_key"] = self.headers.get("X-Line-Retry-Key")
            messages = body.get("messages", []) if isinstance(body, dict) else []
            key = "\n".join(m.get("text", "") for m in messages if isinstance(m, dict))
            if path == "/v2/bot/chat/loading/start":
                key = "loading:" + str(body.get("chatId") if isinstance(body, dict) else "")
        else:
            call["api"] = "unknown"
            call["auth_ok"] = False
            key = "unknown:" + path
        call["key"] = key or f"empty:{path}"

        fault = self.recorder.begin(call["key"])
        call["fault"] = fault
        if fault == "500":
            call["status"] = 500
            self.recorder.record(call)
            return self.answer(500, {"ok": False, "error": "internal_error", "message": "injected 500"})
        if fault == "429":
            call["status"] = 429
            self.recorder.record(call)
            return self.answer(429, {"ok": False, "error": "ratelimited", "message": "injected 429"},
                               {"Retry-After": "1"})
        if fault == "slow":
            time.sleep(self.recorder.faults.slow_seconds)

        api = call["api"]
        if api == "response_url":
            call["status"] = 200
            self.recorder.record(call)
            return self.answer(200, "ok")
        if api.startswith("line:"):
            return self.line(call, body)
        if api != "unknown":
            call["status"] = 200
            self.recorder.record(call)
            return self.answer(200, {"ok": True, "channel": body.get("channel", "") if isinstance(body, dict) else "",
                                     "message_ts": f"{time.time():.6f}"})
        call["status"] = 404
        self.recorder.record(call)
        self.answer(404, "not found")

    def line(self, call: dict, body) -> None:
        rec = self.recorder
        body = body if isinstance(body, dict) else {}
        if call["api"] == "line:message/reply":
            token = body.get("replyToken", "")
            with rec.lock:
                used = token in rec.reply_tokens
                rec.reply_tokens.add(token)
            if used:
                call["status"], call["note"] = 400, "reply token used again"
                rec.record(call)
                return self.answer(400, {"message": "Invalid reply token"})
        elif call["api"] == "line:message/push":
            key = call.get("retry_key")
            if key:
                with rec.lock:
                    seen = key in rec.retry_keys
                    rec.retry_keys.add(key)
                if seen:
                    call["status"], call["note"] = 409, "retry key accepted already"
                    rec.record(call)
                    return self.answer(409, {"message": "The retry key is already accepted"},
                                       {"x-line-accepted-request-id": "00000000-0000-4000-8000-000000000000"})
        elif call["api"] == "line:chat/loading/start":
            call["status"] = 202
            rec.record(call)
            return self.answer(202, {})
        call["status"] = 200
        rec.record(call)
        self.answer(200, {"sentMessages": [{"id": str(random.randrange(10**17)), "quoteToken": "q"}]})


def run_standin(faults: Faults, port_out) -> None:
    """The stand-ins' process: serves until terminated."""
    StandInHandler.recorder = Recorder(faults)
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInHandler)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    port_out.close()
    server.serve_forever(poll_interval=0.1)


# --------------------------------------------------------------------------------------------------
# The plan: originals, duplicates, tampered
# --------------------------------------------------------------------------------------------------


@dataclass
class Item:
    seq: int
    kind: str  # slash | mention | line
    role: str  # original | duplicate | tampered
    uid: str  # the text echoed back (for a duplicate, its original's)
    altered: str = ""  # a tampered item's text after the change
    original: "Item | None" = None
    retry_num: int = 0  # a duplicate's number among its original's duplicates (1, 2, 3)
    # filled in when sent
    body: bytes = b""
    timestamp: str = ""
    signature: str = ""
    meta: dict = field(default_factory=dict)
    sent_at: float = 0.0
    latency_ms: float = 0.0
    status: int = 0
    error: str = ""
    request_id: str = ""
    done: threading.Event = field(default_factory=threading.Event)


def ulid(rng: random.Random, ms: int) -> str:
    value = (ms << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def plan(events: int, seed: int, dup_share: float, tamper_share: float) -> list[Item]:
    rng = random.Random(seed)
    n_tampered = round(events * tamper_share)
    n_dups = round(events * dup_share)
    n_originals = events - n_tampered - n_dups
    if n_originals < 1:
        raise SystemExit("--events too small for the duplicate and tamper shares")
    run = f"{rng.getrandbits(24):06x}"
    firsts: list[Item] = []
    for i in range(n_originals + n_tampered):
        kind = KINDS[i % 3]
        role = "original" if i < n_originals else "tampered"
        uid = f"{run}{'o' if role == 'original' else 't'}{kind[0]}{i:06d}"
        item = Item(seq=0, kind=kind, role=role, uid=uid)
        if role == "tampered":
            item.altered = uid.replace(f"t{kind[0]}", f"x{kind[0]}", 1)
        firsts.append(item)
    rng.shuffle(firsts)
    originals = [it for it in firsts if it.role == "original"]
    position = {id(it): i for i, it in enumerate(firsts)}
    # Duplicates: Slack retries up to 3 times, LINE may redeliver more than once.
    count: dict[int, int] = {}
    slotted: list[tuple[float, Item]] = [(float(i), it) for i, it in enumerate(firsts)]
    for _ in range(n_dups):
        while True:
            orig = rng.choice(originals)
            if count.get(id(orig), 0) < 3:
                break
        count[id(orig)] = count.get(id(orig), 0) + 1
        dup = Item(seq=0, kind=orig.kind, role="duplicate", uid=orig.uid, original=orig,
                   retry_num=count[id(orig)])
        start = position[id(orig)]
        if rng.random() < 0.7:  # "nearly at once": within the next few dozen requests
            slot = start + rng.uniform(0.5, 64)
        else:  # much later, up to the end of the run
            slot = rng.uniform(start + 0.5, len(firsts))
        slotted.append((slot, dup))
    slotted.sort(key=lambda s: s[0])
    items = [it for _, it in slotted]
    # A duplicate's number among its original's duplicates follows the order they are sent in.
    seen: dict[int, int] = {}
    for seq, it in enumerate(items):
        it.seq = seq
        if it.original is not None:
            seen[id(it.original)] = seen.get(id(it.original), 0) + 1
            it.retry_num = seen[id(it.original)]
    return items


# --------------------------------------------------------------------------------------------------
# Signed requests, as the platforms send them
# --------------------------------------------------------------------------------------------------


def slack_sign(body: bytes, timestamp: str) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SLACK_SECRET.encode(), base, hashlib.sha256).hexdigest()


def line_sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()


class Builder:
    def __init__(self, standin_url: str, seed: int):
        self.standin_url = standin_url
        self.seed = seed
        self.ts_base = int(time.time())

    def rng(self, item: Item) -> random.Random:
        return random.Random(f"{self.seed}/{item.uid}/body")

    def first_body(self, item: Item) -> bytes:
        """The body of an original or tampered item (before any tampering), with its meta."""
        rng = self.rng(item)
        if item.kind == "slash":
            secret = f"{rng.getrandbits(96):024x}"
            item.meta["response_path"] = f"/commands/T0SOAK/{item.uid}/{secret}"
            return urlencode({
                "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": "T0SOAK", "team_domain": "soak",
                "channel_id": SLACK_CHANNEL, "channel_name": "soak", "user_id": "U0SOAKUSER",
                "user_name": "soak", "command": "/echo", "text": item.uid,
                "response_url": f"{self.standin_url}{item.meta['response_path']}",
                "trigger_id": f"13345224609.738474920.{rng.getrandbits(128):032x}", "api_app_id": "A0SOAK",
            }).encode()
        if item.kind == "mention":
            ts = f"{self.ts_base}.{item.seq:06d}"
            user = f"U{hashlib.sha1(item.uid.encode()).hexdigest()[:10].upper()}"
            item.meta.update(ts=ts, user=user, event_id=f"Ev{rng.getrandbits(60):015X}")
            return json.dumps({
                "token": "ZZZZZZWSxiZZZ2yIvs3peJ", "team_id": "T0SOAK", "api_app_id": "A0SOAK",
                "event": {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> echo {item.uid}",
                          "ts": ts, "channel": SLACK_CHANNEL, "event_ts": ts},
                "type": "event_callback", "event_id": item.meta["event_id"], "event_time": self.ts_base,
                "authorizations": [{"enterprise_id": None, "team_id": "T0SOAK", "user_id": BOT_USER,
                                    "is_bot": True, "is_enterprise_install": False}],
                "is_ext_shared_channel": False,
            }, separators=(",", ":")).encode()
        user = f"U{hashlib.md5(item.uid.encode()).hexdigest()}"
        now = int(time.time() * 1000)
        item.meta.update(user=user, reply_token=f"{rng.getrandbits(128):032x}",
                         event_id=ulid(rng, now))
        item.meta["event"] = {
            "type": "message",
            "message": {"type": "text", "id": str(rng.randrange(10**17, 10**18)),
                        "quoteToken": f"q{rng.getrandbits(64):016x}", "text": f"echo {item.uid}"},
            "webhookEventId": item.meta["event_id"], "deliveryContext": {"isRedelivery": False},
            "timestamp": now, "source": {"type": "user", "userId": user},
            "replyToken": item.meta["reply_token"], "mode": "active",
        }
        return self.line_body(item.meta["event"])

    @staticmethod
    def line_body(event: dict) -> bytes:
        return json.dumps({"destination": LINE_DESTINATION, "events": [event]},
                          ensure_ascii=False, separators=(",", ":")).encode()

    def request(self, item: Item) -> tuple[str, bytes, dict]:
        """(route, body, headers) of `item`, signed now (a replay: exactly as its original)."""
        route = ROUTES[item.kind]
        orig = item.original
        if item.role == "duplicate" and item.kind == "slash":
            body, ts, sig = orig.body, orig.timestamp, orig.signature  # the exact replay
        elif item.role == "duplicate" and item.kind == "mention":
            body = orig.body
            ts = str(int(time.time()))
            sig = slack_sign(body, ts)
        elif item.role == "duplicate":
            event = json.loads(json.dumps(orig.meta["event"]))
            event["deliveryContext"]["isRedelivery"] = True
            body, ts, sig = self.line_body(event), "", ""
            sig = line_sign(body)
        else:
            body = self.first_body(item)
            ts = str(int(time.time()))
            sig = slack_sign(body, ts) if item.kind != "line" else line_sign(body)
            if item.role == "tampered":  # the text changed after signing
                before = body
                if item.kind == "slash":
                    body = body.replace(f"&text={item.uid}&".encode(), f"&text={item.altered}&".encode())
                else:
                    body = body.replace(f"echo {item.uid}".encode(), f"echo {item.altered}".encode())
                assert body != before, item
        item.body, item.timestamp, item.signature = body, ts, sig
        if item.kind == "line":
            headers = {"Content-Type": "application/json; charset=utf-8", "x-line-signature": sig,
                       "User-Agent": "LineBotWebhook/2.0"}
        else:
            headers = {"Content-Type": "application/json" if item.kind == "mention"
                       else "application/x-www-form-urlencoded",
                       "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
                       "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
            if item.role == "duplicate" and item.kind == "mention":
                headers["X-Slack-Retry-Num"] = str(min(item.retry_num, 3))
                headers["X-Slack-Retry-Reason"] = "http_timeout"
        return route, body, headers


# --------------------------------------------------------------------------------------------------
# ackbot serve
# --------------------------------------------------------------------------------------------------


class InspectorWatcher:
    """A page left open on the inspector: reads `/_ackbot/events` for the whole run and counts
    what it is sent."""

    def __init__(self, addr: str, token: str):
        self.events = 0
        self.bytes = 0
        self.resets = 0
        self.error: str | None = None
        host, port = addr.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=600)
        headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {token}"}
        self.conn.request("GET", "/_ackbot/events", headers=headers)
        response = self.conn.getresponse()
        if response.status != 200:
            raise SystemExit(f"the inspector's event stream answered {response.status}")
        self.response = response
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                self.bytes += len(line)
                if line.startswith(b"event: webhook"):
                    self.events += 1
                elif line.startswith(b"event: hello"):
                    self.resets += 1
        except Exception as e:  # the server closing at the end is expected
            self.error = str(e)

    def report(self) -> dict:
        return {"events": self.events, "bytes": self.bytes, "hellos": self.resets}


class Ackbot:
    def __init__(self, binary: Path, env: dict[str, str]):
        self.workdir = tempfile.TemporaryDirectory(prefix="ackbot-soak-")  # no developer's .env
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("SLACK_", "LINE_", "ACKBOT_", "AWS_", "RUST_LOG"))}
        self.proc = subprocess.Popen([str(binary), "serve", "--addr", "127.0.0.1:0"],
                                     env={**clean, **env}, cwd=self.workdir.name,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.lock = threading.Lock()
        self.addr: str | None = None
        self.levels: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.duplicates_logged = 0
        self.messages: dict[str, int] = {}  # warnings and errors by level and message
        self.notable: list[dict] = []  # errors and lines that are not JSON, the first few
        self.lines = 0
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.time() + 20
        while self.addr is None:
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"ackbot serve did not start (exit {self.proc.poll()}); log: {self.notable}")
            time.sleep(0.02)

    def _read(self) -> None:
        for raw in self.proc.stderr:
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"level": "TEXT", "message": raw.decode(errors="replace").rstrip()}
            with self.lock:
                self.lines += 1
                level = str(line.get("level", "?"))
                self.levels[level] = self.levels.get(level, 0) + 1
                if self.addr is None and "addr" in line:
                    self.addr = line["addr"]
                outcome = line.get("outcome")
                if outcome:
                    self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
                    self.duplicates_logged += int(line.get("duplicates") or 0)
                    if outcome == "in_progress":
                        self.duplicates_logged += 1
                if level in ("WARN", "ERROR", "TEXT"):
                    what = f"{level} {line.get('message', '')}"
                    self.messages[what] = self.messages.get(what, 0) + 1
                    if level != "WARN" and len(self.notable) < 20:
                        self.notable.append(line)

    def status(self) -> dict[str, int]:
        """VmHWM, VmRSS (kB) and CPU seconds, while the process lives."""
        figures: dict[str, float] = {}
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("VmHWM", "VmRSS", "Threads"):
                    figures[name] = int(value.split()[0])
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            figures["cpu_s"] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
        return figures

    def healthz(self) -> dict:
        conn = http.client.HTTPConnection(*self.addr.rsplit(":", 1), timeout=5)
        try:
            conn.request("GET", "/healthz")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.workdir.cleanup()
        return self.proc.returncode


# --------------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------------


def drive(items: list[Item], builder: Builder, addr: str, concurrency: int) -> tuple[float, float]:
    """Sends every item from `concurrency` threads; returns (start, end) wall times."""
    work: queue.Queue[Item | None] = queue.Queue()
    for item in items:
        work.put(item)
    for _ in range(concurrency):
        work.put(None)
    host, port = addr.rsplit(":", 1)
    progress = {"n": 0}
    progress_lock = threading.Lock()

    def sender() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while (item := work.get()) is not None:
            if item.original is not None:
                item.original.done.wait()  # a retry or redelivery follows its original's ack
            try:
                route, body, headers = builder.request(item)
                item.sent_at = time.time()
                started = time.perf_counter()
                conn.request("POST", route, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                item.latency_ms = (time.perf_counter() - started) * 1000
                item.status = response.status
                item.request_id = response.getheader("x-ackbot-request-id", "")
            except (OSError, http.client.HTTPException) as e:
                item.error = f"{type(e).__name__}: {e}"
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            finally:
                item.done.set()
            with progress_lock:
                progress["n"] += 1
                if progress["n"] % 2000 == 0:
                    log(f"  sent {progress['n']:,} / {len(items):,}")
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(concurrency)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return start, time.time()


def get_json(url: str, timeout: float = 30) -> dict:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request("GET", parsed.path)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def wait_quiet(standin: str, ackbot: Ackbot, expected: int, quiet: float, timeout: float) -> tuple[float, str]:
    """Waits until all `expected` replies arrived, nothing is queued and the stand-ins have been
    quiet `quiet` s; or, short of replies, quiet for longer; or `timeout`. (seconds, why)."""
    started = time.time()
    while True:
        stats = get_json(f"{standin}/_soak/stats")
        try:
            queued = ackbot.healthz().get("queued", 0)
        except (OSError, ValueError):
            queued = -1
        waited = time.time() - started
        if ackbot.proc.poll() is not None:
            return waited, f"ackbot serve exited ({ackbot.proc.returncode})"
        if queued == 0 and stats["accepted"] >= expected and stats["idle_s"] >= quiet:
            return waited, "every reply in and quiet"
        if queued == 0 and stats["idle_s"] >= max(quiet, 10):
            return waited, f"quiet, {stats['accepted']} of {expected} replies in"
        if waited > timeout:
            return waited, f"timed out, {stats['accepted']} of {expected} replies in"
        time.sleep(0.25)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def spread(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99), "max": max(values) if values else float("nan"),
            "mean": statistics.fmean(values) if values else float("nan")}


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------


def check(items: list[Item], calls: list[dict]) -> tuple[dict, dict]:
    """(checks: name -> list of failures, figures about the replies)."""
    originals = {it.uid: it for it in items if it.role == "original"}
    tampered = {it.uid: it for it in items if it.role == "tampered"}
    tampered.update({it.altered: it for it in items if it.role == "tampered"})
    accepted: dict[str, list[dict]] = {}
    failures: dict[str, list[str]] = {name: [] for name in (
        "acks as expected", "every valid event replied", "replied at most once", "replies at the right place",
        "no tampered event replied", "no second delivery attempt", "no unexpected API call", "tokens sent")}

    for it in items:
        want = 401 if (it.role == "tampered" and it.kind == "mention") else 200
        if it.error or it.status != want:
            failures["acks as expected"].append(
                f"{it.role} {it.kind} {it.uid} (seq {it.seq}): {it.error or it.status}, expected {want}")

    for call in calls:
        if not call.get("auth_ok"):
            failures["tokens sent"].append(f"{call['api']} {call['path']}: missing or wrong token")
        key = call["key"]
        if any(uid in tampered for uid in UID.findall(key + " " + call["path"])):
            failures["no tampered event replied"].append(f"{call['api']} status {call['status']}: {key!r}")
            continue
        if call["status"] in (400, 409):
            failures["no second delivery attempt"].append(f"{call['api']} {key!r}: {call['note']}")
        if call["api"] == "line:chat/loading/start":
            continue
        if key not in originals:
            failures["no unexpected API call"].append(
                f"{call['api']} {call['path']} status {call['status']}: {json.dumps(call['body'])[:200]}")
            continue
        if call["status"] < 300:
            accepted.setdefault(key, []).append(call)

    reply_latency = []
    by_api: dict[str, int] = {}
    for uid, it in originals.items():
        got = accepted.get(uid, [])
        if not got:
            failures["every valid event replied"].append(f"{it.kind} {uid} (seq {it.seq}, request {it.request_id})")
            continue
        if len(got) > 1:
            failures["replied at most once"].append(
                f"{it.kind} {uid} (seq {it.seq}): {len(got)} replies via "
                + ", ".join(f"{c['api']}@{c['done'] - it.sent_at:.2f}s" for c in got))
        first = min(got, key=lambda c: c["done"])
        reply_latency.append((first["done"] - it.sent_at) * 1000)
        by_api[first["api"]] = by_api.get(first["api"], 0) + 1
        for call in got:
            wrong = place_error(it, call)
            if wrong:
                failures["replies at the right place"].append(f"{it.kind} {uid}: {wrong}")
    figures = {"reply_latency_ms": spread(reply_latency), "replies_by_api": by_api,
               "accepted_replies": sum(len(v) for v in accepted.values())}
    return failures, figures


def place_error(it: Item, call: dict) -> str | None:
    body = call["body"] if isinstance(call["body"], dict) else {}
    if it.kind == "slash":
        if call["api"] != "response_url" or call["path"] != it.meta["response_path"]:
            return f"sent to {call['api']} {call['path']}"
        if body.get("text") != it.uid or body.get("response_type") != "ephemeral":
            return f"body {body}"
    elif it.kind == "mention":
        want = {"channel": SLACK_CHANNEL, "user": it.meta["user"], "text": it.uid, "thread_ts": it.meta["ts"]}
        if call["api"] != "chat.postEphemeral" or {k: body.get(k) for k in want} != want:
            return f"{call['api']} {body}"
    else:
        texts = [m.get("text") for m in body.get("messages", [])]
        if texts != [it.uid]:
            return f"messages {texts}"
        if call["api"] == "line:message/reply" and body.get("replyToken") != it.meta["reply_token"]:
            return "another event's reply token"
        if call["api"] == "line:message/push" and body.get("to") != it.meta["user"]:
            return f"pushed to {body.get('to')}"
        if call["api"] not in ("line:message/reply", "line:message/push"):
            return f"sent to {call['api']}"
    return None


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000, help="webhooks to send in all (default 10000)")
    ap.add_argument("--concurrency", type=int, default=48, help="requests in flight (default 48)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the plan and the faults (default 1)")
    ap.add_argument("--duplicates", type=float, default=0.20, help="share of duplicates (default 0.20)")
    ap.add_argument("--tampered", type=float, default=0.10, help="share of tampered requests (default 0.10)")
    ap.add_argument("--fault-500", type=float, default=0.05, help="first attempts answered 500 (default 0.05)")
    ap.add_argument("--fault-429", type=float, default=0.02,
                    help="first attempts answered 429 Retry-After: 1 (default 0.02)")
    ap.add_argument("--fault-slow", type=float, default=0.01, help="first attempts answered slowly (default 0.01)")
    ap.add_argument("--slow-seconds", type=float, default=2.0, help="how slowly (default 2 s; clients time out at 10)")
    ap.add_argument("--workers", type=int, default=32, help="ACKBOT_WORKERS (default 32)")
    ap.add_argument("--queue-capacity", type=int, default=0,
                    help="ACKBOT_QUEUE_CAPACITY (default: 2 x --events, at least 1024)")
    ap.add_argument("--quiet", type=float, default=3.0, help="seconds without API calls that end the run (default 3)")
    ap.add_argument("--timeout", type=float, default=300.0, help="longest wait for the replies (default 300 s)")
    ap.add_argument("--inspector", choices=("watched", "on", "off"), default="watched",
                    help="the inspector: on with a page reading its event stream all along (watched, default), "
                         "on with nobody watching, or off (ACKBOT_INSPECT=off)")
    ap.add_argument("--skip-build", action="store_true", help="use the release binary already built")
    ap.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "ackbot")
    ap.add_argument("--output", type=Path, default=RESULTS / "soak.json")
    args = ap.parse_args()
    run_started = time.time()

    if not args.skip_build:
        log("building: cargo build --release --bin ackbot")
        subprocess.run([os.environ.get("CARGO", "cargo"), "build", "--release", "--bin", "ackbot"], cwd=REPO,
                       check=True)
    if not args.binary.exists():
        raise SystemExit(f"{args.binary} not found: build it or leave out --skip-build")

    faults = Faults(args.fault_500, args.fault_429, args.fault_slow, args.slow_seconds, args.seed)
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    standin_proc = ctx.Process(target=run_standin, args=(faults, send), daemon=True)
    standin_proc.start()
    standin = f"http://127.0.0.1:{receive.recv()}"

    items = plan(args.events, args.seed, args.duplicates, args.tampered)
    counts = {role: sum(1 for it in items if it.role == role) for role in ("original", "duplicate", "tampered")}
    capacity = args.queue_capacity or max(1024, 2 * args.events)
    ackbot = Ackbot(args.binary, {
        "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_API_URL": f"{standin}/api",
        "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN, "LINE_API_URL": standin,
        "ACKBOT_LOG_FORMAT": "json", "RUST_LOG": "info", "ACKBOT_WORKERS": str(args.workers),
        "ACKBOT_QUEUE_CAPACITY": str(capacity),
        "ACKBOT_INSPECT": "off" if args.inspector == "off" else "on",
        "ACKBOT_INSPECT_TOKEN": INSPECT_TOKEN,
    })
    watcher = InspectorWatcher(ackbot.addr, INSPECT_TOKEN) if args.inspector == "watched" else None
    rss_idle = ackbot.status()
    log(f"ackbot serve pid {ackbot.proc.pid} on {ackbot.addr}, stand-ins on {standin}; sending {len(items):,} "
        f"({counts['original']:,} originals, {counts['duplicate']:,} duplicates, {counts['tampered']:,} tampered) "
        f"from {args.concurrency} threads")

    samples: list[dict] = []
    sampling = threading.Event()

    def sample_rss() -> None:
        while not sampling.is_set():
            figures = ackbot.status()
            if figures:
                samples.append({"t": round(time.time() - run_started, 2), **figures})
            sampling.wait(1.0)

    threading.Thread(target=sample_rss, daemon=True).start()
    try:
        send_start, send_end = drive(items, Builder(standin, args.seed), ackbot.addr, args.concurrency)
        rss_after_send = ackbot.status()
        log(f"sent in {send_end - send_start:.1f} s; waiting for the replies")
        drain_s, drain_why = wait_quiet(standin, ackbot, counts["original"], args.quiet, args.timeout)
        log(f"drained in {drain_s:.1f} s ({drain_why})")
        calls = get_json(f"{standin}/_soak/calls", timeout=120)["calls"]
        final = ackbot.status()
        alive = ackbot.proc.poll() is None
    finally:
        sampling.set()
        exit_code = ackbot.stop()
        standin_proc.terminate()
        standin_proc.join(5)

    failures, reply_figures = check(items, calls)
    failures["ackbot serve alive to the end"] = [] if alive else [f"exited early: {ackbot.proc.returncode}"]
    failures["no error logged, no envelope failed"] = [json.dumps(line)[:300] for line in ackbot.notable] + [
        f"{n} envelopes {outcome}" for outcome, n in ackbot.outcomes.items() if outcome in ("failed", "undeliverable")]

    latencies = [it.latency_ms for it in items if not it.error]
    by_route = {ROUTES[k]: spread([it.latency_ms for it in items if it.kind == k and not it.error]) for k in KINDS}
    injected: dict[str, int] = {}
    for call in calls:
        if call["fault"]:
            injected[call["fault"]] = injected.get(call["fault"], 0) + 1
    statuses: dict[str, int] = {}
    for it in items:
        label = it.error.split(":")[0] if it.error else str(it.status)
        statuses[label] = statuses.get(label, 0) + 1
    send_s = send_end - send_start
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "config": {"events": args.events, "concurrency": args.concurrency, "seed": args.seed,
                   "workers": args.workers, "queue_capacity": capacity, "inspector": args.inspector,
                   "faults": {"p500": args.fault_500, "p429": args.fault_429, "pslow": args.fault_slow,
                              "slow_seconds": args.slow_seconds},
                   "binary": str(args.binary), "binary_bytes": args.binary.stat().st_size},
        "requests": {**counts, "by_kind": {k: sum(1 for it in items if it.kind == k) for k in KINDS},
                     "ack_statuses": statuses},
        "send_s": send_s,
        "acks_per_s": len(items) / send_s,
        "ack_latency_ms": spread(latencies),
        "ack_latency_ms_by_route": by_route,
        "drain_s": drain_s,
        "drain": drain_why,
        "total_s": time.time() - run_started,
        "api_calls": len(calls),
        "injected_faults": injected,
        **reply_figures,
        "log": {"lines": ackbot.lines, "levels": ackbot.levels, "outcomes": ackbot.outcomes, "warnings_and_errors": ackbot.messages,
                "duplicates_logged": ackbot.duplicates_logged},
        "memory_kb": {"idle_rss": rss_idle.get("VmRSS"), "after_send_rss": rss_after_send.get("VmRSS"),
                      "final_rss": final.get("VmRSS"), "peak_hwm": final.get("VmHWM")},
        "ackbot_cpu_s": final.get("cpu_s"),
        "inspector_stream": watcher.report() if watcher else None,
        "ackbot_threads": final.get("Threads"),
        "ackbot_exit": exit_code,
        "rss_samples": samples,
        "checks": {name: {"ok": not fails, "failures": len(fails), "examples": fails[:50]}
                   for name, fails in failures.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_table(report)
    print(f"written to {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
    return 0 if all(c["ok"] for c in report["checks"].values()) else 1


def print_table(r: dict) -> None:
    lat, rep = r["ack_latency_ms"], r["reply_latency_ms"]
    mem = r["memory_kb"]
    q = r["requests"]
    rows = [
        ("webhooks sent", f"{sum(q[k] for k in ('original', 'duplicate', 'tampered')):,} "
                          f"({q['original']:,} originals, {q['duplicate']:,} duplicates, {q['tampered']:,} tampered)"),
        ("ack statuses", ", ".join(f"{k}: {v:,}" for k, v in sorted(r["requests"]["ack_statuses"].items()))),
        ("send phase", f"{r['send_s']:.1f} s, {r['acks_per_s']:,.0f} acks/s, {r['config']['concurrency']} in flight"),
        ("ack latency", f"p50 {lat['p50']:.2f} ms, p90 {lat['p90']:.2f}, p99 {lat['p99']:.2f}, max {lat['max']:.1f}"),
        ("reply latency", f"p50 {rep['p50']:.0f} ms, p99 {rep['p99']:.0f}, max {rep['max']:.0f} (send to accepted)"),
        ("API calls", f"{r['api_calls']:,}; accepted replies {r['accepted_replies']:,}; "
                      + ", ".join(f"{k} {v:,}" for k, v in sorted(r["replies_by_api"].items()))),
        ("injected faults", ", ".join(f"{k}: {v}" for k, v in sorted(r["injected_faults"].items())) or "none"),
        ("drain", f"{r['drain_s']:.1f} s ({r['drain']})"),
        ("ackbot serve", f"peak RSS (VmHWM) {mem['peak_hwm'] / 1024:.1f} MiB; RSS idle {mem['idle_rss'] / 1024:.1f}, "
                         f"final {mem['final_rss'] / 1024:.1f} MiB; CPU {r['ackbot_cpu_s']:.1f} s"),
        ("inspector", r["config"]["inspector"] + (
            f": its event stream sent {r['inspector_stream']['events']:,} changes, "
            f"{r['inspector_stream']['bytes'] / 1e6:.1f} MB" if r["inspector_stream"] else "")),
        ("log outcomes", ", ".join(f"{k}: {v:,}" for k, v in sorted(r["log"]["outcomes"].items()))),
        ("log warnings", ", ".join(f"{k.split(' ', 1)[1]!r}: {v:,}"
                                   for k, v in sorted(r["log"]["warnings_and_errors"].items())) or "none"),
        ("total time", f"{r['total_s']:.1f} s"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print()
    for name, c in r["checks"].items():
        print(f"  {'ok  ' if c['ok'] else 'FAIL'}  {name}" + ("" if c["ok"] else f" ({c['failures']})"))
        for example in c["examples"][:5]:
            print(f"          {example}")
    print()


if __name__ == "__main__":
    sys.exit(main())
