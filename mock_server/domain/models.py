"""The order aggregate: an order, its lines and the shipments that fulfil them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from mock_server.domain.copies import copy_slots, shallow_copy
from mock_server.domain.status import (
    HoldState,
    LineStatus,
    OrderStatus,
    SearchStatus,
    search_status,
)

Address = dict[str, str]


# The carriers a region offers when its fixture lists none (fixtures/regions.json lists the
# carriers an order may ask for).
CARRIERS = (("UP", "UPS GROUND"), ("FG", "FEDEX GROUND"), ("DH", "DHL NORMAL"))
# The carrier a line is planned, and ships, with when the order asked for none.
PLANNED_CARRIER = CARRIERS[0]
# Each carrier's tracking numbers in its public form: UPS "1Z" + 16 letters and digits
# (shipper, service, package), FedEx 12 digits, DHL Express a 10-digit waybill. Carriers
# without a format of their own here ("OT" other, "RG" regular ground) get 14 digits.
TRACKING_DIGITS = {"FG": 12, "DH": 10}
OTHER_TRACKING_DIGITS = 14


def tracking_number(carrier_code: str, seed: int) -> str:
    """The tracking number `carrier_code` gives the parcel `seed` (64 bits of it are used)."""
    if carrier_code == "UP":
        return f"1Z{seed & (2**64 - 1):016X}"
    digits = TRACKING_DIGITS.get(carrier_code, OTHER_TRACKING_DIGITS)
    return f"{seed % 10**digits:0{digits}d}"
MAX_SERIALS = 20  # serial numbers listed per shipment
MAX_LINE_QUANTITY = 99_999  # a line beyond this is refused like a zero quantity (EQ)
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Rounded to the cent, half up: every amount the API shows."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def valid_quantity(quantity: int | None) -> bool:
    """A line quantity the API accepts: a whole number of units (an int: prices and weights
    are Decimals, and a float would poison every total), at least one, at most
    MAX_LINE_QUANTITY."""
    return type(quantity) is int and 0 < quantity <= MAX_LINE_QUANTITY


@dataclass(frozen=True, slots=True)
class Shipment:
    """Part of a line's quantity leaving a warehouse with a carrier.

    Only what cannot be derived is stored. Carrier, tracking, delivery, invoice and serial
    numbers are read off `seed` (a 160-bit hash of order, line and batch) when asked for:
    a long-lived mock holds many shipments, and those strings would triple their size.
    """

    quantity: int
    shipped_at: datetime
    in_transit: timedelta  # the pace's, shared: cheaper than a datetime per shipment
    seed: int
    serial_count: int = 0  # physical goods carry a serial per unit (up to MAX_SERIALS)
    invoice_prefix: str = ""  # the order number's region prefix; "" while not invoiced
    # The carrier the line was planned with (the order's requested one); None: the default.
    carrier: tuple[str, str] | None = None

    @property
    def delivered_at(self) -> datetime:
        return self.shipped_at + self.in_transit

    def is_delivered(self, now: datetime) -> bool:
        return self.delivered_at <= now

    @property
    def _hex(self) -> str:
        return f"{self.seed:040x}"

    @property
    def carrier_code(self) -> str:
        return (self.carrier or PLANNED_CARRIER)[0]

    @property
    def carrier_name(self) -> str:
        return (self.carrier or PLANNED_CARRIER)[1]

    @property
    def tracking_number(self) -> str:
        return tracking_number(self.carrier_code, int(self._hex[8:24], 16))

    @property
    def delivery_number(self) -> str:
        return f"8{int(self._hex[24:32], 16) % 10**9:09d}"

    @property
    def invoice_number(self) -> str:
        if not self.invoice_prefix:
            return ""
        return f"{self.invoice_prefix}{int(self._hex[32:40], 16) % 10**7:07d}"

    @property
    def _serial_prefix(self) -> str:
        return f"SN{self._hex[:8].upper()}"

    @property
    def serial_numbers(self) -> tuple[str, ...]:
        prefix = self._serial_prefix
        return tuple(f"{prefix}{i:04d}" for i in range(1, self.serial_count + 1))

    def has_serial(self, serial: str) -> bool:
        """`serial in serial_numbers`, without listing them."""
        prefix = self._serial_prefix
        if len(serial) != len(prefix) + 4 or not serial.startswith(prefix):
            return False
        digits = serial[len(prefix) :]
        return digits.isascii() and digits.isdigit() and 1 <= int(digits) <= self.serial_count


# (chargeLineReference, chargeDescription) of the freight line, as a real create answer
# shows it.
FREIGHT_OUT_CHARGE = ("895", "FREIGHT-OUT CHARGE")


class Charge(NamedTuple):
    """A miscellaneous charge line of an order."""

    sub_order_number: str
    reference: str
    description: str
    amount: Decimal


class Totals(NamedTuple):
    subtotal: Decimal
    tax: Decimal
    total: Decimal


class SubOrder(NamedTuple):
    """The lines that ship from one warehouse, under one sub-order number."""

    number: str
    lines: list[OrderLine]

    @property
    def total(self) -> Decimal:
        return sum((line.extended_price for line in self.lines), Decimal(0))

    def invoice_numbers(self, now: datetime) -> list[str]:
        """The invoices raised for this sub-order by `now`, each once, oldest first."""
        numbers = (s.invoice_number for line in self.lines for s in line.shipped_by(now))
        return [n for n in dict.fromkeys(numbers) if n]


def status_word(
    hold: HoldState, lines: Iterable[OrderLine], now: datetime, *, per_sub_order: bool
) -> SearchStatus:
    """The search word for `lines` (see `status.search_status`) from their facts at `now`."""
    lines = list(lines)
    shipped = [s for line in lines for s in line.shipped_by(now)]
    return search_status(
        hold,
        frozenset(line.status(hold, now) for line in lines),
        shipped_any=bool(shipped),
        invoiced=per_sub_order and bool(shipped) and all(s.invoice_prefix for s in shipped),
        digital=all(line.unit_weight == 0 for line in lines),
    )


def weight_of(lines: Iterable[OrderLine]) -> Decimal:
    return sum((line.unit_weight * line.quantity for line in lines), Decimal(0))


@lru_cache(maxsize=1024)
def ingram_line_number(n: int) -> str:
    """`001`, `002`, ...: one string per number, shared by every order's lines."""
    return f"{n:03d}"


@dataclass(slots=True)
class OrderLine:
    ingram_line_number: str  # "001", "002", ...: never reused within an order
    customer_line_number: str
    part_number: str
    vendor_part_number: str
    vendor_name: str
    description: str
    unit_price: Decimal
    quantity: int
    backordered: int  # of `quantity`, how many wait for stock
    warehouse_id: str
    sub_order_number: str
    unit_weight: Decimal = Decimal(0)
    special_bid_number: str = ""
    notes: str = ""
    ready_at: datetime | None = None  # when the confirmed, unshipped quantity became shippable
    stock_arrives_at: datetime | None = None  # when the backordered quantity becomes available
    # A tuple: most lines never ship while held, and an empty tuple is shared, not allocated.
    shipments: tuple[Shipment, ...] = ()
    carrier: tuple[str, str] | None = None  # (code, name) the order asked for; None: default

    @property
    def confirmed(self) -> int:
        return self.quantity - self.backordered

    @property
    def shipped_quantity(self) -> int:
        if not self.shipments:  # most lines: asked on every status, so skip the generator
            return 0
        return sum(s.quantity for s in self.shipments)

    @property
    def extended_price(self) -> Decimal:
        return self.unit_price * self.quantity

    def shipped_by(self, now: datetime) -> tuple[Shipment, ...]:
        """The shipments that have left by `now` (a simulated order may hold later ones)."""
        return tuple(s for s in self.shipments if s.shipped_at <= now)

    def shipped_quantity_by(self, now: datetime) -> int:
        return sum(s.quantity for s in self.shipments if s.shipped_at <= now)

    @property
    def planned_carrier(self) -> tuple[str, str]:
        """(code, name) of the carrier the line is planned with: the requested one, if any."""
        return self.carrier or PLANNED_CARRIER

    def copy(self) -> OrderLine:
        """A detached copy: shipments are immutable and shared."""
        return shallow_copy(self)

    def status(self, hold: HoldState, now: datetime) -> LineStatus:
        if hold is HoldState.ON_HOLD:
            return LineStatus.ON_HOLD
        if hold is HoldState.CANCELED:
            return LineStatus.CANCELED
        if hold is HoldState.VOIDED:
            return LineStatus.VOIDED
        shipped = self.shipped_quantity
        if shipped >= self.quantity:
            if all(s.is_delivered(now) for s in self.shipments):
                return LineStatus.DELIVERED
            return LineStatus.SHIPPED
        if self.backordered > 0:
            return LineStatus.BACKORDERED
        return LineStatus.IN_PROGRESS


_DELIVERED = frozenset({LineStatus.DELIVERED})
_SHIPPED_OR_DELIVERED = frozenset({LineStatus.SHIPPED, LineStatus.DELIVERED})


@dataclass(slots=True)
class Order:
    number: str
    customer_number: str
    country_code: str
    region_code: str
    currency_code: str
    created_at: datetime
    customer_order_number: str
    hold: HoldState
    lines: list[OrderLine]
    freight: Decimal
    tax_rate: Decimal
    end_customer_order_number: str = ""
    bill_to_address_id: str = ""
    special_bid_number: str = ""
    notes: str = ""
    ship_to: Address | None = None
    end_user: Address | None = None
    reseller: Address | None = None
    bill_to: Address | None = None  # the account's address, shared by its orders
    released_at: datetime | None = None  # when it became OPEN (placement, or release from hold)
    modified_at: datetime | None = None
    next_line_number: int = 1
    delivery_announced: bool = False
    next_due: datetime | None = None  # when the clock next changes this order (None: never)
    # `status()` as of the last settle or hold change. The status only changes at those
    # moments, so search can filter on this instead of deriving it for every order.
    settled_status: OrderStatus | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.extended_price for line in self.lines), Decimal(0))

    def line_tax(self, line: OrderLine) -> Decimal:
        return money(line.extended_price * self.tax_rate)

    @property
    def tax(self) -> Decimal:
        """The sum of the per-line taxes, so line and header figures always agree."""
        return sum((self.line_tax(line) for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.totals().total

    def totals(self) -> Totals:
        """Subtotal, tax and total in one pass over the lines (rendering wants all three)."""
        subtotal = Decimal(0)
        tax = Decimal(0)
        for line in self.lines:
            extended = line.extended_price
            subtotal += extended
            tax += money(extended * self.tax_rate)
        return Totals(subtotal, tax, subtotal + tax + self.freight)

    @property
    def total_weight(self) -> Decimal:
        return weight_of(self.lines)

    def status(self, now: datetime) -> OrderStatus:
        """The header status, derived from the hold state and the lines."""
        if self.hold is HoldState.ON_HOLD:
            return OrderStatus.ON_HOLD
        if self.hold is HoldState.CANCELED:
            return OrderStatus.CANCELED
        if self.hold is HoldState.VOIDED:
            return OrderStatus.VOIDED
        line_states = {line.status(self.hold, now) for line in self.lines}
        if line_states == _DELIVERED:
            return OrderStatus.DELIVERED
        if line_states <= _SHIPPED_OR_DELIVERED:
            return OrderStatus.SHIPPED
        if LineStatus.IN_PROGRESS in line_states:
            return OrderStatus.PROCESSING
        if LineStatus.BACKORDERED in line_states:
            return OrderStatus.BACKORDERED
        return OrderStatus.PROCESSING

    def search_status(self, now: datetime) -> SearchStatus:
        """The header word a search row shows."""
        return status_word(self.hold, self.lines, now, per_sub_order=False)

    def sub_order_status(self, sub_order: SubOrder, now: datetime) -> SearchStatus:
        """The word a search row shows for one of this order's sub-orders."""
        return status_word(self.hold, sub_order.lines, now, per_sub_order=True)

    def refresh_status(self, now: datetime) -> None:
        self.settled_status = self.status(now)

    def charges(self) -> list[Charge]:
        """The miscellaneous charge lines: the freight, as one FREIGHT-OUT line on the first
        sub-order. It restates `freight`, which the totals already count, once."""
        if self.freight <= 0 or not self.lines:
            return []
        return [
            Charge(self.lines[0].sub_order_number, *FREIGHT_OUT_CHARGE, money(self.freight))
        ]

    def line(
        self, ingram_line_number: str = "", customer_line_number: str = ""
    ) -> OrderLine | None:
        """The line a client names: by Ingram line number when given (never falling back, or a
        stale number could change another line), else by customer line number."""
        if ingram_line_number:
            named = ingram_line_number
            found = (ln for ln in self.lines if _same_number(ln.ingram_line_number, named))
            return next(found, None)
        if customer_line_number:
            return next(
                (ln for ln in self.lines if ln.customer_line_number == customer_line_number), None
            )
        return None

    def sub_order_numbers(self) -> list[str]:
        return list(dict.fromkeys(line.sub_order_number for line in self.lines))

    def sub_orders(self) -> list[SubOrder]:
        """The order split by sub-order number, in the order the sub-orders were opened."""
        groups: dict[str, list[OrderLine]] = {}
        for line in self.lines:
            groups.setdefault(line.sub_order_number, []).append(line)
        return [SubOrder(number, lines) for number, lines in groups.items()]

    def adopt(self, draft: Order) -> None:
        """Take on `draft`'s state: how a change worked out on a snapshot is committed
        (all of it, or none of it if the work failed before this)."""
        copy_slots(draft, self)

    def snapshot(self) -> Order:
        """A detached copy, consistent as of now: rendered and published outside the store's
        lock while the stored order moves on. Addresses are replaced, never changed in place,
        and shipments are immutable, so both are shared."""
        twin = shallow_copy(self)
        twin.lines = [line.copy() for line in self.lines]
        return twin


def _same_number(ours: str, named: str) -> bool:
    """Line numbers are compared as numbers when both are digits: a client that sends the
    number 9 (a published modify example does) means line "009"."""
    if ours == named:
        return True
    return named.isdigit() and ours.isdigit() and int(named) == int(ours)


