"""In-process (no socket): how long the dashboard's pages take with many orders stored.

Creates --orders orders (default 100k) through `OrderService.create`, spread over
--customers customers (the first customer gets a tenth of them), then renders through the
test client, --renders times each: the overview (first customer page, that customer's
first and last order page), the last customer page, one order's page (timeline, lines and
its details answer), and the request log with a full journal (the default 1,000 entries,
details answers of ~1.3 KB each: all of them, one filter, and a live update with nothing new).
Prints p50/max per page, with the same figures at 100 orders stored for comparison: a
page that cost more as orders grow would walk them.

    .venv/bin/python benchmarks/dashboard_scale.py [--orders 100000] [--renders 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchlib import conditions

from mock_server.app import create_app
from mock_server.bootstrap import build_services
from mock_server.config import Settings
from mock_server.domain.commands import Caller
from mock_server.http.parse import parse_create
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock

BODY = {
    "customerOrderNumber": "",
    "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2}],
}


def fill(orders: int, customers: int) -> tuple[Callable[[str], float], str, str, int, int]:
    clock = AdjustableClock(FrozenClock())
    settings = Settings()
    services = build_services(settings, clock=clock)
    client = create_app(settings, clock=clock, services=services).test_client()
    big = f"20-{100000:06d}"
    last_number = ""
    for i in range(orders):
        customer = big if i % 10 == 0 else f"20-{100001 + i % customers:06d}"
        command = parse_create({**BODY, "customerOrderNumber": f"PO-{i}"})
        result = services.orders.create(Caller(customer, "US"), command)
        if customer == big:
            last_number = result.order.number
        if i % 5000 == 0:
            clock.advance(600)
            services.orders.run_due()

    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).get_json()["access_token"]
    for i in range(settings.journal_size):  # the journal full, every entry with bodies
        headers = {
            "Authorization": f"Bearer {token}",
            "IM-CustomerNumber": big,
            "IM-CountryCode": "US",
            "IM-CorrelationID": f"bench-{i}",
        }
        client.get(f"/resellers/v6.1/orders/{last_number}", headers=headers).close()
    last_id = services.journal.entries()[-1].id

    def render(path: str) -> float:
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (path, answer.status_code)
        return elapsed * 1000

    return render, big, last_number, len(services.store), last_id


def measure(orders: int, customers: int, renders: int) -> None:
    started = time.perf_counter()
    render, big, number, stored, last_id = fill(orders, customers)
    filled = time.perf_counter() - started
    last_page = -(-(orders // 10) // 25)
    customer_pages = -(-min(customers + 1, orders) // 25)
    pages = {
        "overview (customer page 1, orders page 1)": f"/__admin/ui?customer={big}",
        f"orders page {last_page} of the big customer": (
            f"/__admin/ui?customer={big}&page={last_page}"
        ),
        f"customer page {customer_pages}": f"/__admin/ui?cpage={customer_pages}",
        "one order's page (timeline, lines, details)": f"/__admin/ui/orders/{number}",
        "request log (50 of 1,000 entries)": "/__admin/ui/requests",
        "request log, one correlation id": "/__admin/ui/requests?correlationId=bench-7",
        "request log live update, nothing new": f"/__admin/ui/requests/newer?since={last_id}",
    }
    print(f"\n{stored} orders stored ({customers} customers; filled in {filled:.1f} s)")
    for name, path in pages.items():
        render(path)  # warm
        times = sorted(render(path) for _ in range(renders))
        print(f"  {name:48s} p50 {statistics.median(times):6.2f} ms   max {times[-1]:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args()
    print(conditions())
    measure(100, min(args.customers, 50), args.renders)
    measure(args.orders, args.customers, args.renders)


if __name__ == "__main__":
    main()
