"""The dashboard's read model: pages of customers and orders, one order's timeline and
lines, a page of the request journal with its bodies pretty-printed.

Everything here reads one page under the store's lock and returns plain rows; nothing
walks every stored order, so a page costs the same with 100 or 100,000 orders, and the
API's hot path pays nothing (the dashboard is only ever asked by a person).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from mock_server.domain.commands import Caller
from mock_server.domain.lifecycle import Pace, void_time
from mock_server.domain.models import Order
from mock_server.domain.ports import OrderStore
from mock_server.domain.service import OrderDetails
from mock_server.domain.status import HoldState
from mock_server.rehearsal.journal import RequestJournal
from mock_server.rehearsal.journal_view import JournalQuery, entry_json
from mock_server.rehearsal.timelines import OrderTimelines, TimelineEntry
from mock_server.webhooks import Delivery


@dataclass(frozen=True, slots=True)
class OrderRow:
    number: str
    customer_number: str
    po: str
    status: str
    total: str
    currency: str
    placed: datetime
    next_step: str  # what the clock will do next, "" when nothing
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True, slots=True)
class TimelineRow:
    entry: TimelineEntry
    deliveries: list[Delivery]  # the webhook deliveries this event caused


@dataclass(frozen=True, slots=True)
class OrderView:
    row: OrderRow
    events: list[TimelineRow] | None  # None: its journal is no longer kept
    deliveries: list[Delivery]  # every delivery about the order, newest first


def next_step(order: Order, pace: Pace) -> str:
    """Name the step `order.next_due` stands for (see lifecycle.next_step)."""
    due = order.next_due
    if due is None:
        return ""
    if order.hold is HoldState.ON_HOLD:
        return "void (hold not released)" if due == void_time(order) else "settle"
    for line in order.lines:
        if line.backordered and line.stock_arrives_at == due:
            return "restock"
        if line.ready_at is not None and line.ready_at + pace.ship_after == due:
            return "ship"
    return "delivered"


def row_of(order: Order, now: datetime, pace: Pace) -> OrderRow:
    return OrderRow(
        number=order.number,
        customer_number=order.customer_number,
        po=order.customer_order_number,
        status=order.status(now).value,
        total=f"{order.total:.2f}",
        currency=order.currency_code,
        placed=order.created_at,
        next_step=next_step(order, pace),
        next_due=order.next_due,
    )


def customer_orders(
    store: OrderStore, customer: str, page: int, size: int, now: datetime, pace: Pace
) -> tuple[Page, list[OrderRow]]:
    """One page of a customer's orders, newest first."""
    with store.atomically():
        orders = store.for_customer(customer)
        where = Page(page, size, len(orders))
        end = max(0, len(orders) - where.offset)
        chosen = orders[max(0, end - size) : end]
        rows = [row_of(order, now, pace) for order in reversed(chosen)]
    return where, rows


def customers(store: OrderStore, page: int, size: int) -> tuple[Page, list[tuple[str, int]]]:
    total, rows = store.customer_page((page - 1) * size, size)
    return Page(page, size, total), rows


def order_view(
    store: OrderStore,
    number: str,
    now: datetime,
    pace: Pace,
    timelines: OrderTimelines,
    deliveries: list[Delivery],
) -> OrderView | None:
    with store.atomically():
        order = store.get(number)
        if order is None:
            return None
        row = row_of(order, now, pace)
    about = sorted(
        (d for d in deliveries if d.order_number == row.number),
        key=lambda d: d.created_at,
        reverse=True,
    )
    entries = timelines.for_order(row.number)
    events = None if entries is None else [TimelineRow(e, caused_by(e, about)) for e in entries]
    return OrderView(row, events, about)


def caused_by(entry: TimelineEntry, deliveries: list[Delivery]) -> list[Delivery]:
    """The deliveries of one event: same type, same event timestamp (the body carries the
    event's mock time to the millisecond, as `webhooks.envelope` writes it)."""
    stamp = entry.at.isoformat(timespec="milliseconds")
    return [
        d
        for d in deliveries
        if d.event_type == entry.kind
        and isinstance(d.body, dict)
        and d.body.get("eventTimeStamp") == stamp
    ]


def owner(store: OrderStore, number: str) -> Caller | None:
    """Who may read the order `number` through the API (its customer and country)."""
    with store.atomically():
        order = store.get(number)
        return None if order is None else Caller(order.customer_number, order.country_code)


@dataclass(frozen=True, slots=True)
class LineRow:
    number: str  # Ingram's line number
    customer_line: str
    part: str
    vendor_part: str
    description: str
    quantity: int
    backordered: int
    shipped: int
    unit_price: str
    status: str
    warehouse: str


def line_rows(details: OrderDetails) -> list[LineRow]:
    """The lines of an order as its details answer was read (at `details.at`, mock time)."""
    order, names = details.order, details.warehouse_names
    return [
        LineRow(
            number=line.ingram_line_number,
            customer_line=line.customer_line_number,
            part=line.part_number,
            vendor_part=line.vendor_part_number,
            description=line.description,
            quantity=line.quantity,
            backordered=line.backordered,
            shipped=line.shipped_quantity,
            unit_price=f"{line.unit_price:.2f}",
            status=line.status(order.hold, details.at).value,
            warehouse=names.get(line.warehouse_id, line.warehouse_id),
        )
        for line in order.lines
    ]


# -- the request journal -------------------------------------------------------------------

FILTERS = ("operation", "status", "customerNumber", "correlationId")


@dataclass(frozen=True, slots=True)
class ShownEntry:
    entry: dict[str, Any]  # as `GET /__admin/requests` lists it
    request_headers: str  # "name: value" lines
    request_body: str  # pretty JSON, or the text as sent; "" for none
    response_headers: str
    response_body: str


@dataclass(frozen=True, slots=True)
class JournalPage:
    entries: list[ShownEntry]  # newest first
    kept: int  # entries the journal holds now
    total: int  # requests recorded since the last clear
    bodies: bool  # False: the journal keeps no bodies (the journal_bodies setting)


def journal_page(
    journal: RequestJournal, filters: Mapping[str, str], size: int, since: int | None = None
) -> JournalPage:
    """The newest `size` entries that pass `filters` (FILTERS, as `/__admin/requests`
    takes them; empty values are ignored), newer than entry `since` if given. Costs one
    pass over the kept entries (bounded by the journal's cap), and formats `size` at most.
    Raises InvalidQuery."""
    args = {name: filters[name] for name in FILTERS if filters.get(name)}
    query = JournalQuery.parse({**args, "order": "newest", "limit": str(size)})
    kept = journal.entries()
    # `since` is applied here: JournalQuery caps it at MAX_LIMIT, and ids pass a million
    # in a long load run.
    newer = kept if since is None else [e for e in kept if e.id > since]
    bodies = journal.bodies
    shown = [_shown(entry_json(e, bodies=bodies)) for e in query.select(newer)]
    return JournalPage(shown, len(kept), journal.total, bodies)


def _shown(entry: dict[str, Any]) -> ShownEntry:
    asked, answered = entry["request"], entry["response"]
    return ShownEntry(
        entry,
        _header_lines(asked["headers"]),
        pretty(asked.get("body")),
        _header_lines(answered["headers"]),
        pretty(answered.get("body")),
    )


def pretty(body: Any) -> str:
    """JSON indented by two spaces, keys in the order sent; text as it is; None as ""."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode()


def _header_lines(headers: Mapping[str, str]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers.items())
