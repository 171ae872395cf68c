"""HTTP load on the real server: GET order details and POST create v6 under wrk.

Starts `ingram-mock serve` on a free loopback port, gets a token, creates the order the GET
load reads, then for each scenario runs a warm-up and a measured wrk run (`-t2 -c32 -d10s`
by default) and prints req/s, p50/p99 latency and the non-2xx count (which must be 0).
With --calibrate, the thinnest Flask app (thin_app.py) gets the same load in the same run.

    .venv/bin/python benchmarks/load.py [--duration 10] [--connections 32] [--threads 1]
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence

from benchlib import (
    COUNTRY,
    CUSTOMER,
    HERE,
    WrkResult,
    check_quiet,
    conditions,
    create_order,
    free_port,
    get_token,
    http,
    print_results,
    require_wrk,
    run_wrk,
    spawn,
    start_mock,
    wait_until,
)

SCENARIOS = ("get", "create")


def prepare(base_url: str) -> dict[str, str]:
    """A token and one order to read: the environment the Lua scripts expect."""
    token = get_token(base_url)
    order = create_order(base_url, token, f"BENCH-GET-{secrets.token_hex(3)}")
    return {
        "BENCH_TOKEN": token,
        "BENCH_ORDER": order,
        "BENCH_CUSTOMER": CUSTOMER,
        "BENCH_COUNTRY": COUNTRY,
    }


def measure(
    name: str,
    base_url: str,
    env: dict[str, str],
    args: argparse.Namespace,
    scenarios: Sequence[str] = SCENARIOS,
    pids: Sequence[int] = (),
) -> list[WrkResult]:
    """Warm-up then measured run for each scenario against one server (`pids`: its tree)."""
    results = []
    for scenario in scenarios:
        script = "get_order.lua" if scenario == "get" else "create_order.lua"
        label = f"{name} {'GET details' if scenario == 'get' else 'POST create v6'}"
        for phase, seconds in (("warm-up", args.warmup), ("measure", args.duration)):
            run_env = {**env, "BENCH_RUN": secrets.token_hex(3)}
            print(f"  {label}: {phase} {seconds:.0f} s ...", flush=True)
            result = run_wrk(
                label,
                base_url,
                script,
                run_env,
                threads=args.wrk_threads,
                connections=args.connections,
                duration=seconds,
                server_pids=pids,
            )
        results.append(result)
    return results


def add_load_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--threads", type=int, default=1, help="server blocking threads")
    parser.add_argument("--only", choices=SCENARIOS, help="run one scenario")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="also measure the thinnest Flask app on granian (thin_app.py) in the same run",
    )


def measure_bare_rsgi(args: argparse.Namespace, scenarios: Sequence[str]) -> list[WrkResult]:
    """The stack's ceiling: a bare RSGI app doing the same parse-and-store (bare_rsgi.py)."""
    port = free_port()
    command = [sys.executable, str(HERE / "bare_rsgi.py"), "--port", str(port)]
    server = spawn("bare-rsgi", command, cwd=HERE, port=port)
    try:
        wait_until(server, lambda: http("GET", f"{server.base_url}/__admin/health")[0] == 200)
        print(f"bare RSGI app pid {server.pid} on {server.base_url}", flush=True)
        env = prepare(server.base_url)
        return measure("bare RSGI app", server.base_url, env, args, scenarios, server.tree())
    finally:
        server.stop()


def measure_thin_app(
    args: argparse.Namespace, scenarios: Sequence[str], *, front: bool = False
) -> list[WrkResult]:
    """The framework's floor on this machine today, under the same load (`front`: served
    through ingram-mock's RSGI front instead of granian's WSGI interface)."""
    port = free_port()
    command = [sys.executable, str(HERE / "thin_app.py"), "--port", str(port)]
    command += ["--front"] if front else ["--threads", str(args.threads)]
    server = spawn("thin-app", command, cwd=HERE, port=port)
    try:
        wait_until(server, lambda: http("GET", f"{server.base_url}/__admin/health")[0] == 200)
        print(f"thin Flask app pid {server.pid} on {server.base_url}", flush=True)
        env = prepare(server.base_url)
        name = "thin Flask, front" if front else "thin Flask app"
        return measure(name, server.base_url, env, args, scenarios, server.tree())
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    args = parser.parse_args(argv)
    require_wrk()
    busy = check_quiet()
    print(f"CPU busy before start: {busy:.0%}")
    print(f"conditions: {conditions()}")
    print(
        f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s "
        f"after {args.warmup:.0f} s warm-up; server blocking threads: {args.threads}"
    )
    scenarios = [args.only] if args.only else SCENARIOS
    server = start_mock(threads=args.threads)
    try:
        print(f"ingram-mock pid {server.pid} on {server.base_url}")
        env = prepare(server.base_url)
        results = measure("ingram-mock", server.base_url, env, args, scenarios, server.tree())
    finally:
        server.stop()
    if args.calibrate:
        results += measure_thin_app(args, scenarios)
    print_results(results)
    return 1 if any(r.non_2xx or r.socket_errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
