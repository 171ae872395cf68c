"""The v7 intake's pause: what a maintenance window does to queued submissions."""

from __future__ import annotations

import threading
from typing import Any

from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.numbers import OrderNumberSequence
from mock_server.intake.service import OrderIntake
from mock_server.rehearsal.clock import FrozenClock

ME = Caller("20-222222", "US")


class RecordingOrders:
    """Stands in for OrderService: notes each submission it is asked to create."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.arrived = threading.Event()

    def not_honoured(self, caller: Caller, command: CreateOrder) -> list[Any]:
        return []  # these orders ask for no warehouse or carrier

    def create_async(self, caller: Caller, command: CreateOrder, confirmation: str) -> None:
        self.created.append(command.customer_order_number)
        self.arrived.set()


def intake(orders: RecordingOrders, *, background: bool = False) -> OrderIntake:
    fake: Any = orders
    return OrderIntake(fake, FrozenClock(), OrderNumberSequence(), background=background)


def submit(queue: OrderIntake, po: str) -> None:
    queue.submit(ME, CreateOrder(po, (LineRequest("1", "2GZ200", 1),)))


def test_a_paused_intake_holds_its_submissions_in_order() -> None:
    orders = RecordingOrders()
    queue = intake(orders)
    queue.pause()
    submit(queue, "PO-1")
    submit(queue, "PO-2")
    assert queue.drain() == 0 and queue.waiting == 2
    queue.resume()
    assert queue.drain() == 2
    assert orders.created == ["PO-1", "PO-2"] and queue.waiting == 0


def test_a_reset_drops_what_waits() -> None:
    orders = RecordingOrders()
    queue = intake(orders)
    queue.pause()
    submit(queue, "PO-GONE")
    assert queue.discard() == 1
    queue.resume()
    assert queue.drain() == 0 and orders.created == []


def test_the_worker_thread_waits_for_the_resume() -> None:
    orders = RecordingOrders()
    queue = intake(orders, background=True)
    queue.pause()
    submit(queue, "PO-LATER")
    assert queue.waiting == 1  # the worker only takes a submission while not paused
    queue.resume()
    assert orders.arrived.wait(5.0)
    assert orders.created == ["PO-LATER"]
