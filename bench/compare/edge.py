#!/usr/bin/env python3
"""The local edge under load, beside a bare hyper server, and the whole pipeline's events/s.
Not a test: `make bench` runs it (through bench.py).

- **bare hyper**: `ackbot-bench-server` answers every request 200 (the least an HTTP server does
  per request here); wrk posts the same signed LINE webhook to it.
- **edge**: `ackbot serve` (the default-features bootstrap) gets that same webhook from wrk and acks
  it; its workers verify the signature, parse, and drop it as a duplicate (no reply), so the figure
  is the edge's with the workers' cheapest real work beside it.
- **pipeline**: wrk posts unique signed LINE webhooks (a new `webhookEventId` and reply token
  each); the edge acks, a worker verifies, parses, dispatches `echo` and replies to a counting sink
  (`ackbot-bench-server` as LINE's API). Events/s = replies counted by the sink / seconds.

wrk runs with 2 threads and 64 connections for `--seconds` each, and again with 4 connections for
the latency at a light load (at 64, queueing on the 2 shared cores puts even bare hyper's p99 above
2 ms); latency p50/p99 from `wrk --latency`. Everything shares this machine's cores.

    python3 bench/compare/edge.py --ackbot PATH --server PATH [--seconds 10] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "peers" / "python"))
import events  # noqa: E402

SECRET = "bench-line-channel-secret-0123456"
# The latency runs: few enough connections that wrk's queueing on 2 shared cores stays out of p99.
LIGHT = 4
TOKEN = "bench-line-access-token-" + "x" * 148

SINGLE = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-line-signature"] = "{signature}"
wrk.body = [[{body}]]
"""

# Each thread loads every n-th line of the file (body TAB signature), so no event is sent twice.
UNIQUE = """
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  requests = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == id then
      local body, sig = line:match("^(.-)\\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", "/line/webhook",
        {["Content-Type"] = "application/json", ["x-line-signature"] = sig}, body)
    end
    n = n + 1
  end
  i = 0
end
function request()
  i = i + 1
  if i > #requests then i = 1 end
  return requests[i]
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def webhook(serial: int) -> tuple[str, str]:
    event = events.line_proxy_event("hi", f"{serial:032x}", SECRET)
    return event["body"], event["headers"]["x-line-signature"]


def wrk(url: str, script: str, seconds: int, args: list[str] | None = None, connections: int = 64) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url]
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50%"), "p99_ms": ms("99%"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def serve(ackbot: Path, sink_port: int, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LINE_", "ACKBOT_", "AWS_"))}
    env.update({"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                "LINE_API_URL": f"http://127.0.0.1:{sink_port}", "RUST_LOG": "warn", "ACKBOT_LOG_FORMAT": "json",
                # The edge as deployed (off loopback the inspector is off); bench/soak.py measures it on.
                "ACKBOT_INSPECT": "off"})
    process = subprocess.Popen([str(ackbot.resolve()), "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                               cwd=tempfile.mkdtemp(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return process


def count(port: int) -> int:
    return int(urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=5).read())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ackbot", type=Path, required=True, help="an ackbot binary with `serve`")
    parser.add_argument("--server", type=Path, required=True, help="the ackbot-bench-server binary")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is missing: `apt-get install wrk` (make bench installs it)", file=sys.stderr)
        return 2
    body, signature = webhook(0)
    single = SINGLE.format(body=body, signature=signature)
    processes: list[subprocess.Popen] = []
    try:
        bare_port, sink_port, edge_port = free_port(), free_port(), free_port()
        for port in (bare_port, sink_port):
            processes.append(subprocess.Popen([str(args.server), f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL))
            wait_port(port)
        bare = wrk(f"http://127.0.0.1:{bare_port}/line/webhook", single, args.seconds)
        print(f"bare hyper: {bare}", file=sys.stderr)
        bare_light = wrk(f"http://127.0.0.1:{bare_port}/line/webhook", single, args.seconds, connections=LIGHT)
        print(f"bare hyper, {LIGHT} connections: {bare_light}", file=sys.stderr)

        edge_process = serve(args.ackbot, sink_port, edge_port)
        processes.append(edge_process)
        edge = wrk(f"http://127.0.0.1:{edge_port}/line/webhook", single, args.seconds)
        print(f"edge: {edge}", file=sys.stderr)
        edge_light = wrk(f"http://127.0.0.1:{edge_port}/line/webhook", single, args.seconds, connections=LIGHT)
        print(f"edge, {LIGHT} connections: {edge_light}", file=sys.stderr)
        edge_process.terminate()
        edge_process.wait(30)

        # Enough unique events for the run at up to 30,000/s (each thread cycles through its half).
        total = 30_000 * args.seconds
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
            for serial in range(1, total + 1):
                body, signature = webhook(serial)
                f.write(f"{body}\t{signature}\n")
        edge_process = serve(args.ackbot, sink_port, edge_port)
        processes.append(edge_process)
        before = count(sink_port)
        started = time.monotonic()
        pipeline = wrk(f"http://127.0.0.1:{edge_port}/line/webhook", UNIQUE, args.seconds, [f.name, "2"])
        # The queue drains after wrk stops: count until the replies stop coming.
        last, replies = -1, count(sink_port) - before
        while replies != last:
            time.sleep(0.5)
            last, replies = replies, count(sink_port) - before
        elapsed = time.monotonic() - started - 0.5
        os.unlink(f.name)
        pipeline["replies"] = replies
        pipeline["events_per_s"] = round(replies / elapsed, 1)
        print(f"pipeline: {pipeline}", file=sys.stderr)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(10)
    result = {
        "hyper_acks_per_s": round(bare["requests_per_s"], 1), "hyper_p99_ms": bare["p99_ms"],
        "edge_acks_per_s": round(edge["requests_per_s"], 1), "edge_p50_ms": edge["p50_ms"],
        "edge_p99_ms": edge["p99_ms"], "edge_non_2xx": edge["non_2xx"],
        "edge_vs_hyper": round(edge["requests_per_s"] / bare["requests_per_s"], 3),
        "pipeline_events_per_s": pipeline["events_per_s"], "pipeline_acks_per_s": round(pipeline["requests_per_s"], 1),
        "pipeline_non_2xx": pipeline["non_2xx"],
        "light_connections": LIGHT,
        "hyper_light_p99_ms": bare_light["p99_ms"], "hyper_light_acks_per_s": round(bare_light["requests_per_s"], 1),
        "edge_light_p50_ms": edge_light["p50_ms"], "edge_light_p99_ms": edge_light["p99_ms"],
        "edge_light_acks_per_s": round(edge_light["requests_per_s"], 1),
    }
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
