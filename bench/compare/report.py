#!/usr/bin/env python3
"""Turns a side-by-side run (bench/compare/run.py's JSON, plus the artifact sizes) into
bench/results/latest.json, bench/results/latest.md and bench/results/latest.svg, with each ratio
against its target. Standard library only.

    python3 bench/compare/report.py RUN.json [--sizes SIZES.json] [--out-dir bench/results]
"""

from __future__ import annotations

import argparse
import html
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# The peers, each against ackbot on the same platform.
PEERS = {"bolt-python": "slack", "bolt-js": "slack", "line-python": "line", "line-node": "line"}
LABELS = {"ackbot/slack": "ackbot (Slack)", "ackbot/line": "ackbot (LINE)", "bolt-python/slack": "Bolt for Python",
          "bolt-js/slack": "Bolt for JavaScript", "line-python/line": "LINE SDK (Python)",
          "line-node/line": "LINE SDK (Node.js)"}


# Yardsticks, not peers (bench/server/src/bin/): run.py's name → the section of latest.json.
YARDSTICKS = {"floor": "floor", "floor-async": "floor_async"}


def latest(run: dict, sizes: dict) -> dict:
    """The issue's shape: figures keyed by implementation (ackbot = its Slack figure; its LINE figure
    is `ackbot-line`), ratios to ackbot on the same platform, and the targets."""
    out: dict = {"machine": run["machine"], "versions": run["versions"], "runs": run["runs"],
                 "warm_events": run["warm_events"]}
    yardsticks: dict = {}
    for metric in ("cold_reply_ms", "warm_cpu_us", "warm_latency_ms", "peak_rss_mib"):
        out[metric] = {}
        for key, value in run[metric].items():
            name, platform = key.split("/")
            if name in YARDSTICKS:  # not implementations: sections of their own
                yardsticks.setdefault(YARDSTICKS[name], {}).setdefault(metric, {})[platform] = value
                continue
            out[metric][f"{name}-line" if (name, platform) == ("ackbot", "line") else name] = value
    out.update(yardsticks)
    if "floor" in yardsticks:
        out["above_floor"] = above_floor(run)
    ratios: dict = {}
    for peer, platform in PEERS.items():
        ours = f"ackbot/{platform}"
        theirs = f"{peer}/{platform}"
        if theirs not in run["cold_reply_ms"] or ours not in run["cold_reply_ms"]:
            continue
        ratios[peer] = {
            "cold": round(run["cold_reply_ms"][theirs]["median"] / run["cold_reply_ms"][ours]["median"], 1),
            "warm_cpu": round(run["warm_cpu_us"][theirs] / max(run["warm_cpu_us"][ours], 1e-9), 1),
            "peak_rss": round(run["peak_rss_mib"][theirs] / run["peak_rss_mib"][ours], 1),
        }
    out["ratios_to_ackbot"] = ratios
    out["ackbot"] = dict(sizes)
    out["targets"] = targets(run, ratios, sizes)
    return out


def above_floor(run: dict) -> dict:
    """What each implementation adds to the floor-worker on its platform: cold ms and warm CPU µs
    beyond what exec, the doubles and three loopback HTTP exchanges cost anyone here."""
    out: dict = {}
    for key in run["cold_reply_ms"]:
        name, platform = key.split("/")
        base = f"floor/{platform}"
        if name in YARDSTICKS or base not in run["cold_reply_ms"]:
            continue
        label = f"{name}-line" if (name, platform) == ("ackbot", "line") else name
        out[label] = {
            "cold_ms": round(run["cold_reply_ms"][key]["median"] - run["cold_reply_ms"][base]["median"], 2),
            "warm_cpu_us": round(run["warm_cpu_us"][key] - run["warm_cpu_us"][base], 1),
        }
    return out


def targets(run: dict, ratios: dict, sizes: dict) -> list[dict]:
    rows = []

    def row(what: str, target: str, value, met: bool | None) -> None:
        rows.append({"target": what, "wanted": target, "measured": value, "met": met})

    for peer in ("bolt-python", "bolt-js"):
        if peer in ratios:
            row(f"cold vs {peer}", "≥ 50× faster", f"{ratios[peer]['cold']}×", ratios[peer]["cold"] >= 50)
    line_peers = [p for p in ("line-python", "line-node") if p in ratios]
    if line_peers:
        fastest = min(line_peers, key=lambda p: run["cold_reply_ms"][f"{p}/line"]["median"])
        row(f"cold vs the fastest LINE SDK ({fastest})", "≥ 20× faster", f"{ratios[fastest]['cold']}×",
            ratios[fastest]["cold"] >= 20)
    for platform in ("slack", "line"):
        key = f"ackbot/{platform}"
        if key in run["cold_reply_ms"]:
            median = run["cold_reply_ms"][key]["median"]
            floor = run["cold_reply_ms"].get(f"floor/{platform}")
            beside = f" (the floor-worker: {floor['median']} ms)" if floor else ""
            row(f"ackbot cold exec → reply ({platform})", "≤ 2.5 ms median", f"{median} ms{beside}", median <= 2.5)
    for peer, platform in PEERS.items():
        if peer not in ratios:
            continue
        measured = f"{ratios[peer]['warm_cpu']}×"
        base = run["warm_cpu_us"].get(f"floor/{platform}")
        if base is not None:
            ours = run["warm_cpu_us"][f"ackbot/{platform}"] - base
            theirs = run["warm_cpu_us"][f"{peer}/{platform}"] - base
            measured += f" ({theirs / max(ours, 1e-9):.1f}× above the floor's {base} µs)"
        stack = run["warm_cpu_us"].get(f"floor-async/{platform}")
        if stack is not None:
            measured += f"; lambda_runtime + reqwest doing no work: {stack} µs"
        row(f"warm CPU per event vs {peer}", "≥ 10× less", measured, ratios[peer]["warm_cpu"] >= 10)
    for peer in ratios:
        row(f"peak RSS vs {peer}", "≤ ⅕", f"{ratios[peer]['peak_rss']}× less", ratios[peer]["peak_rss"] >= 5)
    if "zip_bytes_lambda_only" in sizes:
        z = sizes["zip_bytes_lambda_only"]
        floor = sizes.get("zip_bytes_floor_async")
        beside = f" (lambda_runtime + reqwest doing nothing: {floor:,} B)" if floor else ""
        row("Lambda-only zip", "≤ 1.5 MB", f"{z:,} B{beside}", z <= 1_500_000)
    if "edge_acks_per_s" in sizes:
        share = sizes["edge_acks_per_s"] / sizes["hyper_acks_per_s"]
        row("edge acks/s vs bare hyper", "≥ 80 %",
            f"{sizes['edge_acks_per_s']:,.0f} vs {sizes['hyper_acks_per_s']:,.0f} ({share:.0%})", share >= 0.8)
        row("edge ack p99", "≤ 2 ms", f"{sizes['edge_p99_ms']} ms at 64 connections (bare hyper: "
            f"{sizes['hyper_p99_ms']} ms)", sizes["edge_p99_ms"] <= 2)
        if "edge_light_p99_ms" in sizes:
            n = sizes["light_connections"]
            row(f"edge ack p99 at {n} connections", "≤ 2 ms", f"{sizes['edge_light_p99_ms']} ms (bare hyper: "
                f"{sizes['hyper_light_p99_ms']} ms)", sizes["edge_light_p99_ms"] <= 2)
    else:
        row("edge acks/s vs bare hyper", "≥ 80 %", "not measured", None)
    if "pipeline_events_per_s" in sizes:
        eps = sizes["pipeline_events_per_s"]
        row("pipeline events/s", "≥ 20,000", f"{eps:,.0f}", eps >= 20_000)
    return rows


def markdown(report: dict) -> str:
    m, v = report["machine"], report["versions"]
    lines = [
        "# ackbot side by side with Slack Bolt and the LINE SDKs",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}.  ",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".  ",
        f"{report['runs']} cold starts and {report['warm_events']} warm events per implementation, in one run. "
        "Medians (min–max); ratios are the peer's figure over ackbot's on the same platform.",
        "",
        "| implementation | cold exec → reply (ms) | warm p50 / p99 (ms) | warm CPU / event (µs) | peak RSS (MiB) |",
        "|---|---|---|---|---|",
    ]
    for impl, cold in report["cold_reply_ms"].items():
        label = {"ackbot": "ackbot (Slack)", "ackbot-line": "ackbot (LINE)"}.get(impl, impl)
        warm = report["warm_latency_ms"][impl]
        ratio = report["ratios_to_ackbot"].get(impl)
        suffix = (lambda r: f" ({r}×)") if ratio else (lambda r: "")
        lines.append(
            f"| {label} | {cold['median']} ({cold['min']}–{cold['max']}){suffix(ratio and ratio['cold'])} "
            f"| {warm['p50']} / {warm['p99']} | {report['warm_cpu_us'][impl]}{suffix(ratio and ratio['warm_cpu'])} "
            f"| {report['peak_rss_mib'][impl]}{suffix(ratio and ratio['peak_rss'])} |")
    for section, title in (("floor", "floor-worker"), ("floor_async", "floor-async")):
        floor = report.get(section)
        for platform, cold in (floor or {}).get("cold_reply_ms", {}).items():
            warm = floor["warm_latency_ms"][platform]
            lines.append(
                f"| *{title} ({'Slack' if platform == 'slack' else 'LINE'})* | {cold['median']} "
                f"({cold['min']}–{cold['max']}) | {warm['p50']} / {warm['p99']} | {floor['warm_cpu_us'][platform]} "
                f"| {floor['peak_rss_mib'][platform]} |")
    if report.get("floor"):
        lines += ["", "The rows in italics are yardsticks, not peers (bench/server/src/bin/). The *floor-worker* "
                  "is a std-only program that fetches the event, finds the reply target by searching the bytes "
                  "and posts the echo, with no runtime, check or parser: what exec, the Python doubles and three "
                  "loopback HTTP exchanges cost anyone on this machine. The *floor-async* does the same no-work "
                  "echo on `lambda_runtime` + `reqwest` on a current-thread tokio runtime, the usual Rust Lambda "
                  "stack. Above the floor-worker:", "",
                  "| implementation | cold, ms above the floor | warm CPU, µs above the floor |", "|---|---|---|"]
        for impl, extra in report.get("above_floor", {}).items():
            label = {"ackbot": "ackbot (Slack)", "ackbot-line": "ackbot (LINE)"}.get(impl, impl)
            lines.append(f"| {label} | {extra['cold_ms']} | {extra['warm_cpu_us']} |")
    sizes = report["ackbot"]
    if sizes:
        lines += ["", "ackbot alone:", ""]
        for key, value in sizes.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v} µs" for k, v in value.items())
            lines.append(f"- `{key}`: {value:,}" if isinstance(value, (int, float)) else f"- `{key}`: {value}")
    lines += ["", "## Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    for t in report["targets"]:
        met = {True: "yes", False: "**no**", None: "—"}[t["met"]]
        lines.append(f"| {t['target']} | {t['wanted']} | {t['measured']} | {met} |")
    lines += ["", "![cold start and memory](latest.svg)", ""]
    return "\n".join(lines)


def svg(report: dict) -> str:
    """Two panels of horizontal bars: cold exec → reply (log scale) and peak RSS (linear)."""
    impls = list(report["cold_reply_ms"])
    cold = dict(report["cold_reply_ms"])
    rss = dict(report["peak_rss_mib"])
    for section in ("floor", "floor_async"):
        floor = report.get(section, {})
        for platform, value in floor.get("cold_reply_ms", {}).items():
            impl = section.replace("_", "-") + ("" if platform == "slack" else "-line")
            impls.append(impl)
            cold[impl], rss[impl] = value, floor["peak_rss_mib"][platform]
    names = {"ackbot": "ackbot (Slack)", "ackbot-line": "ackbot (LINE)", "bolt-python": "Bolt for Python",
             "bolt-js": "Bolt for JavaScript", "line-python": "LINE SDK (Python)", "line-node": "LINE SDK (Node.js)",
             "floor": "floor-worker (Slack)", "floor-line": "floor-worker (LINE)",
             "floor-async": "floor-async (Slack)", "floor-async-line": "floor-async (LINE)"}
    row_h, label_w, bar_w, top = 26, 170, 420, 56
    panel_h = top + row_h * len(impls) + 30
    width, height = label_w + bar_w + 110, panel_h * 2 + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    m = report["machine"]
    panels = [("Cold start: process exec → reply at the stand-in (ms, log scale)",
               {i: cold[i]["median"] for i in impls}, True, "ms"),
              ("Peak RSS (MiB)", {i: rss[i] for i in impls}, False, "MiB")]
    for p, (title, values, log_scale, unit) in enumerate(panels):
        y0 = p * panel_h + 10
        parts.append(f'<text x="10" y="{y0 + 18}" font-weight="bold">{html.escape(title)}</text>')
        if p == 0:
            parts.append(f'<text x="10" y="{y0 + 36}" fill="#555" font-size="11">'
                         f'{html.escape(m["cpu"])}, {m["cores"]} cores; medians of {report["runs"]} runs</text>')
        biggest = max(values.values())
        for i, impl in enumerate(impls):
            value = values[impl]
            if log_scale:
                lo = math.log10(max(min(values.values()), 0.1) / 2)
                frac = (math.log10(max(value, 0.1)) - lo) / (math.log10(biggest) - lo)
            else:
                frac = value / biggest
            y = y0 + top + i * row_h
            colour = "#2b7a0b" if impl.startswith("ackbot") else "#8a8f98"
            if impl.startswith("floor"):
                colour = "#b7c4d6"
            parts.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{html.escape(names.get(impl, impl))}</text>')
            parts.append(f'<rect x="{label_w}" y="{y}" width="{max(2.0, frac * bar_w):.1f}" height="{row_h - 8}" fill="{colour}"/>')
            parts.append(f'<text x="{label_w + max(2.0, frac * bar_w) + 6:.1f}" y="{y + 14}">{value:g} {unit}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--sizes", type=Path)
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    run = json.loads(args.run.read_text())
    sizes = json.loads(args.sizes.read_text()) if args.sizes else {}
    report = latest(run, sizes)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out_dir / "latest.md").write_text(markdown(report))
    (args.out_dir / "latest.svg").write_text(svg(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
