"""The hop no OpenAPI link can express: v7 create -> (outcome webhook) -> order details.

A v7 create answers with a confirmation number only; the order number arrives later, in the
outcome webhook. When the server under test offers the mock's admin API, the suite starts a
loopback receiver (`Inbox`) and registers it for its customer number, and the check
`v7_order_arrives` follows every accepted stateful v7 order: it waits for the webhook that
names its confirmation number and reads the order it carries back with the same headers
(200, an `OrderDetail`).

The server is left as it was found: the registration is removed by its id when the run
ends, however it ends, and nothing else is touched. A customer that already has a receiver
of its own is not taken over (its events would go to the suite). When the hop cannot be
walked (that case, a server without `/__admin/webhooks` such as the real sandbox, or no one
customer number), the run fails saying why, unless `--skip-webhook-hop` skips it explicitly.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeAlias

import schemathesis
from schemathesis import Case, CheckContext, Response

from mock_server.contract.document import load_contract
from mock_server.harness.target import admin_call

AnyCase: TypeAlias = "Case[Any]"
HOP = (
    "POST /resellers/v7/orders -> [200] (outcome webhook) -> "
    "GET /resellers/v6.1/orders/{ordernumber}"
)
WAIT_SECONDS = 10.0
_SECRET = "ingram-mock-contract-suite"


@dataclass
class HopRecord:
    """How often the hop was tried and walked with usable data (a 200 read-back)."""

    tried: int = 0
    walked: int = 0
    refused: int = 0  # the outcome was an asynchronous refusal: nothing to read back
    missed: bool = False  # a webhook never came: later v7 calls do not wait again
    lock: threading.Lock = field(default_factory=threading.Lock)


class Inbox:
    """A loopback webhook receiver: keeps every event body it is sent."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self._arrived = threading.Condition()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    return
                with inbox._arrived:
                    inbox.events.append(body)
                    inbox._arrived.notify_all()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def outcome(self, confirmation: str, timeout: float) -> dict[str, Any] | None:
        """The first event resource naming `confirmation`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for body in self.events:
                    resources = body.get("resource") if isinstance(body, dict) else None
                    # One resource (the v7 outcome) or a list of them (order events).
                    for resource in resources if isinstance(resources, list) else [resources]:
                        if isinstance(resource, dict) and (
                            resource.get("confirmationNumber") == confirmation
                        ):
                            return resource
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._arrived.wait(left)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class Hop:
    """The receiver registered with the server under test, for the length of one run."""

    def __init__(self, base_url: str, customer_number: str | None, skip: bool = False) -> None:
        self.base_url = base_url
        self.record = HopRecord()
        self.inbox: Inbox | None = None
        self.skipped = skip
        self.reason = "skipped by --skip-webhook-hop" if skip else ""
        self.available = False  # a receiver is registered: the hop can be walked
        self._registration_id: str | None = None
        self._remove_all = False
        if skip:
            return
        if admin_call(base_url, "GET", "health")[0] != 200:
            self.reason = "the server has no /__admin API to register a webhook receiver with"
            return
        if not customer_number:
            self.reason = "IM-CustomerNumber varies: no one customer to register a receiver for"
            return
        status, listing = admin_call(base_url, "GET", "webhooks")
        registrations = (listing or {}).get("registrations") or [] if status == 200 else []
        own = [r for r in registrations if r.get("customerNumber") == customer_number]
        if own:
            self.reason = (
                f"{customer_number} already has a webhook receiver ({own[0].get('url')}); "
                "registering the suite's would take its events: give another --customer-number"
            )
            return
        if not all(isinstance(r.get("id"), str) for r in registrations):
            self.reason = "the server's registrations have no ids: the suite's could not be removed"
            return
        inbox = Inbox()
        registration = {"url": inbox.url, "secret": _SECRET, "customerNumber": customer_number}
        status, answer = admin_call(base_url, "PUT", "webhooks", registration)
        added = answer.get("id") if status == 200 and isinstance(answer, dict) else None
        if isinstance(added, str):
            self._registration_id = added
        elif status == 200 and not registrations:
            self._remove_all = True  # a server without ids, which had none: undo it all
        else:
            inbox.close()
            self.reason = f"the server did not register the webhook receiver (answered {status})"
            return
        self.inbox = inbox
        self.available = True

    def close(self) -> None:
        """Remove the registration this run added (by its id: a receiver registered by
        someone else meanwhile stays) and stop the receiver. Safe to call twice."""
        registration, self._registration_id = self._registration_id, None
        if registration is not None:
            admin_call(self.base_url, "DELETE", f"webhooks/{registration}")
        elif self._remove_all:
            self._remove_all = False
            admin_call(self.base_url, "DELETE", "webhooks")
        inbox, self.inbox = self.inbox, None
        if inbox is not None:
            inbox.close()


ACTIVE: Hop | None = None  # set by the suite for the length of a run


def order_number_of(resource: dict[str, Any] | None) -> str | None:
    """The order a webhook resource names: the created order of a v7 outcome (shaped like the
    create answer), or an order event's `orderNumber`; None for a refusal."""
    if not isinstance(resource, dict):
        return None
    orders = resource.get("orders")
    if isinstance(orders, list) and orders and isinstance(orders[0], dict):
        number = orders[0].get("ingramOrderNumber")
    else:
        number = resource.get("orderNumber") or resource.get("ingramOrderNumber")
    return number if isinstance(number, str) else None


def _is_stateful_positive(case: AnyCase) -> bool:
    meta = case.meta
    return (
        meta is not None
        and meta.phase.name.value == "stateful"
        and meta.generation.mode.is_positive
    )


@schemathesis.check
def v7_order_arrives(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """An accepted v7 order's outcome webhook arrives, and the order it names reads back."""
    hop = ACTIVE
    inbox = hop.inbox if hop is not None else None
    if hop is None or inbox is None or response.status_code != 200:
        return None
    if case.method.upper() != "POST" or not case.path.startswith("/resellers/v7/"):
        return None
    if not _is_stateful_positive(case):
        return None
    try:
        confirmation = json.loads(response.content or b"null").get("confirmationNumber")
    except (ValueError, AttributeError):
        return None  # response_schema_conformance reports a malformed answer
    if not isinstance(confirmation, str):
        return None
    with hop.record.lock:
        if hop.record.missed:
            return None  # reported once; waiting again would only slow the run down
        hop.record.tried += 1
    resource = inbox.outcome(confirmation, WAIT_SECONDS)
    if resource is None:
        hop.record.missed = True
        raise AssertionError(
            f"v7 create accepted the order (confirmation {confirmation}) but no outcome "
            f"webhook naming it arrived within {WAIT_SECONDS:.0f} s"
        )
    number = order_number_of(resource)
    if number is None:
        with hop.record.lock:
            hop.record.refused += 1
        return None
    from mock_server.harness.checks import follow_up_headers, send_follow_up

    details = case.operation.schema.find_operation_by_id("getOrderDetails")
    follow = details.Case(
        path_parameters={"ordernumber": number}, headers=follow_up_headers(response)
    )
    answer, curl = send_follow_up(case, response, follow)
    body = None
    with contextlib.suppress(ValueError):
        body = json.loads(answer.content or b"null")
    if answer.status_code != 200 or not load_contract().validator("OrderDetail").is_valid(body):
        raise AssertionError(
            f"The order {number} named by the v7 outcome webhook must read back as an "
            f"OrderDetail; details answered {answer.status_code}\n\nRead back with:\n\n    {curl}"
        )
    with hop.record.lock:
        hop.record.walked += 1
    return None
