"""Sandbox `simulateStatus`: an order as it would look in another status, never stored.

The copy is complete and consistent (shipments with carriers, tracking and serials for
shipped; half quantities for partially shipped; invoices for invoiced) so a client can
rehearse reading every status without waiting for the clock.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from enum import StrEnum

from mock_server.domain.lifecycle import Pace, make_shipment
from mock_server.domain.models import Order, OrderLine
from mock_server.domain.status import HoldState


class SimulatedStatus(StrEnum):
    SHIPPED = "IM::SHIPPED"
    PARTIALLY_SHIPPED = "IM::PARTIALLY_SHIPPED"
    HOLD = "IM::HOLD"
    INVOICED = "IM::INVOICED"


def simulate(order: Order, status: SimulatedStatus, now: datetime, pace: Pace) -> Order:
    """A detached copy of `order` dressed in `status`; the stored order is untouched."""
    twin = copy.deepcopy(order)
    if status is SimulatedStatus.HOLD:
        twin.hold = HoldState.ON_HOLD
        twin.released_at = None
        for line in twin.lines:
            line.shipments = ()
        twin.refresh_status(now)
        return twin
    twin.hold = HoldState.OPEN
    twin.released_at = twin.released_at or twin.created_at
    # Shipped yesterday: in transit now. Invoiced: shipped long enough ago to be delivered.
    invoiced = status is SimulatedStatus.INVOICED
    shipped_at = now - (pace.deliver_after + timedelta(hours=1) if invoiced else timedelta(hours=1))
    for line in twin.lines:
        line.shipments = ()
        line.backordered = 0
        line.stock_arrives_at = None
        if status is SimulatedStatus.PARTIALLY_SHIPPED:
            quantity = _partial_quantity(twin, line)
            line.backordered = line.quantity - quantity
            if line.backordered:
                line.stock_arrives_at = now + pace.restock_after
        else:
            quantity = line.quantity
        if quantity:
            line.shipments = (
                make_shipment(twin, line, quantity, shipped_at, pace, invoiced=invoiced),
            )
    twin.delivery_announced = invoiced
    twin.refresh_status(now)
    return twin


def _partial_quantity(order: Order, line: OrderLine) -> int:
    """Half of each line ships (rounded down). If that ships nothing, the first line ships
    in full when other lines remain; a single-unit order cannot be split and ships nothing."""
    if any(ln.quantity >= 2 for ln in order.lines):
        return line.quantity // 2
    return line.quantity if len(order.lines) > 1 and line is order.lines[0] else 0
