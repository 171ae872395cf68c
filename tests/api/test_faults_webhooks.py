"""Webhook faults (`operationId: webhookDelivery`) through the real dispatcher and its
retries, observed by a recording sender: a receiver that looks failing, late deliveries,
duplicates. Bounded: fast retries, every wait is a bounded flush."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.test_webhooks import CREATED, HOOK_URL, ON_HOLD, SECRET, Mock, mock_with
from tests.fakes import RecordingSender

OTHER_URL = "http://other.test/hooks/orders"


@pytest.fixture
def mock() -> Iterator[Mock]:
    yield from mock_with(RecordingSender())


def add_fault(mock: Mock, **rule: Any) -> str:
    answer = mock.client.post("/__admin/faults", json={"operationId": "webhookDelivery", **rule})
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["id"])


def test_a_failing_receiver_rule_makes_the_dispatcher_retry_then_deliver(mock: Mock) -> None:
    assert mock.sender is not None
    hook = mock.sender.endpoint(HOOK_URL)
    mock.register(HOOK_URL)
    add_fault(mock, status=503, times=2)
    number = mock.create()
    mock.flush()
    (delivery,) = mock.deliveries()
    assert delivery["order_number"] == number and delivery["state"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 200]
    assert len(hook.received) == 1  # the failed attempts never reached it


def test_a_reset_rule_shows_as_a_broken_connection_and_can_kill_a_delivery(mock: Mock) -> None:
    assert mock.sender is not None
    hook = mock.sender.endpoint(HOOK_URL)
    mock.register(HOOK_URL)
    add_fault(mock, kind="reset")  # every attempt, until removed
    mock.create()
    mock.flush()
    (dead,) = mock.deliveries("dead")
    assert all(a["status"] is None and "Reset" in a["error"] for a in dead["attempts"])
    assert hook.received == []
    mock.client.delete("/__admin/faults")
    assert (
        mock.client.post(f"/__admin/webhooks/deliveries/{dead['id']}/redeliver").status_code == 202
    )
    mock.flush()
    assert [r.event_type for r in hook.received] == [CREATED]


def test_duplicate_delivers_the_same_signed_event_twice(mock: Mock) -> None:
    assert mock.sender is not None
    hook = mock.sender.endpoint(HOOK_URL)
    mock.register(HOOK_URL)
    add_fault(mock, kind="duplicate", times=1)
    mock.create(hold=True)  # created, then on hold: only the first is doubled
    mock.flush()
    received = hook.received
    assert [r.event_type for r in received] == [CREATED, CREATED, ON_HOLD]
    first, second = received[0], received[1]
    assert first.body == second.body and first.event_id == second.event_id
    assert first.signed_by(SECRET) and second.signed_by(SECRET)


def test_a_delay_rule_makes_deliveries_to_one_receiver_late(mock: Mock) -> None:
    assert mock.sender is not None
    slow = mock.sender.endpoint(HOOK_URL)
    fast = mock.sender.endpoint(OTHER_URL)
    mock.register(HOOK_URL)
    mock.register(OTHER_URL, customer="20-333333")
    add_fault(mock, delayMs=300, url=HOOK_URL)
    started = time.perf_counter()
    mock.create()
    mock.create(customer="20-333333")
    mock.flush()
    assert len(slow.received) == 1 and len(fast.received) == 1
    # Late by the rule's delay (a lower bound, not a speed figure), and only that receiver.
    assert slow.received[0].at - started >= 0.3
    assert fast.received[0].at < slow.received[0].at
