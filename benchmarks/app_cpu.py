"""The app's own CPU per request: the door called with a whole request, as the front calls it.

No HTTP server, no test client: what is left is what the mock itself spends on a POST create v6
(one line, a fresh PO each time) and on a GET details, from the request the front builds
(`ApiRequest`) to the answer's bytes. Thread CPU time, over many short rounds;
the best round is printed, because on a shared virtual machine the slow rounds measure the
neighbours. To compare two checkouts, alternate them a few times and compare the best figures:

    .venv/bin/python benchmarks/app_cpu.py [--requests 1000] [--rounds 30] [--only create]
        [--journal-bodies on|off]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/app_cpu.py
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import orjson

from mock_server.app import DOOR_KEY, create_app
from mock_server.config import Settings
from mock_server.http.messages import ApiRequest

CUSTOMER = "20-222222"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", choices=["create", "get"])
    parser.add_argument(
        "--journal-bodies", choices=["on", "off"], default="on", help="the journal keeps bodies"
    )
    args = parser.parse_args()

    app = create_app(Settings(journal_bodies=args.journal_bodies == "on"))
    client = app.test_client()
    query = "grant_type=client_credentials&client_id=bench&client_secret=pw"
    token = client.get(f"/oauth/oauth20/token?{query}").get_json()["access_token"]
    statuses: list[str] = []

    door = app.extensions[DOOR_KEY]
    headers = {
        "host": "127.0.0.1:8080",
        "authorization": f"Bearer {token}",
        "im-customernumber": CUSTOMER,
        "im-countrycode": "US",
        "im-correlationid": "bench-app-cpu",
        "accept": "*/*",
        "user-agent": "wrk",
    }
    with_body = {**headers, "content-type": "application/json"}

    def call(method: str, path: str, body: bytes = b"") -> bytes:
        answer = door.handle(ApiRequest(method, path, "", with_body if body else headers, body))
        statuses.append(str(answer.status))
        return bytes(answer.body)

    serial = 0

    def create() -> bytes:
        nonlocal serial
        serial += 1
        body = {
            "customerOrderNumber": f"PO-APP-CPU-{serial}",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
        }
        # Bytes of exactly their length, as the front hands the door a body (orjson's keep
        # a 4 KiB buffer, which a journal keeping bodies would hold on to).
        return call("POST", "/resellers/v6/orders", b"".join((orjson.dumps(body), b"")))

    number = orjson.loads(create())["orders"][0]["ingramOrderNumber"]
    scenarios: dict[str, Callable[[], bytes]] = {
        "create": create,
        "get": lambda: call("GET", f"/resellers/v6.1/orders/{number}"),
    }
    expected = {"create": "201", "get": "200"}
    for name, run in scenarios.items():
        if args.only and name != args.only:
            continue
        rounds = []
        for _ in range(args.rounds):
            started = time.thread_time()
            for _ in range(args.requests):
                run()
            rounds.append((time.thread_time() - started) / args.requests * 1e6)
            if not statuses[-1].startswith(expected[name]):
                sys.exit(f"{name} answered {statuses[-1]}: the figures would measure an error")
        rounds.sort()
        label = "POST create v6" if name == "create" else "GET details"
        median = rounds[len(rounds) // 2]
        print(f"{label}: best {rounds[0]:.1f} µs CPU per request, median {median:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
