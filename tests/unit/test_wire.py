"""The hot answers leave out their empty fields by naming the few that may be empty
(`without_empty`): every body and line they render must equal what the general rule
(`compact`: drop every absent or empty-text field) leaves, over orders of every shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.service import OrderService
from mock_server.domain.simulate import SimulatedStatus
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from mock_server.store.memory import InMemoryOrderStore
from mock_server.wire.answers import create_response, order_detail
from mock_server.wire.conventions import compact, timestamp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ME = Caller("20-222222", "US")
ADDRESS = {"companyName": "", "addressLine1": "1 Main St", "city": "Irvine", "state": "CA",
           "postalCode": "92612", "countryCode": "US"}  # fmt: skip

COMMANDS = [
    CreateOrder("", (LineRequest("", "2GZ200", 1),)),  # no PO, a line without its number
    CreateOrder("PO-A", (LineRequest("1", "DF4128", 500),), notes="rush"),  # backordered
    CreateOrder("PO-B", (LineRequest("1", "YN6551", 2),)),  # a licence: no weight, no UPC
    CreateOrder(
        "PO-C",
        (LineRequest("1", "", 1, vendor_part_number="SIP-T46S", notes="desk"),),
        end_customer_order_number="E-1",
        special_bid_number="SB-1",
        ship_to=ADDRESS,
        end_user={**ADDRESS, "contact": "Ann"},
        attributes={"alloworderoncustomerhold": "true"},
    ),
    CreateOrder("PO-D", (LineRequest("1", "2GZ200", 1), LineRequest("2", "NOPE", 1))),
]


def _bodies(body: Any) -> Iterator[dict[str, Any]]:
    """The body and each of its order and line objects (where `without_empty` applies)."""
    yield body
    for order in body.get("orders", ()):
        yield order
        yield from order.get("lines", ())
    yield from body.get("lines", ())


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.customer_order_number or "no-po")
def test_the_hot_answers_drop_exactly_what_compact_drops(command: CreateOrder) -> None:
    clock = FrozenClock()
    service = OrderService(
        InMemoryOrderStore(), load_catalog(FIXTURES), load_regions(FIXTURES), clock
    )
    created = service.create(ME, command)
    rendered = [create_response(created)]
    for hours in (0, 5, 30, 100):
        clock.advance(hours * 3600)
        rendered.append(order_detail(service.read(ME, created.order.number)))
    for status in SimulatedStatus:
        rendered.append(order_detail(service.read(ME, created.order.number, simulate=status)))
    checked = 0
    for body in rendered:
        for part in _bodies(body):
            assert part == compact(part), part
            checked += 1
    assert checked >= 2 * len(rendered)  # every body and at least one line of each


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2026, 1, 5, 9, 0),
        datetime(2026, 6, 1, 12, 30, 5, 123, tzinfo=timezone(timedelta(hours=-8))),
    ],
)
def test_timestamps_read_as_isoformat_to_the_second(moment: datetime) -> None:
    assert timestamp(moment) == moment.isoformat(timespec="seconds")
