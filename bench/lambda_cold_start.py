#!/usr/bin/env python3
"""Benchmark of the Lambda artifact: size, GLIBC requirement and cold start. Not a test.

1. Builds the Lambda binary with `cargo lambda build --release --bin ackbot` (cargo-lambda is
   installed with pip into a venv when it is not found), zips `target/lambda/ackbot/bootstrap` the
   way it is deployed (deflate) and reports the zip and binary sizes.
2. Reads the highest GLIBC symbol version the binary needs (`objdump -T`; else `readelf -V`; else a
   built-in reader of the ELF `.gnu.version_r` section). Above 2.34 -- the glibc of provided.al2023
   -- the function would fail to start on Lambda, and this script exits non-zero.
3. Measures cold start N times: exec the bootstrap with a Lambda Runtime API double that already
   holds a signed `/echo` slash-command Envelope, and time exec -> first poll of /next (init),
   exec -> the reply at the Slack stand-in's response_url, and exec -> the /response post; then one
   warm invocation on the same process. Reports min/median/max.
4. With `--idempotency-table`, the worker keeps its idempotency keys in a DynamoDB table: moto's
   server (bench/moto_local.py, from `.venv-moto`) runs on loopback with the table, and every
   cold start claims and completes the Envelope's keys there.
5. With `--installation-table`, Slack runs in distribution mode: the slash command's workspace
   (T0001) is installed in a DynamoDB table on moto, and every cold start reads its installation
   (one consistent GetItem) before the handler runs.

The report is printed and written to bench/results/lambda.json. Standard library only (plus
cargo-lambda); the doubles come from infra/contract/lambda_harness.py.

    python3 bench/lambda_cold_start.py [--runs 10] [--skip-build] [--bootstrap PATH] [--role front]
                                       [--idempotency-table] [--installation-table]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "infra" / "contract"))
from lambda_harness import LambdaApiStandIn, RuntimeApi, SlackStandIn, Worker, now_ms  # noqa: E402

# provided.al2023 ships glibc 2.34: a binary needing a newer symbol version fails at exec there.
AL2023_GLIBC = (2, 34)
DEFAULT_VENV = REPO / ".venv-lambda"  # the same venv `make synth` / `make bench-lambda` use
SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
ECHO_TEXT = "こんにちは 🍣 cold start"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# 1. Build and package
# --------------------------------------------------------------------------------------------------


def cargo_lambda_bin_dir(venv: Path) -> Path:
    """A directory holding `cargo-lambda` (and zig's `python-zig`), installing it into `venv` if needed."""
    on_path = shutil.which("cargo-lambda")
    if on_path:
        return Path(on_path).parent
    for candidate in (venv, DEFAULT_VENV, REPO / "bench" / ".venv"):
        if (candidate / "bin" / "cargo-lambda").exists():
            return candidate / "bin"
    log(f"cargo-lambda not found: installing it with pip into {venv} (it brings zig; a few minutes)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "cargo-lambda"],
                   check=True)
    return venv / "bin"


def build(venv: Path, features: str | None) -> tuple[float, str]:
    bin_dir = cargo_lambda_bin_dir(venv)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    version = subprocess.run(["cargo", "lambda", "--version"], env=env, capture_output=True, text=True).stdout.strip()
    command = ["cargo", "lambda", "build", "--release", "--bin", "ackbot"]
    if features is not None:
        command += ["--no-default-features", "--features", features]
    log(f"building with {version or 'cargo-lambda'}: {' '.join(command)}")
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True)
    return time.perf_counter() - started, version


def default_bootstrap() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    return target / "lambda" / "ackbot" / "bootstrap"


def package(bootstrap: Path, out: Path) -> int:
    """Zips the bootstrap as Lambda deploys it (deflate, executable bit kept) and returns the zip's size."""
    out.parent.mkdir(parents=True, exist_ok=True)
    info = zipfile.ZipInfo("bootstrap", date_time=time.localtime(bootstrap.stat().st_mtime)[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100755 << 16
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(info, bootstrap.read_bytes())
    return out.stat().st_size


# --------------------------------------------------------------------------------------------------
# 2. GLIBC
# --------------------------------------------------------------------------------------------------


def _versions(text: str) -> set[tuple[int, ...]]:
    return {tuple(int(p) for p in m.split(".")) for m in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", text)}


def _verneed_names(path: Path) -> list[str]:
    """The version names an ELF64 little-endian file needs, read from its SHT_GNU_verneed section."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not an ELF64 little-endian file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    names: list[str] = []
    for sh in sections:
        if sh[1] != 0x6FFFFFFE:  # SHT_GNU_verneed
            continue
        strtab = sections[sh[6]]  # sh_link: the string table
        str_off = strtab[4]

        def cstr(offset: int) -> str:
            end = data.index(b"\0", str_off + offset)
            return data[str_off + offset:end].decode()

        offset = sh[4]
        for _ in range(sh[7]):  # sh_info: number of Verneed entries
            _vn_version, vn_cnt, _vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, offset)
            aux = offset + vn_aux
            for _ in range(vn_cnt):
                _hash, _flags, _other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                names.append(cstr(vna_name))
                aux += vna_next
            if not vn_next:
                break
            offset += vn_next
    return names


def glibc_requirement(binary: Path) -> tuple[tuple[int, ...] | None, str]:
    """The highest GLIBC_x.y the binary needs (None when it needs none, e.g. static), and how it was read."""
    for tool, args in (("objdump", ["-T"]), ("readelf", ["-V", "-W"])):
        exe = shutil.which(tool)
        if exe:
            result = subprocess.run([exe, *args, str(binary)], capture_output=True, text=True)
            if result.returncode == 0:
                found = _versions(result.stdout)
                return (max(found) if found else None), f"{tool} {' '.join(args)}"
    found = _versions(" ".join(_verneed_names(binary)))
    return (max(found) if found else None), ".gnu.version_r (built-in ELF reader)"


# --------------------------------------------------------------------------------------------------
# 3. Cold start
# --------------------------------------------------------------------------------------------------


def slash_command_envelope(response_url: str) -> dict:
    """A signed `/echo` slash command as the mapping template delivers it."""
    body = urlencode({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": "T0001", "team_domain": "example",
        "channel_id": "C2147483705", "channel_name": "test", "user_id": "U2147483697", "user_name": "Steve",
        "command": "/echo", "text": ECHO_TEXT, "response_url": response_url,
        "trigger_id": f"13345224609.738474920.{uuid.uuid4().hex}", "api_app_id": "A123456",
    }).encode()
    ts = int(time.time())
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:%d:" % ts + body, hashlib.sha256).hexdigest()
    return {
        "route": "/slack/commands",
        "received_at_ms": now_ms(),
        "request_id": str(uuid.uuid4()),
        "source_ip": "3.120.0.1",
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature,
        },
        "body": base64.b64encode(body).decode(),
    }


def peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def cold_start(bootstrap: Path, memory_mb: int, env: dict[str, str] | None = None) -> dict:
    """One cold start: a fresh process and fresh doubles; the event is waiting before the exec."""
    with RuntimeApi() as runtime, SlackStandIn() as slack:
        response_url = slack.response_url()
        invocation = runtime.invoke(slash_command_envelope(response_url))
        worker = Worker(bootstrap, runtime, secrets={
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url, **(env or {}),
        }, memory_mb=memory_mb)
        worker.start()
        try:
            answer = runtime.answer(invocation, timeout=30)
            reply = slack.wait_for(lambda c: c.path == urlparse(response_url).path, timeout=5)
            if not answer.ok or answer.json() != {"handled": 1, "replied": 1}:
                raise RuntimeError(f"unexpected answer {answer.kind} {answer.body!r}; worker output:\n{worker.tail()}")
            if reply.body.get("text") != ECHO_TEXT:
                raise RuntimeError(f"unexpected reply {reply.body!r}")
            t0 = worker.started_at
            # A warm invocation on the same process, for comparison.
            warm_url = slack.response_url()
            warm = runtime.invoke(slash_command_envelope(warm_url))
            invoked_at = runtime.invocations[warm].invoked_at
            warm_answer = runtime.answer(warm, timeout=10)
            warm_reply = slack.wait_for(lambda c: c.path == urlparse(warm_url).path, timeout=5)
            rss = peak_rss_kib(worker.process.pid)
            return {
                "init_ms": (runtime.polls[0] - t0) * 1000,
                "reply_ms": (reply.at - t0) * 1000,
                "response_ms": (answer.at - t0) * 1000,
                "warm_reply_ms": (warm_reply.at - invoked_at) * 1000,
                "warm_response_ms": (warm_answer.at - invoked_at) * 1000,
                "peak_rss_kib": rss,
            }
        finally:
            worker.stop()


def app_mention_proxy_event() -> dict:
    """A signed Events API `app_mention` as API Gateway's Lambda proxy integration delivers it."""
    body = json.dumps({
        "token": "x", "team_id": "T0001", "api_app_id": "A123456", "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U2147483697", "text": f"<@U0BOT> echo {ECHO_TEXT}",
                  "ts": f"{time.time():.6f}", "channel": "C2147483705"},
    }, ensure_ascii=False)
    ts = int(time.time())
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:%d:" % ts + body.encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(ts),
               "X-Slack-Signature": signature, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
    return {
        "resource": "/slack/events", "path": "/slack/events", "httpMethod": "POST",
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "pathParameters": None, "stageVariables": None,
        "requestContext": {"resourcePath": "/slack/events", "httpMethod": "POST", "stage": "prod",
                           "requestId": str(uuid.uuid4()), "requestTimeEpoch": now_ms(),
                           "identity": {"sourceIp": "3.94.12.34"}},
        "body": body, "isBase64Encoded": False,
    }


def cold_start_front(bootstrap: Path, memory_mb: int, env: dict[str, str] | None = None) -> dict:
    """One cold start of the front door: the proxy event waits before the exec."""
    with RuntimeApi() as runtime, LambdaApiStandIn() as lambda_api:
        invocation = runtime.invoke(app_mention_proxy_event())
        front = Worker(bootstrap, runtime, secrets={
            "ACKBOT_ROLE": "front", "ACKBOT_WORKER_FUNCTION": "ackbot-worker",
            "AWS_ENDPOINT_URL_LAMBDA": lambda_api.base_url,
            "AWS_ACCESS_KEY_ID": "AKIDBENCHMARK", "AWS_SECRET_ACCESS_KEY": "bench-secret-key",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, **(env or {}),
        }, memory_mb=memory_mb)
        front.start()
        try:
            answer = runtime.answer(invocation, timeout=30)
            handed_on = lambda_api.wait_for(timeout=5)
            if not answer.ok or answer.json().get("statusCode") != 200:
                raise RuntimeError(f"unexpected answer {answer.kind} {answer.body!r}; output:\n{front.tail()}")
            if handed_on.headers.get("x-amz-invocation-type") != "Event":
                raise RuntimeError(f"the Invoke is not asynchronous: {handed_on.headers}")
            t0 = front.started_at
            lambda_api.clear()
            warm = runtime.invoke(app_mention_proxy_event())
            invoked_at = runtime.invocations[warm].invoked_at
            warm_answer = runtime.answer(warm, timeout=10)
            warm_handed_on = lambda_api.wait_for(timeout=5)
            return {
                "init_ms": (runtime.polls[0] - t0) * 1000,
                "reply_ms": (handed_on.at - t0) * 1000,
                "response_ms": (answer.at - t0) * 1000,
                "warm_reply_ms": (warm_handed_on.at - invoked_at) * 1000,
                "warm_response_ms": (warm_answer.at - invoked_at) * 1000,
                "peak_rss_kib": peak_rss_kib(front.process.pid),
            }
        finally:
            front.stop()


def distribution_env(table: str) -> dict[str, str]:
    """Slack's distribution mode, its installations in `table`."""
    return {"SLACK_CLIENT_ID": "1234567890.1234567890123", "SLACK_CLIENT_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "ACKBOT_PUBLIC_URL": "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod",
            "ACKBOT_INSTALLATION_TABLE": table}


def install(moto, table: str, team: str) -> None:
    """The installation of `team` as ackbot stores it (ackbot_slack::oauth::InstallationRecord)."""
    record = {"installation": {"app_id": "A0BENCH", "team_id": team, "team_name": "Bench", "bot_user_id": "U0BENCH",
                               "bot_scopes": ["chat:write", "commands"], "user_id": "U0INSTALLER",
                               "installed_at_ms": now_ms()},
              "bot": {"token": "xoxb-bench-token", "refresh_token": None, "expires_at_ms": None},
              "user": None, "needs_reinstall": False}
    status, answer = moto.call("PutItem", {"TableName": table, "Item": {
        "id": {"S": f"installation#team:{team}"}, "record": {"S": json.dumps(record)}, "version": {"N": "1"}}})
    if status != 200:
        raise RuntimeError(f"PutItem: {status} {answer}")


def summary(values: list[float]) -> dict:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="cold starts to measure (default 10)")
    parser.add_argument("--skip-build", action="store_true", help="use the bootstrap already built")
    parser.add_argument("--bootstrap", type=Path, help="the binary to measure (default target/lambda/ackbot/bootstrap)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="where to pip-install cargo-lambda if missing")
    parser.add_argument("--memory-mb", type=int, default=256, help="AWS_LAMBDA_FUNCTION_MEMORY_SIZE (informational)")
    parser.add_argument("--features", help="build with only these crate features, e.g. `lambda` "
                        "(default: the default features)")
    parser.add_argument("--role", choices=("worker", "front"), default="worker",
                        help="measure the worker (default) or the function-ack front door")
    parser.add_argument("--idempotency-table", action="store_true",
                        help="keep idempotency keys in a DynamoDB table on moto's server (from .venv-moto)")
    parser.add_argument("--installation-table", action="store_true",
                        help="Slack in distribution mode: the workspace's installation in a DynamoDB table on moto")
    parser.add_argument("--out", type=Path, help="default bench/results/lambda.json (lambda-front.json for --role "
                        "front; -idempotency or -installations before .json with a table)")
    args = parser.parse_args(argv)
    front = args.role == "front"
    if args.out is None:
        name = "lambda-front" if front else "lambda"
        suffix = "-idempotency" if args.idempotency_table else "-installations" if args.installation_table else ""
        args.out = REPO / "bench" / "results" / f"{name}{suffix}.json"

    build_s, builder = None, None
    if not args.skip_build and not args.bootstrap:
        build_s, builder = build(args.venv, args.features)
    bootstrap = (args.bootstrap or default_bootstrap()).resolve()
    if not bootstrap.is_file():
        log(f"no bootstrap at {bootstrap}: build it with `cargo lambda build --release --bin ackbot` (or drop --skip-build)")
        return 2

    zip_path = args.out.parent / "ackbot-lambda.zip"
    zip_size = package(bootstrap, zip_path)
    binary_size = bootstrap.stat().st_size

    glibc, glibc_method = glibc_requirement(bootstrap)
    glibc_ok = glibc is None or glibc <= AL2023_GLIBC

    measure = cold_start_front if front else cold_start
    moto_put_ms = None
    if args.idempotency_table:
        from moto_local import Moto  # bench/, beside this script

        with Moto() as moto:
            moto.create_table("ackbot-idempotency")
            moto_put_ms = moto.put_latency_ms("ackbot-idempotency")
            log(f"measuring {args.runs} cold starts of {bootstrap} as the {args.role}, keys in DynamoDB "
                f"(moto at {moto.url}, {moto_put_ms:.2f} ms a PutItem)")
            runs = [measure(bootstrap, args.memory_mb, moto.env("ackbot-idempotency")) for _ in range(args.runs)]
            keys = moto.count("ackbot-idempotency") - 50
            if not front and keys < 2 * args.runs:
                raise RuntimeError(f"only {keys} idempotency keys in the table after {args.runs} cold starts")
    elif args.installation_table:
        from moto_local import Moto  # bench/, beside this script

        with Moto() as moto:
            moto.create_table("ackbot-installations")
            install(moto, "ackbot-installations", "T0001")
            env = {**moto.env(), **distribution_env("ackbot-installations")}
            log(f"measuring {args.runs} cold starts of {bootstrap} as the {args.role}, the installation in "
                f"DynamoDB (moto at {moto.url})")
            runs = [measure(bootstrap, args.memory_mb, env) for _ in range(args.runs)]
    else:
        log(f"measuring {args.runs} cold starts of {bootstrap} as the {args.role}")
        runs = [measure(bootstrap, args.memory_mb) for _ in range(args.runs)]

    metrics = {key: summary([r[key] for r in runs]) for key in
               ("init_ms", "reply_ms", "response_ms", "warm_reply_ms", "warm_response_ms")}
    rss = [r["peak_rss_kib"] for r in runs if r["peak_rss_kib"] is not None]
    result = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(), "kernel": platform.release(),
                 "glibc": os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None},
        "builder": builder,
        "features": args.features or "default",
        "role": args.role,
        "idempotency_table": args.idempotency_table,
        "installation_table": args.installation_table,
        "moto_put_item_ms": round(moto_put_ms, 2) if moto_put_ms is not None else None,
        "build_seconds": round(build_s, 1) if build_s is not None else None,
        "bootstrap": str(bootstrap),
        "binary_bytes": binary_size,
        "zip_bytes": zip_size,
        "glibc_max_required": ".".join(map(str, glibc)) if glibc else None,
        "glibc_limit": ".".join(map(str, AL2023_GLIBC)),
        "glibc_ok": glibc_ok,
        "glibc_method": glibc_method,
        "runs": args.runs,
        "cold_start_ms": {k: metrics[k] for k in ("init_ms", "reply_ms", "response_ms")},
        "warm_ms": {k.removeprefix("warm_"): metrics[k] for k in ("warm_reply_ms", "warm_response_ms")},
        "peak_rss_mib": summary([k / 1024 for k in rss]) if rss else None,
        "samples": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()} for r in runs],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    mib = 1024 * 1024
    print(f"ackbot Lambda artifact ({bootstrap.relative_to(REPO) if bootstrap.is_relative_to(REPO) else bootstrap})")
    print(f"  binary            {binary_size:>10,} B  ({binary_size / mib:.2f} MiB)")
    print(f"  zip (deflate)     {zip_size:>10,} B  ({zip_size / mib:.2f} MiB)")
    print(f"  GLIBC required    {result['glibc_max_required'] or 'none':>10}    (limit {result['glibc_limit']}, "
          f"{'ok' if glibc_ok else 'TOO NEW'}; {glibc_method})")
    if build_s is not None:
        print(f"  build             {build_s:>10.1f} s")
    reply_label = "Invoke of the worker received" if front else "reply at response_url"
    response_label = "ack (/response) posted" if front else "/response posted"
    print(f"\ncold start of the {args.role}, {args.runs} runs (ms from exec)  min   median      max")
    for label, key in (("init (first poll of /next)", "init_ms"), (reply_label, "reply_ms"),
                       (response_label, "response_ms")):
        m = metrics[key]
        print(f"  {label:<34}{m['min']:>8.2f} {m['median']:>8.2f} {m['max']:>8.2f}")
    print("warm invocation (ms from invoke)")
    for label, key in ((reply_label, "warm_reply_ms"), (response_label, "warm_response_ms")):
        m = metrics[key]
        print(f"  {label:<34}{m['min']:>8.2f} {m['median']:>8.2f} {m['max']:>8.2f}")
    if moto_put_ms is not None:
        print(f"  (keys in DynamoDB on moto: {moto_put_ms:.2f} ms a PutItem, median, as seen from Python)")
    if result["peak_rss_mib"]:
        p = result["peak_rss_mib"]
        print(f"  peak RSS (MiB)                    {p['min']:>8.2f} {p['median']:>8.2f} {p['max']:>8.2f}")
    print(f"\nwritten: {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")

    if not glibc_ok:
        log(f"FAIL: the bootstrap needs GLIBC_{result['glibc_max_required']}, newer than provided.al2023's "
            f"{result['glibc_limit']}: it would not start on Lambda. Build with `cargo lambda build` (zig), not plain cargo.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
