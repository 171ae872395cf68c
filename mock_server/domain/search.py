"""Order search: filters combined with AND, then one page of the matches."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.domain.models import Order, Shipment
from mock_server.domain.status import SEARCH_STATUS_WORDS, OrderStatus

DateRange = tuple[date, date]

# A search that names no filter (paging aside) lists only the orders placed in the last
# 20 days of mock time, as the real search does; any filter searches every order.
UNFILTERED_WINDOW = timedelta(days=20)


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    ingram_order_number: str = ""
    statuses: frozenset[OrderStatus] | None = None  # None: any status
    order_date: date | None = None
    order_date_range: DateRange | None = None
    customer_order_number: str = ""
    end_customer_order_number: str = ""
    invoice_date_range: DateRange | None = None
    ship_date_range: DateRange | None = None
    delivery_date_range: DateRange | None = None
    part_number: str = ""
    vendor_part_number: str = ""
    serial_number: str = ""
    tracking_number: str = ""
    vendor_name: str = ""
    special_bid_number: str = ""
    page_size: int = 25
    page_number: int = 1


@dataclass(frozen=True, slots=True)
class SearchPage:
    orders: list[Order]
    records_found: int
    page_size: int
    page_number: int
    at: datetime  # the moment searched (mock time): the statuses shown are as of then

    @property
    def has_next(self) -> bool:
        return self.page_number * self.page_size < self.records_found

    @property
    def has_previous(self) -> bool:
        return self.page_number > 1 and self.records_found > 0


def statuses_for(words: Iterable[str]) -> frozenset[OrderStatus]:
    """The header statuses that the search dialect's words (`ON HOLD`, ...) stand for."""
    result: set[OrderStatus] = set()
    for word in words:
        result |= SEARCH_STATUS_WORDS[word.strip().upper()]
    return frozenset(result)


def date_range(field: str, start: date, end: date) -> DateRange:
    """A `-bt`/`_bt` range. The contract checks its shape (two dates); the one rule it
    cannot state is that the range must not start after it ends."""
    if start > end:
        raise ValidationFailed(
            [FieldProblem(field, "The range starts after it ends", f"{start},{end}")]
        )
    return start, end


def _in(day: date, span: DateRange) -> bool:
    return span[0] <= day <= span[1]


def _any_day(moments: Iterable[datetime], span: DateRange) -> bool:
    return any(_in(m.date(), span) for m in moments)


Filter = Callable[[Order], bool]


def filters(c: SearchCriteria, now: datetime) -> list[Filter]:
    """One test per filter that is set; an order matches when it passes them all.

    Built once per search, so a filter that is not set costs nothing per order.
    """
    tests: list[Filter] = []
    if c.statuses is not None:
        statuses = c.statuses
        # Statuses change only when an order is settled or its hold changes, and a search
        # settles every due order first: the status noted then is the status now.
        tests.append(lambda o: (o.settled_status or o.status(now)) in statuses)
    if c.customer_order_number:
        po = c.customer_order_number.upper()
        tests.append(lambda o: o.customer_order_number.upper() == po)
    if c.ingram_order_number:
        number = c.ingram_order_number.upper()
        tests.append(lambda o: o.number == number or number in o.sub_order_numbers())
    if c.order_date:
        on = c.order_date
        tests.append(lambda o: o.created_at.date() == on)
    if c.order_date_range:
        placed = c.order_date_range
        tests.append(lambda o: _in(o.created_at.date(), placed))
    if c.end_customer_order_number:
        end_po = c.end_customer_order_number.upper()
        tests.append(lambda o: o.end_customer_order_number.upper() == end_po)
    if c.special_bid_number:
        bid = c.special_bid_number.upper()
        tests.append(
            lambda o: (
                o.special_bid_number.upper() == bid
                or any(line.special_bid_number.upper() == bid for line in o.lines)
            )
        )
    if c.part_number:
        part = c.part_number.upper()
        tests.append(lambda o: any(line.part_number.upper() == part for line in o.lines))
    if c.vendor_part_number:
        vpn = c.vendor_part_number.upper()
        tests.append(lambda o: any(line.vendor_part_number.upper() == vpn for line in o.lines))
    if c.vendor_name:
        vendor = c.vendor_name.upper()
        tests.append(lambda o: any(vendor in line.vendor_name.upper() for line in o.lines))
    tests.extend(_shipment_filters(c, now))
    return tests


def _shipment_filters(c: SearchCriteria, now: datetime) -> list[Filter]:
    def shipped(order: Order) -> list[Shipment]:
        return [s for line in order.lines for s in line.shipped_by(now)]

    tests: list[Filter] = []
    if c.tracking_number:
        tracking = c.tracking_number.upper()
        tests.append(lambda o: any(s.tracking_number == tracking for s in shipped(o)))
    if c.serial_number:
        serial = c.serial_number.upper()
        tests.append(lambda o: any(s.has_serial(serial) for s in shipped(o)))
    if c.ship_date_range:
        ship_span = c.ship_date_range
        tests.append(lambda o: _any_day((s.shipped_at for s in shipped(o)), ship_span))
    if c.invoice_date_range:
        # Invoices are raised on the day a shipment leaves.
        invoice_span = c.invoice_date_range
        tests.append(lambda o: _any_day((s.shipped_at for s in shipped(o)), invoice_span))
    if c.delivery_date_range:
        delivery_span = c.delivery_date_range
        tests.append(
            lambda o: _any_day(
                (s.delivered_at for s in shipped(o) if s.is_delivered(now)), delivery_span
            )
        )
    return tests


def page_of(orders: Sequence[Order], c: SearchCriteria, now: datetime) -> SearchPage:
    """One page of the matching orders, newest first; `orders` come oldest first.

    With no filter set, only the orders of the last `UNFILTERED_WINDOW` count."""
    start = (c.page_number - 1) * c.page_size
    tests = filters(c, now)
    if tests:
        matching: Iterable[Order] = reversed(orders)
        for test in tests:
            matching = filter(test, matching)
        found = list(matching)
        count, page = len(found), found[start : start + c.page_size]
    else:
        # Orders come in placement order and mock time never runs backwards: the window
        # is a tail of the sequence, found by bisection rather than a walk.
        first = bisect_left(orders, now - UNFILTERED_WINDOW, key=lambda o: o.created_at)
        count = len(orders) - first
        page = list(islice(reversed(orders), start, min(start + c.page_size, count)))
    return SearchPage(
        orders=page,
        records_found=count,
        page_size=c.page_size,
        page_number=c.page_number,
        at=now,
    )
