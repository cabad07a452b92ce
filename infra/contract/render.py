"""Render ackbot's API Gateway request mapping template into the Envelope the worker Lambda receives.

The template is taken from a synthesized CloudFormation template (``cdk synth`` output), so what is
rendered is exactly what would be deployed. Rendering uses LocalStack's API Gateway VTL engine
(``localstack.services.apigateway.next_gen.execute_api.template_mapping``: airspeed with API
Gateway's ``$input``, ``$util`` and ``$context``) with one deliberate change: ``$util.escapeJavaScript``
behaves as on AWS, which (like Apache Commons Lang's ``StringEscapeUtils.escapeJavaScript``) turns
``'`` into ``\\'`` -- invalid in JSON. LocalStack's version does not, so a template that renders fine
on LocalStack can still produce broken JSON on AWS; here it cannot.

Two more places where this renderer follows AWS rather than LocalStack 2026.3:
- ``$input.params().header`` is a map of header name to value (AWS). LocalStack passes werkzeug
  ``Headers``, whose ``keySet()`` is empty under airspeed, so ``#foreach`` over the header names yields
  nothing there.
- ``$util.escapeJavaScript("")`` is ``""`` (AWS/Commons Lang), not LocalStack's ``{}``.

Use as a library::

    from render import render_envelope
    envelope_json = render_envelope("cdk.out/Ackbot.template.json", "/slack/commands", "POST",
                                    headers, body_bytes, 1700000000000, "req-1", "203.0.113.7")

or from the command line (``python render.py --help``).

Only gateway-ack routes have a mapping template. A function-ack route is a Lambda proxy integration of
the front door: API Gateway hands the function its proxy event, so there is nothing to render, and
asking for that route raises :class:`ProxyIntegration`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Mapping

from localstack.services.apigateway.next_gen.execute_api.template_mapping import (
    ApiGatewayVtlTemplate,
    MappingTemplateInput,
    MappingTemplateParams,
    MappingTemplateVariables,
    VelocityUtilApiGateway,
)
from localstack.utils.aws.templating import APIGW_SOURCE
from localstack.services.apigateway.next_gen.execute_api.variables import (
    ContextVariableOverrides,
    ContextVariables,
    ContextVarsIdentity,
    ContextVarsRequestOverride,
    ContextVarsResponseOverride,
)

__all__ = [
    "ProxyIntegration",
    "UnsupportedMediaType",
    "aws_escape_javascript",
    "load_cfn_template",
    "method_integration",
    "integration_types",
    "request_templates",
    "select_request_template",
    "render_template",
    "render_envelope",
]

# API Gateway treats a request without Content-Type as JSON.
DEFAULT_CONTENT_TYPE = "application/json"


class UnsupportedMediaType(Exception):
    """No request template matches the request's Content-Type: API Gateway answers 415."""


class ProxyIntegration(Exception):
    """The route is a Lambda proxy integration (function ack): no mapping template is involved; the
    front door receives API Gateway's proxy event and computes the answer itself."""



def aws_escape_javascript(value: Any, escape_non_ascii: bool = True) -> str | None:
    """``$util.escapeJavaScript`` as on AWS: Apache Commons Lang 2 ``StringEscapeUtils.escapeJavaScript``.

    Escapes ``'`` (as ``\\'``), ``"``, ``\\`` and ``/``; control characters as ``\\b \\n \\t \\f \\r`` or
    ``\\u00XX``; and, with ``escape_non_ascii`` (Commons Lang's behaviour), every UTF-16 code unit above
    0x7F as ``\\uXXXX`` (so an emoji becomes a surrogate pair). ``None`` stays ``None`` (Java's null).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    out: list[str] = []
    for char in str(value):
        cp = ord(char)
        if cp > 0x7F:
            if escape_non_ascii:
                # Java strings are UTF-16: one escape per code unit (a surrogate pair above U+FFFF).
                units = char.encode("utf-16-be", "surrogatepass")
                out.extend("\\u%02X%02X" % (units[i], units[i + 1]) for i in range(0, len(units), 2))
            else:
                out.append(char)
        elif cp < 32:
            out.append({8: "\\b", 10: "\\n", 9: "\\t", 12: "\\f", 13: "\\r"}.get(cp, "\\u%04X" % cp))
        else:
            out.append(_ESCAPES.get(char, char))
    return "".join(out)


# Commons Lang escapes these printable ASCII characters in escapeJavaScript; the quote is AWS's quirk.
_ESCAPES = {"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/"}


class AwsVelocityUtil(VelocityUtilApiGateway):
    """LocalStack's ``$util`` with ``escapeJavaScript`` replaced by AWS's behaviour."""

    def __init__(self, escape_non_ascii: bool = True):
        super().__init__()
        self._escape_non_ascii = escape_non_ascii

    def escapeJavaScript(self, obj: Any) -> str | None:  # noqa: N802 (VTL method name)
        return aws_escape_javascript(obj, self._escape_non_ascii)


class AwsApiGatewayVtlTemplate(ApiGatewayVtlTemplate):
    """LocalStack's API Gateway VTL renderer, with ``$util`` swapped for :class:`AwsVelocityUtil`."""

    def __init__(self, escape_non_ascii: bool = True):
        super().__init__()
        self._escape_non_ascii = escape_non_ascii

    def prepare_namespace(self, variables, source: str = APIGW_SOURCE) -> dict[str, Any]:
        namespace = super().prepare_namespace(variables, source)
        namespace["util"] = AwsVelocityUtil(self._escape_non_ascii)
        return namespace


def load_cfn_template(path: str | Path) -> dict:
    """Read a synthesized CloudFormation template (JSON)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _resource_path(resources: Mapping[str, dict], resource_id: str) -> str:
    """The API path of an ``AWS::ApiGateway::Resource`` (its PathParts up to the API root)."""
    props = resources[resource_id]["Properties"]
    parent = props["ParentId"]
    prefix = _resource_path(resources, parent["Ref"]) if "Ref" in parent else ""
    return f"{prefix}/{props['PathPart']}"


def _methods(cfn: Mapping[str, Any]) -> list[tuple[str, dict]]:
    """``(route, method properties)`` for every ``AWS::ApiGateway::Method`` of the template."""
    resources = cfn.get("Resources", {})
    out = []
    for res in resources.values():
        if res.get("Type") != "AWS::ApiGateway::Method":
            continue
        props = res["Properties"]
        resource_ref = props.get("ResourceId", {})
        if "Ref" in resource_ref:
            out.append((_resource_path(resources, resource_ref["Ref"]), props))
    return out


def method_integration(cfn: Mapping[str, Any], route: str, method: str = "POST") -> dict:
    """The ``Integration`` of the method serving ``method route``; ``KeyError`` when there is none."""
    for path, props in _methods(cfn):
        if path == route and props.get("HttpMethod") in (method.upper(), "ANY"):
            return dict(props.get("Integration") or {})
    raise KeyError(f"no {method.upper()} {route} method in the template")


def integration_types(cfn: Mapping[str, Any], method: str = "POST") -> dict[str, str]:
    """Route -> integration type: ``AWS`` for a gateway ack, ``AWS_PROXY`` for a function ack."""
    return {
        path: (props.get("Integration") or {}).get("Type", "")
        for path, props in _methods(cfn)
        if props.get("HttpMethod") in (method.upper(), "ANY")
    }


def request_templates(cfn: Mapping[str, Any], route: str, method: str = "POST") -> dict[str, str]:
    """The request templates (content type -> VTL) of the method serving ``method route``.

    Raises :class:`ProxyIntegration` for a function-ack route (a proxy integration has no templates).
    """
    integration = method_integration(cfn, route, method)
    if integration.get("Type") == "AWS_PROXY":
        raise ProxyIntegration(
            f"{method.upper()} {route} is a Lambda proxy integration (function ack): no mapping template, "
            "the front door receives API Gateway's proxy event"
        )
    return dict(integration.get("RequestTemplates") or {})


def select_request_template(templates: Mapping[str, str], content_type: str | None) -> str | None:
    """Pick the template API Gateway would use: the exact Content-Type, else ``$default``, else none.

    A missing Content-Type counts as ``application/json``. This is LocalStack's selection, which
    mirrors AWS's parity tests; with passthroughBehavior NEVER, ``None`` means a 415.
    """
    key = content_type if content_type else DEFAULT_CONTENT_TYPE
    return templates.get(key) or templates.get("$default")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def render_template(
    template: str,
    *,
    route: str,
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    request_time_epoch_ms: int,
    request_id: str,
    source_ip: str,
    stage: str = "prod",
    escape_non_ascii: bool = True,
) -> str:
    """Render one request mapping template with LocalStack's engine and AWS's escapeJavaScript."""
    # API Gateway hands text bodies to the template as a string (LocalStack decodes with replacement).
    body_text = body.decode("utf-8", errors="replace")
    context = ContextVariables(
        accountId="123456789012",
        apiId="ackbotapi",
        domainName="ackbotapi.execute-api.us-east-1.amazonaws.com",
        domainPrefix="ackbotapi",
        extendedRequestId=request_id,
        httpMethod=method.upper(),
        identity=ContextVarsIdentity(sourceIp=source_ip, userAgent=_header(headers, "User-Agent")),
        path=f"/{stage}{route}",
        protocol="HTTP/1.1",
        requestId=request_id,
        requestTime="",
        requestTimeEpoch=int(request_time_epoch_ms),
        resourcePath=route,
        stage=stage,
    )
    variables = MappingTemplateVariables(
        context=context,
        stageVariables={},
        input=MappingTemplateInput(
            body=body_text,
            params=MappingTemplateParams(path={}, querystring={}, header=dict(headers)),
        ),
    )
    overrides = ContextVariableOverrides(
        requestOverride=ContextVarsRequestOverride(header={}, path={}, querystring={}),
        responseOverride=ContextVarsResponseOverride(header={}, status=0),
    )
    rendered, _ = AwsApiGatewayVtlTemplate(escape_non_ascii).render_request(
        template=template, variables=variables, context_overrides=overrides
    )
    return rendered


def render_envelope(
    template_json_path: str | Path,
    route: str,
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    request_time_epoch_ms: int,
    request_id: str,
    source_ip: str,
    *,
    escape_non_ascii: bool = True,
) -> str:
    """Render the Envelope API Gateway would send the worker for this request.

    Raises :class:`UnsupportedMediaType` when no template matches the Content-Type (API Gateway
    answers 415 and never invokes the worker), :class:`ProxyIntegration` when the route is function-acked
    (nothing is rendered), and ``KeyError`` when the route is not in the template.
    """
    templates = request_templates(load_cfn_template(template_json_path), route, method)
    content_type = _header(headers, "Content-Type")
    template = select_request_template(templates, content_type)
    if template is None:
        raise UnsupportedMediaType(
            f"415: no request template for Content-Type {content_type!r} on {method} {route} "
            f"(templates: {sorted(templates)})"
        )
    return render_template(
        template,
        route=route,
        method=method,
        headers=headers,
        body=body,
        request_time_epoch_ms=request_time_epoch_ms,
        request_id=request_id,
        source_ip=source_ip,
        escape_non_ascii=escape_non_ascii,
    )


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"header must be 'Name: value', got {text!r}")
    return name.strip(), value.lstrip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render the Envelope that ackbot's API Gateway mapping template produces for a request.",
        epilog="Exit status: 0 rendered; 2 no template for the Content-Type (API Gateway answers 415); "
               "3 the route is a Lambda proxy integration (function ack: no template to render).",
    )
    parser.add_argument("template", help="synthesized CloudFormation template (cdk.out/<Stack>.template.json)")
    parser.add_argument("--route", help="e.g. /slack/commands; omit with --list")
    parser.add_argument("--method", default="POST")
    parser.add_argument("-H", "--header", action="append", type=_parse_header, default=[], help="'Name: value', repeatable")
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", default="", help="request body as text (UTF-8)")
    body.add_argument("--body-file", help="request body read from a file, byte for byte ('-' for stdin)")
    parser.add_argument("--time-ms", type=int, default=1_700_000_000_000, help="$context.requestTimeEpoch")
    parser.add_argument("--request-id", default="00000000-0000-4000-8000-000000000000")
    parser.add_argument("--source-ip", default="203.0.113.7")
    parser.add_argument("--keep-non-ascii", action="store_true", help="escapeJavaScript leaves non-ASCII as is")
    parser.add_argument("--list", action="store_true", help="list routes and their template content types")
    args = parser.parse_args(argv)

    if args.list:
        for path, props in _methods(load_cfn_template(args.template)):
            integration = props.get("Integration") or {}
            if integration.get("Type") == "AWS_PROXY":
                print(f"{props['HttpMethod']} {path}: proxy (function ack, no template)")
                continue
            types = sorted((integration.get("RequestTemplates") or {}).keys())
            print(f"{props['HttpMethod']} {path}: {', '.join(types)}")
        return 0
    if not args.route:
        parser.error("--route is required (or --list)")

    if args.body_file == "-":
        raw = sys.stdin.buffer.read()
    elif args.body_file:
        raw = Path(args.body_file).read_bytes()
    else:
        raw = args.body.encode("utf-8")
    try:
        envelope = render_envelope(
            args.template,
            args.route,
            args.method,
            dict(args.header),
            raw,
            args.time_ms,
            args.request_id,
            args.source_ip,
            escape_non_ascii=not args.keep_non_ascii,
        )
    except UnsupportedMediaType as err:
        print(err, file=sys.stderr)
        return 2
    except ProxyIntegration as err:
        print(err, file=sys.stderr)
        return 3
    print(envelope)
    return 0


if __name__ == "__main__":
    sys.exit(main())
