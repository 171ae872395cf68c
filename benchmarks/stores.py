"""The state's home side by side: in memory, Redis with one process, Redis with --workers 2.

Starts its own `redis-server` on a free loopback port (no persistence), then for each
target starts `ingram-mock serve`, runs the GET-details and POST-create wrk loads of
load.py, and stops it; Redis is emptied between targets. Redis's own CPU time counts as
the server's (not as "other CPU"). Last, memory per stored order in Redis: INFO memory's
used_memory before and after creating --orders orders over HTTP, divided by their count.

    .venv/bin/python benchmarks/stores.py [--duration 10] [--orders 2000] [--targets ...]
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from benchlib import (
    WrkResult,
    check_quiet,
    conditions,
    create_order,
    free_port,
    get_token,
    print_results,
    require_wrk,
    start_mock,
)
from load import add_load_options, measure, prepare

TARGETS = {
    "memory": [],
    "redis-1": ["--workers", "1"],
    "redis-2": ["--workers", "2"],
}


class RedisServer:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = tempfile.mkdtemp(prefix="bench-redis-")
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self.workdir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        self.client: Any = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def measure_target(
    name: str, extra: Sequence[str], redis: RedisServer, args: argparse.Namespace
) -> list[WrkResult]:
    store = [] if name == "memory" else ["--store", redis.url]
    redis.client.flushall()
    server = start_mock(threads=args.threads, extra=[*store, *extra])
    try:
        pids = server.tree()
        if name != "memory":
            pids = [*pids, redis.process.pid]
        print(f"{name}: ingram-mock pid {server.pid} on {server.base_url}", flush=True)
        env = prepare(server.base_url)
        scenarios = [args.only] if args.only else ["get", "create"]
        return measure(name, server.base_url, env, args, scenarios, pids)
    finally:
        server.stop()


def memory_per_order(redis: RedisServer, count: int) -> tuple[int, float]:
    """(orders created, bytes of Redis memory per order)."""
    redis.client.flushall()
    server = start_mock(extra=["--store", redis.url])
    try:
        token = get_token(server.base_url)
        create_order(server.base_url, token, "WARM-UP")  # keys and scripts exist before
        before = redis.used_memory()
        run = secrets.token_hex(3)
        for i in range(count):
            create_order(server.base_url, token, f"MEM-{run}-{i}")
        after = redis.used_memory()
    finally:
        server.stop()
    return count, (after - before) / count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser)
    parser.add_argument("--orders", type=int, default=2000, help="orders for the memory figure")
    parser.add_argument(
        "--targets", nargs="+", choices=list(TARGETS), default=list(TARGETS), help="what to run"
    )
    args = parser.parse_args(argv)
    require_wrk()
    busy = check_quiet()
    print(f"CPU busy before start: {busy:.0%}")
    print(f"conditions: {conditions()}")
    print(
        f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s "
        f"after {args.warmup:.0f} s warm-up; server blocking threads: {args.threads}"
    )
    redis = RedisServer()
    try:
        version = redis.client.info("server")["redis_version"]
        print(f"redis-server {version} pid {redis.process.pid} on {redis.url}")
        results: list[WrkResult] = []
        for name in args.targets:
            results += measure_target(name, TARGETS[name], redis, args)
        count, per_order = memory_per_order(redis, args.orders) if args.orders else (0, 0.0)
    finally:
        redis.stop()
    print_results(results)
    if count:
        print(f"\nRedis memory per stored order: {per_order:,.0f} B (used_memory delta / {count})")
    return 1 if any(r.non_2xx or r.socket_errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
