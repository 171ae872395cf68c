"""Search rows: the upper-case status words, invoice links and the 20-day default window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.models import Order
from mock_server.domain.search import UNFILTERED_WINDOW, SearchCriteria
from mock_server.domain.service import OrderService
from mock_server.domain.simulate import SimulatedStatus
from mock_server.domain.status import HoldState, LineStatus, SearchStatus, search_status
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from mock_server.store.memory import InMemoryOrderStore
from mock_server.wire.answers import search_response

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ME = Caller("20-222222", "US")
HOUR = 3600


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def service(clock: FrozenClock) -> OrderService:
    return OrderService(InMemoryOrderStore(), load_catalog(FIXTURES), load_regions(FIXTURES), clock)


def place(service: OrderService, *parts: str, hold: bool = False, po: str = "PO-1") -> Order:
    lines = tuple(LineRequest(str(i), part, 1) for i, part in enumerate(parts, 1))
    attributes = {"alloworderoncustomerhold": "true"} if hold else {}
    command = CreateOrder(po, lines, attributes=attributes)
    return service.create(ME, command).order


def words(service: OrderService, number: str) -> tuple[str, list[str]]:
    order = service.get(ME, number)
    now = service.clock.now()
    return order.search_status(now).value, [
        order.sub_order_status(sub, now).value for sub in order.sub_orders()
    ]


def test_words_follow_the_order_through_its_life(service: OrderService, clock: FrozenClock) -> None:
    held = place(service, "2GZ200", hold=True, po="PO-H")
    assert words(service, held.number) == ("ON HOLD", ["ON HOLD"])
    service.cancel(ME, held.number)
    assert words(service, held.number) == ("CANCELLED", ["CANCELLED"])

    number = place(service, "2GZ200").number
    assert words(service, number) == ("PROCESSING", ["PROCESSING"])
    clock.advance(4 * HOUR)
    # Shipped and invoiced at once: the order has shipped, its sub-order is invoiced.
    assert words(service, number) == ("SHIPPED", ["INVOICED"])
    clock.advance(20 * HOUR)
    assert words(service, number) == ("DELIVERED", ["DELIVERED"])


def test_backorders_and_partial_shipments(service: OrderService, clock: FrozenClock) -> None:
    waiting = place(service, "DF4128", po="PO-B").number  # never in stock
    assert words(service, waiting)[0] == "BACKORDERED"
    mixed = place(service, "2GZ200", "DF4128", po="PO-M").number
    clock.advance(4 * HOUR)
    assert words(service, mixed)[0] == "PARTIALLY SHIPPED"
    clock.advance(72 * HOUR)  # DF4128 restocked at 72 h and shipped at 76 h
    assert words(service, mixed)[0] == "PARTIALLY DELIVERED"
    clock.advance(20 * HOUR)
    assert words(service, mixed)[0] == "DELIVERED"


def test_a_delivered_licence_is_e_delivered(service: OrderService, clock: FrozenClock) -> None:
    number = place(service, "9YG948").number  # digital: no weight
    clock.advance(24 * HOUR)
    assert words(service, number) == ("E-DELIVERED", ["E-DELIVERED"])


def test_shipped_without_invoice_is_shipped(service: OrderService) -> None:
    number = place(service, "2GZ200").number
    order = service.get(ME, number, simulate=SimulatedStatus.SHIPPED)  # uninvoiced shipments
    now = service.clock.now()
    assert [order.sub_order_status(sub, now) for sub in order.sub_orders()] == [
        SearchStatus.SHIPPED
    ]


@pytest.mark.parametrize(
    ("hold", "states", "shipped", "invoiced", "digital", "word"),
    [
        (HoldState.VOIDED, {LineStatus.VOIDED}, False, False, False, "CANCELLED"),
        (HoldState.OPEN, {LineStatus.IN_PROGRESS}, False, False, False, "PROCESSING"),
        (HoldState.OPEN, {LineStatus.BACKORDERED}, False, False, False, "BACKORDERED"),
        (HoldState.OPEN, {LineStatus.BACKORDERED}, True, True, False, "PARTIALLY SHIPPED"),
        (HoldState.OPEN, {LineStatus.SHIPPED}, True, False, False, "SHIPPED"),
        (HoldState.OPEN, {LineStatus.SHIPPED}, True, True, False, "INVOICED"),
        (HoldState.OPEN, {LineStatus.DELIVERED}, True, True, False, "DELIVERED"),
        (HoldState.OPEN, {LineStatus.DELIVERED}, True, True, True, "E-DELIVERED"),
    ],
)
def test_the_word_table(
    hold: HoldState,
    states: set[LineStatus],
    shipped: bool,
    invoiced: bool,
    digital: bool,
    word: str,
) -> None:
    found = search_status(
        hold, frozenset(states), shipped_any=shipped, invoiced=invoiced, digital=digital
    )
    assert found.value == word


def test_invoiced_sub_orders_link_their_invoices(service: OrderService, clock: FrozenClock) -> None:
    number = place(service, "2GZ200").number
    before = search_response(service.search(ME, SearchCriteria()), None, None)
    assert [link["topic"] for link in before["orders"][0]["subOrders"][0]["links"]] == ["orders"]
    clock.advance(4 * HOUR)
    page = service.search(ME, SearchCriteria())
    row = search_response(page, None, None)["orders"][0]
    links = row["subOrders"][0]["links"]
    invoice = service.get(ME, number).lines[0].shipments[0].invoice_number
    assert links[1:] == [
        {"topic": "invoices", "href": f"/resellers/v6.1/invoices/{invoice}", "type": "GET"}
    ]
    assert row["orderStatus"] == "SHIPPED" and row["subOrders"][0]["subOrderStatus"] == "INVOICED"


def test_an_unfiltered_search_covers_the_last_20_days(
    service: OrderService, clock: FrozenClock
) -> None:
    old = place(service, "2GZ200", po="PO-OLD").number
    clock.advance(UNFILTERED_WINDOW.total_seconds())
    edge = place(service, "2GZ200", po="PO-EDGE").number
    assert [o.number for o in service.search(ME, SearchCriteria()).orders] == [edge, old]
    clock.advance(1)  # `old` is now 20 days and one second old
    recent = place(service, "2GZ200", po="PO-NEW").number
    page = service.search(ME, SearchCriteria())
    assert [o.number for o in page.orders] == [recent, edge]
    assert page.records_found == 2
    # Any filter searches every order, however old.
    by_po = service.search(ME, SearchCriteria(customer_order_number="PO-OLD"))
    assert [o.number for o in by_po.orders] == [old]
    assert service.search(ME, SearchCriteria(page_size=1, page_number=3)).orders == []
    clock.advance(timedelta(days=30).total_seconds())
    assert service.search(ME, SearchCriteria()).records_found == 0
