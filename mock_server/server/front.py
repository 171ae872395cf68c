"""The server front: granian's native (RSGI) interface in front of the Flask (WSGI) app.

Granian's WSGI interface reads a request body on the blocking thread that runs the app, with
no deadline: one client that announces 200 bytes and sends 21 holds that thread, and with it
every other client. Here the event loop receives the whole body first, under a deadline
(408 after it) and a size limit (413 over it, whatever the framing), and only a complete
request reaches the app. The app then runs synchronously on the loop's thread: it is
CPU-bound and holds the GIL anyway, so a thread hop would only add cost, and nothing in it
waits on a client. Headers are hyper's: granian closes a connection whose headers do not
arrive within the same deadline (`http1_settings`, see `serve`).

The app may ask for a fault through the WSGI environ key `ingram_mock.fault` (the
one-front contract): `{"delay": seconds}` waits that long before answering, without
holding up anyone else; `{"drop": True}` breaks the connection instead of answering.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from mock_server.config import Settings, is_loopback_name

log = logging.getLogger(__name__)

FAULT_KEY = "ingram_mock.fault"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Granian passes the RSGI scope and protocol objects; they are typed loosely here.
_JSON = [("content-type", "application/json")]
_CLOSE = ("connection", "close")


_ENVIRON_KEYS: dict[str, str] = {}  # header name -> its HTTP_* environ key


class _TooLarge(Exception):
    pass


class _StartResponse:
    """WSGI's start_response: remembers the status and headers the app chose."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        self.status = int(status[:3])
        self.headers = headers
        return _no_write


def _no_write(data: bytes) -> None:
    raise RuntimeError("the WSGI write() callable is not supported; return the body")


class Front:
    """An RSGI application serving one WSGI app (see the module docstring)."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        read_timeout: float = 30.0,
        max_body: int | None = None,
        url_scheme: str = "http",
    ) -> None:
        # Imported here: `serve` imports this module in granian's supervisor process,
        # which never runs the app and need not load Flask.
        from mock_server.http.context import MAX_BODY_BYTES
        from mock_server.http.errors import error_body

        self._error_body = error_body
        self.app = app
        self.read_timeout = read_timeout
        self._readers: dict[asyncio.Task[Any], float] = {}  # reading a body: its deadline
        self._late: set[asyncio.Task[Any]] = set()  # cancelled by the watchdog
        self._watchdog: asyncio.Task[None] | None = None
        self.max_body = MAX_BODY_BYTES if max_body is None else max_body
        self._base: dict[str, Any] = {
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SCRIPT_NAME": "",
            "SERVER_SOFTWARE": "ingram-mock",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url_scheme,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":  # websockets: not part of this API
            return
        headers = scope.headers
        length = headers.get("content-length")
        body = b""
        if length is not None or "transfer-encoding" in headers:
            if length is not None and length.isdigit() and int(length) > self.max_body:
                # Refused before reading: the client need not send a byte more.
                self._refuse(protocol, 413, "The request body is larger than 1 MiB")
                return
            try:
                body = await self._read_in_time(protocol, length)
            except TimeoutError:
                self._refuse(
                    protocol, 408, f"The request body did not arrive within {self.read_timeout:g} s"
                )
                return
            except _TooLarge:
                self._refuse(protocol, 413, "The request body is larger than 1 MiB")
                return
            except RuntimeError:  # granian's RSGIProtocolClosed: the client left mid-body
                return
        environ = self._environ(scope, headers, body)
        start = _StartResponse()
        try:
            chunks = self.app(environ, start)
            try:
                payload = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except Exception:  # Flask answers its own errors: this is a bug around it
            log.exception("unhandled error serving %s %s", scope.method, scope.path)
            self._refuse(protocol, 500, "Unexpected error in the mock: see its log")
            return
        fault = environ.get(FAULT_KEY)
        if fault:
            delay = fault.get("delay")
            if delay:
                await asyncio.sleep(float(delay))
            if fault.get("drop"):
                await _break(protocol)
                return
        protocol.response_bytes(start.status, start.headers, payload)

    async def _read_in_time(self, protocol: Any, length: str | None) -> bytes:
        """The body, or TimeoutError once the read timeout has passed.

        One watchdog task checks every reader a few times per timeout and cancels the late
        ones: cheaper than an `asyncio.timeout` (a timer armed and disarmed) per request."""
        task = asyncio.current_task()
        assert task is not None  # granian runs each request as a task
        loop = asyncio.get_running_loop()
        self._readers[task] = loop.time() + self.read_timeout
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = loop.create_task(self._watch())
        try:
            return await self._read_body(protocol, length)
        except asyncio.CancelledError:
            if task not in self._late:
                raise  # not ours: the server is shutting down
            self._late.discard(task)
            task.uncancel()
            raise TimeoutError() from None
        finally:
            del self._readers[task]

    async def _watch(self) -> None:
        tick = min(1.0, self.read_timeout / 10)
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(tick)
            now = loop.time()
            for task, deadline in list(self._readers.items()):
                if deadline <= now and task not in self._late:
                    self._late.add(task)
                    task.cancel()

    async def _read_body(self, protocol: Any, length: str | None) -> bytes:
        if length is not None and "," not in length:
            # A declared length (hyper holds the client to it) within the limit: one read.
            return bytes(await protocol())
        parts: list[bytes] = []
        size = 0
        async for chunk in protocol:  # chunked: count as it arrives
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge()
            parts.append(bytes(chunk))
        return b"".join(parts)

    def _environ(self, scope: Any, headers: Any, body: bytes) -> dict[str, Any]:
        environ = self._base.copy()
        server, _, port = scope.server.rpartition(":")
        client, _, client_port = scope.client.rpartition(":")
        environ["REQUEST_METHOD"] = scope.method
        # PEP 3333: PATH_INFO holds the path's bytes as latin-1 text.
        environ["PATH_INFO"] = scope.path.encode("utf-8", "surrogateescape").decode("latin-1")
        environ["QUERY_STRING"] = scope.query_string
        environ["SERVER_NAME"] = server.strip("[]")
        environ["SERVER_PORT"] = port
        environ["SERVER_PROTOCOL"] = f"HTTP/{scope.http_version}"
        environ["REMOTE_ADDR"] = client.strip("[]")
        environ["REMOTE_PORT"] = client_port
        environ["wsgi.input"] = io.BytesIO(body)
        for name, value in headers.items():
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
                continue
            if name in ("content-length", "transfer-encoding"):
                continue  # the body is whole now: its length is stated below
            key = _ENVIRON_KEYS.get(name)
            if key is None:
                key = "HTTP_" + name.upper().replace("-", "_")
                if len(_ENVIRON_KEYS) < 1000:  # the names clients send are few
                    _ENVIRON_KEYS[name] = key
            if key in environ:
                environ[key] = f"{environ[key]}, {value}"
            else:
                environ[key] = value
        if body or "content-length" in headers:
            environ["CONTENT_LENGTH"] = str(len(body))
        return environ

    def _refuse(self, protocol: Any, status: int, message: str) -> None:
        """An answer the app never gave, in the API's error format; the connection closes
        (an unread body would otherwise be taken for the next request)."""
        kind = "/errors/server-error" if status == 500 else f"/errors/http-{status}"
        body = orjson.dumps(self._error_body(kind, message))
        protocol.response_bytes(status, [*_JSON, _CLOSE], body)


async def _break(protocol: Any) -> None:
    """Break the connection instead of answering. RSGI cannot close a connection before a
    status line, so this announces a body and stops short: every HTTP client reports the
    connection as broken (requests/urllib3: ProtocolError, httpx: RemoteProtocolError)."""
    stream = protocol.response_stream(502, [("content-length", "64"), _CLOSE])
    await stream.send_bytes(b"{")  # returning now leaves 63 bytes owed: hyper closes




def startup_warnings(settings: Settings) -> list[str]:
    """What a person starting the mock should know about its exposure."""
    warnings = []
    if not is_loopback_name(settings.host):
        exposed = "anyone who can reach this address can place orders and"
        if settings.admin_token:
            warnings.append(f"bound to {settings.host}: {exposed} read state")
        else:
            warnings.append(
                f"bound to {settings.host}: {exposed} reset or read its state through "
                "/__admin (set --admin-token to protect it)"
            )
    return warnings
