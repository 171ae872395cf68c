"""Side by side in one run: ingram-mock and Prism (`prism mock` on Ingram's published spec).

Installs @stoplight/prism-cli with npm into benchmarks/.prism/ (ignored by git) unless it is
there already, then runs the same wrk load as load.py (warm-up, then `-t2 -c32 -d10s`, GET
order details and POST create v6) first against ingram-mock, then against Prism, each
started on its own loopback port and stopped by pid before the next one starts. Prints both,
the ratios, and the targets from shared/PERFORMANCE.md.

    .venv/bin/python benchmarks/compare_prism.py [--duration 10] [--prism-version 5.14]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Sequence

from benchlib import (
    COUNTRY,
    CUSTOMER,
    HERE,
    REPO,
    Server,
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
from load import SCENARIOS, add_load_options, measure, prepare

PRISM_DIR = HERE / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
SPEC = REPO.parent / "shared" / "reference" / "XI-Resellers-API-Spec.json"
SAMPLE_ORDER = "20-RD3QV"  # the spec's own example order number
# From shared/PERFORMANCE.md: WireMock 3.13 defaults, measured on this kind of machine.
WIREMOCK_RPS = {"get": 3800, "create": 4300}
P99_TARGET_MS = 25.0
PRISM_FACTOR = 5.0


def ensure_prism(version: str) -> str:
    """The installed Prism's version, installing the requested one when absent or different."""
    installed = _prism_version()
    if installed and installed.startswith(version):
        return installed
    if shutil.which("npm") is None:
        sys.exit("npm is not installed: apt-get install -y npm (or install Node.js 18+)")
    print(f"installing @stoplight/prism-cli@{version} into {PRISM_DIR} ...", flush=True)
    PRISM_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
            str(PRISM_DIR),
            f"@stoplight/prism-cli@{version}",
        ],
        check=True,
        timeout=600,
    )
    return _prism_version() or "unknown"


def _prism_version() -> str:
    if not PRISM_BIN.exists():
        return ""
    answer = subprocess.run(
        [str(PRISM_BIN), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return answer.stdout.strip()


def probe(server: Server, token: str) -> tuple[int, int, str]:
    """One GET and one POST as the wrk scripts send them: (GET status, POST status, note)."""
    headers = order_headers(token)
    get_status, get_body = http(
        "GET", f"{server.base_url}/resellers/v6.1/orders/{SAMPLE_ORDER}", headers=headers
    )
    post_status, post_body = http(
        "POST", f"{server.base_url}/resellers/v6/orders", headers=headers, body=create_body("P-1")
    )
    note = ""
    for status, body in ((get_status, get_body), (post_status, post_body)):
        if not 200 <= status <= 299:
            note += f" {status}: {json.dumps(body)[:300]}"
    return get_status, post_status, note.strip()


def start_prism(extra: Sequence[str]) -> Server:
    port = free_port()
    command = [str(PRISM_BIN), "mock", "-h", "127.0.0.1", "-p", str(port), *extra, str(SPEC)]
    server = spawn("prism", command, cwd=PRISM_DIR, port=port)
    try:
        # Any HTTP answer means it is listening; correctness is checked by `probe`.
        wait_until(server, lambda: http("GET", f"{server.base_url}/", timeout=1)[0] > 0, 90)
    except BaseException:
        server.stop()
        raise
    return server


def run_prism(args: argparse.Namespace, token: str) -> tuple[list[WrkResult], str]:
    """Measure Prism, falling back to more permissive flags if it refuses the spec."""
    attempts = [list(args.prism_args), ["--errors=false"], ["--errors=false", "--dynamic"]]
    report: list[str] = []
    for extra in attempts:
        label = f"prism mock {' '.join(extra)}".strip()
        try:
            server = start_prism(extra)
        except RuntimeError as error:
            report.append(f"`{label}` did not start: {str(error)[:500]}")
            print(f"  {report[-1]}", flush=True)
            continue
        try:
            get_status, post_status, note = probe(server, token)
            report.append(
                f"`{label}`: started, probe GET -> {get_status}, POST -> {post_status}"
                + (f" ({note})" if note else "")
            )
            print(f"  prism pid {server.pid}: {report[-1]}", flush=True)
            if not (200 <= get_status <= 299 and 200 <= post_status <= 299):
                continue
            env = {
                "BENCH_TOKEN": token,
                "BENCH_ORDER": SAMPLE_ORDER,
                "BENCH_CUSTOMER": CUSTOMER,
                "BENCH_COUNTRY": COUNTRY,
            }
            results = measure("prism", server.base_url, env, args, _scenarios(args), server.tree())
            return results, "\n".join(report)
        finally:
            server.stop()
    return [], "\n".join(report)


def _scenarios(args: argparse.Namespace) -> list[str]:
    return [args.only] if args.only else list(SCENARIOS)


def verdict(
    mock: Sequence[WrkResult], prism: Sequence[WrkResult], scenarios: Sequence[str]
) -> None:
    print()
    print("against the targets (shared/PERFORMANCE.md):")
    by_prism = dict(zip(scenarios, prism, strict=False))
    for scenario, ours in zip(scenarios, mock, strict=True):
        theirs = by_prism.get(scenario)
        ratio = ours.rps / theirs.rps if theirs and theirs.rps else 0.0
        wiremock = WIREMOCK_RPS[scenario]
        checks = [
            f"{ratio:.1f}x Prism (target >= {PRISM_FACTOR:.0f}x): "
            + ("ok" if ratio >= PRISM_FACTOR else "MISS")
            if theirs
            else "Prism: not measured",
            f"{ours.rps:,.0f} req/s vs WireMock ~{wiremock:,}: "
            + ("ok" if ours.rps >= wiremock else "MISS"),
            f"p99 {ours.p99_ms:.1f} ms (target <= {P99_TARGET_MS:.0f}): "
            + ("ok" if ours.p99_ms <= P99_TARGET_MS else "MISS"),
        ]
        print(f"  {scenario:<7} " + "; ".join(checks))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument("--prism-version", default="5.14", help="npm version spec to install")
    parser.add_argument(
        "--prism-args", nargs="*", default=[], help="extra `prism mock` flags for the first try"
    )
    args = parser.parse_args(argv)
    require_wrk()
    busy = check_quiet()
    if not SPEC.exists():
        sys.exit(f"the published spec is not at {SPEC}")
    version = ensure_prism(args.prism_version)
    print(f"CPU busy before start: {busy:.0%}")
    print(f"conditions: {conditions()}, Prism {version}, node {_node_version()}")
    print(
        f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s "
        f"after {args.warmup:.0f} s warm-up; ingram-mock blocking threads: {args.threads}"
    )
    scenarios = _scenarios(args)
    server = start_mock(threads=args.threads)
    try:
        print(f"ingram-mock pid {server.pid} on {server.base_url}", flush=True)
        env = prepare(server.base_url)
        mock = measure("ingram-mock", server.base_url, env, args, scenarios, server.tree())
    finally:
        server.stop()
    prism, report = run_prism(args, env["BENCH_TOKEN"])
    print()
    print("Prism:")
    print("  " + report.replace("\n", "\n  "))
    print_results([*mock, *prism])
    verdict(mock, prism, scenarios)
    return 1 if any(r.non_2xx or r.socket_errors for r in mock) else 0


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "absent"
    answer = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return answer.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
