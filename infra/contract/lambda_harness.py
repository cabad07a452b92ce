"""Run the real `ackbot` worker binary the way Lambda runs it, with everything it talks to on loopback.

Three doubles, standard library only (the benchmark in bench/ uses this module with a plain python3):

- :class:`RuntimeApi`: the Lambda Runtime API (``/2018-06-01/runtime/...``) that ``lambda_runtime``
  polls. ``invoke(event) -> id`` queues an event the way Lambda hands one over; ``answer(id, timeout)``
  waits for the worker's ``/response`` or ``/error`` post.
- :class:`SlackStandIn` and :class:`LineStandIn`: the platforms' APIs (a ``response_url`` and
  ``chat.postMessage``; LINE reply, push and loading animation). Every call is recorded with its
  path, headers, JSON body and arrival time; ``wait_for`` waits for one.
- :class:`Worker`: the ``ackbot`` process with the Lambda environment, in an empty temporary working
  directory (so no ``.env`` is read) and with inherited ``SLACK_*``, ``LINE_*``, ``ACKBOT_*``, ``AWS_*``
  and proxy variables removed, collecting its JSON log lines from stderr.

The binary is ``$ACKBOT_BIN``, else ``<repo>/target/debug/ackbot`` (``$CARGO_TARGET_DIR`` honoured);
:func:`ackbot_binary` raises :class:`MissingBinary` saying how to build it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

__all__ = [
    "REPO",
    "MissingBinary",
    "ackbot_binary",
    "stale_sources",
    "Answer",
    "Call",
    "RuntimeApi",
    "SlackStandIn",
    "LineStandIn",
    "LambdaApiStandIn",
    "Worker",
    "worker_env",
    "now_ms",
]

REPO = Path(__file__).resolve().parents[2]
RUNTIME_PREFIX = "/2018-06-01/runtime"
FUNCTION_NAME = "ackbot-worker"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION_NAME}"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# --------------------------------------------------------------------------------------------------
# The binary
# --------------------------------------------------------------------------------------------------


class MissingBinary(Exception):
    """The worker binary is not there: it has to be built first."""


def ackbot_binary() -> Path:
    """The worker binary: ``$ACKBOT_BIN``, else the debug build in the repository's target directory."""
    given = os.environ.get("ACKBOT_BIN")
    if given:
        path = Path(given)
        hint = f"ACKBOT_BIN={given} does not name an executable file"
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
        if not target.is_absolute():
            target = REPO / target
        path = target / "debug" / "ackbot"
        hint = f"{path} does not exist"
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise MissingBinary(
            f"the ackbot worker binary is missing: {hint}. Build it first with "
            f"`cd {REPO} && cargo build --bin ackbot` (or point ACKBOT_BIN at a built binary)."
        )
    return path.resolve()


def stale_sources(binary: Path, roots: Iterable[str] = ("src", "bot-core", "adapters", "handlers")) -> list[Path]:
    """Rust sources and manifests newer than ``binary``: a sign the binary does not test the current code."""
    built = binary.stat().st_mtime
    newer: list[Path] = []
    candidates = [REPO / "Cargo.toml", REPO / "Cargo.lock"]
    for root in roots:
        base = REPO / root
        if base.is_dir():
            candidates.extend(p for p in base.rglob("*") if p.suffix in (".rs", ".toml") and "target" not in p.parts)
    for path in candidates:
        try:
            if path.stat().st_mtime > built:
                newer.append(path)
        except FileNotFoundError:
            pass
    return newer


# --------------------------------------------------------------------------------------------------
# HTTP plumbing shared by the doubles
# --------------------------------------------------------------------------------------------------


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """The request body, by Content-Length or chunked transfer encoding."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            size_line = handler.rfile.readline().strip()
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                # Trailers, up to the empty line.
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()  # the CRLF after the chunk
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes | str | Any = b"",
          headers: Mapping[str, str] | None = None) -> None:
    content_type = "text/plain; charset=utf-8"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        content_type = "application/json"
    elif isinstance(body, str):
        body = body.encode()
    headers = dict(headers or {})
    content_type = headers.pop("Content-Type", content_type)
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if body:
        handler.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A worker stopped mid-request (blocked on /next, or before reading an answer) is normal here.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as the real endpoints: every answer carries a Content-Length.
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK (~40 ms on a kept-alive connection), a delay of the double, not of the worker.
    disable_nagle_algorithm = True
    owner: Any = None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.owner._handle(self, "GET")

    def do_POST(self) -> None:  # noqa: N802
        self.owner._handle(self, "POST")

    def do_PUT(self) -> None:  # noqa: N802
        self.owner._handle(self, "PUT")


class _HttpDouble:
    """A ThreadingHTTPServer on 127.0.0.1:0 that hands every request to ``self._handle``."""

    def __init__(self) -> None:
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"owner": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=type(self).__name__, daemon=True)
        self._thread.start()
        self.closed = False

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:  # pragma: no cover
        raise NotImplementedError


# --------------------------------------------------------------------------------------------------
# The Lambda Runtime API
# --------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """The worker's answer to one invocation: ``kind`` is ``response`` (success) or ``error``."""

    request_id: str
    kind: str
    body: bytes
    headers: dict[str, str]
    at: float  # time.perf_counter() when the post arrived

    @property
    def ok(self) -> bool:
        return self.kind == "response"

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Invocation:
    request_id: str
    event: bytes
    deadline_ms: int
    trace_id: str
    invoked_at: float
    fetched_at: float | None = None


class RuntimeApi(_HttpDouble):
    """A Lambda Runtime API double: ``invoke`` queues an event, ``/next`` hands it out, ``answer`` waits.

    Like Lambda, ``GET .../invocation/next`` blocks until there is an event. The event body is passed
    byte for byte as given to ``invoke`` (a rendered mapping template is not re-serialised).
    """

    def __init__(self, function_arn: str = FUNCTION_ARN) -> None:
        self.function_arn = function_arn
        self._pending: queue.Queue[Invocation] = queue.Queue()
        self._cond = threading.Condition()
        self.invocations: dict[str, Invocation] = {}
        self.answers: dict[str, Answer] = {}
        self.init_errors: list[tuple[dict[str, str], bytes]] = []
        self.polls: list[float] = []  # perf_counter() of every GET /next
        self._watched: list[Callable[[], str | None]] = []
        super().__init__()

    @property
    def address(self) -> str:
        """The value for ``AWS_LAMBDA_RUNTIME_API``."""
        return f"127.0.0.1:{self.port}"

    def watch(self, check: Callable[[], str | None]) -> None:
        """Registers a liveness check (returns why the worker is gone, or None): ``answer`` stops early."""
        self._watched.append(check)

    def invoke(self, event: str | bytes | Mapping[str, Any], *, request_id: str | None = None,
               timeout_ms: int = 30_000) -> str:
        """Queues ``event`` (a dict is serialised; str and bytes are sent exactly) and returns its id."""
        if isinstance(event, Mapping):
            body = json.dumps(event).encode()
        elif isinstance(event, str):
            body = event.encode("utf-8")
        else:
            body = bytes(event)
        request_id = request_id or str(uuid.uuid4())
        epoch_s = int(time.time())
        invocation = Invocation(
            request_id=request_id,
            event=body,
            deadline_ms=now_ms() + timeout_ms,
            trace_id=f"Root=1-{epoch_s:08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0;Lineage=1:{uuid.uuid4().hex[:8]}:0",
            invoked_at=time.perf_counter(),
        )
        with self._cond:
            self.invocations[request_id] = invocation
        self._pending.put(invocation)
        return request_id

    def answer(self, request_id: str, timeout: float = 10.0) -> Answer:
        """Waits for the worker's ``/response`` or ``/error`` for ``request_id``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self.answers:
                if self.init_errors:
                    headers, body = self.init_errors[-1]
                    raise RuntimeError(f"the worker reported an init error: {headers} {body.decode(errors='replace')}")
                for check in self._watched:
                    gone = check()
                    if gone:
                        raise RuntimeError(f"no answer to {request_id}: {gone}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    fetched = self.invocations.get(request_id)
                    state = "never fetched" if fetched is None or fetched.fetched_at is None else "fetched, not answered"
                    raise TimeoutError(f"no answer to invocation {request_id} within {timeout} s ({state})")
                self._cond.wait(min(remaining, 0.1))
            return self.answers[request_id]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path.split("?", 1)[0]
        body = _read_body(handler)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if method == "GET" and path == f"{RUNTIME_PREFIX}/invocation/next":
            self.polls.append(time.perf_counter())
            while True:
                if self.closed:
                    _send(handler, 500, {"errorMessage": "runtime shutting down", "errorType": "Runtime.Shutdown"})
                    return
                try:
                    invocation = self._pending.get(timeout=0.2)
                    break
                except queue.Empty:
                    continue
            invocation.fetched_at = time.perf_counter()
            _send(handler, 200, invocation.event, {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            })
            return
        if method == "POST" and path == f"{RUNTIME_PREFIX}/init/error":
            with self._cond:
                self.init_errors.append((headers, body))
                self._cond.notify_all()
            _send(handler, 202, {"status": "OK"})
            return
        if method == "POST" and path.startswith(f"{RUNTIME_PREFIX}/invocation/"):
            rest = path[len(f"{RUNTIME_PREFIX}/invocation/"):]
            request_id, _, kind = rest.rpartition("/")
            if kind in ("response", "error"):
                with self._cond:
                    if request_id not in self.invocations:
                        _send(handler, 400, {"errorMessage": f"unknown request id {request_id}",
                                             "errorType": "InvalidRequestID"})
                        return
                    if request_id in self.answers:
                        _send(handler, 400, {"errorMessage": "already answered", "errorType": "InvalidStateTransition"})
                        return
                    self.answers[request_id] = Answer(request_id, kind, body, headers, time.perf_counter())
                    self._cond.notify_all()
                _send(handler, 202, {"status": "OK"})
                return
        _send(handler, 404, {"errorMessage": f"no such runtime API path {method} {path}", "errorType": "NotFound"})


# --------------------------------------------------------------------------------------------------
# The platforms' APIs
# --------------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request a stand-in received."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw: bytes
    body: Any  # the JSON body, or None when it is not JSON
    at: float  # time.perf_counter() on arrival
    at_ms: int  # epoch milliseconds on arrival

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _RecordingStandIn(_HttpDouble):
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._cond = threading.Condition()
        super().__init__()

    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(self, predicate: Callable[[Call], bool] = lambda call: True, timeout: float = 5.0) -> Call:
        """The first recorded call that ``predicate`` accepts, waiting up to ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._calls:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{c.method} {c.path}" for c in self._calls]
                    raise TimeoutError(f"{type(self).__name__}: no matching call within {timeout} s (seen: {seen})")
                self._cond.wait(min(remaining, 0.1))

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        raw = _read_body(handler)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        call = Call(
            method=method,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            raw=raw,
            body=body,
            at=time.perf_counter(),
            at_ms=now_ms(),
        )
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        status, answer, headers = self._respond(call)
        _send(handler, status, answer, headers)

    def _respond(self, call: Call) -> tuple[int, Any, dict[str, str]]:  # pragma: no cover
        raise NotImplementedError


class SlackStandIn(_RecordingStandIn):
    """Slack's side: ``response_url``s under ``/commands/...`` and the Web API under ``/api``.

    A ``response_url`` answers ``200 ok`` (Slack's plain-text answer); ``chat.postMessage`` answers
    ``{"ok": true, ...}`` with a bearer token, ``{"ok": false, "error": "not_authed"}`` without.
    """

    team = "T0001"

    @property
    def api_url(self) -> str:
        """The value for ``SLACK_API_URL``."""
        return f"{self.base_url}/api"

    def response_url(self, key: str | None = None) -> str:
        """A fresh ``response_url`` (its last segment, like Slack's, is a secret-looking token)."""
        key = key or uuid.uuid4().hex[:12]
        return f"{self.base_url}/commands/{self.team}/{key}/{uuid.uuid4().hex}"

    def _respond(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        path = call.path.split("?", 1)[0]
        if call.method == "POST" and path.startswith("/commands/"):
            if not isinstance(call.body, dict) or not ("text" in call.body or "blocks" in call.body):
                return 400, "no_text", {}
            return 200, "ok", {}
        if call.method == "POST" and path == "/api/chat.postMessage":
            auth = call.header("authorization") or ""
            if not auth.startswith("Bearer ") or len(auth) <= 7:
                return 200, {"ok": False, "error": "not_authed"}, {}
            if not isinstance(call.body, dict) or "channel" not in call.body:
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            ts = f"{int(time.time())}.000100"
            return 200, {"ok": True, "channel": call.body["channel"], "ts": ts,
                         "message": {"text": call.body.get("text")}}, {}
        return 404, "not_found", {}


class LambdaApiStandIn(_RecordingStandIn):
    """The Lambda API's ``Invoke``, as the front door calls it: every call is recorded and answered
    ``202`` (an ``Event`` invocation queued). ``base_url`` is ``AWS_ENDPOINT_URL_LAMBDA``."""

    def _respond(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        return 202, b"", {}


class LineStandIn(_RecordingStandIn):
    """LINE's Messaging API: reply, push and the loading animation. ``api_url`` is ``LINE_API_URL``."""

    @property
    def api_url(self) -> str:
        return self.base_url

    def _respond(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        path = call.path.split("?", 1)[0]
        request_id = {"x-line-request-id": str(uuid.uuid4())}
        auth = call.header("authorization") or ""
        if not auth.startswith("Bearer ") or len(auth) <= 7:
            return 401, {"message": "Authentication failed. Confirm that the access token in the "
                                    "authorization header is valid."}, request_id
        if call.method == "POST" and path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            messages = (call.body or {}).get("messages") if isinstance(call.body, dict) else None
            if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
                return 400, {"message": "The request body has 1 error(s)",
                             "details": [{"message": "Size must be between 1 and 5", "property": "messages"}]}, request_id
            sent = [{"id": str(461230966842064897 + i), "quoteToken": "IStG5h1Tz7b..."} for i in range(len(messages))]
            return 200, {"sentMessages": sent}, request_id
        if call.method == "POST" and path == "/v2/bot/chat/loading/start":
            return 202, {}, request_id
        return 404, {"message": "Not found"}, request_id


# --------------------------------------------------------------------------------------------------
# The worker process
# --------------------------------------------------------------------------------------------------

_STRIPPED_PREFIXES = ("SLACK_", "LINE_", "ACKBOT_", "AWS_", "_LAMBDA", "LAMBDA_")
_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def worker_env(runtime_api: str, *, extra: Mapping[str, str] | None = None, memory_mb: int = 128,
               function_name: str = FUNCTION_NAME, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Lambda gives a ``provided.al2023`` function, on top of a cleaned ``base``.

    Inherited platform, ackbot and AWS variables are removed (a developer's own secrets or
    ``ACKBOT_SECRET_ARN`` must not leak into the test), and so are proxy variables (the worker must
    reach the loopback stand-ins directly).
    """
    base = os.environ if base is None else base
    env = {
        k: v for k, v in base.items()
        if not k.startswith(_STRIPPED_PREFIXES) and k.lower() not in _PROXY_VARS and k not in ("RUST_LOG", "_HANDLER")
    }
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    env.update({
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "NO_PROXY": "127.0.0.1,localhost",
        # As the stack sets it on the worker (the front door gets ACKBOT_ROLE=front).
        "ACKBOT_ROLE": "worker",
        "ACKBOT_LOG_FORMAT": "json",
        "RUST_LOG": "info",
    })
    env.update(extra or {})
    return env


@dataclass
class Worker:
    """The ``ackbot`` binary as a Lambda function process, polling ``runtime``.

    ``secrets`` are the platform settings (``SLACK_SIGNING_SECRET``, ``LINE_API_URL``...). The process
    runs in a fresh empty directory, so no ``.env`` is picked up. Its stderr JSON lines land in
    ``logs`` (other lines in ``other_output``).
    """

    binary: Path
    runtime: RuntimeApi
    secrets: Mapping[str, str]
    memory_mb: int = 128
    logs: list[dict[str, Any]] = field(default_factory=list)
    other_output: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._cwd = tempfile.TemporaryDirectory(prefix="ackbot-lambda-")
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None
        self.runtime.watch(self._gone)

    def start(self) -> "Worker":
        env = worker_env(self.runtime.address, extra=self.secrets, memory_mb=self.memory_mb)
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [str(Path(self.binary).resolve())], cwd=self._cwd.name, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for stream, name in ((self.process.stderr, "stderr"), (self.process.stdout, "stdout")):
            threading.Thread(target=self._pump, args=(stream,), name=f"worker-{name}", daemon=True).start()
        return self

    def _pump(self, stream: Any) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            with self._cond:
                if isinstance(record, dict):
                    self.logs.append(record)
                elif line:
                    self.other_output.append(line)
                self._cond.notify_all()

    def _gone(self) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            return f"the worker exited with status {self.process.returncode}; its output:\n{self.tail()}"
        return None

    def log_lines(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self.logs)

    def wait_for_log(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        """The first JSON log line ``predicate`` accepts, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for record in self.logs:
                    if predicate(record):
                        return record
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching log line within {timeout} s; the worker's output:\n{self.tail()}")
                self._cond.wait(min(remaining, 0.1))

    def envelope_log(self, request_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The worker's one line about the Envelope with this gateway ``request_id`` (it has ``outcome``)."""
        return self.wait_for_log(lambda r: r.get("request_id") == request_id and "outcome" in r, timeout)

    def tail(self, lines: int = 30) -> str:
        with self._cond:
            out = [json.dumps(r, ensure_ascii=False) for r in self.logs[-lines:]] + self.other_output[-lines:]
        return "\n".join(out) or "(nothing)"

    def stop(self, timeout: float = 5.0) -> int | None:
        """Stops this worker process (SIGTERM, then SIGKILL) and returns its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._cwd.cleanup()
        return self.process.returncode

    def __enter__(self) -> "Worker":
        return self.start() if self.process is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
