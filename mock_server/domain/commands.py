"""What a caller asks the domain to do, parsed from request bodies the contract already accepted.

Parsing here is forgiving about absent optional fields; shape and type errors were
already answered by contract validation in the HTTP layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from mock_server.domain.models import Address


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: every order belongs to the customer number that created it."""

    customer_number: str
    country_code: str


@dataclass(frozen=True, slots=True)
class LineRequest:
    customer_line_number: str
    part_number: str
    quantity: int
    special_bid_number: str = ""
    notes: str = ""
    unit_price: Decimal | None = None  # a quote's price; None: the catalog's


@dataclass(frozen=True, slots=True)
class CreateOrder:
    customer_order_number: str
    lines: tuple[LineRequest, ...]
    end_customer_order_number: str = ""
    bill_to_address_id: str = ""
    special_bid_number: str = ""
    notes: str = ""
    ship_to: Address | None = None
    end_user: Address | None = None
    reseller: Address | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    quote_number: str = ""

    def flag(self, name: str) -> bool:
        """An `additionalAttributes` switch such as allowOrderOnCustomerHold="true"."""
        return self.attributes.get(name.lower(), "").strip().lower() == "true"

    @property
    def on_customer_hold(self) -> bool:
        return self.flag("allowOrderOnCustomerHold")

    @property
    def allow_duplicate_po(self) -> bool:
        return self.flag("allowDuplicateCustomerOrderNumber")


class LineAction(StrEnum):
    ADD = "ADD"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


@dataclass(frozen=True, slots=True)
class LineChange:
    action: LineAction
    ingram_line_number: str = ""
    customer_line_number: str = ""
    part_number: str = ""
    quantity: int | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class ModifyOrder:
    lines: tuple[LineChange, ...] = ()
    ship_to: Address | None = None
    notes: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.lines and self.ship_to is None and self.notes is None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _address(value: Any) -> Address | None:
    if not isinstance(value, Mapping):
        return None
    address = {k: str(v) for k, v in value.items() if v is not None and not isinstance(v, dict)}
    return address or None


def _attributes(items: Any) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items or ():
        if isinstance(item, Mapping) and item.get("attributeName"):
            result[str(item["attributeName"]).lower()] = _text(item.get("attributeValue"))
    return result


def parse_create(body: Mapping[str, Any]) -> CreateOrder:
    """A v6 or v7 create body as a domain command."""
    lines = tuple(
        LineRequest(
            customer_line_number=_text(line.get("customerLineNumber")) or f"{i:03d}",
            part_number=_text(line.get("ingramPartNumber")).strip(),
            quantity=int(line.get("quantity") or 0),
            special_bid_number=_text(line.get("specialBidNumber")),
            notes=_text(line.get("notes")),
        )
        for i, line in enumerate(_sequence(body.get("lines")), start=1)
        if isinstance(line, Mapping)
    )
    return CreateOrder(
        customer_order_number=_text(body.get("customerOrderNumber")),
        lines=lines,
        end_customer_order_number=_text(body.get("endCustomerOrderNumber")),
        bill_to_address_id=_text(body.get("billToAddressId")),
        special_bid_number=_text(body.get("specialBidNumber")),
        notes=_text(body.get("notes")),
        ship_to=_address(body.get("shipToInfo")),
        end_user=_address(body.get("endUserInfo")),
        reseller=_address(body.get("resellerInfo")),
        attributes=_attributes(body.get("additionalAttributes")),
        quote_number=_text(body.get("quoteNumber")).strip(),
    )


def parse_modify(body: Mapping[str, Any]) -> ModifyOrder:
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
        if isinstance(line, Mapping)
    )
    notes = body.get("notes")
    return ModifyOrder(
        lines=changes,
        ship_to=_address(body.get("shipToInfo")),
        notes=None if notes is None else str(notes),
    )


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else ()
