"""The platforms' request signatures, as Slack and LINE compute them (for building test requests)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def slack_signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` (Slack's "Verifying requests")."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def line_signature(secret: str, body: bytes) -> str:
    """base64 HMAC-SHA256 of the raw body with the channel secret (LINE's `x-line-signature`)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
