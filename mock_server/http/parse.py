"""Requests the contract accepted, parsed into the domain's commands and criteria.

Shape, type, format and enum errors were already answered by the contract check, so
parsing here only maps wire names to domain fields and fills in absent optional ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeGuard

from mock_server.domain.commands import (
    CreateOrder,
    LineAction,
    LineChange,
    LineRequest,
    ModifyOrder,
)
from mock_server.domain.models import Address
from mock_server.domain.search import DateRange, SearchCriteria, date_range, statuses_for
from mock_server.domain.status import OrderStatus


def _is_object(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """A JSON object. Parsed bodies hold dicts, and absent fields read as None:
    `isinstance(..., Mapping)`, an ABC check several times slower, is only the fallback."""
    return type(value) is dict or (value is not None and isinstance(value, Mapping))


def _text(value: Any) -> str:
    if type(value) is str:  # nearly always: the contract asked for text
        return value
    return "" if value is None else str(value)


def _address(value: Any, *, keep_empty: bool = False) -> Address | None:
    """An address object as text fields; None when absent (or empty, unless `keep_empty`:
    the domain refuses an empty `endUserInfo`)."""
    if not _is_object(value):
        return None
    address = {k: str(v) for k, v in value.items() if v is not None and not isinstance(v, dict)}
    return address if address or keep_empty else None


def _attributes(items: Any) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items or ():
        if _is_object(item) and item.get("attributeName"):
            result[str(item["attributeName"]).lower()] = _text(item.get("attributeValue"))
    return result


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else ()


def parse_create(body: Mapping[str, Any]) -> CreateOrder:
    """A v6 or v7 create body as a domain command."""
    lines = tuple(
        LineRequest(
            customer_line_number=_text(line.get("customerLineNumber")) or f"{i:03d}",
            part_number=_text(line.get("ingramPartNumber")).strip(),
            quantity=int(line.get("quantity") or 0),
            special_bid_number=_text(line.get("specialBidNumber")),
            notes=_text(line.get("notes")),
            vendor_part_number=_text(line.get("vendorPartNumber")).strip(),
            customer_part_number=_text(line.get("customerPartNumber")).strip(),
            warehouse_id=_attributes(line.get("additionalAttributes"))
            .get("shipfromwarehouseid", "")
            .strip(),
        )
        for i, line in enumerate(_sequence(body.get("lines")), start=1)
        if _is_object(line)
    )
    shipment = body.get("shipmentDetails")
    carrier = shipment.get("carrierCode") if _is_object(shipment) else None
    return CreateOrder(
        customer_order_number=_text(body.get("customerOrderNumber")),
        lines=lines,
        end_customer_order_number=_text(body.get("endCustomerOrderNumber")),
        bill_to_address_id=_text(body.get("billToAddressId")),
        special_bid_number=_text(body.get("specialBidNumber")),
        notes=_text(body.get("notes")),
        ship_to=_address(body.get("shipToInfo")),
        end_user=_address(body.get("endUserInfo"), keep_empty=True),
        reseller=_address(body.get("resellerInfo")),
        attributes=_attributes(body.get("additionalAttributes")),
        quote_number=_text(body.get("quoteNumber")).strip(),
        carrier_code=_text(carrier).strip(),
    )


def parse_modify(body: Any) -> ModifyOrder:
    """A modify body as a domain command (an absent or non-object body changes nothing)."""
    if not _is_object(body):
        return ModifyOrder()
    changes = tuple(
        LineChange(
            action=LineAction(str(line.get("addUpdateDeleteLine", "UPDATE")).upper()),
            ingram_line_number=_text(line.get("ingramLineNumber")).strip(),
            customer_line_number=_text(line.get("customerLineNumber")).strip(),
            part_number=_text(line.get("ingramPartNumber")).strip(),
            quantity=line.get("quantity"),
            notes=line.get("notes"),
        )
        for line in _sequence(body.get("lines"))
        if _is_object(line)
    )
    notes = body.get("notes")
    return ModifyOrder(
        lines=changes,
        ship_to=_address(body.get("shipToInfo")),
        notes=None if notes is None else str(notes),
    )


def parse_search(query: Mapping[str, Any]) -> SearchCriteria:
    """Search criteria from a query the contract already checked and typed."""

    def text(name: str) -> str:
        value = query.get(name)
        return "" if value is None else str(value).strip()

    def span(name: str) -> DateRange | None:
        values = query.get(name)
        if not values:
            return None
        start, end = (date.fromisoformat(str(v)) for v in values)
        return date_range(name, start, end)

    words = [query["orderStatus"]] if "orderStatus" in query else []
    words.extend(str(w) for w in query.get("orderStatus-in", ()))
    statuses: frozenset[OrderStatus] | None = statuses_for(words) if words else None
    return SearchCriteria(
        ingram_order_number=text("ingramOrderNumber"),
        statuses=statuses,
        order_date=date.fromisoformat(text("ingramOrderDate")) if text("ingramOrderDate") else None,
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
        page_size=int(query.get("pageSize", 25)),
        page_number=int(query.get("pageNumber", 1)),
    )
