"""The Redis store's own guarantees, below the use cases: conflicts, claims, the counter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.ports import StoreConflict
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.store.connection import connect
from mock_server.store.redis import RedisOrderStore
from tests.redis_support import drop_namespace, fresh_namespace

ME = Caller("20-222222", "US")


@pytest.fixture
def shared(redis_url: str) -> Iterator[MockServices]:
    namespace = fresh_namespace()
    settings = Settings(store=redis_url, store_namespace=namespace)
    yield build_services(settings, clock=AdjustableClock(FrozenClock()))
    drop_namespace(redis_url, namespace)


def _command(po: str) -> CreateOrder:
    return CreateOrder(customer_order_number=po, lines=(LineRequest("1", "2GZ200", 1),))


def test_a_stale_write_is_refused_and_saves_nothing(shared: MockServices) -> None:
    order = shared.orders.create(ME, _command("A")).order
    store = shared.store
    assert isinstance(store, RedisOrderStore)
    other = RedisOrderStore(connect(shared.settings.store), shared.settings.store_namespace)
    with pytest.raises(StoreConflict), store.atomically():
        mine = store.get(order.number)
        assert mine is not None
        with other.atomically():  # another process changes the order meanwhile
            theirs = other.get(order.number)
            assert theirs is not None
            theirs.notes = "theirs"
        mine.notes = "mine"
    kept = store.get(order.number)
    assert kept is not None and kept.notes == "theirs"


def test_the_commit_that_creates_a_v7_order_ends_its_claim(shared: MockServices) -> None:
    """A process killed between creating the order and saying `done` leaves no claim for
    another process to create the order a second time."""
    client = connect(shared.settings.store)
    claims = f"{shared.settings.store_namespace}:intake:claimed"
    submission = shared.intake.submit(ME, _command("V7"))
    queue = shared.intake._queue
    taken = queue.take(0)
    assert taken is not None and taken.confirmation_number == submission.confirmation_number
    assert client.zcard(claims) == 1
    shared.orders.create_async(taken.caller, taken.command, taken.confirmation_number)
    assert client.zcard(claims) == 0  # before done(): ended by the order's own commit
    queue.done(taken)
    assert len(shared.store) == 1 and queue.take(0) is None


def test_numbers_from_two_counters_on_one_redis_never_repeat(shared: MockServices) -> None:
    other = build_services(shared.settings, clock=AdjustableClock(FrozenClock()))
    seen = [
        services.orders.numbers.next_order_number("20")
        for _ in range(100)
        for services in (shared, other)
    ]
    assert len(set(seen)) == 200
