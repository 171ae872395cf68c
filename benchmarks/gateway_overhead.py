"""Micro-benchmark: what the gateway hooks (rate limits, maintenance check) add per call.

In-process, no server, no socket: (1) `RateLimiter.take` plus writing the three headers,
alone; (2) a GET order details through the Flask test client with the hooks installed and
with them taken out again, interleaved rounds, best of each. Prints CPU microseconds per
call (process time, so other load on the machine disturbs it less).

    .venv/bin/python benchmarks/gateway_overhead.py [--calls 8000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from werkzeug.datastructures import Headers

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.gateway.rate_limits import RateLimiter, RatePolicy


def per_call(fn: Callable[[], object], calls: int) -> float:
    # CPU time of this process, not wall time: on a shared 2-core machine other processes
    # take the CPU in bursts, which wall time would charge to whichever side ran then.
    started = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - started) / calls * 1e6


def limiter_alone(calls: int) -> float:
    limiter = RateLimiter(RatePolicy())
    headers = Headers()

    def one() -> None:
        verdict = limiter.take("c2RrLWNsaWVudA", "GET", "/resellers/v6.1/orders/<ordernumber>")
        for name, value in verdict.headers():
            headers[name] = value

    return per_call(one, calls)


def through_flask(calls: int, rounds: int) -> tuple[float, float]:
    app = create_app(Settings())
    client = app.test_client()
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).get_json()["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": "20-222222",
        "IM-CountryCode": "US",
        "IM-CorrelationID": "bench-1",
    }
    created = client.post(
        "/resellers/v6/orders",
        json={
            "customerOrderNumber": "PO-BENCH",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
        },
        headers=headers,
    ).get_json()
    path = f"/resellers/v6.1/orders/{created['orders'][0]['ingramOrderNumber']}"

    def get() -> None:
        client.get(path, headers=headers)

    hooks = {
        key: list(funcs) for key, funcs in app.before_request_funcs.items()
    }, {key: list(funcs) for key, funcs in app.after_request_funcs.items()}
    gateway = {"count_the_call", "rate_limit_headers", "maintenance_window"}

    def strip() -> None:
        for table in (app.before_request_funcs, app.after_request_funcs):
            for key, funcs in table.items():
                table[key] = [f for f in funcs if f.__name__ not in gateway]

    def restore() -> None:
        for table, saved in zip(
            (app.before_request_funcs, app.after_request_funcs), hooks, strict=True
        ):
            for key, funcs in saved.items():
                table[key] = list(funcs)

    with_hooks, without = [], []
    for _ in range(rounds):
        restore()
        with_hooks.append(per_call(get, calls))
        strip()
        without.append(per_call(get, calls))
    restore()
    return min(with_hooks), min(without)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    alone = min(limiter_alone(args.calls * 5) for _ in range(args.rounds))
    print(f"RateLimiter.take + 3 headers, alone: {alone:.2f} us/call")
    with_hooks, without = through_flask(args.calls // 4, args.rounds)
    extra = with_hooks - without
    print(
        f"GET details via the test client: {with_hooks:.1f} us with the gateway, "
        f"{without:.1f} us without: +{extra:.1f} us ({extra / without:.1%})"
    )


if __name__ == "__main__":
    main()
