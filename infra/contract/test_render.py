"""Contract tests of the Envelope mapping template, rendered with LocalStack's API Gateway VTL engine
and AWS's escapeJavaScript (see render.py).

The CloudFormation template comes from `cdk synth` with the stand-in worker asset (fast, no
cargo-lambda), or from $ACKBOT_CFN_TEMPLATE when set. Only the gateway-ack routes have the template;
the function-ack routes are Lambda proxy integrations of the front door, checked to carry none. Run
from infra/:

    .venv/bin/python -m pytest contract -q
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render  # noqa: E402
from render import ProxyIntegration, UnsupportedMediaType, aws_escape_javascript, render_envelope  # noqa: E402
from signing import line_signature, slack_signature  # noqa: E402


# The default settings' acknowledgement modes (infra/lib/settings.ts): the gateway acks slash commands
# and LINE webhooks through the Envelope template; the front door answers Slack's events and
# interactions through a proxy integration.
GATEWAY_ROUTES = ["/slack/commands", "/line/webhook"]
FUNCTION_ROUTES = ["/slack/interactions", "/slack/events"]

# Header values that break naive templates: a single quote (AWS's escapeJavaScript makes it \'),
# and a double quote with backslashes and a slash.
TRICKY_HEADERS = {
    "X-Ackbot-Quote": "it's O'Reilly's",
    "X-Ackbot-Json": 'say "hi" \\ back\\slash \\\' /path',
}


def slack_slash_command() -> tuple[dict[str, str], bytes]:
    """A slash command as Slack sends it: form-encoded, UTF-8 percent-encoded, spaces as '+'."""
    body = urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "enterprise_id": "E0001",
            "enterprise_name": "Globular Construct Inc",
            "channel_id": "C2147483705",
            "channel_name": "test",
            "user_id": "U2147483697",
            "user_name": "Steve",
            "command": "/echo",
            "text": "こんにちは 世界 🎉👍🏽 it's \"quoted\" & 100% + more",
            "api_app_id": "A123456",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/1234/5678",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    ).encode("ascii")
    timestamp = "1531420618"
    headers = {
        "Host": "abc123.execute-api.ap-northeast-1.amazonaws.com",
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "Accept-Encoding": "gzip,deflate",
        "Accept": "application/json,*/*",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Signature": slack_signature("8f742231b10e8888abcd99yyyzzz85a5", timestamp, body),
        "X-Slack-Request-Timestamp": timestamp,
        "X-Amzn-Trace-Id": "Root=1-5e1b4151-5ac6c58f5b5daa6532e4db04",
        "X-Forwarded-For": "3.120.0.1",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **TRICKY_HEADERS,
    }
    return headers, body


def line_webhook() -> tuple[dict[str, str], bytes]:
    """A LINE webhook: raw UTF-8 JSON (not \\u-escaped), content type with charset."""
    payload = {
        "destination": "U1234567890abcdef1234567890abcdef",
        "events": [
            {
                "type": "message",
                "message": {"type": "text", "id": "468789577898262530", "quoteToken": "q3Plxr4AgKd...",
                            "text": "echo こんにちは🍣 \"ダブル\" 'シングル' \\ 終わり"},
                "webhookEventId": "01H810YECXQQZ37VAXPF6H9E6T",
                "deliveryContext": {"isRedelivery": False},
                "timestamp": 1692251666727,
                "source": {"type": "user", "userId": "U4af4980629..."},
                "replyToken": "38ef843bde154d9b91c21320ffd17a0f",
                "mode": "active",
            }
        ],
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Host": "abc123.execute-api.ap-northeast-1.amazonaws.com",
        "User-Agent": "LineBotWebhook/2.0",
        "Content-Type": "application/json; charset=utf-8",
        "x-line-signature": line_signature("test_secret", body),
        "X-Forwarded-For": "147.92.150.192",
        **TRICKY_HEADERS,
    }
    return headers, body


def assert_envelope(rendered: str, route: str, headers: dict[str, str], body: bytes, epoch: int, request_id: str, ip: str):
    envelope = json.loads(rendered)  # valid JSON, or this raises
    assert set(envelope) == {"route", "received_at_ms", "request_id", "source_ip", "headers", "body"}
    assert envelope["route"] == route
    assert envelope["received_at_ms"] == epoch and isinstance(envelope["received_at_ms"], int)
    assert envelope["request_id"] == request_id
    assert envelope["source_ip"] == ip
    assert base64.b64decode(envelope["body"], validate=True) == body
    assert envelope["headers"] == headers
    return envelope


@pytest.mark.parametrize("escape_non_ascii", [True, False], ids=["commons-lang-unicode-escapes", "raw-unicode"])
def test_slack_slash_command_round_trips(cfn_template, escape_non_ascii):
    headers, body = slack_slash_command()
    rendered = render_envelope(
        cfn_template, "/slack/commands", "POST", headers, body, 1531420618123, "c0ffee00-1234-4abc-8def-000000000001",
        "3.120.0.1", escape_non_ascii=escape_non_ascii,
    )
    envelope = assert_envelope(rendered, "/slack/commands", headers, body, 1531420618123,
                               "c0ffee00-1234-4abc-8def-000000000001", "3.120.0.1")
    # The signature still verifies over the decoded body: the bytes are the signed bytes.
    decoded = base64.b64decode(envelope["body"])
    assert envelope["headers"]["X-Slack-Signature"] == slack_signature(
        "8f742231b10e8888abcd99yyyzzz85a5", envelope["headers"]["X-Slack-Request-Timestamp"], decoded)
    assert "%E3%81%93%E3%82%93" in decoded.decode("ascii")  # Japanese stays percent-encoded, as sent


@pytest.mark.parametrize("escape_non_ascii", [True, False], ids=["commons-lang-unicode-escapes", "raw-unicode"])
def test_line_webhook_round_trips(cfn_template, escape_non_ascii):
    headers, body = line_webhook()
    assert "こんにちは🍣".encode() in body  # raw UTF-8 on the wire
    rendered = render_envelope(
        cfn_template, "/line/webhook", "POST", headers, body, 1692251666999, "5f2a-line-req", "147.92.150.192",
        escape_non_ascii=escape_non_ascii,
    )
    envelope = assert_envelope(rendered, "/line/webhook", headers, body, 1692251666999, "5f2a-line-req",
                               "147.92.150.192")
    assert envelope["headers"]["x-line-signature"] == line_signature("test_secret", base64.b64decode(envelope["body"]))


def test_the_synthesized_routes_have_the_default_ack_modes(cfn_template):
    """The route lists above are what the template holds: a gateway route is a non-proxy AWS
    integration, a function route a Lambda proxy integration."""
    types = render.integration_types(render.load_cfn_template(cfn_template))
    assert types == {**{r: "AWS" for r in GATEWAY_ROUTES}, **{r: "AWS_PROXY" for r in FUNCTION_ROUTES}}


@pytest.mark.parametrize("route", GATEWAY_ROUTES)
@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", None,
])
def test_every_gateway_route_and_registered_type_yields_an_envelope(cfn_template, route, content_type):
    headers = {"X-Odd-Value": "tab\there, newline\nthere, ctrl\x01, slash </script>", "X-Empty": ""}
    if content_type:
        headers["Content-Type"] = content_type
    body = b'{"token":"x","text":"caf\xc3\xa9 \xf0\x9f\x98\x80"}'
    rendered = render_envelope(cfn_template, route, "POST", headers, body, 1, "id", "198.51.100.1")
    assert_envelope(rendered, route, headers, body, 1, "id", "198.51.100.1")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "text/plain; charset=utf-8", "multipart/form-data"])
def test_unknown_content_types_have_no_template_so_api_gateway_answers_415(cfn_template, content_type):
    templates = render.request_templates(render.load_cfn_template(cfn_template), "/slack/commands")
    assert "$default" not in templates
    assert render.select_request_template(templates, content_type) is None
    with pytest.raises(UnsupportedMediaType):
        render_envelope(cfn_template, "/slack/commands", "POST", {"Content-Type": content_type}, b"hello", 1, "id", "ip")


def test_integration_is_async_and_never_passes_through(cfn_template):
    cfn = render.load_cfn_template(cfn_template)
    methods = [r for r in cfn["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(methods) == 4
    for route in GATEWAY_ROUTES:
        integration = render.method_integration(cfn, route)
        assert integration["Type"] == "AWS"
        assert integration["RequestParameters"] == {"integration.request.header.X-Amz-Invocation-Type": "'Event'"}
        assert integration["PassthroughBehavior"] == "NEVER"


@pytest.mark.parametrize("route", FUNCTION_ROUTES)
def test_function_routes_carry_no_mapping_template(cfn_template, route):
    """A proxy integration hands the front door API Gateway's own event: no template, no Event
    header (the front door is invoked synchronously), no static integration response."""
    cfn = render.load_cfn_template(cfn_template)
    integration = render.method_integration(cfn, route)
    assert integration["Type"] == "AWS_PROXY"
    assert "FrontDoor" in json.dumps(integration["Uri"])
    for key in ("RequestTemplates", "RequestParameters", "PassthroughBehavior", "IntegrationResponses"):
        assert key not in integration
    with pytest.raises(ProxyIntegration):
        render.request_templates(cfn, route)
    # Not a 415: the gateway maps nothing on this route, whatever the content type.
    with pytest.raises(ProxyIntegration):
        render_envelope(cfn_template, route, "POST", {"Content-Type": "application/json"}, b"{}", 1, "id", "ip")


def test_unknown_route_is_an_error(cfn_template):
    with pytest.raises(KeyError):
        render_envelope(cfn_template, "/nope", "POST", {}, b"", 1, "id", "ip")


def test_the_aws_quirk_is_emulated_a_template_without_the_fix_breaks(cfn_template):
    """Without .replaceAll("\\'","'") a header with ' renders invalid JSON: the patch is in force."""
    naive = '{"v": "$util.escapeJavaScript($input.params().header.get(\'X-Ackbot-Quote\'))"}'
    rendered = render.render_template(
        naive, route="/x", method="POST", headers=TRICKY_HEADERS, body=b"", request_time_epoch_ms=1,
        request_id="id", source_ip="ip",
    )
    assert "\\'" in rendered
    with pytest.raises(json.JSONDecodeError):
        json.loads(rendered)


@pytest.mark.parametrize(
    "raw, escaped",
    [
        # Apache Commons Lang's own documented example.
        ('He didn\'t say, "Stop!"', 'He didn\\\'t say, \\"Stop!\\"'),
        ("a/b\\c", "a\\/b\\\\c"),
        ("\b\t\n\f\r\x01\x1f", "\\b\\t\\n\\f\\r\\u0001\\u001F"),
        ("é€🎉", "\\u00E9\\u20AC\\uD83C\\uDF89"),
        ("", ""),
        (None, None),
    ],
)
def test_aws_escape_javascript_matches_commons_lang(raw, escaped):
    assert aws_escape_javascript(raw) == escaped


def test_cli_renders_and_reports_415(cfn_template, tmp_path, capsys):
    body_file = tmp_path / "body"
    body_file.write_bytes("text=%E3%81%82".encode())
    assert render.main([str(cfn_template), "--route", "/slack/commands", "-H", "Content-Type: application/x-www-form-urlencoded",
                        "-H", "X-Ackbot-Quote: it's", "--body-file", str(body_file), "--time-ms", "42"]) == 0
    envelope = json.loads(capsys.readouterr().out)
    assert envelope["received_at_ms"] == 42
    assert envelope["headers"]["X-Ackbot-Quote"] == "it's"
    assert base64.b64decode(envelope["body"]) == b"text=%E3%81%82"
    assert render.main([str(cfn_template), "--route", "/slack/commands", "-H", "Content-Type: text/plain"]) == 2
    assert "415" in capsys.readouterr().err
    assert render.main([str(cfn_template), "--route", "/slack/events", "-H", "Content-Type: application/json"]) == 3
    assert "proxy integration" in capsys.readouterr().err
    assert render.main([str(cfn_template), "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert "POST /slack/events: proxy (function ack, no template)" in listing
    assert "POST /slack/commands: application/json, application/json; charset=utf-8, application/x-www-form-urlencoded" in listing
