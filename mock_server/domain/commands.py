"""What a caller asks the domain to do: plain commands, built by the HTTP layer
(`mock_server.http.parse`) from requests the contract already accepted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from mock_server.domain.models import Address


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: every order belongs to the customer number that created it."""

    customer_number: str
    country_code: str


@dataclass(frozen=True, slots=True)
class LineRequest:
    customer_line_number: str
    part_number: str  # the Ingram part number; "" when the line names its part otherwise
    quantity: int
    special_bid_number: str = ""
    notes: str = ""
    unit_price: Decimal | None = None  # a quote's price; None: the catalog's
    vendor_part_number: str = ""  # ordering by the vendor's part number instead
    customer_part_number: str = ""  # ... or by the customer's own part number
    warehouse_id: str = ""  # a requested ship-from warehouse (line attribute); "" none
    carrier: tuple[str, str] | None = None  # (code, name): the requested carrier, if valid

    @property
    def named_part(self) -> str:
        """The part number as the client named it, whichever kind it is."""
        return self.part_number or self.vendor_part_number or self.customer_part_number


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
    carrier_code: str = ""  # shipmentDetails.carrierCode

    @property
    def warehouse_id(self) -> str:
        """The order-wide ship-from warehouse requested by attribute ("" for none)."""
        return self.attributes.get("shipfromwarehouseid", "").strip()

    def flag(self, name: str) -> bool:
        """An `additionalAttributes` switch such as allowOrderOnCustomerHold="true"."""
        if not self.attributes:  # the usual order sends none
            return False
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
