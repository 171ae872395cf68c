"""Order events delivered to customers' callback URLs, off the request path.

`WebhookDispatcher` is the event sink the domain publishes to: `publish` renders the
event at once (a snapshot of the order at that moment) and queues it; one delivery
thread POSTs it with `x-hub-signature` = base64(HMAC-SHA512(secret, eventId)), retrying
with exponential backoff for a bounded number of attempts. Every attempt is kept in the
delivery record; a delivery that runs out of attempts stays as a dead letter until it is
re-sent or the mock is reset.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.models import Order, OrderLine
from mock_server.wire import Json, compact, day, order_link, timestamp

log = logging.getLogger(__name__)


def event_body(event: OrderEvent, event_id: str) -> Json:
    """The envelope POSTed to the customer's callback URL for one domain event."""
    resource: Json = {
        "eventType": event.kind.value,
        "customerOrderNumber": event.customer_order_number,
        "confirmationNumber": event.confirmation_number or None,
    }
    order = event.order
    if order is not None:
        resource.update(
            {
                "orderNumber": order.number,
                "orderEntryTimeStamp": timestamp(order.created_at),
                "lines": [_event_line(order, line, event.at) for line in order.lines],
                "links": [order_link(order.number)],
            }
        )
    if event.problems:
        resource["errors"] = [
            compact({"field": p.field, "message": p.message, "value": p.value})
            for p in event.problems
        ]
    created = event.kind in (EventKind.CREATED, EventKind.ASYNC_CREATE_FAILED)
    return {
        "topic": "resellers/orders",
        "event": "im::created" if created else "im::updated",
        "eventTimeStamp": event.at.isoformat(timespec="milliseconds"),
        "eventId": event_id,
        # customerOrderNumber stays even when empty: receivers key on it (v7 may omit a PO).
        "resource": [{**compact(resource), "customerOrderNumber": event.customer_order_number}],
    }


def _event_line(order: Order, line: OrderLine, at: datetime) -> Json:
    shipped = line.shipped_by(at)
    return compact(
        {
            "LineNumber": line.ingram_line_number,
            "subOrderNumber": line.sub_order_number,
            "lineStatus": line.status(order.hold, at).value,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "requestedQuantity": str(line.quantity),
            "shippedQuantity": str(line.shipped_quantity_by(at)),
            "backorderedQuantity": str(line.backordered),
            "shipmentDetails": [
                {
                    "shipmentDate": day(s.shipped_at),
                    "shipFromWarehouseId": line.warehouse_id,
                    "carrierCode": s.carrier_code,
                    "carrierName": s.carrier_name,
                    "packageDetails": [
                        {
                            "cartonNumber": "1",
                            "quantityInbox": str(s.quantity),
                            "trackingNumber": s.tracking_number,
                        }
                    ],
                }
                for s in shipped
            ]
            or None,
            "serialNumberDetails": [{"serialNumber": n} for s in shipped for n in s.serial_numbers]
            or None,
        }
    )


def signature(secret: str, event_id: str) -> str:
    """What a receiver recomputes to trust an event."""
    digest = hmac.new(secret.encode(), event_id.encode(), hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


class Sender(Protocol):
    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """POST and return the HTTP status; raise OSError when the receiver is unreachable."""
        ...


class HttpSender:
    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


@dataclass(frozen=True, slots=True)
class Registration:
    url: str
    secret: str
    customer_number: str | None = None  # None: the default for every customer


@dataclass(slots=True)
class Attempt:
    at: str
    status: int | None
    error: str = ""


@dataclass(slots=True)
class Delivery:
    id: str
    event_id: str
    event_type: str
    order_number: str
    customer_number: str
    url: str
    state: str  # pending | delivered | dead
    created_at: str
    body: Any
    attempts: list[Attempt] = field(default_factory=list)
    secret: str = field(default="", repr=False)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("secret")
        return data


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    first_backoff: float = 0.5  # seconds; doubles after each failure
    max_backoff: float = 8.0
    timeout: float = 3.0

    def backoff(self, failures: int) -> float:
        return float(min(self.max_backoff, self.first_backoff * 2 ** (failures - 1)))


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class WebhookDispatcher:
    """Event sink + registrations + delivery thread + delivery log."""

    def __init__(
        self,
        render: Callable[[OrderEvent, str], dict[str, Any]] = event_body,
        *,
        sender: Sender | None = None,
        policy: RetryPolicy | None = None,
        history: int = 1000,
        max_dead_letters: int = 10_000,
    ) -> None:
        self._render = render
        self._sender = sender or HttpSender()
        self.policy = policy or RetryPolicy()
        self._lock = threading.Condition()
        self._registrations: dict[str | None, Registration] = {}
        self._due: list[tuple[float, int, str]] = []  # (monotonic due time, tiebreak, id)
        self._pending: dict[str, Delivery] = {}
        self._finished: deque[Delivery] = deque(maxlen=history)
        self._dead: OrderedDict[str, Delivery] = OrderedDict()
        self._max_dead = max_dead_letters
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None
        self._in_flight = 0

    # -- registrations ------------------------------------------------------------------

    def register(self, url: str, secret: str, customer_number: str | None = None) -> Registration:
        registration = Registration(url, secret, customer_number or None)
        with self._lock:
            self._registrations[registration.customer_number] = registration
        return registration

    def registrations(self) -> list[Registration]:
        with self._lock:
            return list(self._registrations.values())

    def clear_registrations(self) -> None:
        with self._lock:
            self._registrations.clear()

    def _registration_for(self, customer_number: str) -> Registration | None:
        return self._registrations.get(customer_number) or self._registrations.get(None)

    # -- the sink -----------------------------------------------------------------------

    def publish(self, event: OrderEvent) -> None:
        with self._lock:
            registration = self._registration_for(event.customer_number)
        if registration is None:
            return  # nobody listens: nothing to keep
        event_id = uuid.uuid4().hex[:18].upper()
        delivery = Delivery(
            id=uuid.uuid4().hex,
            event_id=event_id,
            event_type=event.kind.value,
            order_number=event.order.number if event.order else "",
            customer_number=event.customer_number,
            url=registration.url,
            state="pending",
            created_at=_now_text(),
            body=self._render(event, event_id),
            secret=registration.secret,
        )
        with self._lock:
            self._pending[delivery.id] = delivery
            self._schedule(delivery.id, 0.0)
            self._ensure_thread()

    # -- delivery log -------------------------------------------------------------------

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return [*self._finished, *self._dead.values(), *self._pending.values()]

    def redeliver(self, delivery_id: str) -> Delivery | None:
        """Send a dead letter again (a fresh round of attempts). None if no such dead letter."""
        with self._lock:
            delivery = self._dead.pop(delivery_id, None)
            if delivery is None:
                return None
            delivery.state = "pending"
            self._pending[delivery.id] = delivery
            self._schedule(delivery.id, 0.0)
            self._ensure_thread()
            return delivery

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is pending or in flight (tests and shutdown). Bounded."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.05))
        return True

    def reset(self) -> None:
        with self._lock:
            self._due.clear()
            self._pending.clear()
            self._finished.clear()
            self._dead.clear()

    # -- the delivery thread ------------------------------------------------------------

    def _schedule(self, delivery_id: str, delay: float) -> None:
        heapq.heappush(self._due, (time.monotonic() + delay, next(self._counter), delivery_id))
        self._lock.notify_all()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="ingram-mock-webhooks", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                delivery = self._next_due()
                if delivery is None:
                    continue
                self._in_flight += 1
            try:
                self._attempt(delivery)
            except Exception:  # a bug here must not kill delivery for everyone
                log.exception("webhook delivery %s failed unexpectedly", delivery.id)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._lock.notify_all()

    def _next_due(self) -> Delivery | None:
        """Wait (with the lock held) for the next due delivery; None to loop again."""
        if not self._due:
            self._lock.wait(1.0)
            return None
        due_at, _, delivery_id = self._due[0]
        wait = due_at - time.monotonic()
        if wait > 0:
            self._lock.wait(wait)
            return None
        heapq.heappop(self._due)
        return self._pending.get(delivery_id)

    def _attempt(self, delivery: Delivery) -> None:
        body = orjson.dumps(delivery.body)
        headers = {
            "Content-Type": "application/json",
            "x-hub-signature": signature(delivery.secret, delivery.event_id),
            "User-Agent": "ingram-mock-webhooks",
        }
        status: int | None = None
        error = ""
        try:
            status = self._sender.send(delivery.url, body, headers, self.policy.timeout)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            delivery.attempts.append(Attempt(_now_text(), status, error))
            if delivery.id not in self._pending:
                return  # reset while in flight
            if status is not None and 200 <= status < 300:
                delivery.state = "delivered"
                del self._pending[delivery.id]
                self._finished.append(delivery)
            elif len(delivery.attempts) % self.policy.max_attempts == 0:
                delivery.state = "dead"
                del self._pending[delivery.id]
                self._dead[delivery.id] = delivery
                while len(self._dead) > self._max_dead:
                    self._dead.popitem(last=False)
            else:
                failures = len(delivery.attempts) % self.policy.max_attempts
                self._schedule(delivery.id, self.policy.backoff(failures))
