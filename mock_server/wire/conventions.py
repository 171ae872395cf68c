"""JSON conventions shared by the API's answers and the webhook bodies.

Money is a JSON number, counts are integers, dates are strings; empty optional fields are
left out rather than sent as null.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

Json = dict[str, Any]


def amount(value: Decimal) -> float:
    return float(value)


def timestamp(moment: datetime) -> str:
    """`moment.isoformat(timespec="seconds")`, written by orjson: a third of the time, and
    a search page shows one per order (`tests/unit/test_wire.py` holds them equal)."""
    return orjson.dumps(moment, option=orjson.OPT_OMIT_MICROSECONDS)[1:-1].decode()


def day(moment: datetime) -> str:
    return moment.date().isoformat()


def compact(body: Json) -> Json:
    """`body` without its absent (None) and empty-string fields."""
    # `type(v) is str` first: `v != ""` on a number or a list takes Python's slow path.
    return {k: v for k, v in body.items() if v is not None and (type(v) is not str or v)}


def without_empty(body: Json, optional: tuple[str, ...]) -> Json:
    """`compact(body)` for a body whose only fields that may be absent or empty are
    `optional`: the answers every call renders name those few instead of testing every
    field (3 µs a body saved; `tests/unit/test_wire.py` holds each list to `compact`)."""
    for key in optional:
        value = body[key]
        if value is None or value == "":
            del body[key]
    return body


def order_link(order_number: str) -> Json:
    return {"topic": "orders", "href": f"/resellers/v6.1/orders/{order_number}", "type": "GET"}


def invoice_link(invoice_number: str) -> Json:
    return {
        "topic": "invoices",
        "href": f"/resellers/v6.1/invoices/{invoice_number}",
        "type": "GET",
    }
