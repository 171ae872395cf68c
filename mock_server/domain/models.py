"""The order aggregate: an order, its lines and the shipments that fulfil them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from mock_server.domain.status import HoldState, LineStatus, OrderStatus

Address = dict[str, str]


@dataclass(slots=True)
class Shipment:
    """Part of a line's quantity leaving a warehouse with a carrier."""

    quantity: int
    shipped_at: datetime
    delivered_at: datetime
    carrier_code: str
    carrier_name: str
    tracking_number: str
    serial_numbers: tuple[str, ...]
    delivery_number: str
    invoice_number: str

    def is_delivered(self, now: datetime) -> bool:
        return self.delivered_at <= now


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
    shipments: list[Shipment] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return self.quantity - self.backordered

    @property
    def shipped_quantity(self) -> int:
        return sum(s.quantity for s in self.shipments)

    @property
    def extended_price(self) -> Decimal:
        return self.unit_price * self.quantity

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
    released_at: datetime | None = None  # when it became OPEN (placement, or release from hold)
    closed_at: datetime | None = None  # when it was cancelled or voided
    modified_at: datetime | None = None
    next_line_number: int = 1
    delivery_announced: bool = False
    next_due: datetime | None = None  # when the clock next changes this order (None: never)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.extended_price for line in self.lines), Decimal(0))

    def line_tax(self, line: OrderLine) -> Decimal:
        return (line.extended_price * self.tax_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def tax(self) -> Decimal:
        """The sum of the per-line taxes, so line and header figures always agree."""
        return sum((self.line_tax(line) for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + self.freight

    @property
    def total_weight(self) -> Decimal:
        return sum((ln.unit_weight * ln.quantity for ln in self.lines), Decimal(0))

    def status(self, now: datetime) -> OrderStatus:
        """The header status, derived from the hold state and the lines."""
        if self.hold is HoldState.ON_HOLD:
            return OrderStatus.ON_HOLD
        if self.hold is HoldState.CANCELED:
            return OrderStatus.CANCELED
        if self.hold is HoldState.VOIDED:
            return OrderStatus.VOIDED
        line_states = {line.status(self.hold, now) for line in self.lines}
        if line_states == {LineStatus.DELIVERED}:
            return OrderStatus.DELIVERED
        if line_states <= {LineStatus.SHIPPED, LineStatus.DELIVERED}:
            return OrderStatus.SHIPPED
        if LineStatus.IN_PROGRESS in line_states:
            return OrderStatus.PROCESSING
        if LineStatus.BACKORDERED in line_states:
            return OrderStatus.BACKORDERED
        return OrderStatus.PROCESSING

    def line(
        self, ingram_line_number: str = "", customer_line_number: str = ""
    ) -> OrderLine | None:
        """The line a client names: by Ingram line number when given (never falling back, or a
        stale number could change another line), else by customer line number."""
        if ingram_line_number:
            return next(
                (ln for ln in self.lines if ln.ingram_line_number == ingram_line_number), None
            )
        if customer_line_number:
            return next(
                (ln for ln in self.lines if ln.customer_line_number == customer_line_number), None
            )
        return None

    def sub_order_numbers(self) -> list[str]:
        return list(dict.fromkeys(line.sub_order_number for line in self.lines))
