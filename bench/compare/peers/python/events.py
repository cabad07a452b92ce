"""Signed webhook deliveries as API Gateway's REST API Lambda proxy integration (v1) hands them over.

Standard library only, for the peers' smoke test and the side-by-side benchmark driver:

- :func:`slack_proxy_event`: a `/echo <text>` slash command (form body, `X-Slack-Signature`
  = `v0=` + hex HMAC-SHA256 of `v0:{ts}:{body}`).
- :func:`line_proxy_event`: a webhook with one text message `echo <text>` and a reply token
  (`x-line-signature` = base64 HMAC-SHA256 of the body).
- :func:`tamper`: the same event with its signature changed (one character), to check that a peer
  really verifies.

The body is passed as API Gateway passes a text body (`isBase64Encoded: false`), byte for byte the
string that was signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
import time
import uuid
from urllib.parse import urlencode

__all__ = ["slack_proxy_event", "line_proxy_event", "slack_signature", "line_signature", "tamper", "proxy_event"]

_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def slack_signature(secret: str, ts: int | str, body: str | bytes) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()


def line_signature(secret: str, body: str | bytes) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def proxy_event(path: str, headers: dict[str, str], body: str, source_ip: str) -> dict:
    """An API Gateway REST API proxy event (payload format 1.0) for a POST to ``path``."""
    now = time.time()
    headers = {
        "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "X-Amzn-Trace-Id": f"Root=1-{int(now):08x}-{uuid.uuid4().hex[:24]}",
        "X-Forwarded-For": source_ip,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **headers,
    }
    return {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": path,
            "httpMethod": "POST",
            "extendedRequestId": base64.b64encode(uuid.uuid4().bytes[:12]).decode(),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/prod{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abcdef1234",
            "requestTimeEpoch": int(now * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent"), "accessKey": None,
                         "accountId": None, "caller": None, "user": None, "userArn": None},
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "apiId": "abcdef1234",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def slack_proxy_event(text: str, response_url: str, secret: str, ts: int | None = None,
                      command: str = "/echo", path: str = "/slack/commands") -> dict:
    """A signed slash command ``{command} {text}`` whose ``response_url`` is ``response_url``.

    ``ts`` is the ``X-Slack-Request-Timestamp`` (default: now).
    """
    ts = int(time.time()) if ts is None else int(ts)
    body = urlencode({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C2147483705",
        "channel_name": "test",
        "user_id": "U2147483697",
        "user_name": "Steve",
        "command": command,
        "text": text,
        "api_app_id": "A123456",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"13345224609.738474920.{uuid.uuid4().hex}",
    })
    headers = {
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": slack_signature(secret, ts, body),
    }
    return proxy_event(path, headers, body, "3.120.0.1")


def _ulid() -> str:
    ms = time.time_ns() // 1_000_000
    head = "".join(_ULID_ALPHABET[(ms >> (5 * i)) & 31] for i in reversed(range(10)))
    return head + "".join(random.choice(_ULID_ALPHABET) for _ in range(16))


def line_proxy_event(text: str, reply_token: str, secret: str, path: str = "/line/webhook") -> dict:
    """A signed LINE webhook with one text message ``echo {text}`` from a user, with ``reply_token``."""
    now_ms = time.time_ns() // 1_000_000
    body = json.dumps({
        "destination": "U" + uuid.uuid4().hex,
        "events": [{
            "type": "message",
            "message": {
                "type": "text",
                "id": str(random.randrange(10**17, 10**18)),
                "quoteToken": "".join(random.choices(string.ascii_letters + string.digits + "-_", k=96)),
                "text": f"echo {text}",
            },
            "webhookEventId": _ulid(),
            "deliveryContext": {"isRedelivery": False},
            "timestamp": now_ms,
            "source": {"type": "user", "userId": "U4af4980629" + uuid.uuid4().hex[:22]},
            "replyToken": reply_token,
            "mode": "active",
        }],
    }, ensure_ascii=False, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "LineBotWebhook/2.0",
        "x-line-signature": line_signature(secret, body),
    }
    return proxy_event(path, headers, body, "147.92.150.193")


def tamper(event: dict) -> dict:
    """A copy of ``event`` whose Slack or LINE signature has one character changed."""
    event = json.loads(json.dumps(event))
    for name in ("X-Slack-Signature", "x-line-signature"):
        value = event["headers"].get(name)
        if value:
            i = len(value) // 2
            forged = value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1:]
            event["headers"][name] = forged
            event["multiValueHeaders"][name] = [forged]
            return event
    raise ValueError("the event has no Slack or LINE signature header")
