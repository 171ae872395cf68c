"""Calibration: the thinnest Flask app (bearer check, dict store, tiny bodies) on granian.

PERFORMANCE.md measured this kind of app at ~11,300 GET / ~8,100 POST req/s on granian with
one blocking thread. Measuring it in the same run as ingram-mock (`load.py --calibrate`)
shows how fast this machine is today, and how much of our cost is the framework's floor.

    .venv/bin/python benchmarks/thin_app.py --port 8099     # serves until Ctrl-C
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from functools import partial

import orjson
from flask import Flask, Response, request

TOKEN = "thin-token"


def create_thin_app() -> Flask:
    app = Flask(__name__)
    orders: dict[str, bytes] = {}
    numbers = itertools.count(1)

    def json(body: object, status: int = 200) -> Response:
        return Response(orjson.dumps(body), status=status, mimetype="application/json")

    @app.get("/__admin/health")
    def health() -> Response:
        return json({"status": "ok"})

    @app.get("/oauth/oauth20/token")
    def token() -> Response:
        return json({"access_token": TOKEN, "token_type": "Bearer", "expires_in": "86399"})

    @app.before_request
    def bearer() -> Response | None:
        if request.path.startswith("/resellers/") and (
            request.headers.get("Authorization") != f"Bearer {TOKEN}"
        ):
            return json({"error": "unauthorized"}, 401)
        return None

    @app.post("/resellers/v6/orders")
    def create() -> Response:
        number = f"20-{next(numbers):05d}"
        orders[number] = request.get_data()
        return json({"orders": [{"ingramOrderNumber": number}]}, 201)

    @app.get("/resellers/v6.1/orders/<number>")
    def details(number: str) -> Response:
        if number not in orders:
            return json({"error": "not found"}, 404)
        return json({"ingramOrderNumber": number, "orderStatus": "Processing"})

    return app


def _load(target: str) -> Flask:
    return create_thin_app()


def _load_front(target: str) -> object:
    """The same app behind ingram-mock's RSGI front: what the front itself costs."""
    from mock_server.server.front import Front

    return Front(create_thin_app())


def main(argv: Sequence[str] | None = None) -> int:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    from mock_server.server.serving import event_loop

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--front", action="store_true", help="serve through mock_server.server.front on RSGI"
    )
    args = parser.parse_args(argv)
    server = Server(
        "thin_app:create_thin_app",
        address="127.0.0.1",  # loopback only, like everything here
        port=args.port,
        interface=Interfaces.RSGI if args.front else Interfaces.WSGI,
        workers=1,
        blocking_threads=1 if args.front else args.threads,
        loop=event_loop(),  # the loop `ingram-mock serve` runs
        log_level=LogLevels("warning"),
        log_access=False,
    )
    server.serve(target_loader=partial(_load_front if args.front else _load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
