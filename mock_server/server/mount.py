"""The door mounted in a WSGI app: what Flask's test client, and any WSGI server, reach.

Requests under the API's prefixes are turned into an `ApiRequest` and answered by the door;
everything else (the admin API, docs, dashboard) goes on to Flask. Under `ingram-mock
serve` the RSGI front (`front.py`) hands requests to the door directly and never comes
here for an API path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from mock_server.http.door import Door
from mock_server.http.messages import MAX_BODY_BYTES, Answer, ApiRequest
from mock_server.http.operations import API_PREFIXES

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class DoorMount:
    """WSGI middleware in front of the Flask app (see the module docstring).

    A WSGI host cannot break a connection or wait without holding its thread: an answer
    that asks for a broken connection is sent as the door's stand-in (a 503 that says so),
    and a delay is not waited for."""

    def __init__(self, app: WSGIApp, door: Door) -> None:
        self.app = app
        self.door = door

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(API_PREFIXES):
            return self.app(environ, start_response)
        answer = self.door.handle(request_of(environ))
        start_response(status_line(answer.status), wsgi_headers(answer))
        return [answer.body]


def request_of(environ: dict[str, Any]) -> ApiRequest:
    """A WSGI environ as the door's request, its body read under the one size limit."""
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    length = environ.get("CONTENT_LENGTH") or ""
    body, too_large = b"", False
    stream = environ.get("wsgi.input")
    if length:
        headers["content-length"] = length
        size = int(length) if length.isdigit() else 0
        too_large = size > MAX_BODY_BYTES
        if stream is not None and size > 0 and not too_large:
            body = stream.read(size)
    elif stream is not None and environ.get("wsgi.input_terminated"):
        # No declared length (chunked): read one byte past the limit to tell a full body
        # from a cut one.
        body = stream.read(MAX_BODY_BYTES + 1)
        too_large = len(body) > MAX_BODY_BYTES
        body = b"" if too_large else body
    # PEP 3333: PATH_INFO holds the path's bytes as latin-1 text.
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    return ApiRequest(
        environ.get("REQUEST_METHOD", "GET"),
        path,
        environ.get("QUERY_STRING", ""),
        headers,
        body,
        too_large,
    )


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def wsgi_headers(answer: Answer) -> list[tuple[str, str]]:
    return [*answer.headers, ("Content-Length", str(len(answer.body)))]
