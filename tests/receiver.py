"""A loopback webhook receiver for tests: records every POST and answers as scripted.

    with Receiver(fail_first=2) as hook:      # 500, 500, then 200
        ...register hook.url...
        hook.wait_for(1)

`StallingReceiver` answers a byte at a time, or never: the slow receivers of issue 9.

It binds 127.0.0.1 only, serves from a daemon thread, and every wait is bounded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import select
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import orjson


def expected_signature(secret: str, event_id: str) -> str:
    """What a receiver computes to trust an event: base64(HMAC-SHA512(secret, eventId))."""
    digest = hmac.new(secret.encode(), event_id.encode(), hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True, slots=True)
class Received:
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float  # time.perf_counter() when the request arrived
    answered: int  # the status this receiver answered with

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def event_id(self) -> str:
        return str(self.json()["eventId"])

    @property
    def event_type(self) -> str:
        resource = self.json()["resource"]
        # An order-status event has a list of resources; a v7 outcome, one object.
        return str((resource if isinstance(resource, dict) else resource[0])["eventType"])

    @property
    def order_number(self) -> str:
        """The order the event is about; "" for a v7 outcome that created none."""
        resource = self.json()["resource"]
        if isinstance(resource, dict):
            orders = resource.get("orders") or [{}]
            return str(orders[0].get("ingramOrderNumber", ""))
        return str(resource[0].get("orderNumber", ""))

    def signed_by(self, secret: str) -> bool:
        given = self.headers.get("x-hub-signature", "")
        return hmac.compare_digest(given, expected_signature(secret, self.event_id))


class Receiver:
    """Records POSTs; answers `fail_status` to the first `fail_first`, then `ok_status`.

    `delay` seconds are spent before answering each request (cut short on exit).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        fail_first: int = 0,
        fail_status: int = 500,
        ok_status: int = 200,
        delay: float = 0.0,
    ) -> None:
        self._port = port
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.ok_status = ok_status
        self.delay = delay
        self._received: list[Received] = []
        self._lock = threading.Condition()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                arrived = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver._record(
                    {k.lower(): v for k, v in self.headers.items()}, body, arrived
                )
                if receiver.delay:
                    receiver._closing.wait(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output clean

        server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self._server is not None, "use the receiver as a context manager"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/orders"

    # -- what arrived -------------------------------------------------------------------

    def _record(self, headers: dict[str, str], body: bytes, arrived: float) -> int:
        with self._lock:
            status = self.fail_status if len(self._received) < self.fail_first else self.ok_status
            self._received.append(Received(headers, body, arrived, status))
            self._lock.notify_all()
        return status

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def accepted(self) -> list[Received]:
        """The requests answered with a 2xx: events the receiver took."""
        return [r for r in self.received if 200 <= r.answered < 300]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Wait until at least `count` requests arrived; fails the test on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} webhook requests within {timeout}s, "
                        f"got {len(self._received)}"
                    )
                self._lock.wait(remaining)
            return list(self._received)


ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


class StallingReceiver:
    """A loopback receiver that takes the request, then answers a byte per `drip` seconds,
    or never (`drip=None`). It notes when a sender gives up on it mid-answer.

    Plain sockets, not http.server: the point is an answer that never completes in time.
    """

    def __init__(self, *, drip: float | None) -> None:
        self.drip = drip
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._closing = threading.Event()
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.requests = 0  # requests read in full
        self.cut = 0  # connections the sender closed before the answer was complete
        self.answered = 0  # connections that got the whole answer
        self.url = ""  # known once entered

    def __enter__(self) -> StallingReceiver:
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/hooks/orders"
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def wait_for(self, count: int, counter: str = "requests", timeout: float = 5.0) -> None:
        """Wait until `counter` (requests, cut, answered) reaches `count`; fails on timeout."""
        with self._lock:
            if not self._lock.wait_for(lambda: getattr(self, counter) >= count, timeout):
                raise AssertionError(f"expected {count} {counter}, got {getattr(self, counter)}")

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            if not self._read_request(conn):
                return
            sent = 0
            next_byte = time.monotonic() + (self.drip or 0.0)
            while not self._closing.is_set():
                if self._sender_left(conn):
                    self._note("cut")
                    return
                if self.drip is None or time.monotonic() < next_byte:
                    continue  # hanging, or not yet time for the next byte
                try:
                    conn.sendall(ANSWER[sent : sent + 1])
                except OSError:
                    self._note("cut")
                    return
                sent, next_byte = sent + 1, next_byte + self.drip
                if sent == len(ANSWER):
                    self._note("answered")
                    return

    @staticmethod
    def _sender_left(conn: socket.socket) -> bool:
        """Waits up to 0.05 s; True once the sender closed its end (EOF or reset)."""
        readable, _, _ = select.select([conn], [], [], 0.05)
        if not readable:
            return False
        try:
            return not conn.recv(1)
        except OSError:
            return True

    def _read_request(self, conn: socket.socket) -> bool:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return False
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return False
                body += chunk
        except OSError:
            return False
        conn.settimeout(None)
        self._note("requests")
        return True

    def _note(self, counter: str) -> None:
        with self._lock:
            setattr(self, counter, getattr(self, counter) + 1)
            self._lock.notify_all()
