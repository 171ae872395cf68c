"""The server front: granian's native (RSGI) interface, in front of the door and of Flask.

Granian's WSGI interface reads a request body on the blocking thread that runs the app, with
no deadline: one client that announces 200 bytes and sends 21 holds that thread, and with it
every other client. Here the event loop receives the whole body first, under a deadline
(408 after it) and a size limit, and only a complete request goes on. Requests under the
API's prefixes go straight to the door (`http/door.py`) as an `ApiRequest`: no WSGI environ,
no Flask machinery; everything else (admin API, docs, dashboard) to the Flask app over WSGI.
Both run synchronously on the loop's thread: they are CPU-bound and hold the GIL anyway, so
a thread hop would only add cost, and nothing in them waits on a client. Headers are
hyper's: granian closes a connection whose headers do not arrive within the same deadline
(`http1_settings`, see `serve`).

A door answer may carry a `ConnectionFault` (a fault rule's): the front waits its delay
without holding up anyone else, then breaks the connection instead of answering (a TCP
reset, a close without a byte, bytes that are not HTTP: `connections.py`; or a cut body),
or answers.
With the request log on, one console line per request is written here, for both routes.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import orjson

from mock_server.config import Settings, is_loopback_name

if TYPE_CHECKING:
    from mock_server.http.messages import Break

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Snapshots are as big as the state: the admin API takes bodies up to this (Flask enforces
# it per route); the API's own limit is the door's MAX_BODY_BYTES.
ADMIN_MAX_BODY = 1024**3

# Granian passes the RSGI scope and protocol objects; they are typed loosely here.
_JSON = [("content-type", "application/json")]
_CLOSE = ("connection", "close")


_ENVIRON_KEYS: dict[str, str] = {}  # header name -> its HTTP_* environ key


class DoorLike(Protocol):
    """What the front needs of the door (`http/door.py`)."""

    def handle(self, request: Any) -> Any: ...


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
    """An RSGI application: the door for API paths, a WSGI app for the rest."""

    def __init__(
        self,
        app: WSGIApp | None,
        *,
        door: DoorLike | None = None,
        door_prefixes: tuple[str, ...] | None = None,
        read_timeout: float = 30.0,
        url_scheme: str = "http",
        request_log: TextIO | None = None,
    ) -> None:
        # Imported here: `serve` imports this module in granian's supervisor process,
        # which never runs the app and need not load Flask or the door.
        from mock_server.http.messages import MAX_BODY_BYTES, ApiRequest, Break
        from mock_server.http.operations import API_PREFIXES
        from mock_server.rehearsal.journal_view import mask_secrets
        from mock_server.wire.errors import BODY_TOO_LARGE, error_body

        self._error_body = error_body
        self._too_large = BODY_TOO_LARGE
        self._api_request = ApiRequest
        self._answer_it = Break.NONE
        self._mask = mask_secrets
        self.app = app
        self.door = door
        prefixes = API_PREFIXES if door_prefixes is None else door_prefixes
        self.door_prefixes = prefixes if door is not None else ()
        self.api_max_body = MAX_BODY_BYTES
        self.read_timeout = read_timeout
        self._log = request_log
        self._log_lock = threading.Lock()
        self._readers: dict[asyncio.Task[Any], float] = {}  # reading a body: its deadline
        self._late: set[asyncio.Task[Any]] = set()  # cancelled by the watchdog
        self._watchdog: asyncio.Task[None] | None = None
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
        started = time.perf_counter()
        status = await self._serve(scope, protocol)
        if self._log is not None and status:
            self._log_line(scope, status, time.perf_counter() - started)

    async def _serve(self, scope: Any, protocol: Any) -> int:
        """Answer one request; returns the status sent (0: none, the connection broke)."""
        headers = scope.headers
        to_door = self.door is not None and scope.path.startswith(self.door_prefixes)
        limit = self.api_max_body if to_door else ADMIN_MAX_BODY
        length = headers.get("content-length")
        body = b""
        too_large = length is not None and length.isdigit() and int(length) > limit
        if too_large and not to_door:
            # Refused before reading: the client need not send a byte more.
            return self._refuse(protocol, 413, self._too_large)
        if not too_large and (length is not None or "transfer-encoding" in headers):
            try:
                body = await self._read_in_time(protocol, length, limit)
            except TimeoutError:
                message = f"The request body did not arrive within {self.read_timeout:g} s"
                return self._refuse(protocol, 408, message)
            except _TooLarge:
                if not to_door:
                    return self._refuse(protocol, 413, self._too_large)
                too_large = True
            except RuntimeError:  # granian's RSGIProtocolClosed: the client left mid-body
                return 0
        try:
            if not to_door:
                return self._to_app(scope, protocol, body)
            answer = self._door_answer(scope, body, too_large)
            if answer.connection is not None:  # a fault rule's: wait, then break or answer
                return await self._carry_out(scope, protocol, answer)
            protocol.response_bytes(answer.status, answer.headers, answer.body)
            return int(answer.status)
        except Exception:  # the door and Flask answer their own errors: a bug around them
            log.exception("unhandled error serving %s %s", scope.method, scope.path)
            return self._refuse(protocol, 500, "Unexpected error in the mock: see its log")

    def _door_answer(self, scope: Any, body: bytes, too_large: bool) -> Any:
        """The door's answer to a whole request (no coroutine: most need no waiting)."""
        assert self.door is not None
        pairs = scope.headers.items()
        headers = dict(pairs)
        if len(headers) != len(pairs):  # a repeated header: its values joined, as HTTP says
            headers = {}
            for name, value in pairs:
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        request = self._api_request(
            scope.method, scope.path, scope.query_string, headers, body, too_large
        )
        answer = self.door.handle(request)
        if too_large:  # an unread body would be taken for the next request
            answer.headers.append(_CLOSE)
        return answer

    async def _carry_out(self, scope: Any, protocol: Any, answer: Any) -> int:
        """A fault on the connection: wait its delay without holding up anyone else, then
        break the connection as it asks, or answer late."""
        fault = answer.connection
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.kind is not self._answer_it:
            await _break(scope, protocol, fault.kind)
            return 0
        protocol.response_bytes(answer.status, answer.headers, answer.body)
        return int(answer.status)

    def _to_app(self, scope: Any, protocol: Any, body: bytes) -> int:
        assert self.app is not None
        environ = self._environ(scope, scope.headers, body)
        start = _StartResponse()
        chunks = self.app(environ, start)
        try:
            payload = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        protocol.response_bytes(start.status, start.headers, payload)
        return start.status

    async def _read_in_time(self, protocol: Any, length: str | None, limit: int) -> bytes:
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
            return await self._read_body(protocol, length, limit)
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

    async def _read_body(self, protocol: Any, length: str | None, limit: int) -> bytes:
        if length is not None and "," not in length:
            # A declared length (hyper holds the client to it) within the limit: one read.
            return bytes(await protocol())
        parts: list[bytes] = []
        size = 0
        async for chunk in protocol:  # chunked: count as it arrives
            size += len(chunk)
            if size > limit:
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

    def _refuse(self, protocol: Any, status: int, message: str) -> int:
        """An answer nothing behind the front gave, in the API's error format; the
        connection closes (an unread body would otherwise be taken for the next request)."""
        kind = "/errors/server-error" if status == 500 else f"/errors/http-{status}"
        body = orjson.dumps(self._error_body(kind, message))
        protocol.response_bytes(status, [*_JSON, _CLOSE], body)
        return status

    def _log_line(self, scope: Any, status: int, seconds: float) -> None:
        """One console line: time, method, path (client secrets masked), status, ms,
        customer number, correlation id."""
        assert self._log is not None
        path, query, headers = scope.path, scope.query_string, scope.headers
        if query:
            path = f"{path}?{self._mask(query)}"
        line = (
            f"{time.strftime('%H:%M:%S')} {scope.method} {path} {status} "
            f"{seconds * 1000:.1f}ms customer={headers.get('im-customernumber') or '-'} "
            f"correlation={headers.get('im-correlationid') or '-'}\n"
        )
        with self._log_lock:
            self._log.write(line)
            self._log.flush()


async def _break(scope: Any, protocol: Any, kind: Break) -> None:
    """Break the connection instead of answering, as `kind` says.

    A reset, an empty close and bytes that are not HTTP are done to the socket itself
    (`connections.py`: Linux only), after which granian is handed an answer it cannot
    write. Where the socket cannot be found (another platform, or the client has left),
    and for `TRUNCATED`, the answer announces a body and stops short."""
    from mock_server.http.messages import Break
    from mock_server.server import connections

    if kind is not Break.TRUNCATED:
        connection = connections.find(scope.client, scope.server)
        if connection is None:
            _warn_fallback(kind)
        else:
            with connection:  # our duplicate only: granian's descriptor stays granian's
                if kind is Break.RESET:
                    done = connections.reset(connection)
                elif kind is Break.EMPTY:
                    connections.close_empty(connection)
                    done = True
                else:
                    connections.send_malformed(connection)
                    done = True
            if done:
                protocol.response_empty(500, [_CLOSE])  # hyper's write fails; it closes
                return
    await _truncate(protocol)


async def _truncate(protocol: Any) -> None:
    """A status line and headers, then a body cut short. RSGI cannot close a connection
    before a status line, so this announces a body and stops short: every HTTP client reports
    the connection as broken (requests/urllib3: ProtocolError, ChunkedEncodingError; httpx:
    RemoteProtocolError)."""
    stream = protocol.response_stream(502, [("content-length", "64"), _CLOSE])
    await stream.send_bytes(b"{")  # returning now leaves 63 bytes owed: hyper closes


_warned: set[str] = set()


def _warn_fallback(kind: Break) -> None:
    from mock_server.server import connections

    if not connections.SUPPORTED and kind.value not in _warned:
        _warned.add(kind.value)
        log.warning(
            "%s faults need Linux (/proc/self/fd); sending a truncated body instead",
            kind.value,
        )


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
