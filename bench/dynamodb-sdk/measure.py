#!/usr/bin/env python3
"""aws-sdk-dynamodb against one signed request: size and cold start of a minimal Lambda function
that makes ackbot's idempotency claim (a conditional PutItem). A benchmark, not a test.

Builds the two binaries of this package with `cargo lambda build --release` (features `sdk` and
`signed`, into `--target-dir`, default /tmp/ackbot-dynamodb-sdk-target), zips each as Lambda
deploys it, then N times: a fresh Lambda Runtime API double already holding an event, a fresh
process, and the time from the exec to its first poll (init) and to its answer, which it posts once
moto's DynamoDB has answered the PutItem; then one warm invocation. Written to
bench/results/dynamodb-sdk.json.

    python3 bench/dynamodb-sdk/measure.py [--runs 10] [--skip-build]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "infra" / "contract"))
from lambda_cold_start import cargo_lambda_bin_dir, package, peak_rss_kib  # noqa: E402
from lambda_harness import RuntimeApi, Worker  # noqa: E402
from moto_local import Moto  # noqa: E402

TABLE = "claims"
BINARIES = ("signed", "sdk")


def build(target_dir: Path) -> dict[str, float]:
    env = {**os.environ, "CARGO_TARGET_DIR": str(target_dir),
           "PATH": f"{cargo_lambda_bin_dir(REPO / '.venv-lambda')}{os.pathsep}{os.environ.get('PATH', '')}"}
    seconds = {}
    for name in BINARIES:
        started = time.perf_counter()
        subprocess.run(["cargo", "lambda", "build", "--release", "--bin", name, "--features", name],
                       cwd=HERE, env=env, check=True)
        seconds[name] = round(time.perf_counter() - started, 1)
    return seconds


def cold_start(binary: Path, moto: Moto) -> dict:
    with RuntimeApi() as runtime:
        invocation = runtime.invoke({"key": f"cold-{uuid.uuid4()}"})
        worker = Worker(binary, runtime, secrets={**moto.env(), "TABLE": TABLE})
        worker.start()
        try:
            answer = runtime.answer(invocation, timeout=30)
            if not answer.ok or answer.json() != {"claimed": True}:
                raise RuntimeError(f"unexpected answer {answer.kind} {answer.body!r}: {worker.tail()}")
            t0 = worker.started_at
            warm = runtime.invoke({"key": f"warm-{uuid.uuid4()}"})
            warm_answer = runtime.answer(warm, timeout=10)
            if warm_answer.json() != {"claimed": True}:
                raise RuntimeError(f"unexpected warm answer {warm_answer.body!r}")
            return {
                "init_ms": (runtime.polls[0] - t0) * 1000,
                "put_item_answered_ms": (answer.at - t0) * 1000,
                "warm_ms": (warm_answer.at - runtime.invocations[warm].invoked_at) * 1000,
                "peak_rss_kib": peak_rss_kib(worker.process.pid),
            }
        finally:
            worker.stop()


def summary(values: list[float]) -> dict:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--target-dir", type=Path, default=Path("/tmp/ackbot-dynamodb-sdk-target"))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "dynamodb-sdk.json")
    args = parser.parse_args(argv)

    build_seconds = None if args.skip_build else build(args.target_dir)
    results: dict[str, dict] = {}
    with Moto() as moto:
        moto.create_table(TABLE)
        moto_put_ms = moto.put_latency_ms(TABLE)
        for name in BINARIES:
            binary = args.target_dir / "lambda" / name / "bootstrap"
            zip_bytes = package(binary, args.out.parent / f"dynamodb-{name}.zip")
            runs = [cold_start(binary, moto) for _ in range(args.runs)]
            results[name] = {
                "binary_bytes": binary.stat().st_size,
                "zip_bytes": zip_bytes,
                **{k: summary([r[k] for r in runs]) for k in ("init_ms", "put_item_answered_ms", "warm_ms")},
                "peak_rss_mib": summary([r["peak_rss_kib"] / 1024 for r in runs if r["peak_rss_kib"]]),
            }
    report = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": args.runs,
              "build_seconds": build_seconds, "moto_put_item_ms": round(moto_put_ms, 2), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")

    print(f"conditional PutItem from a minimal Lambda function, {args.runs} cold starts each "
          f"(moto: {moto_put_ms:.2f} ms a PutItem)")
    print(f"{'':34}{'signed request':>18}{'aws-sdk-dynamodb':>20}")
    rows = [("binary (B)", lambda r: f"{r['binary_bytes']:,}"), ("zip (B)", lambda r: f"{r['zip_bytes']:,}")]
    for key, label in (("init_ms", "init, median (ms)"), ("put_item_answered_ms", "PutItem answered, median (ms)"),
                       ("warm_ms", "warm invocation, median (ms)"), ("peak_rss_mib", "peak RSS, median (MiB)")):
        rows.append((label, lambda r, key=key: f"{r[key]['median']:.2f}"))
    for label, cell in rows:
        print(f"  {label:<32}{cell(results['signed']):>18}{cell(results['sdk']):>20}")
    if build_seconds:
        print(f"  {'release build (s)':<32}{build_seconds['signed']:>18}{build_seconds['sdk']:>20}")
    print(f"written: {args.out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
