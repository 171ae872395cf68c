"""The plain form keeps every field: a field added to the domain and forgotten here would be
lost by snapshots and by the Redis store, silently."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal

from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.models import Order, OrderLine, Shipment
from mock_server.domain.status import HoldState
from mock_server.store.codec import (
    line_to_plain,
    order_to_plain,
    shipment_to_plain,
    submission_to_plain,
)

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_every_field_of_orders_lines_shipments_and_submissions_has_a_plain_key() -> None:
    shipment = Shipment(quantity=1, shipped_at=NOW, in_transit=NOW - NOW, seed=7)
    line = OrderLine(
        "001", "1", "P", "V", "N", "D", Decimal("1.00"), 1, 0, "10", "20-AAAAA-11",
        shipments=(shipment,),
    )  # fmt: skip
    order = Order(
        "20-AAAAA", "20-222222", "US", "NA", "USD", NOW, "PO", HoldState.OPEN, [line],
        Decimal("0.00"), Decimal("0.08"),
    )  # fmt: skip
    command = CreateOrder("PO", (LineRequest("1", "P", 1),))
    plain = submission_to_plain("C", Caller("20-222222", "US"), command)["command"]
    for cls, keys in (
        (Shipment, shipment_to_plain(shipment)),
        (OrderLine, line_to_plain(line)),
        (Order, order_to_plain(order)),
        (CreateOrder, plain),
        (LineRequest, plain["lines"][0]),
    ):
        missing = {f.name for f in fields(cls)} - set(keys)
        assert not missing, (cls.__name__, missing)
