"""What leaves the store's lock is a snapshot, and events are published after the lock.

A live order handed out of the lock can be changed by the ticker, the v7 intake or another
request while it is being rendered (a torn read); a sink called under the lock makes every
request wait for webhook rendering. These tests fail on either.
"""

from __future__ import annotations

import threading
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
from mock_server.domain.errors import ModificationRefused
from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.pricing import freight
from mock_server.domain.service import OrderService
from mock_server.domain.status import LineStatus
from mock_server.rehearsal.clock import FrozenClock
from mock_server.store.fixtures import load_catalog, load_regions
from mock_server.store.memory import InMemoryOrderStore
from mock_server.wire import answers as render
from tests.fakes import RecordingSink

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ME = Caller("20-222222", "US")
HOLD = {"alloworderoncustomerhold": "true"}


class LockProbeSink(RecordingSink):
    """Records, for each event, whether another thread could take the store's lock."""

    def __init__(self, store: InMemoryOrderStore) -> None:
        super().__init__()
        self.store = store
        self.lock_free: list[bool] = []

    def publish(self, event: OrderEvent) -> None:
        super().publish(event)
        result: list[bool] = []

        def probe() -> None:
            lock = self.store.atomically()
            got = lock.acquire(blocking=False)  # type: ignore[attr-defined]
            if got:
                lock.release()  # type: ignore[attr-defined]
            result.append(bool(got))

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(5)
        self.lock_free.append(result == [True])


@pytest.fixture
def store() -> InMemoryOrderStore:
    return InMemoryOrderStore()


@pytest.fixture
def sink(store: InMemoryOrderStore) -> LockProbeSink:
    return LockProbeSink(store)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def service(store: InMemoryOrderStore, sink: LockProbeSink, clock: FrozenClock) -> OrderService:
    return OrderService(store, load_catalog(FIXTURES), load_regions(FIXTURES), clock, events=sink)


def held_order(service: OrderService, quantity: int = 2) -> str:
    command = CreateOrder("PO-1", (LineRequest("1", "2GZ200", quantity),), attributes=HOLD)
    return service.create(ME, command).order.number


def set_quantity(quantity: int) -> ModifyOrder:
    return ModifyOrder(
        lines=(LineChange(LineAction.UPDATE, ingram_line_number="001", quantity=quantity),)
    )


def test_every_event_is_published_after_the_lock_is_released(
    service: OrderService, sink: LockProbeSink, clock: FrozenClock
) -> None:
    number = held_order(service)
    service.modify(ME, number, set_quantity(3), release=True)
    clock.advance(30 * 3600)  # ships and is delivered
    service.run_due()
    assert {EventKind.CREATED, EventKind.MODIFIED, EventKind.SHIPPED} <= set(sink.kinds())
    assert sink.lock_free and all(sink.lock_free)


def test_answers_are_detached_from_the_stored_order(
    service: OrderService, store: InMemoryOrderStore
) -> None:
    number = held_order(service, quantity=2)
    seen = service.get(ME, number)
    assert seen is not store.get(number)
    service.modify(ME, number, set_quantity(7))
    assert seen.lines[0].quantity == 2  # what was handed out does not move under its reader
    assert service.get(ME, number).lines[0].quantity == 7


def test_an_event_shows_the_order_as_it_was_when_it_happened(
    service: OrderService, sink: LockProbeSink, clock: FrozenClock
) -> None:
    number = held_order(service, quantity=2)
    service.modify(ME, number, set_quantity(5), release=True)
    by_kind = {e.kind: e for e in sink.events}
    created, modified, released = (
        by_kind[EventKind.CREATED],
        by_kind[EventKind.MODIFIED],
        by_kind[EventKind.RELEASED],
    )
    assert created.order is not None and created.order.lines[0].quantity == 2
    assert modified.order is not None and modified.order.lines[0].quantity == 5
    # The modification happened while the order was still held; the release then opened it.
    assert modified.order.lines[0].status(modified.order.hold, clock.now()) is LineStatus.ON_HOLD
    assert released.order is not None
    assert (
        released.order.lines[0].status(released.order.hold, clock.now()) is not LineStatus.ON_HOLD
    )


def test_rendering_while_another_thread_modifies_never_tears(service: OrderService) -> None:
    """Bounded: a writer flips a line's quantity while a reader renders the order; every
    rendered body must add up (subtotal, tax, freight and total from one state)."""
    number = held_order(service, quantity=1)
    stop = threading.Event()

    def writer() -> None:
        quantities = (1, 40)
        i = 0
        while not stop.is_set() and i < 4000:
            service.modify(ME, number, set_quantity(quantities[i % 2]))
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    torn = []
    try:
        for _ in range(800):
            details = service.read(ME, number)
            order = details.order
            body = render.order_detail(details)
            line = body["lines"][0]
            subtotal = Decimal(str(body["orderSubTotal"]))
            expected_freight = freight(order.lines, Decimal("1.00"))
            if (
                Decimal(str(line["extendedPrice"])) != subtotal
                or Decimal(str(body["freightCharges"])) != expected_freight
                or line["quantityOrdered"] * Decimal(str(line["unitPrice"])) != subtotal
            ):
                torn.append(body)
    finally:
        stop.set()
        thread.join(10)
    assert not torn, torn[:1]


def test_a_refused_call_still_publishes_what_settling_changed(
    service: OrderService, sink: LockProbeSink, clock: FrozenClock
) -> None:
    """A modify after the 24 h window finds the order voided: the refusal stands, and the
    void it found (a change that stays) is still announced, exactly once."""
    number = held_order(service)
    clock.advance(24 * 3600 + 1)
    with pytest.raises(ModificationRefused):
        service.modify(ME, number, set_quantity(3))
    assert sink.kinds(number).count(EventKind.VOIDED) == 1
    service.get(ME, number)
    assert sink.kinds(number).count(EventKind.VOIDED) == 1
