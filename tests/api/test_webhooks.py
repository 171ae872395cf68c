"""Order events as a partner's receiver sees them: registration, signatures, retries,
dead letters, and the events mock time produces (void, ship, deliver, restock).

What was sent is observed through a recording sender (tests/fakes.py): no socket, no
sleeping. The tests about delivery over HTTP itself (retries on a 500, an unreachable
receiver, a slow one) POST to a real loopback receiver (tests/receiver.py). Mock time moves
only through POST /__admin/clock; the only real waits are bounded waits for the worker.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.app import create_app
from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.webhooks import RetryPolicy, Sender
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, new_order, order_headers
from tests.fakes import Endpoint, RecordingSender
from tests.live import free_port, start_server
from tests.receiver import Received, Receiver

pytestmark = pytest.mark.stores

FAST = RetryPolicy(first_backoff=0.01, max_backoff=0.05, max_attempts=4, timeout=2)
SECRET = "partner-shared-secret"
HOOK_URL = "http://partner.test/hooks/orders"  # never resolved: the recording sender answers
HOUR = 3600
CREATED = "im::order_created"
ON_HOLD = "im::order_hold"
BACKORDERED = "im::order_backordered"
INVOICED = "im::order_invoiced"
RELEASED = "im::order_released"
SHIPPED = "im::order_shipped"
DELIVERED = "im::order_delivered"
VOIDED = "im::order_voided"

EVENT_SCHEMA = load_contract().validator("OrderEvent")
DETAIL_SCHEMA = load_contract().validator("OrderDetail")


def assert_valid(validator: Any, body: Any) -> None:
    errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors


@dataclass
class Mock:
    client: FlaskClient
    services: MockServices
    token: str
    sender: RecordingSender | None  # None: real HTTP

    def headers(self, customer: str = CUSTOMER, **extra: str) -> dict[str, str]:
        return order_headers(self.token, customer, **extra)

    def register(self, url: str, secret: str = SECRET, customer: str | None = None) -> Any:
        body: dict[str, Any] = {"url": url, "secret": secret}
        if customer is not None:
            body["customerNumber"] = customer
        answer = self.client.put("/__admin/webhooks", json=body)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def create(self, customer: str = CUSTOMER, **order: Any) -> str:
        answer = self.client.post(
            "/resellers/v6/orders", json=new_order(**order), headers=self.headers(customer)
        )
        assert answer.status_code in (201, 207), answer.get_json()
        return str(answer.get_json()["orders"][0]["ingramOrderNumber"])

    def release(self, number: str) -> TestResponse:
        return self.client.put(
            f"/resellers/v6/orders/{number}?actionCode=release", json={}, headers=self.headers()
        )

    def details(self, number: str) -> dict[str, Any]:
        answer = self.client.get(f"/resellers/v6.1/orders/{number}", headers=self.headers())
        assert answer.status_code == 200, answer.get_json()
        body: dict[str, Any] = answer.get_json()
        assert_valid(DETAIL_SCHEMA, body)
        return body

    def search(self, params: list[tuple[str, str]]) -> TestResponse:
        return self.client.get(
            f"/resellers/v6/orders/search?{urlencode(params)}", headers=self.headers()
        )

    def advance(self, seconds: float) -> dict[str, Any]:
        answer = self.client.post("/__admin/clock", json={"advanceSeconds": seconds})
        assert answer.status_code == 200, answer.get_json()
        body: dict[str, Any] = answer.get_json()
        return body

    def flush(self) -> None:
        assert self.services.webhooks.flush(5.0), "webhook deliveries still pending after 5 s"

    def deliveries(self, state: str | None = None) -> list[dict[str, Any]]:
        query = f"?state={state}" if state else ""
        answer = self.client.get(f"/__admin/webhooks/deliveries{query}")
        assert answer.status_code == 200
        deliveries: list[dict[str, Any]] = answer.get_json()["deliveries"]
        return deliveries


def mock_with(sender: Sender | None, settings: Settings | None = None) -> Iterator[Mock]:
    clock = AdjustableClock(FrozenClock())
    settings = settings or Settings()
    services = build_services(settings, clock=clock, webhook_sender=sender, retry_policy=FAST)
    client = create_app(settings, clock=clock, services=services).test_client()
    recording = sender if isinstance(sender, RecordingSender) else None
    yield Mock(client, services, issue_token(client), recording)
    # Nothing left for the delivery thread to chase once the receivers are gone.
    services.webhooks.clear_registrations()
    services.webhooks.reset()


@pytest.fixture
def mock(store_settings: Settings) -> Iterator[Mock]:
    """The mock with a recording sender: what was sent, without a socket. Its outbox and
    registrations are in memory, or shared in Redis (the `stores` marker)."""
    yield from mock_with(RecordingSender(), store_settings)


@pytest.fixture
def http_mock(store_settings: Settings) -> Iterator[Mock]:
    """The mock with its real HTTP sender, for tests about delivery over the wire."""
    yield from mock_with(None, store_settings)


def endpoint(mock: Mock, url: str, **script: int) -> Endpoint:
    assert mock.sender is not None, "a recording sender is needed"
    return mock.sender.endpoint(url, **script)


@pytest.fixture
def hook(mock: Mock) -> Endpoint:
    """A receiver registered as the default callback for every customer."""
    receiver = endpoint(mock, HOOK_URL)
    mock.register(receiver.url)
    return receiver


def events_of(receiver: Endpoint | Receiver, number: str | None = None) -> list[Received]:
    """Accepted events, in arrival order, optionally for one order."""
    return [
        r
        for r in receiver.accepted()
        if number is None or r.order_number == number
    ]


def types_of(received: list[Received]) -> list[str]:
    return [r.event_type for r in received]


def check_event(received: Received, secret: str = SECRET) -> dict[str, Any]:
    """What a careful receiver does first: verify the signature, then the body's shape."""
    assert received.signed_by(secret), "x-hub-signature does not verify"
    assert received.headers.get("content-type", "").startswith("application/json")
    body: dict[str, Any] = received.json()
    assert_valid(EVENT_SCHEMA, body)
    return body


# -- registration and the first events ----------------------------------------------------


def test_per_customer_registration_wins_and_others_get_the_default(mock: Mock) -> None:
    default = endpoint(mock, "http://default.test/hooks")
    special = endpoint(mock, "http://special.test/hooks")
    mock.register(default.url, "default-secret")
    registered = mock.register(special.url, "special-secret", customer=CUSTOMER)
    assert registered.pop("id").startswith("wh-")
    assert registered == {"url": special.url, "customerNumber": CUSTOMER, "hasSecret": True}
    listed = mock.client.get("/__admin/webhooks").get_json()["registrations"]
    assert {(r["url"], r["customerNumber"]) for r in listed} == {
        (default.url, None),
        (special.url, CUSTOMER),
    }

    held = mock.create(po="PO-HOOK-1", hold=True)
    other = mock.create(OTHER_CUSTOMER, po="PO-HOOK-2")
    mock.flush()

    assert types_of(special.received) == [CREATED, ON_HOLD]
    assert types_of(default.received) == [CREATED]
    for received in special.received:
        body = check_event(received, "special-secret")
        assert not received.signed_by("default-secret")
        resource = body["resource"][0]
        assert resource["orderNumber"] == held
        assert resource["customerOrderNumber"] == "PO-HOOK-1"
        assert body["topic"] == "resellers/orders"
        assert all(line["lineStatus"] == "IM::on_hold" for line in resource["lines"])
    created, on_hold = (r.json() for r in special.received)
    assert created["event"] == "im::created" and on_hold["event"] == "im::updated"
    default_body = check_event(default.received[0], "default-secret")
    assert default_body["resource"][0]["orderNumber"] == other

    ids = [r.event_id for r in [*special.received, *default.received]]
    assert len(set(ids)) == len(ids) == 3


def test_registration_is_checked_and_can_be_cleared(mock: Mock, hook: Endpoint) -> None:
    bad = mock.client.put("/__admin/webhooks", json={"url": "ftp://example.invalid/x"})
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["fields"][0]["field"] == "url"

    assert mock.client.delete("/__admin/webhooks").status_code == 204
    assert mock.client.get("/__admin/webhooks").get_json() == {"registrations": []}
    mock.create(po="PO-NOBODY-LISTENS")
    mock.flush()
    assert hook.received == []
    assert mock.deliveries() == []


def test_one_registration_is_removed_by_its_id_and_the_others_stay(mock: Mock) -> None:
    default = mock.register("http://default.test/hooks")
    own = mock.register("http://own.test/hooks", customer=CUSTOMER)
    other = mock.register("http://other.test/hooks", customer=OTHER_CUSTOMER)
    assert len({default["id"], own["id"], other["id"]}) == 3

    assert mock.client.delete(f"/__admin/webhooks/{own['id']}").status_code == 204
    listed = mock.client.get("/__admin/webhooks").get_json()["registrations"]
    assert sorted(r["id"] for r in listed) == sorted([default["id"], other["id"]])
    again = mock.client.delete(f"/__admin/webhooks/{own['id']}")
    assert again.status_code == 404
    assert again.get_json()["errors"][0]["type"] == "/errors/not-found"

    # Registering a customer again replaces its receiver under a new id: the old id no
    # longer removes anything, so a tool cannot take away a receiver it did not add.
    replaced = mock.register("http://other-again.test/hooks", customer=OTHER_CUSTOMER)
    assert replaced["id"] != other["id"]
    assert mock.client.delete(f"/__admin/webhooks/{other['id']}").status_code == 404
    listed = mock.client.get("/__admin/webhooks").get_json()["registrations"]
    assert {r["url"] for r in listed} == {"http://default.test/hooks", replaced["url"]}


def test_event_ids_are_unique_and_each_signature_verifies(mock: Mock, hook: Endpoint) -> None:
    for n in range(4):
        mock.create(po=f"PO-UNIQUE-{n}", hold=True)
    mock.flush()
    received = hook.received
    assert len(received) == 8
    ids = [r.event_id for r in received]
    assert len(set(ids)) == 8
    for r in received:
        check_event(r)
        assert not r.signed_by(SECRET + "x")


# -- retries, dead letters, redelivery ----------------------------------------------------


def test_a_failing_receiver_gets_the_event_on_the_third_attempt(http_mock: Mock) -> None:
    mock = http_mock
    with Receiver(fail_first=2) as flaky:
        mock.register(flaky.url)
        number = mock.create(po="PO-FLAKY")  # not held: one event only
        mock.flush()

        assert [r.answered for r in flaky.received] == [500, 500, 200]
        assert len({r.event_id for r in flaky.received}) == 1  # the same event, re-sent
        assert all(r.signed_by(SECRET) for r in flaky.received)
        assert types_of(flaky.accepted()) == [CREATED]

    delivered = mock.deliveries("delivered")
    assert len(delivered) == 1
    record = delivered[0]
    assert record["order_number"] == number
    assert record["event_type"] == CREATED
    assert [a["status"] for a in record["attempts"]] == [500, 500, 200]
    assert mock.deliveries("dead") == [] and mock.deliveries("pending") == []


def test_an_unreachable_receiver_ends_as_a_dead_letter_and_can_be_redelivered(
    http_mock: Mock,
) -> None:
    mock = http_mock
    port = free_port()  # nothing listens here yet
    mock.register(f"http://127.0.0.1:{port}/hooks/orders")
    number = mock.create(po="PO-DEAD")
    mock.flush()

    dead = mock.deliveries("dead")
    assert len(dead) == 1
    letter = dead[0]
    assert letter["order_number"] == number and letter["state"] == "dead"
    assert len(letter["attempts"]) == FAST.max_attempts
    assert all(a["status"] is None and a["error"] for a in letter["attempts"])
    assert mock.deliveries("delivered") == []

    with Receiver(port=port) as revived:
        answer = mock.client.post(f"/__admin/webhooks/deliveries/{letter['id']}/redeliver")
        assert answer.status_code == 202
        assert answer.get_json()["id"] == letter["id"]
        mock.flush()
        received = revived.wait_for(1)
        assert len(received) == 1
        body = check_event(received[0])
        assert body["eventId"] == letter["event_id"] == letter["body"]["eventId"]
        assert body["resource"][0]["orderNumber"] == number

    assert mock.deliveries("dead") == []
    delivered = mock.deliveries("delivered")
    assert [d["id"] for d in delivered] == [letter["id"]]
    assert len(delivered[0]["attempts"]) == FAST.max_attempts + 1
    assert delivered[0]["attempts"][-1]["status"] == 200
    again = mock.client.post(f"/__admin/webhooks/deliveries/{letter['id']}/redeliver")
    assert again.status_code == 404  # only dead letters can be re-sent


# -- what mock time produces --------------------------------------------------------------


def test_an_unreleased_hold_is_voided_once_after_24_hours(mock: Mock, hook: Endpoint) -> None:
    number = mock.create(po="PO-VOID", hold=True)
    mock.advance(23 * HOUR + 59 * 60)
    mock.flush()
    assert types_of(events_of(hook, number)) == [CREATED, ON_HOLD]
    assert mock.details(number)["orderStatus"] == "On Hold"

    assert mock.advance(60)["ordersSettled"] == 1
    mock.flush()
    assert types_of(events_of(hook, number)) == [CREATED, ON_HOLD, VOIDED]

    # More time, reads, a search and refused changes must not announce it again.
    mock.advance(48 * HOUR)
    detail = mock.details(number)
    assert detail["orderStatus"] == "Voided"
    assert {line["lineStatus"] for line in detail["lines"]} == {"Voided"}
    assert mock.search([("customerOrderNumber", "PO-VOID")]).status_code == 200
    assert mock.release(number).status_code == 400
    cancel = mock.client.delete(f"/resellers/v6/orders/{number}", headers=mock.headers())
    assert cancel.status_code == 405
    mock.advance(HOUR)
    mock.flush()
    events = events_of(hook, number)
    assert types_of(events) == [CREATED, ON_HOLD, VOIDED]
    voided = check_event(events[-1])
    assert voided["resource"][0]["lines"][0]["lineStatus"] == "IM::voided"


def test_a_released_order_ships_then_is_delivered(mock: Mock, hook: Endpoint) -> None:
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2},
        {"customerLineNumber": "2", "ingramPartNumber": "1C6094", "quantity": 3},
    ]
    number = mock.create(po="PO-SHIP", hold=True, lines=lines)
    assert mock.release(number).status_code == 200
    mock.advance(4 * HOUR - 1)
    mock.flush()
    assert types_of(events_of(hook, number)) == [CREATED, ON_HOLD, RELEASED]
    assert mock.details(number)["orderStatus"] == "Processing"

    mock.advance(1)
    mock.flush()
    events = events_of(hook, number)
    # Invoices are raised as the goods leave: both are told at once, shipped first.
    assert types_of(events) == [CREATED, ON_HOLD, RELEASED, SHIPPED, INVOICED]
    shipped = check_event(events[-2])["resource"][0]
    tracking: dict[str, str] = {}
    serials: dict[str, list[str]] = {}
    for line in shipped["lines"]:
        assert line["lineStatus"] == "IM::shipped"
        assert line["shippedQuantity"] == line["requestedQuantity"]
        assert line["backorderedQuantity"] == "0"
        (shipment,) = line["shipmentDetails"]
        assert shipment["carrierCode"] and shipment["carrierName"]
        (package,) = shipment["packageDetails"]
        assert package["trackingNumber"]
        tracking[line["ingramPartNumber"]] = package["trackingNumber"]
        serials[line["ingramPartNumber"]] = [s["serialNumber"] for s in line["serialNumberDetails"]]
        assert len(serials[line["ingramPartNumber"]]) == int(line["requestedQuantity"])

    detail = mock.details(number)
    assert detail["orderStatus"] == "Shipped"
    for line in detail["lines"]:
        assert line["lineStatus"] == "Shipped"
        (shipment,) = line["shipmentDetails"]
        (carrier,) = shipment["carrierDetails"]
        assert carrier["carrierCode"] and carrier["carrierName"]
        assert "deliveredDate" not in carrier
        (track,) = carrier["trackingDetails"]
        assert track["trackingNumber"] == tracking[line["ingramPartNumber"]]
        assert [s["serialNumber"] for s in track["serialNumbers"]] == serials[
            line["ingramPartNumber"]
        ]
    ship_day = detail["lines"][0]["shipmentDetails"][0]["shippedDate"]

    mock.advance(20 * HOUR)
    mock.flush()
    events = events_of(hook, number)
    assert types_of(events) == [CREATED, ON_HOLD, RELEASED, SHIPPED, INVOICED, DELIVERED]
    delivered = check_event(events[-1])["resource"][0]
    assert {line["lineStatus"] for line in delivered["lines"]} == {"IM::delivered"}
    detail = mock.details(number)
    assert detail["orderStatus"] == "Delivered"
    for line in detail["lines"]:
        assert line["lineStatus"] == "Delivered"
        assert line["shipmentDetails"][0]["carrierDetails"][0]["deliveredDate"]

    def found(params: list[tuple[str, str]]) -> list[str]:
        answer = mock.search(params)
        if answer.status_code == 204:
            return []
        assert answer.status_code == 200, answer.get_json()
        return [o["ingramOrderNumber"] for o in answer.get_json()["orders"]]

    assert found([("shipDate_bt", ship_day), ("shipDate_bt", ship_day)]) == [number]
    assert found([("shipDate_bt", "2025-01-01"), ("shipDate_bt", "2025-01-31")]) == []
    assert found([("trackingNumber", tracking["1C6094"])]) == [number]
    assert found([("trackingNumber", "1ZNOSUCHPARCEL")]) == []
    assert found([("serialNumber", serials["2GZ200"][1])]) == [number]
    assert found([("serialNumber", "SNNOSUCHSERIAL")]) == []


def test_a_backordered_line_waits_for_restock_then_ships(mock: Mock, hook: Endpoint) -> None:
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "DF4128", "quantity": 3},
        {"customerLineNumber": "2", "ingramPartNumber": "2GZ200", "quantity": 1},
    ]
    number = mock.create(po="PO-BACKORDER", lines=lines)

    def line(part: str) -> dict[str, Any]:
        return next(ln for ln in mock.details(number)["lines"] if ln["ingramPartNumber"] == part)

    assert line("DF4128")["lineStatus"] == "Backordered"
    assert line("DF4128")["quantityBackOrdered"] == 3

    mock.advance(4 * HOUR)
    mock.flush()
    events = events_of(hook, number)
    assert types_of(events) == [CREATED, BACKORDERED, SHIPPED, INVOICED]
    first = {ln["ingramPartNumber"]: ln for ln in check_event(events[-2])["resource"][0]["lines"]}
    assert first["2GZ200"]["shippedQuantity"] == "1"
    assert first["DF4128"]["shippedQuantity"] == "0"
    assert first["DF4128"]["backorderedQuantity"] == "3"
    assert first["DF4128"]["lineStatus"] == "IM::backordered"
    assert mock.details(number)["orderStatus"] == "Backordered"

    mock.advance(67 * HOUR)  # 71 h after placement: stock is still on its way
    mock.flush()
    assert types_of(events_of(hook, number)) == [CREATED, BACKORDERED, SHIPPED, INVOICED]
    assert line("DF4128")["lineStatus"] == "Backordered"
    assert line("2GZ200")["lineStatus"] == "Delivered"
    assert mock.details(number)["orderStatus"] == "Backordered"

    mock.advance(HOUR)  # 72 h: restocked, not shipped yet
    restocked = line("DF4128")
    assert restocked["quantityBackOrdered"] == 0
    assert restocked["lineStatus"] == "In Progress"
    assert "shipmentDetails" not in restocked

    mock.advance(4 * HOUR)  # 76 h: it ships
    mock.flush()
    events = events_of(hook, number)
    assert types_of(events) == [CREATED, BACKORDERED, SHIPPED, INVOICED, SHIPPED, INVOICED]
    second = {ln["ingramPartNumber"]: ln for ln in check_event(events[-2])["resource"][0]["lines"]}
    assert second["DF4128"]["shippedQuantity"] == "3"
    assert second["DF4128"]["backorderedQuantity"] == "0"
    assert second["DF4128"]["lineStatus"] == "IM::shipped"
    assert line("DF4128")["shipmentDetails"][0]["quantity"] == 3
    assert mock.details(number)["orderStatus"] == "Shipped"

    mock.advance(20 * HOUR)
    mock.flush()
    assert types_of(events_of(hook, number)) == [
        CREATED,
        BACKORDERED,
        SHIPPED,
        INVOICED,
        SHIPPED,
        INVOICED,
        DELIVERED,
    ]
    assert mock.details(number)["orderStatus"] == "Delivered"


# -- delivery never sits on the request path ----------------------------------------------


def test_a_slow_receiver_does_not_slow_requests(http_mock: Mock) -> None:
    mock = http_mock
    with Receiver(delay=2.0) as slow:
        mock.register(slow.url)
        timings = []
        for n in range(3):
            started = time.perf_counter()
            number = mock.create(po=f"PO-SLOW-{n}", hold=True)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert mock.release(number).status_code == 200
        timings.append(time.perf_counter() - started)
        slow.wait_for(1)  # the first delivery is in flight, held for 2 s by the receiver
        assert max(timings) < 0.5, timings


@pytest.mark.live
def test_v7_to_webhook_latency_on_loopback(record_property: Any) -> None:
    """Median time from a v7 POST to its outcome (`im::async_order_create`) arriving, on a
    real server."""
    with Receiver() as hook:
        server = start_server(["--webhook-url", hook.url, "--webhook-secret", SECRET])
        try:
            token = server.token()
            headers = order_headers(token)
            latencies: list[float] = []
            with requests.Session() as session:
                for n in range(11):  # the first is a warm-up
                    started = time.perf_counter()
                    answer = session.post(
                        f"{server.base_url}/resellers/v7/orders",
                        json=new_order(po=f"PO-LAT-{n}"),
                        headers=headers,
                        timeout=5,
                    )
                    assert answer.status_code == 200, answer.text
                    confirmation = answer.json()["confirmationNumber"]
                    received = hook.wait_for(n + 1)[n]
                    assert received.signed_by(SECRET)
                    resource = received.json()["resource"]  # a v7 outcome: one object
                    assert resource["eventType"] == "im::async_order_create"
                    assert resource["confirmationNumber"] == confirmation
                    if n:
                        latencies.append(received.at - started)
        finally:
            code, output = server.stop()
    assert code == 0, output
    median_ms = statistics.median(latencies) * 1000
    record_property("v7_webhook_latency_median_ms", round(median_ms, 2))
    record_property("v7_webhook_latency_max_ms", round(max(latencies) * 1000, 2))
    print(
        f"\nv7 POST -> webhook receipt on loopback: median {median_ms:.2f} ms, "
        f"min {min(latencies) * 1000:.2f} ms, max {max(latencies) * 1000:.2f} ms "
        f"over {len(latencies)} orders"
    )
