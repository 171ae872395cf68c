"""A tiny WSGI app behind `mock_server.server.front.Front`, for the front's live tests: the path
names the fault the app asks for (`/delay/<seconds>`, `/drop`); `/echo` answers the body,
`/boom` fails."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mock_server.server.front import FAULT_KEY, Front


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if path.startswith("/delay/"):
        environ[FAULT_KEY] = {"delay": float(path.removeprefix("/delay/"))}
    elif path == "/drop":
        environ[FAULT_KEY] = {"drop": True}
    elif path == "/boom":
        raise RuntimeError("a bug around the app")
    body = environ["wsgi.input"].read() if path == "/echo" else path.encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


front = Front(app, read_timeout=3)
