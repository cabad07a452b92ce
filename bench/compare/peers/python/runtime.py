#!/usr/bin/env python3
"""A minimal AWS Lambda runtime client for Python, standard library only.

What awslambdaric (the client inside Lambda's managed Python runtimes) does, without its C
extension: import the handler module (the init phase), then forever

    GET  http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next
    call handler(event, context)
    POST .../invocation/{id}/response   (the JSON result)
      or .../invocation/{id}/error      (an exception: errorMessage, errorType, stackTrace)

over one persistent HTTP/1.1 connection. An import failure is posted to .../init/error and the
process exits 1, as on Lambda.

    python runtime.py bolt_python.lambda_handler     # or the handler in $_HANDLER

The handler module is looked up on sys.path, whose first entry is this file's directory.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback
from typing import Any

API = "/2018-06-01/runtime"


class LambdaContext:
    """The context object Lambda's Python runtime passes to handlers (the fields handlers use)."""

    def __init__(self, request_id: str, deadline_ms: int, function_arn: str, trace_id: str | None,
                 client_context: Any = None, identity: Any = None) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.client_context = client_context
        self.identity = identity
        self.trace_id = trace_id
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - time.time_ns() // 1_000_000, 0)

    def __repr__(self) -> str:
        return f"LambdaContext(aws_request_id={self.aws_request_id!r}, function_name={self.function_name!r})"


class RuntimeClient:
    """The Runtime API over one kept-alive connection (reopened once if the peer closed it)."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self._host, self._port = host, int(port)
        self._conn = http.client.HTTPConnection(self._host, self._port)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            try:
                self._conn.request(method, API + path, body=body, headers=headers)
                response = self._conn.getresponse()
                data = response.read()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest,
                    http.client.BadStatusLine):
                self._conn.close()
                self._conn = http.client.HTTPConnection(self._host, self._port)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _error_body(exc: BaseException) -> bytes:
    return json.dumps({
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }).encode()


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def load_handler(spec: str):
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"bad handler {spec!r}: expected module.function")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def main(argv: list[str]) -> int:
    spec = argv[1] if len(argv) > 1 else os.environ.get("_HANDLER", "")
    os.environ.setdefault("_HANDLER", spec)
    # As Lambda: log records go to the function's output, one line each, with the level.
    logging.basicConfig(level=logging.WARNING, format="[%(levelname)s]\t%(asctime)s\t%(name)s\t%(message)s")
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])

    # Init phase: the handler module is imported before the first poll.
    try:
        handler = load_handler(spec)
    except Exception as exc:  # noqa: BLE001 (reported to the Runtime API, as Lambda does)
        traceback.print_exc()
        client.request("POST", "/init/error", _error_body(exc),
                       {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
        return 1

    while True:
        status, headers, body = client.request("GET", "/invocation/next")
        if status != 200:
            print(f"runtime: /invocation/next answered {status}: {body[:200]!r}", file=sys.stderr)
            return 1
        request_id = headers["lambda-runtime-aws-request-id"]
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(
            request_id=request_id,
            deadline_ms=int(headers.get("lambda-runtime-deadline-ms") or 0),
            function_arn=headers.get("lambda-runtime-invoked-function-arn", ""),
            trace_id=trace_id,
            client_context=_json_header(headers.get("lambda-runtime-client-context")),
            identity=_json_header(headers.get("lambda-runtime-cognito-identity")),
        )
        try:
            event = json.loads(body)
            result = handler(event, context)
            payload = json.dumps(result, separators=(",", ":")).encode()
        except Exception as exc:  # noqa: BLE001 (an unhandled error is the invocation's result)
            traceback.print_exc()
            client.request("POST", f"/invocation/{request_id}/error", _error_body(exc),
                           {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
            continue
        client.request("POST", f"/invocation/{request_id}/response", payload)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
