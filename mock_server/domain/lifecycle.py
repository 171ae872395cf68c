"""How orders move with time: the 24-hour hold window, restocking, shipping, delivery.

`settle(order, now)` applies, in time order, every step that is due by `now` and returns
the events those steps produced. It is idempotent: settling twice emits nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from mock_server.domain.events import EventKind, OrderEvent, order_event
from mock_server.domain.models import Order, OrderLine, Shipment
from mock_server.domain.status import HoldState, check_transition

HOLD_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Pace:
    """Mock-time durations of each fulfilment step (configurable at start)."""

    ship_after: timedelta = timedelta(hours=4)  # ready -> shipped
    deliver_after: timedelta = timedelta(hours=20)  # shipped -> delivered
    restock_after: timedelta = timedelta(hours=72)  # backordered -> stock arrives


_CARRIERS = (("UP", "UPS GROUND"), ("FG", "FEDEX GROUND"), ("DH", "DHL NORMAL"))


def void_time(order: Order) -> datetime:
    return order.created_at + HOLD_WINDOW


def open_order(order: Order, at: datetime, pace: Pace) -> None:
    """Placement without hold, or release: the order becomes final and starts moving."""
    if order.hold is not HoldState.OPEN:
        check_transition(order.hold, HoldState.OPEN)
    order.hold = HoldState.OPEN
    order.released_at = at
    for line in order.lines:
        line.ready_at = at
        if line.backordered:
            line.stock_arrives_at = at + pace.restock_after


def close_order(order: Order, target: HoldState, at: datetime) -> None:
    """Cancel or void a held order."""
    check_transition(order.hold, target)
    order.hold = target
    order.closed_at = at


def next_step(order: Order, pace: Pace) -> datetime | None:
    """When the clock next changes this order, or None if it never will."""
    if order.hold is HoldState.ON_HOLD:
        return void_time(order)
    if order.hold is not HoldState.OPEN:
        return None
    due: list[datetime] = []
    for line in order.lines:
        if line.backordered and line.stock_arrives_at is not None:
            due.append(line.stock_arrives_at)
        if line.confirmed > line.shipped_quantity and line.ready_at is not None:
            due.append(line.ready_at + pace.ship_after)
    if not due and not order.delivery_announced:
        deliveries = [s.delivered_at for line in order.lines for s in line.shipments]
        if deliveries:
            due.append(max(deliveries))
    return min(due) if due else None


def settle(order: Order, now: datetime, pace: Pace) -> list[OrderEvent]:
    """Apply every due step up to `now`; returns the events in the order they happened."""
    events: list[OrderEvent] = []
    while (due := next_step(order, pace)) is not None and due <= now:
        events.extend(_apply_step(order, due, pace))
    order.next_due = next_step(order, pace)
    return events


def _apply_step(order: Order, at: datetime, pace: Pace) -> list[OrderEvent]:
    if order.hold is HoldState.ON_HOLD:
        close_order(order, HoldState.VOIDED, at)
        return [order_event(order, EventKind.VOIDED, at)]
    shipped_any = False
    for line in order.lines:
        if line.backordered and line.stock_arrives_at is not None and line.stock_arrives_at <= at:
            line.backordered = 0
            line.ready_at = line.stock_arrives_at
            line.stock_arrives_at = None
        waiting = line.confirmed - line.shipped_quantity
        if waiting > 0 and line.ready_at is not None and line.ready_at + pace.ship_after <= at:
            line.shipments.append(make_shipment(order, line, waiting, at, pace))
            shipped_any = True
    events = [order_event(order, EventKind.SHIPPED, at)] if shipped_any else []
    fully_shipped = all(line.shipped_quantity >= line.quantity for line in order.lines)
    if not shipped_any and fully_shipped and not order.delivery_announced:
        order.delivery_announced = True
        events.append(order_event(order, EventKind.DELIVERED, at))
    return events


def make_shipment(
    order: Order, line: OrderLine, quantity: int, at: datetime, pace: Pace
) -> Shipment:
    batch = len(line.shipments) + 1
    seed = hashlib.sha1(f"{order.number}/{line.ingram_line_number}/{batch}".encode()).hexdigest()
    carrier_code, carrier_name = _CARRIERS[int(seed[:2], 16) % len(_CARRIERS)]
    serials: tuple[str, ...] = ()
    if line.unit_weight > 0:  # physical goods carry serial numbers; licences do not
        serials = tuple(f"SN{seed[:8].upper()}{i:04d}" for i in range(1, min(quantity, 20) + 1))
    return Shipment(
        quantity=quantity,
        shipped_at=at,
        delivered_at=at + pace.deliver_after,
        carrier_code=carrier_code,
        carrier_name=carrier_name,
        tracking_number=f"1Z{seed[8:24].upper()}",
        serial_numbers=serials,
        delivery_number=f"8{int(seed[24:32], 16) % 10**9:09d}",
        invoice_number=f"{order.number[:2]}{int(seed[32:40], 16) % 10**7:07d}",
    )
