"""Order search: filters combined with AND, then one page of the matches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.domain.models import Order
from mock_server.domain.status import SEARCH_STATUS_WORDS, OrderStatus

MAX_PAGE_SIZE = 100
DateRange = tuple[date, date]


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


def date_range(field: str, values: list[str]) -> DateRange:
    """A `-bt`/`_bt` range: exactly two ISO dates, the first not after the second."""
    if len(values) != 2:
        raise ValidationFailed(
            [FieldProblem(field, "A range takes exactly two dates", ",".join(values))]
        )
    try:
        start, end = date.fromisoformat(values[0]), date.fromisoformat(values[1])
    except ValueError:
        raise ValidationFailed(
            [FieldProblem(field, "Dates must be YYYY-MM-DD", ",".join(values))]
        ) from None
    if start > end:
        raise ValidationFailed(
            [FieldProblem(field, "The range starts after it ends", ",".join(values))]
        )
    return start, end


def _in(day: date, span: DateRange) -> bool:
    return span[0] <= day <= span[1]


def _any_day(moments: Iterable[datetime], span: DateRange) -> bool:
    return any(_in(m.date(), span) for m in moments)


def matches(order: Order, c: SearchCriteria, now: datetime) -> bool:
    """True when the order passes every filter that is set."""
    if c.ingram_order_number:
        wanted = c.ingram_order_number.upper()
        if order.number != wanted and wanted not in order.sub_order_numbers():
            return False
    if c.statuses is not None and order.status(now) not in c.statuses:
        return False
    created = order.created_at.date()
    if c.order_date and created != c.order_date:
        return False
    if c.order_date_range and not _in(created, c.order_date_range):
        return False
    if c.customer_order_number and (
        order.customer_order_number.upper() != c.customer_order_number.upper()
    ):
        return False
    if c.end_customer_order_number and (
        order.end_customer_order_number.upper() != c.end_customer_order_number.upper()
    ):
        return False
    if c.special_bid_number:
        bids = {order.special_bid_number.upper()} | {
            line.special_bid_number.upper() for line in order.lines
        }
        if c.special_bid_number.upper() not in bids:
            return False
    return _line_filters_match(order, c, now)


def _line_filters_match(order: Order, c: SearchCriteria, now: datetime) -> bool:
    lines = order.lines
    if c.part_number and not any(
        line.part_number.upper() == c.part_number.upper() for line in lines
    ):
        return False
    if c.vendor_part_number and not any(
        line.vendor_part_number.upper() == c.vendor_part_number.upper() for line in lines
    ):
        return False
    if c.vendor_name and not any(
        c.vendor_name.upper() in line.vendor_name.upper() for line in lines
    ):
        return False
    shipments = [s for line in lines for s in line.shipments if s.shipped_at <= now]
    if c.tracking_number and not any(
        s.tracking_number.upper() == c.tracking_number.upper() for s in shipments
    ):
        return False
    if c.serial_number and not any(c.serial_number.upper() in s.serial_numbers for s in shipments):
        return False
    if c.ship_date_range and not _any_day((s.shipped_at for s in shipments), c.ship_date_range):
        return False
    # Invoices are raised on the day a shipment leaves.
    if c.invoice_date_range and not _any_day(
        (s.shipped_at for s in shipments), c.invoice_date_range
    ):
        return False
    return not (
        c.delivery_date_range
        and not _any_day(
            (s.delivered_at for s in shipments if s.is_delivered(now)), c.delivery_date_range
        )
    )


def page_of(orders: Iterable[Order], c: SearchCriteria, now: datetime) -> SearchPage:
    found = [order for order in orders if matches(order, c, now)]
    start = (c.page_number - 1) * c.page_size
    return SearchPage(
        orders=found[start : start + c.page_size],
        records_found=len(found),
        page_size=c.page_size,
        page_number=c.page_number,
    )


def criteria_from_query(query: dict[str, Any]) -> SearchCriteria:
    """Search criteria from a query already checked and typed against the contract."""

    def text(name: str) -> str:
        value = query.get(name)
        return "" if value is None else str(value).strip()

    def span(name: str) -> DateRange | None:
        values = query.get(name)
        return date_range(name, [str(v) for v in values]) if values else None

    statuses: frozenset[OrderStatus] | None = None
    words = [*([query["orderStatus"]] if "orderStatus" in query else [])]
    if "orderStatus-in" in query:
        words.extend(str(w) for w in query["orderStatus-in"])
    if words:
        try:
            statuses = statuses_for(words)
        except KeyError:
            raise ValidationFailed(
                [FieldProblem("orderStatus", "Unknown order status", ",".join(words))]
            ) from None
    order_date = None
    if text("ingramOrderDate"):
        try:
            order_date = date.fromisoformat(text("ingramOrderDate"))
        except ValueError:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "ingramOrderDate", "Dates must be YYYY-MM-DD", text("ingramOrderDate")
                    )
                ]
            ) from None
    page_size = int(query.get("pageSize", 25))
    page_number = int(query.get("pageNumber", 1))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            [
                FieldProblem(
                    "pageSize", f"pageSize must be between 1 and {MAX_PAGE_SIZE}", str(page_size)
                )
            ]
        )
    if page_number < 1:
        raise ValidationFailed(
            [FieldProblem("pageNumber", "pageNumber starts at 1", str(page_number))]
        )
    return SearchCriteria(
        ingram_order_number=text("ingramOrderNumber"),
        statuses=statuses,
        order_date=order_date,
        order_date_range=span("ingramOrderDate-bt"),
        customer_order_number=text("customerOrderNumber"),
        end_customer_order_number=text("endCustomerOrderNumber"),
        invoice_date_range=span("invoiceDate_bt"),
        ship_date_range=span("shipDate_bt"),
        delivery_date_range=span("deliveryDate_bt"),
        part_number=text("ingramPartNumber"),
        vendor_part_number=text("vendorPartNumber"),
        serial_number=text("serialNumber"),
        tracking_number=text("trackingNumber"),
        vendor_name=text("vendorName"),
        special_bid_number=text("specialBidNumber"),
        page_size=page_size,
        page_number=page_number,
    )
