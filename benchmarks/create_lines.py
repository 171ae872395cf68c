"""Create cost against the number of lines: linear, or not (issue 9, defect 4).

In-process, no server: the domain use case (`OrderService.create`) with 100 to 10,000 lines
(past the 884-line request bound, which the HTTP layer enforces), and the whole HTTP create
through the Flask test client up to the bound. Prints milliseconds per create and
microseconds per line: a flat per-line figure is linear. Run by hand; ~10 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchlib import conditions  # noqa: E402

from mock_server.app import create_app  # noqa: E402
from mock_server.config import Settings  # noqa: E402
from mock_server.domain.commands import Caller, CreateOrder, LineRequest  # noqa: E402
from mock_server.domain.service import OrderService  # noqa: E402
from mock_server.rehearsal.clock import FrozenClock  # noqa: E402
from mock_server.store.fixtures import load_catalog, load_regions  # noqa: E402
from mock_server.store.memory import InMemoryOrderStore  # noqa: E402

PARTS = ("2GZ200", "DF4128", "1C6094")
ME = Caller("20-222222", "US")


def time_domain(count: int, runs: int) -> float:
    fixtures = Settings().fixtures_dir
    service = OrderService(
        InMemoryOrderStore(), load_catalog(fixtures), load_regions(fixtures), FrozenClock()
    )
    lines = tuple(LineRequest(str(i), PARTS[i % 3], 1) for i in range(1, count + 1))
    samples = []
    for run in range(runs):
        command = CreateOrder(f"PO-{count}-{run}", lines)
        started = time.perf_counter()
        service.create(ME, command)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def time_http(count: int, runs: int) -> float:
    client = create_app(Settings(require_auth=False)).test_client()
    headers = {"IM-CustomerNumber": "20-222222", "IM-CountryCode": "US", "IM-CorrelationID": "b"}
    lines = [
        {"customerLineNumber": str(i), "ingramPartNumber": PARTS[i % 3], "quantity": 1}
        for i in range(1, count + 1)
    ]
    samples = []
    for run in range(runs):
        body = {"customerOrderNumber": f"PO-{count}-{run}", "lines": lines}
        started = time.perf_counter()
        answer = client.post("/resellers/v6/orders", json=body, headers=headers)
        samples.append(time.perf_counter() - started)
        assert answer.status_code == 201, answer.get_data()[:200]
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="creates per size (median kept)")
    args = parser.parse_args()
    print(conditions())
    print(f"{'what':<12} {'lines':>6} {'ms/create':>10} {'us/line':>8}")
    for what, timer, counts in (
        ("domain", time_domain, (100, 1000, 2500, 5000, 10000)),
        ("http create", time_http, (10, 100, 400, 884)),
    ):
        for count in counts:
            seconds = timer(count, args.runs)
            per_line = seconds / count * 1e6
            print(f"{what:<12} {count:>6} {seconds * 1e3:>10.1f} {per_line:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
