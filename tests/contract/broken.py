"""Servers that break the contract on purpose: the mock app behind a WSGI wrapper, on loopback.

Shared by the contract-test and proxy tests: each wrapper breaks one or more rules, and
`serve` puts any WSGI app on a free 127.0.0.1 port for the length of a `with` block.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mock_server.app import create_app
from mock_server.config import Settings

CUSTOMER_HEADERS = {"IM-CustomerNumber": "20-222222", "IM-CountryCode": "US"}


class RecordsFoundAsString:
    """The mock, except that search answers carry `recordsFound` as a string."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def keep(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            started.append((status, headers))
            return lambda data: None

        body = b"".join(self.app(environ, keep))
        if environ.get("PATH_INFO", "").endswith("/resellers/v6/orders/search") and body:
            answer = orjson.loads(body)
            if isinstance(answer, dict) and "recordsFound" in answer:
                answer["recordsFound"] = str(answer["recordsFound"])
                body = orjson.dumps(answer)
        status, headers = started[0]
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


class Breaches:
    """The mock, broken four ways: details drops IM-CorrelationID, search answers 500, cancel
    answers an undocumented 418, and a call without a token is served as if it had one."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if "HTTP_AUTHORIZATION" not in environ:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        if path == "/resellers/v6/orders/search":
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"errors": []}']
        if environ["REQUEST_METHOD"] == "DELETE" and path.startswith("/resellers/v6/orders/"):
            start_response("418 I'm a teapot", [("Content-Type", "application/json")])
            return [b"{}"]

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            if path.startswith("/resellers/v6.1/orders/"):
                headers = [(k, v) for k, v in headers if k.lower() != "im-correlationid"]
            return start_response(status, headers, *exc_info)

        return self.app(environ, start)


def app_and_token(**settings: Any) -> tuple[Any, str]:
    """A fresh mock app and a token it issued."""
    app = create_app(Settings(**settings))
    # Without registered credentials any pair gets a token.
    client_id = settings.get("client_id") or "a"
    client_secret = settings.get("client_secret") or "b"
    token = (
        app.test_client()
        .get(
            "/oauth/oauth20/token",
            query_string={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        .get_json()["access_token"]
    )
    return app, str(token)


class _QuietHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """`app` on a free loopback port; yields its base URL."""
    httpd: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
