"""In-process (no HTTP): memory per stored order, and customer-scoped search latency.

1. Creates --orders orders (default 100k) through `OrderService.create`, the way the HTTP
   layer does (a JSON body decoded by orjson, then `parse_create`): 1-3 lines from the
   catalog, about 1000 customers in six countries, 10 % placed on hold, half with a
   ship-to address, spread over --days of mock time with the background settle
   (`run_due`) every 1000 orders, so stored orders carry shipments as in a long-lived mock.
   Reports the RSS growth per order, then a tracemalloc count of live bytes per order on a
   separate sample (--traced orders) with the top allocation sites.
2. With all those orders stored, times customer-scoped searches (`OrderService.search`
   alone, and with the page rendered by `render.search_response`): p50/p99 per criteria mix.

    .venv/bin/python benchmarks/memory.py [--orders 1000000] [--queries 300]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from benchlib import check_quiet, conditions

from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.domain.commands import Caller
from mock_server.http.parse import parse_create, parse_search
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.wire import answers as render

REPO = Path(__file__).resolve().parents[1]

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Country mix of the simulated customer base (US-heavy, like the real API's traffic).
COUNTRIES = ("US",) * 7 + ("CA", "GB", "ES", "AU")
CITIES = ("Irvine", "Buffalo", "Toronto", "Madrid", "Leeds", "Perth", "Austin", "Denver")


class GcWatch:
    """Pauses of Python's cyclic garbage collector, per generation, while active."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> str:
        parts = []
        for generation, pauses in self.pauses.items():
            if pauses:
                parts.append(
                    f"gen{generation}: {len(pauses)} runs, longest {max(pauses) * 1000:.1f} ms"
                )
        return "; ".join(parts) or "no collections"


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class Population:
    """Deterministic customers, parts and request bodies."""

    customers: list[Caller]
    parts: list[str]
    rng: random.Random

    @classmethod
    def make(cls, services: MockServices, customers: int, seed: int) -> Population:
        rng = random.Random(seed)
        callers = [Caller(f"20-{100000 + i}", rng.choice(COUNTRIES)) for i in range(customers)]
        parts = services.catalog.part_numbers()
        return cls(callers, parts, rng)

    def body(self, index: int) -> dict[str, Any]:
        rng = self.rng
        body: dict[str, Any] = {
            "customerOrderNumber": f"PO-{index:08d}",
            "lines": [
                {
                    "customerLineNumber": str(n),
                    "ingramPartNumber": rng.choice(self.parts),
                    "quantity": rng.choice((1, 1, 1, 2, 2, 3, 5, 10)),
                }
                for n in range(1, rng.randint(1, 3) + 1)
            ],
        }
        if rng.random() < 0.1:
            body["additionalAttributes"] = [
                {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
            ]
        if rng.random() < 0.5:
            body["shipToInfo"] = {
                "contact": f"Receiving {index % 97}",
                "companyName": f"Customer Site {index % 1013}",
                "addressLine1": f"{index % 9000 + 100} Commerce Way",
                "city": rng.choice(CITIES),
                "postalCode": f"{index % 90000 + 10000}",
                "countryCode": "US",
            }
        return body


def create_orders(
    services: MockServices,
    people: Population,
    clock: FrozenClock,
    count: int,
    days: float,
    first_index: int = 0,
) -> None:
    step = days * 86_400 / max(count, 1)
    service = services.orders
    for i in range(first_index, first_index + count):
        caller = people.rng.choice(people.customers)
        # As over HTTP: a fresh JSON document, decoded, then parsed into a command.
        command = parse_create(orjson.loads(orjson.dumps(people.body(i))))
        service.create(caller, command)
        clock.advance(step)
        if i % 1000 == 999:
            service.run_due()
    service.run_due()


def build(customers: int, seed: int) -> tuple[MockServices, FrozenClock, Population]:
    base = FrozenClock(START)
    services = build_services(Settings(), clock=AdjustableClock(base))
    return services, base, Population.make(services, customers, seed)


def short_path(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(REPO)) if REPO in path.parents else path.name


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def search_mixes(people: Population, services: MockServices) -> dict[str, Callable[[], Any]]:
    """Query builders: each returns (caller, query dict as the HTTP layer would pass it)."""
    rng = people.rng
    today = services.clock.now().date()

    def existing_po(caller: Caller) -> str:
        mine = services.store.for_customer(caller.customer_number)
        return rng.choice(mine).customer_order_number if mine else "PO-NONE"

    def pick() -> Caller:
        return rng.choice(people.customers)

    def no_filter() -> tuple[Caller, dict[str, Any]]:
        return pick(), {}

    def by_po() -> tuple[Caller, dict[str, Any]]:
        caller = pick()
        return caller, {"customerOrderNumber": existing_po(caller)}

    def shipped() -> tuple[Caller, dict[str, Any]]:
        return pick(), {"orderStatus": "SHIPPED"}

    def held_or_backordered() -> tuple[Caller, dict[str, Any]]:
        return pick(), {"orderStatus-in": ["ON HOLD", "BACKORDERED"]}

    def status_and_dates() -> tuple[Caller, dict[str, Any]]:
        week = [(today - timedelta(days=7)).isoformat(), today.isoformat()]
        return pick(), {"orderStatus": "SHIPPED", "ingramOrderDate-bt": week}

    def by_part() -> tuple[Caller, dict[str, Any]]:
        return pick(), {"ingramPartNumber": rng.choice(people.parts), "pageSize": 100}

    return {
        "no filter (page 1 of 25)": no_filter,
        "customerOrderNumber": by_po,
        "orderStatus=SHIPPED": shipped,
        "orderStatus-in ON HOLD,BACKORDERED": held_or_backordered,
        "SHIPPED + last 7 days": status_and_dates,
        "ingramPartNumber, pageSize 100": by_part,
    }


def time_searches(
    services: MockServices, people: Population, queries: int
) -> list[tuple[str, float, float, float, float, float]]:
    rows = []
    services.clock.now()
    for name, make in search_mixes(people, services).items():
        domain: list[float] = []
        rendered: list[float] = []
        found: list[int] = []
        for _ in range(queries):
            caller, query = make()
            started = time.perf_counter()
            page = services.orders.search(caller, parse_search(query))
            middle = time.perf_counter()
            render.search_response(page, None, None)
            ended = time.perf_counter()
            domain.append((middle - started) * 1000)
            rendered.append((ended - started) * 1000)
            found.append(page.records_found)
        rows.append(
            (
                name,
                statistics.median(domain),
                percentile(domain, 99),
                statistics.median(rendered),
                percentile(rendered, 99),
                statistics.mean(found),
            )
        )
    return rows


def profile_searches(services: MockServices, people: Population, queries: int) -> None:
    """cProfile over the search mixes: where a customer-scoped search spends its time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    time_searches(services, people, queries)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print("search profile (cProfile, own time; inflates call-heavy code), top 15:")
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    entries = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)
    total = sum(v[2] for _, v in entries)
    for (filename, lineno, func), (_, calls, own, cumulative, _) in entries[:15]:
        print(
            f"  {100 * own / total:5.1f}% own {cumulative:7.3f} s cum {calls:>10,} calls  "
            f"{short_path(filename)}:{lineno} {func}"
        )


def traced_sample(count: int, customers: int, seed: int, days: float) -> None:
    """Live bytes per order by tracemalloc on a fresh store, with the top allocation sites."""
    services, clock, people = build(customers, seed + 1)
    gc.collect()
    tracemalloc.start(1)
    before = tracemalloc.take_snapshot()
    create_orders(services, people, clock, count, days)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(
        f"tracemalloc, {count:,} orders on a fresh store: {total / count:,.0f} live bytes per order"
    )
    print("  top allocation sites still alive (bytes per order):")
    for stat in stats[:15]:
        frame = stat.traceback[0]
        print(f"    {stat.size_diff / count:8,.0f}  {short_path(frame.filename)}:{frame.lineno}")
    del services


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders stored in total")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--days", type=float, default=30, help="mock time the orders span")
    parser.add_argument("--queries", type=int, default=300, help="searches per criteria mix")
    parser.add_argument("--traced", type=int, default=20_000, help="tracemalloc sample size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile-search", action="store_true", help="cProfile the searches afterwards"
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after creating, before searching"
    )
    args = parser.parse_args(argv)
    print(f"CPU busy before start: {check_quiet():.0%}; {conditions()}")
    began = time.perf_counter()

    services, clock, people = build(args.customers, args.seed)
    gc.collect()
    idle = rss_bytes()
    started = time.perf_counter()
    with GcWatch() as creating:
        create_orders(services, people, clock, args.orders, args.days)
    created_in = time.perf_counter() - started
    gc.collect()
    grown = rss_bytes() - idle
    counts = [len(services.store.for_customer(c.customer_number)) for c in people.customers]
    lines = sum(len(o.lines) for o in services.store)  # type: ignore[attr-defined]
    print(
        f"created {args.orders:,} orders ({lines / args.orders:.2f} lines each) for "
        f"{args.customers} customers in {created_in:.1f} s "
        f"({args.orders / created_in:,.0f} creates/s, single thread)"
    )
    print(
        f"orders per customer: min {min(counts)}, median {statistics.median(counts):.0f}, "
        f"max {max(counts)}"
    )
    print(
        f"RSS: idle {idle / 2**20:.1f} MiB, +{grown / 2**20:.1f} MiB with the orders "
        f"= {grown / args.orders:,.0f} bytes per order (target <= 2,048)"
    )
    print(f"GC pauses while creating: {creating.summary()}")
    if args.gc_freeze:
        gc.freeze()  # what a server could do once its heap is big: move it out of GC's sight
        print(f"gc.freeze(): {gc.get_freeze_count():,} objects moved to the permanent generation")

    print()
    with GcWatch() as searching:
        rows = time_searches(services, people, args.queries)
    print(f"customer-scoped search, {args.orders:,} orders stored, {args.queries} queries each")
    print(
        f"{'criteria':<36} {'p50 ms':>7} {'p99 ms':>7} {'+render p50':>11} "
        f"{'+render p99':>11} {'avg found':>9}"
    )
    for name, d50, d99, r50, r99, found in rows:
        print(f"{name:<36} {d50:>7.2f} {d99:>7.2f} {r50:>11.2f} {r99:>11.2f} {found:>9.1f}")
    worst = max(r[2] for r in rows)
    print(f"worst domain p99: {worst:.2f} ms (target < 10 ms at 1M orders)")
    print(f"GC pauses during the searches: {searching.summary()}")
    if args.profile_search:
        print()
        profile_searches(services, people, max(1, args.queries // 5))

    print()
    if args.traced:
        gc.unfreeze()
        del services
        gc.collect()
        traced_sample(args.traced, args.customers, args.seed, args.days)
    print(f"\ntotal run time {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
