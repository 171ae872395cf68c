"""Start-up time and idle memory of `ingram-mock serve`.

Start-up: from spawning the process to the first 200 from GET /__admin/health, median of
--runs (default 5). Idle memory: after the first answer and --settle seconds of quiet, the
RSS (and PSS, which splits shared pages fairly) of the whole process tree from /proc:
granian's supervisor plus the worker process that runs the app.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--settle 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from benchlib import (
    check_quiet,
    conditions,
    free_port,
    http,
    memory_kb,
    mock_command,
    spawn,
    wait_until,
)


def one_start(settle: float) -> tuple[float, list[tuple[int, int, int]]]:
    """(seconds to first answer, [(pid, rss KiB, pss KiB)] after settling)."""
    port = free_port()
    server = spawn("ingram-mock", mock_command(port), port=port)
    try:
        url = f"{server.base_url}/__admin/health"
        seconds = wait_until(server, lambda: http("GET", url, timeout=1)[0] == 200)
        time.sleep(settle)
        usage = [(pid, *memory_kb(pid)) for pid in server.tree()]
    finally:
        server.stop()
    return seconds, usage


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=2.0, help="idle seconds before RSS")
    args = parser.parse_args(argv)
    print(f"CPU busy before start: {check_quiet():.0%}; {conditions()}")
    times: list[float] = []
    last: list[tuple[int, int, int]] = []
    for run in range(1, args.runs + 1):
        seconds, usage = one_start(args.settle)
        times.append(seconds)
        last = usage
        rss = sum(u[1] for u in usage) / 1024
        pss = sum(u[2] for u in usage) / 1024
        print(
            f"run {run}: first answer after {seconds * 1000:6.0f} ms; "
            f"tree RSS {rss:5.1f} MiB, PSS {pss:5.1f} MiB ({len(usage)} processes)"
        )
    print()
    print(
        f"start to first answer: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over {len(times)} runs"
    )
    print("idle memory, last run:")
    for index, (pid, rss, pss) in enumerate(last):
        role = "supervisor" if index == 0 else "worker/child"
        print(f"  pid {pid:>7} {role:<13} RSS {rss / 1024:6.1f} MiB  PSS {pss / 1024:6.1f} MiB")
    print(
        f"  tree total              RSS {sum(u[1] for u in last) / 1024:6.1f} MiB  "
        f"PSS {sum(u[2] for u in last) / 1024:6.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
