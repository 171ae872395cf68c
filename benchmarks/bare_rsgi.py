"""Ceiling: a bare RSGI app on granian and rloop (the server and loop `ingram-mock serve`
runs), doing the least the benchmarked calls need: a bearer check, POST parses the body with
orjson and stores it under a new number, GET answers a fixed JSON body for a stored number.

PERFORMANCE.md measured such an app at 76,700 GET / 45,000 POST req/s: what this stack can do
when the framework costs nothing. compare_all.py measures it in the same run as ingram-mock.

    .venv/bin/python benchmarks/bare_rsgi.py --port 8098     # serves until Ctrl-C
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from typing import Any

import orjson

TOKEN = b"Bearer bare-token"
_JSON = [("content-type", "application/json")]


class BareApp:
    def __init__(self) -> None:
        self.orders: dict[str, Any] = {}
        self.numbers = itertools.count(1)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        path = scope.path
        if path == "/__admin/health":
            protocol.response_bytes(200, _JSON, b'{"status":"ok"}')
            return
        if path == "/oauth/oauth20/token":
            body = b'{"access_token":"bare-token","token_type":"Bearer","expires_in":"86399"}'
            protocol.response_bytes(200, _JSON, body)
            return
        if scope.headers.get("authorization", "").encode() != TOKEN:
            protocol.response_bytes(401, _JSON, b'{"error":"unauthorized"}')
            return
        if scope.method == "POST" and path == "/resellers/v6/orders":
            order = orjson.loads(await protocol())
            number = f"20-{next(self.numbers):05d}"
            self.orders[number] = order
            answer = {"orders": [{"ingramOrderNumber": number}]}
            protocol.response_bytes(201, _JSON, orjson.dumps(answer))
            return
        number = path.rpartition("/")[2]
        if scope.method == "GET" and number in self.orders:
            answer = {"ingramOrderNumber": number, "orderStatus": "Processing"}
            protocol.response_bytes(200, _JSON, orjson.dumps(answer))
            return
        protocol.response_bytes(404, _JSON, b'{"error":"not found"}')


def _load(target: str) -> BareApp:
    return BareApp()


def main(argv: Sequence[str] | None = None) -> int:
    from functools import partial

    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    from mock_server.server.serving import event_loop

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = Server(
        "bare_rsgi:BareApp",
        address="127.0.0.1",  # loopback only, like everything here
        port=args.port,
        interface=Interfaces.RSGI,
        workers=1,
        runtime_threads=1,
        loop=event_loop(),
        log_level=LogLevels("warning"),
        log_access=False,
    )
    server.serve(target_loader=partial(_load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
