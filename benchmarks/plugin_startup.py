"""What the pytest plugin costs a test suite: the session start and the per-test reset.

Session start: `IngramMock().start()` as the `ingram_mock_session` fixture runs it (spawn
`ingram-mock serve --port 0 --quiet`, read the banner, first 200 from /__admin/health, the
webhook receiver up and registered), median of --runs. Reset: `mock.reset()` as the
`ingram_mock` fixture runs it before each test (POST /__admin/reset, DELETE and PUT
/__admin/webhooks on one kept-alive connection), over --resets calls, on an empty mock and
after --orders orders. Also the import of the plugin module, which every pytest run pays.

    .venv/bin/python benchmarks/plugin_startup.py [--runs 5] [--resets 300] [--orders 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence

from benchlib import check_quiet, conditions

from mock_server.testing import IngramMock


def place_orders(mock: IngramMock, count: int) -> None:
    body = json.dumps(
        {
            "customerOrderNumber": "PO-B",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
            "additionalAttributes": [
                {"attributeName": "allowDuplicateCustomerOrderNumber", "attributeValue": "true"}
            ],
        }
    ).encode()
    for _ in range(count):
        request = urllib.request.Request(
            f"{mock.url}/resellers/v6/orders",
            data=body,
            method="POST",
            headers={**mock.headers(), "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()


def timed_resets(mock: IngramMock, count: int, orders: int) -> list[float]:
    samples: list[float] = []
    for _ in range(count):
        if orders:
            place_orders(mock, orders)
        started = time.perf_counter()
        mock.reset()
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {ordered[-1] * 1000:.2f} ms ({len(ordered)} resets)"
    )


def plugin_import_ms() -> float:
    """A fresh interpreter's import of the plugin module (pytest itself already loaded)."""
    code = (
        "import time, pytest; t = time.perf_counter(); import mock_server.testing.plugin; "
        "print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="session starts to time")
    parser.add_argument("--resets", type=int, default=300, help="resets to time")
    parser.add_argument("--orders", type=int, default=50, help="orders before each loaded reset")
    args = parser.parse_args(argv)
    print(f"CPU busy before start: {check_quiet():.0%}; {conditions()}")

    starts: list[float] = []
    stops: list[float] = []
    for run in range(1, args.runs + 1):
        mock = IngramMock()
        started = time.perf_counter()
        mock.start()
        starts.append(time.perf_counter() - started)
        try:
            if run == args.runs:  # the last server also serves the reset figures
                empty = timed_resets(mock, args.resets, 0)
                loaded = timed_resets(mock, max(1, args.resets // 10), args.orders)
        finally:
            started = time.perf_counter()
            mock.stop()
            stops.append(time.perf_counter() - started)
        print(
            f"run {run}: session start {starts[-1] * 1000:.0f} ms, stop {stops[-1] * 1000:.0f} ms"
        )
    print()
    print(
        f"session start (spawn to ready and reset): median {statistics.median(starts) * 1000:.0f}"
        f" ms (min {min(starts) * 1000:.0f}, max {max(starts) * 1000:.0f}) over {len(starts)}"
    )
    print(f"session stop (Ctrl-C to exit): median {statistics.median(stops) * 1000:.0f} ms")
    print(f"reset, empty mock: {summary(empty)}")
    print(f"reset after {args.orders} orders: {summary(loaded)}")
    print(f"plugin module import: {plugin_import_ms():.1f} ms (median of 3 fresh interpreters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
