"""The order rules in plain Python: no Flask, time from a frozen clock."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from mock_server.domain.commands import (
    Caller,
    CreateOrder,
    LineAction,
    LineChange,
    LineRequest,
    ModifyOrder,
)
from mock_server.domain.errors import (
    CancellationRefused,
    ModificationRefused,
    NothingAccepted,
    OrderNotFound,
    ValidationFailed,
)
from mock_server.domain.events import EventKind
from mock_server.domain.numbers import OrderNumberSequence, base_order_number
from mock_server.domain.ports import OrderStore
from mock_server.domain.service import OrderService
from mock_server.domain.status import (
    HOLD_TRANSITIONS,
    HoldState,
    IllegalTransition,
    check_transition,
)
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from tests.fakes import RecordingSink

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ME = Caller("20-222222", "US")
YOU = Caller("20-333333", "US")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


pytestmark = pytest.mark.stores  # every rule holds on the in-memory and the Redis store


@pytest.fixture
def service(clock: FrozenClock, sink: RecordingSink, store: OrderStore) -> OrderService:
    return OrderService(
        store,
        load_catalog(FIXTURES),
        load_regions(FIXTURES),
        clock,
        events=sink,
    )


def command(
    po: str = "PO-1", *, hold: bool = False, lines: tuple[LineRequest, ...] = ()
) -> CreateOrder:
    attributes = {"alloworderoncustomerhold": "true"} if hold else {}
    return CreateOrder(
        customer_order_number=po,
        lines=lines or (LineRequest("1", "2GZ200", 2),),
        attributes=attributes,
    )


def test_transition_table_allows_only_moves_out_of_hold() -> None:
    assert HOLD_TRANSITIONS[HoldState.ON_HOLD] == {
        HoldState.OPEN,
        HoldState.CANCELED,
        HoldState.VOIDED,
    }
    for final in (HoldState.OPEN, HoldState.CANCELED, HoldState.VOIDED):
        for target in HoldState:
            with pytest.raises(IllegalTransition):
                check_transition(final, target)


def test_hold_flag_places_the_order_on_hold(service: OrderService, sink: RecordingSink) -> None:
    held = service.create(ME, command("A", hold=True)).order
    open_ = service.create(ME, command("B")).order
    assert held.hold is HoldState.ON_HOLD
    assert open_.hold is HoldState.OPEN
    assert sink.kinds(held.number) == [EventKind.CREATED, EventKind.ON_HOLD]
    assert sink.kinds(open_.number) == [EventKind.CREATED]


def test_totals_add_up_to_the_cent(service: OrderService) -> None:
    lines = (
        LineRequest("1", "2GZ200", 3),
        LineRequest("2", "1C6094", 7),
        LineRequest("3", "9YG948", 1),
    )
    order = service.create(ME, command(lines=lines)).order
    assert order.subtotal == sum(line.unit_price * line.quantity for line in order.lines)
    assert order.tax == sum(order.line_tax(line) for line in order.lines)
    assert order.total == order.subtotal + order.tax + order.freight
    assert order.total.as_tuple().exponent == -2


def test_stock_shortfall_is_backordered(service: OrderService) -> None:
    lines = (LineRequest("1", "DF4128", 4), LineRequest("2", "TXSLM3", 5))
    order = service.create(ME, command(lines=lines)).order
    by_part = {line.part_number: line for line in order.lines}
    assert by_part["DF4128"].backordered == 4
    assert by_part["TXSLM3"].backordered == 2
    assert by_part["TXSLM3"].confirmed == 3


def test_unknown_parts_and_bad_quantities_are_rejected(service: OrderService) -> None:
    lines = (
        LineRequest("1", "2GZ200", 1),
        LineRequest("2", "XXXXXX", 1),
        LineRequest("3", "1C6094", 0),
    )
    result = service.create(ME, command(lines=lines))
    assert [(r.code, r.part_number) for r in result.rejected] == [
        ("EN", "XXXXXX"),
        ("EQ", "1C6094"),
    ]
    assert [line.part_number for line in result.order.lines] == ["2GZ200"]
    with pytest.raises(NothingAccepted):
        service.create(ME, command("P2", lines=(LineRequest("1", "XXXXXX", 1),)))


def test_duplicate_po_is_refused_unless_allowed(service: OrderService) -> None:
    service.create(ME, command("SAME"))
    with pytest.raises(ValidationFailed) as refused:
        service.create(ME, command("same"))
    assert refused.value.problems[0].field == "customerOrderNumber"
    allowed = CreateOrder(
        customer_order_number="SAME",
        lines=(LineRequest("1", "2GZ200", 1),),
        attributes={"allowduplicatecustomerordernumber": "true"},
    )
    assert service.create(ME, allowed).order.customer_order_number == "SAME"
    # Another customer's PO namespace is separate.
    assert service.create(YOU, command("SAME")).order.customer_number == YOU.customer_number


def test_orders_are_invisible_to_other_customers(service: OrderService) -> None:
    order = service.create(ME, command(hold=True)).order
    with pytest.raises(OrderNotFound):
        service.get(YOU, order.number)
    with pytest.raises(OrderNotFound):
        service.cancel(YOU, order.number)
    with pytest.raises(OrderNotFound):
        service.modify(YOU, order.number, ModifyOrder(notes="x"), release=True)
    from mock_server.domain.search import SearchCriteria

    assert service.search(YOU, SearchCriteria()).records_found == 0
    assert service.get(ME, order.number).hold is HoldState.ON_HOLD


def test_held_order_is_voided_at_exactly_24_hours(
    service: OrderService, clock: FrozenClock, sink: RecordingSink
) -> None:
    order = service.create(ME, command(hold=True)).order
    clock.advance(timedelta(hours=24).total_seconds() - 1)
    assert service.get(ME, order.number).hold is HoldState.ON_HOLD
    clock.advance(1)
    assert service.get(ME, order.number).hold is HoldState.VOIDED
    for _ in range(3):  # more reads and sweeps emit nothing new
        clock.advance(3600)
        service.get(ME, order.number)
        service.run_due()
    assert sink.kinds(order.number).count(EventKind.VOIDED) == 1
    with pytest.raises(ModificationRefused):
        service.modify(ME, order.number, ModifyOrder(), release=True)
    with pytest.raises(CancellationRefused):
        service.cancel(ME, order.number)


def test_a_refused_modify_keeps_and_announces_the_void_it_found(
    service: OrderService, clock: FrozenClock, sink: RecordingSink
) -> None:
    """The void found while settling a refused modify stays (in Redis too) and is announced
    once: later reads find the order voided and emit nothing more."""
    order = service.create(ME, command(hold=True)).order
    clock.advance(24 * 3600 + 1)
    with pytest.raises(ModificationRefused):
        service.modify(ME, order.number, ModifyOrder(notes="late"))
    assert sink.kinds(order.number).count(EventKind.VOIDED) == 1
    assert service.store.due(clock.now()) == []  # saved, timer included: nothing left due
    assert service.get(ME, order.number).hold is HoldState.VOIDED
    assert sink.kinds(order.number).count(EventKind.VOIDED) == 1


def test_release_is_final_and_cancel_only_while_held(service: OrderService) -> None:
    held = service.create(ME, command("A", hold=True)).order
    service.modify(ME, held.number, ModifyOrder(), release=True)
    with pytest.raises(ModificationRefused):
        service.modify(ME, held.number, ModifyOrder(notes="late"))
    with pytest.raises(CancellationRefused):
        service.cancel(ME, held.number)
    never_held = service.create(ME, command("B")).order
    with pytest.raises(ModificationRefused):
        service.modify(ME, never_held.number, ModifyOrder(), release=True)
    with pytest.raises(CancellationRefused):
        service.cancel(ME, never_held.number)
    other = service.create(ME, command("C", hold=True)).order
    assert service.cancel(ME, other.number).hold is HoldState.CANCELED
    with pytest.raises(CancellationRefused):
        service.cancel(ME, other.number)


def test_modify_adds_updates_and_deletes_lines(service: OrderService) -> None:
    order = service.create(ME, command(hold=True)).order
    change = ModifyOrder(
        lines=(
            LineChange(LineAction.ADD, customer_line_number="2", part_number="1C6094", quantity=3),
            LineChange(LineAction.UPDATE, ingram_line_number="001", quantity=5),
            LineChange(LineAction.ADD, part_number="NOPE99", quantity=1),
            LineChange(LineAction.DELETE, ingram_line_number="009"),
        ),
        notes="updated",
    )
    result = service.modify(ME, order.number, change)
    assert [(line.ingram_line_number, line.quantity) for line in result.order.lines] == [
        ("001", 5),
        ("002", 3),
    ]
    assert [r.code for r in result.rejected] == ["EN", "EL"]
    assert result.order.notes == "updated"
    delete = ModifyOrder(lines=(LineChange(LineAction.DELETE, ingram_line_number="001"),))
    after = service.modify(ME, order.number, delete).order
    assert [line.ingram_line_number for line in after.lines] == ["002"]
    last = ModifyOrder(lines=(LineChange(LineAction.DELETE, ingram_line_number="002"),))
    assert [r.code for r in service.modify(ME, order.number, last).rejected] == ["ED"]


def test_released_order_ships_then_is_delivered(
    service: OrderService, clock: FrozenClock, sink: RecordingSink
) -> None:
    order = service.create(ME, command(hold=True)).order
    service.modify(ME, order.number, ModifyOrder(), release=True)
    clock.advance(4 * 3600 - 1)
    service.run_due()
    assert EventKind.SHIPPED not in sink.kinds(order.number)
    clock.advance(1)
    service.run_due()
    shipped = service.get(ME, order.number)
    # The goods leave invoiced: shipped, then invoiced, at the same moment.
    assert sink.kinds(order.number)[-2:] == [EventKind.SHIPPED, EventKind.INVOICED]
    shipment = shipped.lines[0].shipments[0]
    assert shipment.quantity == 2 and shipment.tracking_number and shipment.serial_numbers
    clock.advance(20 * 3600)
    service.run_due()
    assert sink.kinds(order.number)[-1] is EventKind.DELIVERED
    assert shipped.status(clock.now()).value == "Delivered"


def test_backordered_quantity_waits_for_restock(service: OrderService, clock: FrozenClock) -> None:
    order = service.create(ME, command(lines=(LineRequest("1", "DF4128", 2),))).order
    clock.advance(48 * 3600)
    assert service.get(ME, order.number).status(clock.now()).value == "Backordered"
    clock.advance(24 * 3600 + 4 * 3600)
    settled = service.get(ME, order.number)
    assert settled.lines[0].backordered == 0
    assert settled.lines[0].shipped_quantity == 2


def test_order_numbers_are_unique_and_well_formed() -> None:
    numbers = OrderNumberSequence()
    seen = {numbers.next_order_number("20") for _ in range(50_000)}
    assert len(seen) == 50_000
    assert all(len(n) == 8 and n[2] == "-" for n in seen)
    assert base_order_number("20-ab12c-11") == "20-AB12C"


def test_concurrent_creates_lose_nothing(service: OrderService) -> None:
    errors: list[BaseException] = []

    def place(worker: int) -> None:
        try:
            for i in range(50):
                service.create(ME, command(f"W{worker}-{i}"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=place, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    from mock_server.domain.search import SearchCriteria

    page = service.search(ME, SearchCriteria(page_size=100))
    assert page.records_found == 400
    assert len(service.store) == 400


def test_one_po_raced_by_many_threads_is_placed_once(service: OrderService) -> None:
    """The PO rule under contention: on Redis the check is optimistic and the commit
    script refuses a PO taken meanwhile, so exactly one create wins."""
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def place() -> None:
        barrier.wait(10)
        try:
            service.create(ME, command("RACED"))
            outcomes.append("placed")
        except ValidationFailed:
            outcomes.append("refused")

    threads = [threading.Thread(target=place) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["placed"] + ["refused"] * 5
    assert len(service.store) == 1


def test_freight_is_in_the_regions_currency(service: OrderService) -> None:
    lines = (LineRequest("1", "2GZ200", 2),)
    us = service.create(ME, command("US-1", lines=lines)).order
    spain = service.create(Caller("20-222222", "ES"), command("ES-1", lines=lines)).order
    rate = service.regions.get("EU").fx_rate
    assert spain.currency_code == "EUR" and spain.number.startswith("29-")
    assert abs(spain.freight - us.freight * rate) <= Decimal("0.01")
    assert spain.lines[0].unit_price == (us.lines[0].unit_price * rate).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("quantities", "shipped"),
    [((4, 3), [2, 1]), ((1, 1), [1, 0]), ((1,), [0]), ((5,), [2])],
)
def test_partially_shipped_simulation_always_leaves_a_remainder(
    service: OrderService, clock: FrozenClock, quantities: tuple[int, ...], shipped: list[int]
) -> None:
    from mock_server.domain.simulate import SimulatedStatus, simulate

    parts = ("2GZ200", "1C6094")
    lines = tuple(LineRequest(str(i), parts[i], q) for i, q in enumerate(quantities))
    order = service.create(ME, command(lines=lines)).order
    twin = simulate(order, SimulatedStatus.PARTIALLY_SHIPPED, clock.now(), service.pace)
    assert [line.shipped_quantity for line in twin.lines] == shipped
    assert sum(line.backordered for line in twin.lines) > 0
    assert all(not line.shipments for line in order.lines)  # the stored order is untouched
