"""A loopback receiver for the mock's order events, in the test process.

It checks each event's `x-hub-signature` (base64 of HMAC-SHA512(secret, eventId)) and keeps
the events that pass. Every reset starts a new generation: the registered URL carries it,
so an event of a previous test that is still on its way is dropped, never seen by the next.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

_DEFAULT = "-"  # the path segment of the registration for every customer


def signature(secret: str, event_id: str) -> str:
    """What the mock signs an event with: the one implementation, in mock_server.webhooks.
    Imported on first use: the plugin loads with every pytest run, the webhook package
    (orjson, the domain) only when an event arrives."""
    from mock_server.webhooks.signing import signature as sign

    return sign(secret, event_id)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One verified event as the mock POSTed it."""

    event_id: str
    event_type: str  # e.g. im::order_shipped; a v7 outcome: im::async_order_create(_failed)
    order_number: str | None  # None for im::async_order_create_failed
    customer_order_number: str
    body: dict[str, Any]
    headers: dict[str, str] = field(repr=False)  # names lower-cased
    registration: str | None  # the customer number it was registered for; None: the default

    @property
    def resource(self) -> dict[str, Any]:
        """The event's resource: the first of an order-status event's list, or the one
        object of a v7 outcome."""
        return _resource(self.body)


def _resource(body: dict[str, Any]) -> dict[str, Any]:
    resource = body["resource"]
    found: dict[str, Any] = resource if isinstance(resource, dict) else resource[0]
    return found


def _order_number(resource: dict[str, Any]) -> str | None:
    """An order-status event names its order; a v7 outcome holds it in `orders[]`."""
    if "orderNumber" in resource:
        return str(resource["orderNumber"])
    orders = resource.get("orders") or [{}]
    number = orders[0].get("ingramOrderNumber")
    return None if number is None else str(number)


class WebhookReceiver:
    """Keeps verified events in `.events`; badly signed ones in `.rejected` (answered 401)."""

    def __init__(self, secret: str, register: Callable[[str, str, str | None], None]) -> None:
        self.secret = secret
        self._register = register  # (url, secret, customer number or None) -> at the mock
        self._events: list[WebhookEvent] = []
        self._rejected: list[dict[str, Any]] = []
        self._generation = 0
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver._receive(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep the test output clean

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ingram-mock-webhook-receiver",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- registrations ------------------------------------------------------------------

    def url_for(self, customer_number: str | None = None) -> str:
        """This receiver's URL for the current generation (and registration)."""
        if self._server is None:
            raise RuntimeError("the webhook receiver is not running")
        port = self._server.server_address[1]
        who = quote(customer_number, safe="") if customer_number else _DEFAULT
        return f"http://127.0.0.1:{port}/{self._generation}/{who}"

    @property
    def url(self) -> str:
        return self.url_for(None)

    def register(self, customer_number: str | None = None) -> str:
        """Register this receiver at the mock, for one customer number or (None) for all.

        A per-customer registration wins over the default one at the mock. Returns the URL.
        """
        url = self.url_for(customer_number)
        self._register(url, self.secret, customer_number)
        return url

    def clear(self) -> None:
        """Forget the events received so far."""
        with self._changed:
            self._events.clear()
            self._rejected.clear()

    def next_generation(self) -> None:
        """Forget every event and change the URLs: events still on their way to the old
        ones are dropped. The caller registers the new URLs (IngramMock.reset does)."""
        with self._changed:
            self._generation += 1
            self._events.clear()
            self._rejected.clear()

    # -- events -------------------------------------------------------------------------

    @property
    def events(self) -> list[WebhookEvent]:
        with self._changed:
            return list(self._events)

    @property
    def rejected(self) -> list[dict[str, Any]]:
        """Requests whose signature did not verify: {"headers", "body"}."""
        with self._changed:
            return list(self._rejected)

    def wait_for(
        self, event_type: str, timeout: float = 5.0, order_number: str | None = None
    ) -> WebhookEvent:
        """The first event of this type (and order) received since the last reset, waiting
        up to `timeout` seconds of real time for it. Raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self._events:
                    if event.event_type == event_type and (
                        order_number is None or event.order_number == order_number
                    ):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{e.event_type} {e.order_number or ''}".strip() for e in self._events]
                    wanted = event_type + (f" for order {order_number}" if order_number else "")
                    detail = f"; {len(self._rejected)} badly signed" if self._rejected else ""
                    raise AssertionError(
                        f"no {wanted} webhook within {timeout}s; received: {seen or 'none'}{detail}"
                    )
                self._changed.wait(remaining)

    def _receive(self, path: str, headers: dict[str, str], raw: bytes) -> int:
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].isdigit():
            return 404
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            body = json.loads(raw)
            resource = _resource(body)
            event_id = str(body["eventId"])
        except (ValueError, KeyError, IndexError, TypeError):
            return 400
        with self._changed:
            if int(parts[0]) != self._generation:
                return 200  # from before the last reset: taken, and dropped
            given = headers.get("x-hub-signature", "")
            if not hmac.compare_digest(given, signature(self.secret, event_id)):
                self._rejected.append({"headers": headers, "body": body})
                self._changed.notify_all()
                return 401
            self._events.append(
                WebhookEvent(
                    event_id=event_id,
                    event_type=str(resource.get("eventType", "")),
                    order_number=_order_number(resource),
                    customer_order_number=str(resource.get("customerOrderNumber", "")),
                    body=body,
                    headers=headers,
                    registration=None if parts[1] == _DEFAULT else unquote(parts[1]),
                )
            )
            self._changed.notify_all()
        return 200
