"""A modify that fails on the way leaves the order exactly as it was (issue 9, defect 2).

Before, `"quantity": 2.0` changed the line, then failed computing freight (Decimal * float):
the request answered 500 and the order stayed poisoned, its details, release and the
customer's whole search answering 500 until reset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.domain import service as service_module
from mock_server.domain.commands import (
    Caller,
    CreateOrder,
    LineAction,
    LineChange,
    LineRequest,
    ModifyOrder,
)
from mock_server.domain.search import SearchCriteria
from mock_server.domain.service import OrderService
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from mock_server.store.memory import InMemoryOrderStore
from mock_server.wire import answers as render
from tests.fakes import RecordingSink

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ME = Caller("20-222222", "US")
HOLD = {"alloworderoncustomerhold": "true"}


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def service(sink: RecordingSink, clock: FrozenClock) -> OrderService:
    return OrderService(
        InMemoryOrderStore(), load_catalog(FIXTURES), load_regions(FIXTURES), clock, events=sink
    )


def _detail(service: OrderService, number: str, clock: FrozenClock) -> Any:
    return render.order_detail(service.read(ME, number))


A_BIG_CHANGE = ModifyOrder(
    lines=(
        LineChange(LineAction.UPDATE, ingram_line_number="001", quantity=9, notes="changed"),
        LineChange(LineAction.ADD, customer_line_number="3", part_number="DF4128", quantity=1),
        LineChange(LineAction.DELETE, ingram_line_number="002"),
    ),
    ship_to={"city": "Elsewhere"},
    notes="new notes",
)


def test_a_modify_that_fails_midway_leaves_the_order_as_it_was(
    service: OrderService, sink: RecordingSink, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (LineRequest("1", "2GZ200", 2), LineRequest("2", "1C6094", 1))
    number = service.create(ME, CreateOrder("PO-1", lines, attributes=HOLD)).order.number
    before = _detail(service, number, clock)
    published = len(sink.events)

    def broken_freight(*args: Any) -> Any:  # fails after every line change was applied
        raise RuntimeError("freight failed")

    monkeypatch.setattr(service_module, "freight", broken_freight)
    with pytest.raises(RuntimeError):
        service.modify(ME, number, A_BIG_CHANGE, release=True)
    monkeypatch.undo()

    assert _detail(service, number, clock) == before  # lines, notes, address, status, totals
    assert len(sink.events) == published  # a failed use case publishes nothing
    page = service.search(ME, SearchCriteria())
    assert [o.number for o in page.orders] == [number]
    # ... and the order still works: the same change, then release, succeed.
    changed = service.modify(ME, number, A_BIG_CHANGE)
    assert [ln.quantity for ln in changed.order.lines] == [9, 1]
    released = service.modify(ME, number, ModifyOrder(), release=True)
    assert released.order.released_at == clock.now()


def test_a_float_quantity_never_reaches_the_totals(service: OrderService) -> None:
    number = service.create(
        ME, CreateOrder("PO-1", (LineRequest("1", "2GZ200", 2),), attributes=HOLD)
    ).order.number
    for change in (
        LineChange(LineAction.UPDATE, ingram_line_number="001", quantity=2.5),  # type: ignore[arg-type]
        LineChange(LineAction.ADD, part_number="DF4128", quantity=3.0),  # type: ignore[arg-type]
    ):
        result = service.modify(ME, number, ModifyOrder(lines=(change,)))
        assert [r.code for r in result.rejected] == ["EQ"]
    assert [ln.quantity for ln in service.get(ME, number).lines] == [2]


@pytest.mark.parametrize(
    "line",
    [
        {"ingramLineNumber": "001", "addUpdateDeleteLine": "UPDATE", "quantity": 2.0},
        {
            "customerLineNumber": "9",
            "ingramPartNumber": "DF4128",
            "addUpdateDeleteLine": "ADD",
            "quantity": 3.0,
        },
    ],
)
def test_integral_float_quantities_never_break_an_order(
    client: FlaskClient, headers: dict[str, str], place: Any, line: dict[str, Any]
) -> None:
    number = place(hold=True)
    answer = client.put(f"/resellers/v6/orders/{number}", json={"lines": [line]}, headers=headers)
    assert answer.status_code in (200, 207)  # coerced, or refused per line: never a 500
    detail = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert detail.status_code == 200
    quantities = [ln["quantityOrdered"] for ln in detail.get_json()["lines"]]
    assert all(isinstance(q, int) for q in quantities)
    search = client.get("/resellers/v6/orders/search", headers=headers)
    assert search.status_code == 200
    release = client.put(
        f"/resellers/v6/orders/{number}?actionCode=release", json={}, headers=headers
    )
    assert release.status_code == 200


def test_a_modify_that_fails_after_noting_its_event_publishes_nothing(
    service: OrderService, sink: RecordingSink, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = service.create(
        ME, CreateOrder("PO-1", (LineRequest("1", "2GZ200", 2),), attributes=HOLD)
    ).order.number
    before = _detail(service, number, clock)
    published = len(sink.events)

    def broken_release(*args: Any) -> None:  # fails after the modified event was noted
        raise RuntimeError("release failed")

    monkeypatch.setattr(service_module, "open_order", broken_release)
    update = LineChange(LineAction.UPDATE, ingram_line_number="001", quantity=5)
    change = ModifyOrder(lines=(update,))
    with pytest.raises(RuntimeError):
        service.modify(ME, number, change, release=True)
    assert len(sink.events) == published  # no im::order_modified for a change that never was
    assert _detail(service, number, clock) == before
