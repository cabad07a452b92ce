#!/usr/bin/env python3
"""ackbot side by side with Slack Bolt (Python, JS) and the LINE SDKs (Python, Node), on the same
work, in one run. Not a test: `make bench` runs it.

Every implementation runs as a Lambda function does — a process polling a Lambda Runtime API double
(infra/contract/lambda_harness.py) — and does its real work: signature check, parsing, dispatch,
and the reply over HTTP to the same loopback stand-in of Slack's `response_url` or LINE's reply API.

- Slack: a signed slash command `/echo <text>`; LINE: a signed text message `echo <text>`.
- The peers get API Gateway's REST proxy event (their documented Lambda entry points); ackbot's
  worker gets the Envelope the gateway's mapping template builds from the same request: the same
  headers and the same body bytes.

Figures, per implementation and platform:
- cold: process exec → the reply received by the stand-in (the event waits before the exec);
- warm: one process, events one after another: invoke → reply p50/p99, and CPU time per event
  (the threads' on-CPU time from /proc/PID/task/*/schedstat over the warm events, divided by their
  number);
- peak RSS (VmHWM, read 1 s after the last event, so a runtime's collector has run).

    python3 bench/compare/run.py [--runs 10] [--warm 1000] [--impl ackbot,bolt-python,…] [--bootstrap PATH]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "infra" / "contract"))
sys.path.insert(0, str(HERE / "peers" / "python"))
from lambda_harness import LineStandIn, RuntimeApi, SlackStandIn, worker_env  # noqa: E402
import events  # noqa: E402
from peer_harness import SlackApiStandIn  # noqa: E402

SLACK_SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
SLACK_BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
LINE_CHANNEL_SECRET = "bench-line-channel-secret-0123456"
LINE_CHANNEL_ACCESS_TOKEN = "bench-line-access-token-" + "x" * 148
TEXT = "こんにちは 🍣"
PEERS_VENV = Path(os.environ.get("PEERS_VENV") or HERE / ".venv-peers")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# What runs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Impl:
    """One implementation on one platform."""

    name: str  # ackbot, bolt-python, bolt-js, line-python, line-node
    platform: str  # slack | line
    command: Callable[[], list[str]]
    cwd: Path | None = None
    envelope: bool = False  # ackbot's worker takes the Envelope; the peers the proxy event
    extra_env: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.name}/{self.platform}"


def floor_worker(name: str = "floor-worker") -> Path:
    """A yardstick (bench/server/src/bin/NAME.rs), built by bench.py with the server."""
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target") / "release" / name


def impls(bootstrap: Path) -> list[Impl]:
    python = str(PEERS_VENV / "bin" / "python")
    node = shutil.which("node") or "node"
    py_runtime = str(HERE / "peers" / "python" / "runtime.py")
    node_runtime = str(HERE / "peers" / "node" / "runtime.js")
    py_env = (("LAMBDA_TASK_ROOT", str(HERE / "peers" / "python")), ("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11"))
    node_env = (("LAMBDA_TASK_ROOT", str(HERE / "peers" / "node")), ("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs20.x"),
                ("NODE_ENV", "production"))
    return [
        Impl("ackbot", "slack", lambda: [str(bootstrap)], envelope=True),
        Impl("ackbot", "line", lambda: [str(bootstrap)], envelope=True),
        # Not peers, yardsticks: the least a function can do here (no runtime, parser or check), and
        # the same no-work echo on lambda_runtime + reqwest, the usual Rust Lambda stack.
        Impl("floor", "slack", lambda: [str(floor_worker())], envelope=True),
        Impl("floor", "line", lambda: [str(floor_worker())], envelope=True),
        Impl("floor-async", "slack", lambda: [str(floor_worker("floor-async"))], envelope=True),
        Impl("floor-async", "line", lambda: [str(floor_worker("floor-async"))], envelope=True),
        Impl("bolt-python", "slack", lambda: [python, py_runtime, "bolt_python.lambda_handler"], extra_env=py_env),
        Impl("line-python", "line", lambda: [python, py_runtime, "line_python.lambda_handler"], extra_env=py_env),
        Impl("bolt-js", "slack", lambda: [node, node_runtime, "bolt_js.handler"], cwd=HERE / "peers" / "node",
             extra_env=node_env),
        Impl("line-node", "line", lambda: [node, node_runtime, "line_node.handler"], cwd=HERE / "peers" / "node",
             extra_env=node_env),
    ]


class Process:
    """An implementation as a Lambda function process polling `runtime`."""

    def __init__(self, impl: Impl, runtime: RuntimeApi, slack: SlackStandIn, line: LineStandIn) -> None:
        self.impl = impl
        settings = {
            "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET, "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
            "SLACK_API_URL": slack.api_url,
            "LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_CHANNEL_ACCESS_TOKEN,
            "LINE_API_URL": line.api_url,
        }
        env = worker_env(runtime.address, extra=settings, function_name=impl.name)
        if not impl.envelope:
            for name in ("ACKBOT_ROLE", "ACKBOT_LOG_FORMAT", "RUST_LOG"):
                env.pop(name, None)
        for name in list(env):
            if name.startswith("PYTHON") or name == "VIRTUAL_ENV" or name == "NODE_OPTIONS":
                env.pop(name)
        env.update(dict(impl.extra_env))
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        runtime.watch(self._gone)

    def start(self) -> "Process":
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.impl.command(), cwd=self.impl.cwd or HERE, env=self.env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        return self

    def _gone(self) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            return f"{self.impl.key} exited with status {self.process.returncode}"
        return None

    def cpu_seconds(self) -> float:
        """CPU time of every thread so far, in ns resolution (schedstat's first field)."""
        assert self.process is not None
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError):
                pass  # a thread that just ended
        return total / 1e9

    def peak_rss_mib(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


# --------------------------------------------------------------------------------------------------
# The same request, for each
# --------------------------------------------------------------------------------------------------


def envelope_of(proxy: dict) -> dict:
    """The Envelope API Gateway's mapping template builds from the same request."""
    body = proxy["body"].encode()
    return {
        "route": proxy["path"],
        "received_at_ms": proxy["requestContext"]["requestTimeEpoch"],
        "request_id": proxy["requestContext"]["requestId"],
        "source_ip": proxy["requestContext"]["identity"]["sourceIp"],
        "headers": dict(proxy["headers"]),
        "body": base64.b64encode(body).decode(),
    }


class Request:
    """One signed webhook for `impl`, and how to recognise its reply at the stand-in."""

    def __init__(self, impl: Impl, slack: SlackStandIn, line: LineStandIn, serial: int) -> None:
        if impl.platform == "slack":
            response_url = slack.response_url(f"r{serial}")
            proxy = events.slack_proxy_event(TEXT, response_url, SLACK_SIGNING_SECRET)
            path = urlparse(response_url).path
            self.stand_in: Any = slack
            self.matches = lambda call: call.path == path
            self.text_of = lambda call: call.body.get("text")
        else:
            token = f"{serial:08d}" + "f" * 24
            proxy = events.line_proxy_event(TEXT, token, LINE_CHANNEL_SECRET)
            self.stand_in = line
            self.matches = lambda call: call.path == "/v2/bot/message/reply" and call.body.get("replyToken") == token
            self.text_of = lambda call: (call.body.get("messages") or [{}])[0].get("text")
        # The gateway received it now: LINE's reply token is fresh, Slack's timestamp current.
        proxy["requestContext"]["requestTimeEpoch"] = int(time.time() * 1000)
        self.event = envelope_of(proxy) if impl.envelope else proxy

    def wait_reply(self, timeout: float) -> float:
        call = self.stand_in.wait_for(self.matches, timeout=timeout)
        if self.text_of(call) != TEXT:
            raise RuntimeError(f"unexpected reply {call.body!r}")
        return call.at


# --------------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------------


def stand_ins():
    return RuntimeApi(), SlackApiStandIn(), LineStandIn()


def cold(impl: Impl) -> float:
    """Exec → reply at the stand-in, ms; the event waits at the Runtime API before the exec."""
    runtime, slack, line = stand_ins()
    with runtime, slack, line:
        request = Request(impl, slack, line, 0)
        runtime.invoke(request.event)
        process = Process(impl, runtime, slack, line).start()
        try:
            return (request.wait_reply(timeout=60) - process.started_at) * 1000
        finally:
            process.stop()


def warm(impl: Impl, count: int) -> dict:
    """One process; `count` events one after another after a first (cold) one."""
    runtime, slack, line = stand_ins()
    with runtime, slack, line:
        process = Process(impl, runtime, slack, line).start()
        try:
            first = Request(impl, slack, line, 0)
            runtime.answer(runtime.invoke(first.event), timeout=60)
            first.wait_reply(timeout=10)
            for serial in range(1, 11):  # let a JIT warm up before the clock starts
                request = Request(impl, slack, line, serial)
                runtime.answer(runtime.invoke(request.event), timeout=10)
            cpu_before = process.cpu_seconds()
            latencies = []
            for serial in range(11, 11 + count):
                request = Request(impl, slack, line, serial)
                invocation = runtime.invoke(request.event)
                invoked_at = runtime.invocations[invocation].invoked_at
                replied_at = request.wait_reply(timeout=10)
                runtime.answer(invocation, timeout=10)
                latencies.append((replied_at - invoked_at) * 1000)
            cpu = process.cpu_seconds() - cpu_before
            time.sleep(1.0)
            return {"latencies_ms": latencies, "cpu_us": cpu / count * 1e6, "peak_rss_mib": process.peak_rss_mib()}
        finally:
            process.stop()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


# --------------------------------------------------------------------------------------------------


def versions() -> dict:
    out: dict[str, str] = {}
    node_lock = json.loads((HERE / "peers" / "node" / "package-lock.json").read_text())
    for name in ("@slack/bolt", "@line/bot-sdk"):
        out[name] = node_lock["packages"][f"node_modules/{name}"]["version"]
    for line in (HERE / "peers" / "python" / "requirements.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.lower().replace("_", "-") in ("slack-bolt", "slack-sdk", "line-bot-sdk"):
            out[name] = version
    out["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    out["python"] = subprocess.run([str(PEERS_VENV / "bin" / "python"), "--version"], capture_output=True,
                                   text=True).stdout.split()[-1]
    out["rustc"] = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    cargo_toml = (REPO / "Cargo.toml").read_text()
    out["ackbot"] = cargo_toml.split('version = "', 1)[1].split('"', 1)[0]
    return out


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"cpu": model, "cores": os.cpu_count(), "os": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="cold starts per implementation")
    parser.add_argument("--warm", type=int, default=1000, help="warm events per implementation")
    parser.add_argument("--impl", default="", help="comma-separated names to run (default: all)")
    parser.add_argument("--bootstrap", type=Path, default=REPO / "target" / "lambda" / "ackbot" / "bootstrap",
                        help="ackbot's Lambda bootstrap (Lambda-only features)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "compare.json")
    args = parser.parse_args(argv)

    wanted = {name for name in args.impl.split(",") if name}
    selected = [impl for impl in impls(args.bootstrap) if not wanted or impl.name in wanted]
    results: dict[str, Any] = {"machine": machine(), "versions": versions(), "runs": args.runs,
                               "warm_events": args.warm, "cold_reply_ms": {}, "warm_cpu_us": {},
                               "warm_latency_ms": {}, "peak_rss_mib": {}}
    for impl in selected:
        log(f"{impl.key}: {args.runs} cold starts")
        colds = [cold(impl) for _ in range(args.runs)]
        log(f"{impl.key}: {args.warm} warm events")
        w = warm(impl, args.warm)
        results["cold_reply_ms"][impl.key] = spread(colds)
        results["warm_cpu_us"][impl.key] = round(w["cpu_us"], 1)
        results["warm_latency_ms"][impl.key] = {"p50": round(percentile(w["latencies_ms"], 50), 3),
                                                "p99": round(percentile(w["latencies_ms"], 99), 3)}
        results["peak_rss_mib"][impl.key] = round(w["peak_rss_mib"], 1)
        log(f"  cold {spread(colds)} ms; warm p50 {results['warm_latency_ms'][impl.key]['p50']} ms, "
            f"{results['warm_cpu_us'][impl.key]} µs CPU/event; peak RSS {results['peak_rss_mib'][impl.key]} MiB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
