#!/usr/bin/env python3
"""`make bench`: ackbot's Lambda artifacts (default features and Lambda-only, built with
cargo-lambda and zipped as deployed), then the side-by-side run (run.py) against the peers, then the
report (report.py): bench/results/latest.{md,json,svg}.

The peers are installed by `make bench` before this runs (bench/compare/peers/python/install.sh,
`npm ci` in bench/compare/peers/node).

    python3 bench/compare/bench.py [--runs 10] [--warm 1000] [--skip-build]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(HERE))
import edge  # noqa: E402
import lambda_cold_start as artifact  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402

BUILD = HERE / ".build"


def artifacts(skip_build: bool) -> tuple[dict, Path]:
    """Both bootstraps, zipped; returns the sizes and the Lambda-only bootstrap to run."""
    sizes: dict = {}
    lambda_only = BUILD / "lambda-only" / "bootstrap"
    for name, features in (("default", None), ("lambda-only", "lambda")):
        kept = BUILD / name / "bootstrap"
        if not (skip_build and kept.exists()):
            artifact.build(artifact.DEFAULT_VENV, features)
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(artifact.default_bootstrap(), kept)
        with tempfile.TemporaryDirectory() as tmp:
            zipped = artifact.package(kept, Path(tmp) / "bootstrap.zip")
        suffix = "" if name == "default" else "_lambda_only"
        sizes[f"zip_bytes{suffix}"] = zipped
        sizes[f"bootstrap_bytes{suffix}"] = kept.stat().st_size
    return sizes, lambda_only


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")


def floor() -> dict:
    """The criterion micro-benchmarks of the floor (signature check + parse), medians in µs."""
    subprocess.run(["cargo", "bench", "-p", "ackbot-slack", "-p", "ackbot-line", "--bench", "floor"], cwd=REPO,
                   check=True)
    out = {}
    for platform in ("slack", "line"):
        for name in ("verify", "verify+parse", "envelope+verify+parse"):
            estimates = target_dir() / "criterion" / f"{platform}_{name}" / "new" / "estimates.json"
            median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
            out[f"{platform}/{name}"] = round(median_ns / 1000, 2)
    return out


def edge_and_pipeline(seconds: int) -> dict:
    """The local edge beside bare hyper, and the pipeline's events/s (edge.py)."""
    subprocess.run(["cargo", "build", "--release", "-p", "ackbot-bench-server"], cwd=REPO, check=True)
    out = BUILD / "edge.json"
    code = edge.main(["--ackbot", str(BUILD / "default" / "bootstrap"),
                      "--server", str(target_dir() / "release" / "ackbot-bench-server"),
                      "--seconds", str(seconds), "--out", str(out)])
    if code:
        raise SystemExit(code)
    return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warm", type=int, default=1000)
    parser.add_argument("--skip-build", action="store_true", help="reuse bench/compare/.build's bootstraps")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run's length")
    args = parser.parse_args(argv)
    sizes, bootstrap = artifacts(args.skip_build)
    sizes.update(edge_and_pipeline(args.seconds))
    # The yardstick of the size: lambda_runtime + reqwest (rustls) doing nothing, same profile.
    with tempfile.TemporaryDirectory() as tmp:
        sizes["zip_bytes_floor_async"] = artifact.package(target_dir() / "release" / "floor-async",
                                                          Path(tmp) / "bootstrap.zip")
    sizes["floor_us"] = floor()
    (BUILD / "sizes.json").write_text(json.dumps(sizes, indent=2) + "\n")
    run_json = BUILD / "run.json"
    code = run.main(["--runs", str(args.runs), "--warm", str(args.warm), "--bootstrap", str(bootstrap),
                     "--out", str(run_json)])
    if code:
        return code
    return report.main([str(run_json), "--sizes", str(BUILD / "sizes.json")])


if __name__ == "__main__":
    sys.exit(main())
