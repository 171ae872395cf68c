"""The generated slot copiers behind every snapshot (domain/copies.py)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, fields

import pytest

from mock_server.domain.copies import copy_slots, shallow_copy
from mock_server.domain.events import EventKind, OrderEvent


@dataclass(slots=True)
class Mutable:
    name: str
    items: list[int] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True, slots=True)
class Frozen:
    name: str
    items: tuple[int, ...] = ()


def test_a_copy_holds_every_slot_and_is_a_new_object() -> None:
    original = Mutable("a", [1, 2], 3)
    twin = shallow_copy(original)
    assert twin == original
    assert twin is not original
    assert twin.items is original.items  # shallow: the same list
    twin.count = 9
    twin.name = "b"
    assert (original.name, original.count) == ("a", 3)


def test_a_frozen_class_is_copied_and_stays_frozen() -> None:
    original = Frozen("x", (1,))
    twin = shallow_copy(original)
    assert twin == original and twin is not original
    with pytest.raises(FrozenInstanceError):
        twin.name = "y"  # type: ignore[misc]


def test_copy_slots_gives_the_target_every_value() -> None:
    source, target = Mutable("s", [7], 1), Mutable("t")
    copy_slots(source, target)
    assert target == source and target is not source


def test_every_slot_of_a_real_event_is_copied() -> None:
    from datetime import datetime

    event = OrderEvent(EventKind.CREATED, datetime(2026, 1, 1), "20-222222", None, "PO", "C1")
    twin = shallow_copy(event)
    assert [getattr(twin, f.name) for f in fields(OrderEvent)] == [
        getattr(event, f.name) for f in fields(OrderEvent)
    ]
