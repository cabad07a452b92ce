#!/usr/bin/env python3
"""Smoke test of the Python peers, each run as a Lambda function process on loopback doubles.

For each peer (Slack Bolt for Python, LINE's line-bot-sdk), with a fresh Runtime API double and a
fresh platform stand-in (infra/contract/lambda_harness.py):

1. cold: a signed API Gateway proxy event waits in the Runtime API before the exec; the stand-in
   must receive the exact echo text and the runtime a 200 proxy result;
2. warm: a second signed event on the same process, same checks;
3. tampered: the same kind of event with one character of the signature changed: a 401/400 result
   and no reply at the stand-in (the framework really verifies); for Slack also a correctly signed
   event whose timestamp is 6 minutes old.

Prints a short summary (with rough cold-start timings and peak RSS) and exits 1 on any failure.

    bash bench/compare/peers/python/install.sh    # once: the venv with the pinned peers
    python3 bench/compare/peers/python/smoke.py   # any python3 (standard library only)
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from events import line_proxy_event, slack_proxy_event, tamper  # noqa: E402
from peer_harness import (  # noqa: E402
    LINE_CHANNEL_ACCESS_TOKEN, LINE_CHANNEL_SECRET, SLACK_SIGNING_SECRET, LineStandIn, PeerProcess, RuntimeApi,
    SlackApiStandIn, peer_settings,
)

TEXT = "こんにちは 🍣"
QUIET_S = 0.5  # how long to wait for a reply that must not come


class Failure(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Failure(what)


def proxy_status(answer) -> int | None:
    if not answer.ok:
        return None
    result = answer.json()
    return result.get("statusCode") if isinstance(result, dict) else None


def ms(t: float, t0: float) -> float:
    return (t - t0) * 1000


def smoke_bolt() -> dict:
    with RuntimeApi() as runtime, SlackApiStandIn() as slack:
        url = slack.response_url()
        first = runtime.invoke(slack_proxy_event(TEXT, url, SLACK_SIGNING_SECRET))
        peer = PeerProcess("bolt_python", runtime, peer_settings("bolt_python", slack=slack))
        peer.start()
        try:
            answer = runtime.answer(first, timeout=30)
            expect(proxy_status(answer) == 200, f"cold: result {answer.kind} {answer.body!r}\n{peer.tail()}")
            reply = slack.wait_for(lambda c: c.path == urlparse(url).path, timeout=5)
            expect(reply.body == {"text": TEXT}, f"cold: reply {reply.body!r}")
            t0 = peer.started_at
            auth = [c for c in slack.calls() if c.path == "/api/auth.test"]
            result = {"init_ms": ms(runtime.polls[0], t0), "reply_ms": ms(reply.at, t0),
                      "response_ms": ms(answer.at, t0),
                      "auth_test_ms": ms(auth[0].at, t0) if auth else None, "auth_test_calls": len(auth)}

            warm_url = slack.response_url()
            warm = runtime.invoke(slack_proxy_event(TEXT, warm_url, SLACK_SIGNING_SECRET))
            invoked = runtime.invocations[warm].invoked_at
            warm_answer = runtime.answer(warm, timeout=10)
            expect(proxy_status(warm_answer) == 200, f"warm: result {warm_answer.body!r}")
            warm_reply = slack.wait_for(lambda c: c.path == urlparse(warm_url).path, timeout=5)
            expect(warm_reply.body == {"text": TEXT}, f"warm: reply {warm_reply.body!r}")
            result["warm_reply_ms"] = ms(warm_reply.at, invoked)

            for name, make in (("tampered signature", lambda u: tamper(slack_proxy_event(TEXT, u, SLACK_SIGNING_SECRET))),
                               ("stale timestamp", lambda u: slack_proxy_event(TEXT, u, SLACK_SIGNING_SECRET,
                                                                               ts=int(time.time()) - 360))):
                bad_url = slack.response_url()
                bad = runtime.invoke(make(bad_url))
                bad_answer = runtime.answer(bad, timeout=10)
                expect(proxy_status(bad_answer) == 401, f"{name}: result {bad_answer.body!r}")
                time.sleep(QUIET_S)
                expect(not [c for c in slack.calls() if c.path == urlparse(bad_url).path], f"{name}: a reply was sent")
                result[name] = "401, no reply"
            result["peak_rss_kib"] = peer.peak_rss_kib()
            result["auth_test_calls"] = len([c for c in slack.calls() if c.path == "/api/auth.test"])
            return result
        finally:
            peer.stop()


def smoke_line() -> dict:
    def replies(line: LineStandIn, token: str):
        return [c for c in line.calls() if c.path == "/v2/bot/message/reply"
                and isinstance(c.body, dict) and c.body.get("replyToken") == token]

    def check_reply(call, token: str, when: str) -> None:
        expect(call.header("authorization") == f"Bearer {LINE_CHANNEL_ACCESS_TOKEN}", f"{when}: authorization header")
        messages = call.body.get("messages")
        expect(call.body.get("replyToken") == token and isinstance(messages, list) and len(messages) == 1
               and messages[0].get("type") == "text" and messages[0].get("text") == TEXT,
               f"{when}: reply {call.body!r}")

    with RuntimeApi() as runtime, LineStandIn() as line:
        token = uuid.uuid4().hex
        first = runtime.invoke(line_proxy_event(TEXT, token, LINE_CHANNEL_SECRET))
        peer = PeerProcess("line_python", runtime, peer_settings("line_python", line=line))
        peer.start()
        try:
            answer = runtime.answer(first, timeout=30)
            expect(proxy_status(answer) == 200, f"cold: result {answer.kind} {answer.body!r}\n{peer.tail()}")
            reply = line.wait_for(lambda c: c.path == "/v2/bot/message/reply", timeout=5)
            check_reply(reply, token, "cold")
            t0 = peer.started_at
            result = {"init_ms": ms(runtime.polls[0], t0), "reply_ms": ms(reply.at, t0),
                      "response_ms": ms(answer.at, t0)}

            warm_token = uuid.uuid4().hex
            warm = runtime.invoke(line_proxy_event(TEXT, warm_token, LINE_CHANNEL_SECRET))
            invoked = runtime.invocations[warm].invoked_at
            warm_answer = runtime.answer(warm, timeout=10)
            expect(proxy_status(warm_answer) == 200, f"warm: result {warm_answer.body!r}")
            warm_reply = line.wait_for(lambda c: bool(replies(line, warm_token)) and c in replies(line, warm_token),
                                       timeout=5)
            check_reply(warm_reply, warm_token, "warm")
            result["warm_reply_ms"] = ms(warm_reply.at, invoked)

            bad_token = uuid.uuid4().hex
            bad = runtime.invoke(tamper(line_proxy_event(TEXT, bad_token, LINE_CHANNEL_SECRET)))
            bad_answer = runtime.answer(bad, timeout=10)
            expect(proxy_status(bad_answer) == 400, f"tampered: result {bad_answer.body!r}")
            time.sleep(QUIET_S)
            expect(not replies(line, bad_token), "tampered signature: a reply was sent")
            result["tampered signature"] = "400, no reply"
            result["peak_rss_kib"] = peer.peak_rss_kib()
            return result
        finally:
            peer.stop()


def main() -> int:
    failed = 0
    for name, run in (("bolt_python", smoke_bolt), ("line_python", smoke_line)):
        try:
            result = run()
        except (Failure, RuntimeError, TimeoutError, FileNotFoundError) as exc:
            failed += 1
            print(f"FAIL {name}: {exc}")
            continue
        rss = result.pop("peak_rss_kib")
        warm = result.pop("warm_reply_ms")
        timings = ", ".join(f"{k[:-3]} {v:.1f}" for k, v in result.items() if k.endswith("_ms") and v is not None)
        checks = "; ".join(f"{k}: {v}" for k, v in result.items() if not k.endswith("_ms") and k != "auth_test_calls")
        extra = f"; auth.test calls: {result['auth_test_calls']}" if "auth_test_calls" in result else ""
        print(f"ok   {name}: cold+warm echo exact, 200; {checks}{extra}")
        print(f"     cold, ms from exec: {timings}; warm reply {warm:.1f} ms from invoke; "
              f"peak RSS {rss / 1024:.1f} MiB" if rss else f"     cold, ms from exec: {timings}")
    print(f"{2 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
