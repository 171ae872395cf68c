"""CPU time per request, in process: POST create v6 and GET details through the app.

The figure is the calling thread's CPU time (`time.thread_time`), so it holds when other
work shares the machine, unlike req/s under wrk. It measures the app (auth, contract
check, use case, rendering), not the HTTP server. Run it against any checkout of the
project, to compare two commits on a busy machine:

    .venv/bin/python benchmarks/cpu_per_request.py [--requests 3000] [--rounds 5]
    PYTHONPATH=/path/to/other/checkout /path/to/other/.venv/bin/python benchmarks/cpu_per_request.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from mock_server.app import create_app
from mock_server.config import Settings

HEADERS = {
    "IM-CustomerNumber": "20-222222",
    "IM-CountryCode": "US",
    "IM-CorrelationID": "bench-cpu",
    "Content-Type": "application/json",
}


def body(i: int) -> dict[str, Any]:
    return {
        "customerOrderNumber": f"PO-CPU-{i}",
        "lines": [
            {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2},
            {"customerLineNumber": "2", "ingramPartNumber": "DF4128", "quantity": 1},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    client = create_app(Settings()).test_client()
    query = "grant_type=client_credentials&client_id=bench&client_secret=pw"
    token = client.get(f"/oauth/oauth20/token?{query}").get_json()["access_token"]
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    create_us: list[float] = []
    get_us: list[float] = []
    serial = 0
    for _ in range(args.rounds):
        numbers = []
        started = time.thread_time()
        for _ in range(args.requests):
            serial += 1
            answer = client.post("/resellers/v6/orders", json=body(serial), headers=headers)
            numbers.append(answer.get_json()["orders"][0]["ingramOrderNumber"])
        create_us.append((time.thread_time() - started) / args.requests * 1e6)
        started = time.thread_time()
        for number in numbers:
            client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
        get_us.append((time.thread_time() - started) / args.requests * 1e6)
        client.post("/__admin/reset", json={})
    print(f"POST create v6: median {statistics.median(create_us):.0f} µs CPU per request "
          f"(rounds: {', '.join(f'{v:.0f}' for v in create_us)})")
    print(f"GET details:    median {statistics.median(get_us):.0f} µs CPU per request "
          f"(rounds: {', '.join(f'{v:.0f}' for v in get_us)})")


if __name__ == "__main__":
    main()
