"""Domain events under their documented names, and the v7 outcome webhook in the shape of
the published v7 "201" payload."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from mock_server.contract.document import load_contract
from mock_server.domain.commands import Caller, CreateOrder, LineRequest, ModifyOrder
from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.service import OrderService
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from mock_server.store.memory import InMemoryOrderStore
from mock_server.webhooks import event_body
from tests.fakes import RecordingSink

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
UPSTREAM_SPEC = Path(__file__).resolve().parents[3] / "shared/reference/XI-Resellers-API-Spec.json"
ME = Caller("20-222222", "US")
HOLD = {"alloworderoncustomerhold": "true"}
CATALOG = load_catalog(FIXTURES)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def service(clock: FrozenClock, sink: RecordingSink) -> OrderService:
    return OrderService(InMemoryOrderStore(), CATALOG, load_regions(FIXTURES), clock, events=sink)


def order(*lines: tuple[str, int], hold: bool = False, po: str = "PO-EV") -> CreateOrder:
    requests = tuple(LineRequest(str(n), part, qty) for n, (part, qty) in enumerate(lines, 1))
    return CreateOrder(po, requests, attributes=HOLD if hold else {})


def test_the_published_names() -> None:
    assert EventKind.ON_HOLD.value == "im::order_hold"
    assert EventKind.INVOICED.value == "im::order_invoiced"
    assert EventKind.BACKORDERED.value == "im::order_backordered"
    assert "im::order_on_hold" not in {k.value for k in EventKind}


def test_a_backorder_is_told_when_the_order_opens(
    service: OrderService, sink: RecordingSink
) -> None:
    placed = service.create(ME, order(("DF4128", 2))).order  # never in stock
    assert sink.kinds(placed.number) == [EventKind.CREATED, EventKind.BACKORDERED]
    # Held, nothing waits for stock yet; released, it does.
    held = service.create(ME, order(("DF4128", 1), hold=True, po="PO-EV-H")).order
    assert sink.kinds(held.number) == [EventKind.CREATED, EventKind.ON_HOLD]
    service.modify(ME, held.number, ModifyOrder(), release=True)
    assert sink.kinds(held.number)[2:] == [EventKind.RELEASED, EventKind.BACKORDERED]
    # An order with everything in stock is never announced as backordered.
    clean = service.create(ME, order(("2GZ200", 1), po="PO-EV-C")).order
    assert sink.kinds(clean.number) == [EventKind.CREATED]


def test_shipments_are_told_shipped_then_invoiced(
    service: OrderService, sink: RecordingSink, clock: FrozenClock
) -> None:
    placed = service.create(ME, order(("2GZ200", 1))).order
    clock.advance(4 * 3600)
    service.run_due()
    assert sink.kinds(placed.number)[1:] == [EventKind.SHIPPED, EventKind.INVOICED]
    invoiced = sink.events[-1]
    assert invoiced.order is not None
    assert invoiced.order.lines[0].shipments[0].invoice_number


def test_a_v7_creation_is_its_outcome_and_carries_the_rejected_lines(
    service: OrderService, sink: RecordingSink
) -> None:
    service.create_async(ME, order(("2GZ200", 1), ("XXXXXX", 1)), "US-I-T-00000000000000000001")
    outcome = sink.events[0]
    assert outcome.kind is EventKind.ASYNC_CREATED
    assert [r.code for r in outcome.rejected] == ["EN"]
    assert EventKind.CREATED not in sink.kinds()


def outcome_of(service: OrderService, sink: RecordingSink, command: CreateOrder) -> Any:
    service.create_async(ME, command, "US-I-T-00000000000000000002")
    event: OrderEvent = sink.events[0]
    return event_body(event, "EVT0000000000000001")


def test_the_v7_outcome_is_the_create_answer_under_one_resource(
    service: OrderService, sink: RecordingSink
) -> None:
    body = outcome_of(service, sink, order(("2GZ200", 2), ("XXXXXX", 1)))
    assert (body["event"], body["eventType"]) == ("im::created", "im::async_order_create")
    resource = body["resource"]
    assert isinstance(resource, dict)
    assert resource["confirmationNumber"] == "US-I-T-00000000000000000002"
    assert resource["processedPartially"] is True
    (placed,) = resource["orders"]
    assert placed["numberOfLinesWithError"] == 1
    assert [r["rejectCode"] for r in placed["rejectedLineItems"]] == ["EN"]
    assert placed["lines"][0]["shipmentDetails"][0]["shipFromLocation"]
    errors = list(load_contract().validator("OrderCreateV7Outcome").iter_errors(body))
    assert not errors, [e.message for e in errors]


def test_a_refused_v7_outcome_says_why(service: OrderService, sink: RecordingSink) -> None:
    body = outcome_of(service, sink, order(("XXXXXX", 1)))
    assert body["eventType"] == "im::async_order_create_failed"
    assert "orders" not in body["resource"]
    assert body["resource"]["errors"][0]["value"] == "XXXXXX"
    errors = list(load_contract().validator("OrderCreateV7Outcome").iter_errors(body))
    assert not errors, [e.message for e in errors]


def test_the_v7_outcome_fits_the_published_201_schema(
    service: OrderService, sink: RecordingSink
) -> None:
    if not UPSTREAM_SPEC.is_file():
        pytest.skip(f"reference spec not found at {UPSTREAM_SPEC}")
    spec = json.loads(UPSTREAM_SPEC.read_text(encoding="utf-8"))
    schema = spec["components"]["schemas"]["OrderCreateV7Response"]
    ship_to = {"companyName": "Harbor Point", "addressLine1": "1 Pier Rd", "city": "Irvine",
               "state": "CA", "postalCode": "92618", "countryCode": "US"}  # fmt: skip
    command = replace(order(("2GZ200", 2), ("DF4128", 1)), ship_to=ship_to)
    body = outcome_of(service, sink, command)
    errors = list(Draft7Validator(schema).iter_errors(body))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # Every field the published payload names at the top and in the resource is filled.
    for name in ("topic", "event", "eventTimeStamp", "eventId", "eventType"):
        assert body[name]
    published = schema["properties"]["resource"]["properties"]
    assert set(published) <= set(body["resource"]), set(published) - set(body["resource"])
    published_order = published["orders"]["items"]["properties"]
    assert set(published_order) - {"notes"} <= set(body["resource"]["orders"][0])
