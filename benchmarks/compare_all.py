"""Side by side in one run: ingram-mock, the thinnest Flask app, WireMock and Prism.

The same wrk load as load.py (warm-up, then `-t2 -c32 -d10s`; GET order details and POST
create v6) against each server in turn, each started on its own loopback port and stopped
by pid before the next starts:
- ingram-mock serve (auth, contract validation, state, the slow-client front: all on);
- the thinnest Flask app on granian (thin_app.py): the framework's floor on this machine
  today, on granian's WSGI interface and behind our RSGI front (the front's own cost);
- a bare RSGI app doing the same parse-and-store (bare_rsgi.py): the stack's ceiling;
- WireMock 3.13 standalone, default settings, two bare stubs answering the bodies
  ingram-mock gave for the same two calls (npm package `wiremock`, which ships the jar;
  installed into benchmarks/.wiremock/, ignored by git; needs Java 11+);
- Prism (`prism mock` on the published spec; see compare_prism.py, which installs it).
Prints every figure, the ratios, and the targets of shared/PERFORMANCE.md.

    .venv/bin/python benchmarks/compare_all.py [--duration 10] [--rounds 3] [--skip prism wiremock]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchlib import (
    COUNTRY,
    CUSTOMER,
    HERE,
    WrkResult,
    check_quiet,
    conditions,
    create_body,
    free_port,
    http,
    order_headers,
    print_results,
    require_wrk,
    spawn,
    start_mock,
    wait_until,
)
from compare_prism import SAMPLE_ORDER, ensure_prism, run_prism
from load import (
    SCENARIOS,
    add_load_options,
    measure,
    measure_bare_rsgi,
    measure_thin_app,
    prepare,
)

WIREMOCK_VERSION = "3.13.2"
WIREMOCK_DIR = HERE / ".wiremock"
P99_TARGET_MS = 25.0
PRISM_FACTOR = 5.0


def ensure_wiremock(version: str) -> Path:
    """The standalone jar from the npm package, installed on first use."""
    jars = sorted(WIREMOCK_DIR.glob(f"node_modules/wiremock/**/wiremock-standalone-{version}.jar"))
    if jars:
        return jars[0]
    if shutil.which("npm") is None:
        sys.exit("npm is not installed: apt-get install -y npm (or install Node.js 18+)")
    print(f"installing wiremock@{version} (npm) into {WIREMOCK_DIR} ...", flush=True)
    WIREMOCK_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [
            *("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"),
            *("--prefix", str(WIREMOCK_DIR), f"wiremock@{version}"),
        ],
        check=True,
        timeout=600,
    )
    jars = sorted(WIREMOCK_DIR.glob(f"node_modules/wiremock/**/wiremock-standalone-{version}.jar"))
    if not jars:
        sys.exit(f"the wiremock npm package holds no wiremock-standalone-{version}.jar")
    return jars[0]


def sample_answers(base_url: str, env: dict[str, str]) -> dict[str, Any]:
    """What ingram-mock answers to the two benchmarked calls: WireMock's stub bodies."""
    headers = order_headers(env["BENCH_TOKEN"])
    _, detail = http(
        "GET", f"{base_url}/resellers/v6.1/orders/{env['BENCH_ORDER']}", headers=headers
    )
    _, created = http(
        "POST", f"{base_url}/resellers/v6/orders", headers=headers, body=create_body("STUB-1")
    )
    return {"get": detail, "create": created}


def _stub(method: str, pattern: str, status: int, body: Any) -> dict[str, Any]:
    return {
        "request": {"method": method, "urlPathPattern": pattern},
        "response": {
            "status": status,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body),
        },
    }


def run_wiremock(
    args: argparse.Namespace, answers: dict[str, Any], scenarios: Sequence[str]
) -> tuple[list[WrkResult], str]:
    if shutil.which("java") is None:
        return [], "java is not installed: WireMock not measured"
    jar = ensure_wiremock(args.wiremock_version)
    root = Path(tempfile.mkdtemp(prefix="bench-wiremock-"))
    (root / "mappings").mkdir()
    (root / "__files").mkdir()
    stubs = {
        "details.json": _stub("GET", "/resellers/v6\\.1/orders/[^/]+", 200, answers["get"]),
        "create.json": _stub("POST", "/resellers/v6/orders", 201, answers["create"]),
    }
    for name, stub in stubs.items():
        (root / "mappings" / name).write_text(json.dumps(stub), encoding="utf-8")
    port = free_port()
    command = ["java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1"]
    server = spawn("wiremock", [*command, "--root-dir", str(root)], cwd=root, port=port)
    try:
        admin = f"{server.base_url}/__admin/mappings"
        wait_until(server, lambda: http("GET", admin, timeout=1)[0] == 200, 90)
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        note = f"WireMock {args.wiremock_version} ({java.stderr.splitlines()[0]}), pid {server.pid}"
        print(f"  {note}", flush=True)
        env = {
            "BENCH_TOKEN": "any",
            "BENCH_ORDER": SAMPLE_ORDER,
            "BENCH_CUSTOMER": CUSTOMER,
            "BENCH_COUNTRY": COUNTRY,
        }
        return measure("wiremock", server.base_url, env, args, scenarios, server.tree()), note
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


Targets = tuple[tuple[str, float], ...]
TARGETS: Targets = (("prism", PRISM_FACTOR), ("wiremock", 1.0), ("thin", 0.5))
# Reported beside the targets: the stack's ceiling, and ingram-mock before this change.
REFERENCES = (("bare", "the bare RSGI ceiling"), ("before", "ingram-mock before"))


def ratio_of(
    results: dict[str, list[WrkResult]], scenarios: Sequence[str], other: str, scenario: str
) -> float | None:
    """ingram-mock's req/s over `other`'s in one run, None when `other` was not measured."""
    ours = dict(zip(scenarios, results["ingram-mock"], strict=True))[scenario]
    theirs = dict(zip(scenarios, results.get(other, []), strict=False)).get(scenario)
    return ours.rps / theirs.rps if theirs is not None and theirs.rps else None


def ratios(results: dict[str, list[WrkResult]], scenarios: Sequence[str]) -> None:
    print()
    print("ratios and targets (shared/PERFORMANCE.md):")
    ours = dict(zip(scenarios, results["ingram-mock"], strict=True))
    for scenario in scenarios:
        mine = ours[scenario]
        parts = [f"{mine.rps:,.0f} req/s, p99 {mine.p99_ms:.1f} ms"]
        for other, target in TARGETS:
            ratio = ratio_of(results, scenarios, other, scenario)
            if ratio is None:
                parts.append(f"{other}: not measured")
                continue
            verdict = "ok" if ratio >= target else "MISS"
            parts.append(f"{ratio:.2f}x {other} (target >= {target:g}x: {verdict})")
        variants = ((v, f"ingram-mock {v}") for v in results if v.startswith("-"))
        for other, label in (*REFERENCES, *variants):
            ratio = ratio_of(results, scenarios, other, scenario)
            if ratio is not None:
                parts.append(f"{ratio:.2f}x {label}")
        verdict = "ok" if mine.p99_ms <= P99_TARGET_MS else "MISS"
        parts.append(f"p99 target <= {P99_TARGET_MS:.0f} ms: {verdict}")
        print(f"  {scenario:<7} " + "; ".join(parts))


def summary(rounds: list[dict[str, list[WrkResult]]], scenarios: Sequence[str]) -> None:
    """Across rounds: the median of each ratio, and in how many rounds it met its target.
    On a shared virtual machine one round can swing by a quarter; the median holds."""
    print()
    print(f"over {len(rounds)} rounds (median ratio, rounds that met the target):")
    for scenario in scenarios:
        parts = []
        for other, target in TARGETS:
            found = [r for r in (ratio_of(x, scenarios, other, scenario) for x in rounds) if r]
            if not found:
                continue
            met = sum(1 for r in found if r >= target)
            parts.append(
                f"{statistics.median(found):.2f}x {other} (>= {target:g}x in {met}/{len(found)})"
            )
        variants = ((v, f"ingram-mock {v}") for v in rounds[0] if v.startswith("-"))
        for other, label in (*REFERENCES, *variants):
            found = [r for r in (ratio_of(x, scenarios, other, scenario) for x in rounds) if r]
            if found:
                parts.append(f"{statistics.median(found):.2f}x {label}")
        ours = [dict(zip(scenarios, x["ingram-mock"], strict=True))[scenario] for x in rounds]
        parts.append(f"p99 max {max(r.p99_ms for r in ours):.1f} ms")
        print(f"  {scenario:<7} " + "; ".join(parts))


def one_round(args: argparse.Namespace, scenarios: Sequence[str]) -> dict[str, list[WrkResult]]:
    """Every server in turn, each started and stopped by pid; prints the table and ratios."""
    results: dict[str, list[WrkResult]] = {}
    server = start_mock(threads=args.threads)
    try:
        print(f"ingram-mock pid {server.pid} on {server.base_url}", flush=True)
        env = prepare(server.base_url)
        answers = sample_answers(server.base_url, env)
        results["ingram-mock"] = measure(
            "ingram-mock", server.base_url, env, args, scenarios, server.tree()
        )
    finally:
        server.stop()
    for variant in args.variant:
        flags = variant.split()
        other = start_mock(threads=args.threads, extra=flags)
        try:
            label = f"ingram-mock {variant}"
            print(f"{label} pid {other.pid}", flush=True)
            env_v = prepare(other.base_url)
            results[variant] = measure(label, other.base_url, env_v, args, scenarios, other.tree())
        finally:
            other.stop()
    if args.before is not None:
        before = start_mock(threads=args.threads, tree=args.before)
        try:
            print(f"ingram-mock (before) pid {before.pid} from {args.before}", flush=True)
            results["before"] = measure(
                "ingram-mock (before)",
                before.base_url,
                prepare(before.base_url),
                args,
                scenarios,
                before.tree(),
            )
        finally:
            before.stop()
    if "thin" not in args.skip:
        results["thin"] = measure_thin_app(args, scenarios)
        results["thin-front"] = measure_thin_app(args, scenarios, front=True)
    if "bare" not in args.skip:
        results["bare"] = measure_bare_rsgi(args, scenarios)
    notes = []
    if "wiremock" not in args.skip:
        results["wiremock"], note = run_wiremock(args, answers, scenarios)
        notes.append(note)
    if "prism" not in args.skip:
        version = ensure_prism(args.prism_version)
        results["prism"], report = run_prism(args, env["BENCH_TOKEN"])
        notes.append(f"Prism {version}: " + report.replace("\n", "; "))
    print()
    for note in notes:
        print(note)
    print_results([r for rows in results.values() for r in rows])
    ratios(results, scenarios)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument("--prism-version", default="5.14", help="npm version spec to install")
    parser.add_argument("--prism-args", nargs="*", default=[], help="extra `prism mock` flags")
    parser.add_argument("--wiremock-version", default=WIREMOCK_VERSION)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["thin", "bare", "wiremock", "prism"],
        help="leave out",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the whole run; prints medians at the end"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="FLAGS",
        help="also serve ingram-mock with these extra serve flags in the same round (e.g. "
        "'--no-journal-bodies'); repeatable",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="also serve ingram-mock from another checkout (e.g. a worktree of the previous "
        "release) in the same round: before and after side by side",
    )
    args = parser.parse_args(argv)
    require_wrk()
    scenarios = [args.only] if args.only else list(SCENARIOS)
    rounds = []
    for number in range(1, args.rounds + 1):
        busy = check_quiet()
        print(f"\n== round {number} of {args.rounds}: CPU busy before start: {busy:.0%}")
        print(f"conditions: {conditions()}")
        print(
            f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s "
            f"after {args.warmup:.0f} s warm-up"
        )
        rounds.append(one_round(args, scenarios))
    if len(rounds) > 1:
        summary(rounds, scenarios)
    bad = any(r.non_2xx or r.socket_errors for x in rounds for r in x["ingram-mock"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
