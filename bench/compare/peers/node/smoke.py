#!/usr/bin/env python3
"""Smoke test of the Node.js peers (Bolt for JavaScript, the LINE SDK for Node.js) as Lambda functions.

Each peer runs as Lambda runs it: `node runtime.js <module>.handler` polls a Lambda Runtime API double
(infra/contract/lambda_harness.py) that already holds a correctly signed API Gateway REST proxy (v1)
event (built by ../python/events.py, shared by all the peers), does the work with the framework's
own entry point, and replies to the platform's stand-in on loopback. Checked, per peer:

1. cold start: the stand-in receives the exact reply text, and the runtime gets a 200 proxy result;
2. warm: the same again on the same process;
3. a tampered signature: a 401 proxy result, and no reply at the stand-in.

Prints the timings of each (exec -> first poll, exec -> reply, exec -> /response; warm from the
invoke) and the process's peak RSS (VmHWM, read 1 s after its last invocation, once V8's deferred
garbage collection has run), and exits non-zero on any failure. Standard library only;
needs `node` (20+) and `npm ci` run in this directory.

    python3 bench/compare/peers/node/smoke.py [--runs N] [--peer bolt_js|line_node]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
sys.path.insert(0, str(REPO / "infra" / "contract"))
sys.path.insert(0, str(HERE.parent / "python"))  # events.py: the signed proxy events every peer gets
from events import line_proxy_event, slack_proxy_event, tamper  # noqa: E402
from lambda_harness import LineStandIn, RuntimeApi, SlackStandIn, worker_env  # noqa: E402

SLACK_SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
SLACK_BOT_TOKEN = "xoxb-1234567890-1234567890123-benchbenchbenchbenchbenc"
LINE_CHANNEL_SECRET = "bench-line-channel-secret-0123456789"
LINE_CHANNEL_ACCESS_TOKEN = "bench-line-channel-access-token-0123456789abcdef"
ECHO_TEXT = "こんにちは 🍣"
RSS_SETTLE_S = 1.0  # idle time before reading VmHWM (see run_once)


# --------------------------------------------------------------------------------------------------
# The peer process
# --------------------------------------------------------------------------------------------------


class Peer:
    """`node runtime.js <handler>` with the Lambda environment, polling `runtime`."""

    def __init__(self, handler: str, runtime: RuntimeApi, settings: dict[str, str]) -> None:
        self.handler = handler
        self.runtime = runtime
        self.settings = settings
        self.output: list[str] = []
        self._lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        runtime.watch(self._gone)

    def start(self) -> "Peer":
        env = worker_env(self.runtime.address, extra=self.settings)
        for name in ("ACKBOT_ROLE", "ACKBOT_LOG_FORMAT", "RUST_LOG", "NODE_OPTIONS"):
            env.pop(name, None)
        env.update({"LAMBDA_TASK_ROOT": str(HERE), "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x",
                    "NODE_ENV": "production"})
        node = os.environ.get("NODE") or shutil.which("node") or "node"
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen([node, str(HERE / "runtime.js"), self.handler], cwd=HERE, env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._pump, daemon=True).start()
        return self

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            with self._lock:
                self.output.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def _gone(self) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            return f"{self.handler} exited with status {self.process.returncode}; output:\n{self.tail()}"
        return None

    def tail(self, lines: int = 30) -> str:
        with self._lock:
            return "\n".join(self.output[-lines:]) or "(nothing)"

    def peak_rss_kib(self) -> int | None:
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            pass
        return None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


# --------------------------------------------------------------------------------------------------
# One peer's run: cold, warm, tampered
# --------------------------------------------------------------------------------------------------


class Failure(Exception):
    pass


def expect(condition: bool, message: str, peer: Peer) -> None:
    if not condition:
        raise Failure(f"{message}\n--- {peer.handler} output ---\n{peer.tail()}")


class Platform:
    """What differs between the two peers: the stand-in, the event, and what a correct reply is."""

    def __init__(self, name: str, handler: str) -> None:
        self.name = name
        self.handler = handler

    def stand_in(self) -> SlackStandIn | LineStandIn:
        return SlackStandIn() if self.name == "slack" else LineStandIn()

    def settings(self, stand_in: Any) -> dict[str, str]:
        if self.name == "slack":
            return {"SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET, "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
                    "SLACK_API_URL": stand_in.api_url}
        return {"LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_CHANNEL_ACCESS_TOKEN,
                "LINE_API_URL": stand_in.api_url}

    def event(self, stand_in: Any, *, tampered: bool = False
              ) -> tuple[dict, Callable[[Any], bool], Callable[[Any], str | None]]:
        """A signed event, a predicate matching its reply, and a check of that reply (None when right)."""
        if self.name == "slack":
            response_url = stand_in.response_url()
            path = urlparse(response_url).path

            def check(call: Any) -> str | None:
                if call.body != {"text": ECHO_TEXT}:
                    return f"unexpected reply body {call.raw!r}"
                return None

            event = slack_proxy_event(ECHO_TEXT, response_url, SLACK_SIGNING_SECRET)
            return (tamper(event) if tampered else event), (lambda c: c.path == path), check
        reply_token = secrets.token_hex(16)

        def check(call: Any) -> str | None:
            want = {"replyToken": reply_token, "messages": [{"type": "text", "text": ECHO_TEXT}]}
            if call.body != want:
                return f"unexpected reply body {call.raw!r}"
            if call.header("authorization") != f"Bearer {LINE_CHANNEL_ACCESS_TOKEN}":
                return f"unexpected Authorization {call.header('authorization')!r}"
            return None

        def matches(call: Any) -> bool:
            return call.path == "/v2/bot/message/reply" and isinstance(call.body, dict) \
                and call.body.get("replyToken") == reply_token

        event = line_proxy_event(ECHO_TEXT, reply_token, LINE_CHANNEL_SECRET)
        return (tamper(event) if tampered else event), matches, check


def run_once(platform: Platform, *, checks: bool) -> dict:
    """One cold start (the event queued before the exec), a warm invocation, and (with checks) a tampered one."""
    with RuntimeApi() as runtime, platform.stand_in() as stand_in:
        event, matches, check = platform.event(stand_in)
        invocation = runtime.invoke(event)
        peer = Peer(platform.handler, runtime, platform.settings(stand_in)).start()
        try:
            answer = runtime.answer(invocation, timeout=30)
            reply = stand_in.wait_for(matches, timeout=10)
            t0 = peer.started_at
            expect(answer.ok, f"cold: the runtime got {answer.kind} {answer.body!r}", peer)
            expect(answer.json().get("statusCode") == 200, f"cold: proxy result {answer.body!r}", peer)
            problem = check(reply)
            expect(problem is None, f"cold: {problem}", peer)
            result = {
                "init_ms": (runtime.polls[0] - t0) * 1000,
                "reply_ms": (reply.at - t0) * 1000,
                "response_ms": (answer.at - t0) * 1000,
            }

            event, matches, check = platform.event(stand_in)
            warm = runtime.invoke(event)
            invoked_at = runtime.invocations[warm].invoked_at
            warm_answer = runtime.answer(warm, timeout=10)
            warm_reply = stand_in.wait_for(matches, timeout=5)
            expect(warm_answer.ok and warm_answer.json().get("statusCode") == 200,
                   f"warm: the runtime got {warm_answer.kind} {warm_answer.body!r}", peer)
            problem = check(warm_reply)
            expect(problem is None, f"warm: {problem}", peer)
            result["warm_reply_ms"] = (warm_reply.at - invoked_at) * 1000
            result["warm_response_ms"] = (warm_answer.at - invoked_at) * 1000

            if checks:
                event, matches, _ = platform.event(stand_in, tampered=True)
                bad = runtime.invoke(event)
                bad_answer = runtime.answer(bad, timeout=10)
                expect(bad_answer.ok and bad_answer.json().get("statusCode") == 401,
                       f"tampered: expected a 401 proxy result, got {bad_answer.kind} {bad_answer.body!r}", peer)
                try:
                    stray = stand_in.wait_for(matches, timeout=0.5)
                except TimeoutError:
                    stray = None
                expect(stray is None, f"tampered: a reply went out anyway: {stray and stray.raw!r}", peer)
                result["tampered_status"] = bad_answer.json().get("statusCode")
            # V8 runs a garbage collection shortly after the work (~0.1-0.3 s here) that raises the
            # peak by ~25 MiB and then lowers the resident size: read the peak once it has passed.
            time.sleep(RSS_SETTLE_S)
            result["peak_rss_kib"] = peer.peak_rss_kib()
            return result
        finally:
            peer.stop()


PLATFORMS = {"bolt_js": Platform("slack", "bolt_js.handler"), "line_node": Platform("line", "line_node.handler")}


def summary(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:7.1f}"
    return f"{statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="cold starts per peer (default 1)")
    parser.add_argument("--peer", choices=sorted(PLATFORMS), action="append", help="only this peer (repeatable)")
    args = parser.parse_args(argv)
    if not (HERE / "node_modules").is_dir():
        print(f"node_modules is missing: run `npm ci` in {HERE}", file=sys.stderr)
        return 2
    node = os.environ.get("NODE") or shutil.which("node")
    version = subprocess.run([node or "node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"node {version}, {args.runs} cold start(s) per peer")
    failed = False
    for name in args.peer or sorted(PLATFORMS):
        samples = []
        try:
            for i in range(args.runs):
                samples.append(run_once(PLATFORMS[name], checks=(i == 0)))
        except (Failure, RuntimeError, TimeoutError) as error:
            print(f"FAIL {name}: {error}")
            failed = True
            continue
        first = samples[0]
        print(f"PASS {name}: cold reply and 200, warm reply and 200, tampered signature -> "
              f"{first['tampered_status']} and no reply")
        for key, label in (("init_ms", "cold exec -> first poll (init)"), ("reply_ms", "cold exec -> reply"),
                           ("response_ms", "cold exec -> /response"), ("warm_reply_ms", "warm invoke -> reply"),
                           ("warm_response_ms", "warm invoke -> /response")):
            print(f"    {label:32} {summary([s[key] for s in samples])} ms")
        rss = [s["peak_rss_kib"] / 1024 for s in samples if s["peak_rss_kib"]]
        if rss:
            print(f"    {'peak RSS (VmHWM)':32} {summary(rss)} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
