"""The contract across the API Gateway -> Lambda boundary: what the mapping template renders is what
the real worker binary accepts, verifies and answers.

Each test builds a request exactly as Slack or LINE sends it (signed raw bytes, realistic headers),
renders the Envelope with the mapping template taken from the synthesized CloudFormation template
(render.py: LocalStack's VTL engine with AWS's escapeJavaScript quirk), and hands the rendered text,
byte for byte, to the `ackbot` binary through a Lambda Runtime API double (lambda_harness.py). The
worker's replies go to loopback stand-ins of the Slack and LINE APIs, which record them.

Needs the debug binary: `cargo build --bin ackbot` (or ACKBOT_BIN). Run from the repository root:

    infra/.venv/bin/python -m pytest infra/contract -q
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lambda_harness import (  # noqa: E402
    LineStandIn,
    MissingBinary,
    RuntimeApi,
    SlackStandIn,
    Worker,
    ackbot_binary,
    now_ms,
    stale_sources,
)
from render import render_envelope  # noqa: E402
from signing import line_signature, slack_signature  # noqa: E402

SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
LINE_CHANNEL_SECRET = "8c5e3b1a0d6f4e2c9b7a5d3f1e0c2b4a"
LINE_ACCESS_TOKEN = "line-access-token-" + "x" * 40

# What the user types. Japanese and an emoji (outside the BMP: a surrogate pair when escaped), and
# the characters form encoding and JSON escaping get wrong: '+' (a space in forms), '%', and "'"
# (AWS's escapeJavaScript turns it into \', which is not JSON).
SLACK_TEXT = "こんにちは 世界 🍣 a+b 100% it's"
LINE_TEXT = "こんにちは 🍣 it's"

# Header values no naive template survives: a single and a double quote; non-ASCII (so the
# escape_non_ascii parametrization changes the rendered JSON: \uXXXX escapes incl. a surrogate pair,
# or raw UTF-8).
QUOTE_HEADERS = {
    "X-Test-Quote": 'it\'s "quoted"',
    "X-Test-Unicode": "café 🍣",
}

ESCAPE_MODES = pytest.mark.parametrize(
    "escape_non_ascii", [True, False], ids=["commons-lang-unicode-escapes", "raw-unicode"]
)


# --------------------------------------------------------------------------------------------------
# Requests as the platforms send them
# --------------------------------------------------------------------------------------------------


def slack_form(command: str, text: str, response_url: str) -> bytes:
    """A slash command's form body: UTF-8 percent-encoded, spaces as '+', the documented field order."""
    return urlencode({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C2147483705",
        "channel_name": "test",
        "user_id": "U2147483697",
        "user_name": "Steve",
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": f"{secrets.randbelow(10**11)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}",
        "api_app_id": "A123456",
    }).encode("ascii")


def slack_headers(body: bytes, timestamp: int, *, signed_body: bytes | None = None) -> dict[str, str]:
    """Headers as they reach the mapping template of an edge-optimized REST API (CloudFront's too)."""
    return {
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Viewer-Country": "US",
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "Via": "1.1 4f6d8a0e2c1b3a5d7e9f0a1b2c3d4e5f.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "kXaZ0s5Y2bQ3m9Ea1eC3fJ7xT0-1bA6v2s9nQw8Yp4rU5tLmKjHg==",
        "X-Amzn-Trace-Id": f"Root=1-{timestamp:08x}-{secrets.token_hex(12)}",
        "X-Forwarded-For": "3.120.0.1, 130.176.0.12",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": slack_signature(SLACK_SIGNING_SECRET, timestamp, body if signed_body is None else signed_body),
        **QUOTE_HEADERS,
    }


def ulid() -> str:
    """A ULID (48-bit ms time + 80 random bits, Crockford base32), as LINE's webhookEventId."""
    value = (now_ms() << 80) | secrets.randbits(80)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def line_body(text: str, reply_token: str) -> bytes:
    """A LINE text-message webhook: compact JSON, raw UTF-8 (not \\u-escaped), as LINE sends it."""
    payload = {
        "destination": "U1234567890abcdef1234567890abcdef",
        "events": [{
            "type": "message",
            "message": {"type": "text", "id": str(468789577898262530 + secrets.randbelow(10**6)),
                        "quoteToken": "q3Plxr4AgKd" + secrets.token_hex(8), "text": text},
            # Unique per request: the worker deduplicates on it, and one worker serves the module.
            "webhookEventId": ulid(),
            "deliveryContext": {"isRedelivery": False},
            "timestamp": now_ms(),
            "source": {"type": "user", "userId": "U4af4980629" + "0" * 22},
            "replyToken": reply_token,
            "mode": "active",
        }],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def line_headers(body: bytes, *, signed_body: bytes | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Host": "abc123.execute-api.ap-northeast-1.amazonaws.com",
        "User-Agent": "LineBotWebhook/2.0",
        "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}",
        "X-Forwarded-For": "147.92.150.192",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        "x-line-signature": line_signature(LINE_CHANNEL_SECRET, body if signed_body is None else signed_body),
        **QUOTE_HEADERS,
    }


# --------------------------------------------------------------------------------------------------
# One worker process (and its doubles) per module
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def binary() -> Path:
    try:
        path = ackbot_binary()
    except MissingBinary as err:
        # A contract test that silently skips is a contract nobody checks: fail, and say what to do.
        pytest.fail(str(err), pytrace=False)
    newer = stale_sources(path)
    if newer:
        warnings.warn(f"{path} is older than {len(newer)} source file(s) (e.g. {newer[0]}): "
                      "rebuild with `cargo build --bin ackbot` to test the current code")
    return path


@pytest.fixture(scope="module")
def runtime():
    with RuntimeApi() as api:
        yield api


@pytest.fixture(scope="module")
def slack():
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture(scope="module")
def line():
    with LineStandIn() as standin:
        yield standin


@pytest.fixture(scope="module")
def worker(binary, runtime, slack, line):
    proc = Worker(binary, runtime, secrets={
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
        "LINE_API_URL": line.api_url,
    })
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(autouse=True)
def quiet_stand_ins(slack, line):
    """Each test sees only its own calls (the worker answers an invocation only after replying)."""
    slack.clear()
    line.clear()


def deliver(runtime: RuntimeApi, rendered: str, timeout: float = 15.0):
    """Hands the rendered Envelope to the worker exactly as rendered and waits for the answer."""
    request_id = runtime.invoke(rendered)  # the text itself, not json.loads/dumps of it
    return runtime.answer(request_id, timeout)


def assert_valid_rendered(rendered: str, escape_non_ascii: bool) -> dict:
    # Precondition: the template's output is JSON at all (AWS's \' quirk would break it here first),
    # and the parametrization really changed the wire form the worker has to parse.
    envelope = json.loads(rendered)
    if escape_non_ascii:
        assert rendered.isascii() and "\\uD83C\\uDF63" in rendered  # 🍣 as a UTF-16 surrogate pair
    else:
        assert "🍣" in rendered
    assert envelope["headers"]["X-Test-Quote"] == QUOTE_HEADERS["X-Test-Quote"]
    return envelope


# --------------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------------


@ESCAPE_MODES
def test_slack_slash_command_round_trips_to_the_exact_reply(cfn_template, worker, runtime, slack, line, escape_non_ascii):
    response_url = slack.response_url()
    timestamp = int(time.time())
    body = slack_form("/echo", SLACK_TEXT, response_url)
    headers = slack_headers(body, timestamp)
    request_id = str(uuid.uuid4())
    rendered = render_envelope(cfn_template, "/slack/commands", "POST", headers, body, now_ms(), request_id,
                               "3.120.0.1", escape_non_ascii=escape_non_ascii)
    assert_valid_rendered(rendered, escape_non_ascii)

    answer = deliver(runtime, rendered)

    # Success with one handled and one replied: the worker parsed the rendered Envelope (the
    # \uXXXX / raw UTF-8 JSON, the base64 body) and got as far as a delivered reply. An error
    # answer would make Lambda retry the event and finally dead-letter it.
    assert answer.ok, answer.body
    assert answer.json() == {"handled": 1, "replied": 1}
    # `processed` proves the signature verified over the bytes the template carried: the base64 body
    # is the signed body, and X-Slack-Signature / -Timestamp were found despite their header case.
    log = worker.envelope_log(request_id)
    assert (log["outcome"], log["route"], log["handled"], log["replied"]) == ("processed", "/slack/commands", 1, 1)

    reply = slack.wait_for(lambda c: c.path == urlparse(response_url).path)
    # The exact text after `/echo `: nothing lost to '+'-as-space, %-decoding, the \' quirk, or the
    # surrogate pair -- this is what the user sees.
    assert reply.body["text"] == SLACK_TEXT
    # Ephemeral: only the user who typed the command sees the echo, as Slack's default promises.
    assert reply.body["response_type"] == "ephemeral"
    assert (reply.header("content-type") or "").startswith("application/json")
    # A response_url needs no token, and its host comes from the request body: the bot token must
    # not travel there.
    assert reply.header("authorization") is None
    # Exactly one call: the reply was not repeated, and nothing went to chat.postMessage or LINE.
    assert len(slack.calls()) == 1 and line.calls() == []


@ESCAPE_MODES
def test_line_text_message_round_trips_to_the_exact_reply(cfn_template, worker, runtime, slack, line, escape_non_ascii):
    reply_token = secrets.token_hex(16)
    body = line_body(f"echo {LINE_TEXT}", reply_token)
    assert LINE_TEXT.encode() in body  # raw UTF-8 on the wire, as LINE sends it
    headers = line_headers(body)
    request_id = str(uuid.uuid4())
    rendered = render_envelope(cfn_template, "/line/webhook", "POST", headers, body, now_ms(), request_id,
                               "147.92.150.192", escape_non_ascii=escape_non_ascii)
    assert_valid_rendered(rendered, escape_non_ascii)

    answer = deliver(runtime, rendered)

    # As for Slack: success, one event handled and one reply delivered.
    assert answer.ok, answer.body
    assert answer.json() == {"handled": 1, "replied": 1}
    # `processed`: the x-line-signature (lower-case name) verified over the exact raw JSON bytes; had
    # the template re-serialised the body ($input.json('$')), this would be `rejected`.
    log = worker.envelope_log(request_id)
    assert (log["outcome"], log["route"], log["handled"], log["replied"]) == ("processed", "/line/webhook", 1, 1)

    reply = line.wait_for(lambda c: c.path == "/v2/bot/message/reply")
    # The reply API with this event's own token: a reply token works once, for its own event only.
    assert reply.body["replyToken"] == reply_token
    # The channel access token as a bearer, or LINE answers 401.
    assert reply.header("authorization") == f"Bearer {LINE_ACCESS_TOKEN}"
    # The exact text after `echo `, one text message.
    assert [(m["type"], m["text"]) for m in reply.body["messages"]] == [("text", LINE_TEXT)]
    # Within the reply token's life, no push: push counts against the monthly message quota.
    assert [c.path for c in line.calls() if c.path != "/v2/bot/chat/loading/start"] == ["/v2/bot/message/reply"]
    assert slack.calls() == []


def tampered_slack(slack: SlackStandIn) -> tuple[str, dict[str, str], bytes, str]:
    response_url = slack.response_url()
    timestamp = int(time.time())
    signed = slack_form("/echo", "hello", response_url)
    body = signed.replace(b"text=hello", b"text=I+was+changed+after+signing")
    assert body != signed
    headers = slack_headers(body, timestamp, signed_body=signed)
    return "/slack/commands", headers, body, slack_signature(SLACK_SIGNING_SECRET, timestamp, body)


def tampered_line(_slack: SlackStandIn) -> tuple[str, dict[str, str], bytes, str]:
    signed = line_body(f"echo {LINE_TEXT}", secrets.token_hex(16))
    body = signed.replace(LINE_TEXT.encode(), "こんにちは 🍣 it's (changed)".encode())
    assert body != signed
    headers = line_headers(body, signed_body=signed)
    return "/line/webhook", headers, body, line_signature(LINE_CHANNEL_SECRET, body)


@ESCAPE_MODES
@pytest.mark.parametrize("make", [tampered_slack, tampered_line], ids=["slack", "line"])
def test_a_body_changed_after_signing_is_rejected_and_nothing_is_sent(
        cfn_template, worker, runtime, slack, line, make, escape_non_ascii):
    route, headers, body, expected_signature = make(slack)
    request_id = str(uuid.uuid4())
    rendered = render_envelope(cfn_template, route, "POST", headers, body, now_ms(), request_id, "198.51.100.9",
                               escape_non_ascii=escape_non_ascii)
    assert_valid_rendered(rendered, escape_non_ascii)

    answer = deliver(runtime, rendered)

    # Success, not an error: a forged request cannot become valid on retry, and an error would make
    # Lambda retry it twice and then dead-letter it (a forger could fill the DLQ).
    assert answer.ok, answer.body
    assert answer.json() == {"handled": 0, "replied": 0}
    # `rejected` (the signature check), not `invalid` or `processed`: the worker verified the bytes it
    # got against the signature and the mismatch was caught before any parsing mattered.
    log = worker.envelope_log(request_id)
    assert log["outcome"] == "rejected" and log["route"] == route
    # The log must not hand a forger the signature that would have matched (a known weakness).
    assert expected_signature not in json.dumps(worker.log_lines())
    # Nothing reached either platform: a forged command must not make the bot speak. The worker
    # answers only after its replies, so there is nothing still in flight; the pause is a margin.
    time.sleep(0.2)
    assert slack.calls() == [] and line.calls() == []


@pytest.mark.parametrize(
    "signed_before_receipt_s, queued_for_s, outcome, replied",
    [
        # Lambda's async queue held the event for 2 hours (allowed up to 6 h): the signature was fresh
        # when the gateway received it, so it still counts.
        (1, 2 * 3600, "processed", 1),
        # Signed 301 s before the gateway received it: stale, even though it is processed at once.
        (301, 0, "rejected", 0),
    ],
    ids=["delayed-in-the-async-queue", "stale-at-the-gateway"],
)
def test_slack_freshness_is_judged_by_the_gateways_receive_time(
        cfn_template, worker, runtime, slack, signed_before_receipt_s, queued_for_s, outcome, replied):
    # received_at_ms comes from $context.requestTimeEpoch in the template; the worker must judge the
    # 300 s window against it, not against its own clock (PLATFORMS.md, async invocations).
    received_ms = now_ms() - queued_for_s * 1000
    timestamp = received_ms // 1000 - signed_before_receipt_s
    response_url = slack.response_url()
    body = slack_form("/echo", SLACK_TEXT, response_url)
    request_id = str(uuid.uuid4())
    rendered = render_envelope(cfn_template, "/slack/commands", "POST", slack_headers(body, timestamp), body,
                               received_ms, request_id, "3.120.0.1")
    answer = deliver(runtime, rendered)
    assert answer.ok and answer.json() == {"handled": replied, "replied": replied}
    assert worker.envelope_log(request_id)["outcome"] == outcome
    if replied:
        assert slack.wait_for(lambda c: c.path == urlparse(response_url).path).body["text"] == SLACK_TEXT
    else:
        assert slack.calls() == []


def test_the_worker_keeps_serving_after_every_case(worker, runtime):
    # One process served the whole module: it must still be polling (no crash on any input above,
    # which would make Lambda restart it -- a cold start per bad request).
    assert worker.process.poll() is None, worker.tail()
    assert not runtime.init_errors
    assert all(answer.ok for answer in runtime.answers.values())
    # Secrets and tokens never reach the logs, whatever the outcome (rejections included).
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in worker.log_lines()) + worker.tail()
    for secret in (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, LINE_CHANNEL_SECRET, LINE_ACCESS_TOKEN):
        assert secret not in text
