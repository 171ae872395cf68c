"""The Orders API's use cases: create, read, search, modify, release, cancel.

Every method takes the caller (whose customer number scopes what they can see), reads
time from the injected clock, enforces the rules, and publishes events to the sink.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from mock_server.clock import Clock
from mock_server.domain.catalog import Catalog, Region, RegionTable
from mock_server.domain.commands import (
    Caller,
    CreateOrder,
    LineAction,
    LineChange,
    LineRequest,
    ModifyOrder,
)
from mock_server.domain.errors import (
    CancellationRefused,
    FieldProblem,
    ModificationRefused,
    NothingAccepted,
    OrderNotFound,
    ValidationFailed,
)
from mock_server.domain.events import EventKind, EventSink, NullSink, order_event
from mock_server.domain.lifecycle import Pace, close_order, open_order, settle
from mock_server.domain.models import Order, OrderLine, ingram_line_number
from mock_server.domain.numbers import (
    OrderNumberSequence,
    base_order_number,
    sub_order_number,
)
from mock_server.domain.pricing import freight, unit_price
from mock_server.domain.search import SearchCriteria, SearchPage, page_of
from mock_server.domain.simulate import SimulatedStatus
from mock_server.domain.simulate import simulate as simulate_status
from mock_server.domain.status import HoldState
from mock_server.store import OrderStore

MAX_LINE_QUANTITY = 99_999  # a line beyond this is refused like a zero quantity (EQ)


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line the API refused, with the reject code clients key on."""

    code: str  # EN: part not found, EQ: invalid quantity, EL: line not found
    reason: str
    part_number: str
    quantity: int | None
    customer_line_number: str = ""
    ingram_line_number: str = ""
    vendor_part_number: str = ""


@dataclass(slots=True)
class CreateResult:
    order: Order
    rejected: list[RejectedLine] = field(default_factory=list)


@dataclass(slots=True)
class ModifyResult:
    order: Order
    rejected: list[RejectedLine] = field(default_factory=list)
    change_description: str = ""
    modified_at: datetime | None = None


class OrderService:
    def __init__(
        self,
        store: OrderStore,
        catalog: Catalog,
        regions: RegionTable,
        clock: Clock,
        *,
        events: EventSink | None = None,
        pace: Pace | None = None,
        numbers: OrderNumberSequence | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.regions = regions
        self.clock = clock
        self.events: EventSink = events or NullSink()
        self.pace = pace or Pace()
        self.numbers = numbers or OrderNumberSequence()

    # -- create -------------------------------------------------------------------------

    def create(
        self, caller: Caller, command: CreateOrder, *, confirmation_number: str = ""
    ) -> CreateResult:
        """Place an order. Raises ValidationFailed, NothingAccepted.

        `confirmation_number` ties the order to the v7 submission it came from.
        """
        now = self.clock.now()
        region = self.regions.for_country(caller.country_code)
        accepted, rejected = self._accept_lines(command.lines)
        if not accepted:
            raise NothingAccepted(
                [FieldProblem("lines", f"{r.code}: {r.reason}", r.part_number) for r in rejected]
            )
        with self.store.atomically():
            duplicate_check = command.customer_order_number and not command.allow_duplicate_po
            if duplicate_check and self.store.has_customer_po(
                caller.customer_number, command.customer_order_number
            ):
                raise ValidationFailed(
                    [
                        FieldProblem(
                            "customerOrderNumber",
                            "Duplicate customer order number; set the additional attribute "
                            "allowDuplicateCustomerOrderNumber to true to reuse it",
                            command.customer_order_number,
                        )
                    ]
                )
            number = self.numbers.next_order_number(region.order_prefix)
            order = Order(
                number=number,
                # Interned: over HTTP each request brings its own copy of these strings.
                customer_number=sys.intern(caller.customer_number),
                country_code=sys.intern(caller.country_code.upper()),
                region_code=region.code,
                currency_code=region.currency_code,
                created_at=now,
                customer_order_number=command.customer_order_number,
                hold=HoldState.ON_HOLD if command.on_customer_hold else HoldState.OPEN,
                lines=[],
                freight=Decimal("0.00"),
                tax_rate=region.tax_rate,
                end_customer_order_number=command.end_customer_order_number,
                bill_to_address_id=command.bill_to_address_id or "000",
                special_bid_number=command.special_bid_number,
                notes=command.notes,
                ship_to=command.ship_to,
                end_user=command.end_user,
                reseller=command.reseller,
            )
            warehouse_order: list[str] = []
            for request in accepted:
                order.lines.append(self._new_line(order, region, request, warehouse_order))
            order.freight = freight(order.lines, region.fx_rate)
            if order.hold is HoldState.OPEN:
                open_order(order, now, self.pace)
            self.store.add(order)
            self.events.publish(order_event(order, EventKind.CREATED, now, confirmation_number))
            if order.hold is HoldState.ON_HOLD:
                self.events.publish(order_event(order, EventKind.ON_HOLD, now))
            self._settle(order, now)
        return CreateResult(order, rejected)

    def _accept_lines(
        self, lines: tuple[LineRequest, ...]
    ) -> tuple[list[LineRequest], list[RejectedLine]]:
        accepted: list[LineRequest] = []
        rejected: list[RejectedLine] = []
        for line in lines:
            product = self.catalog.find(line.part_number) if line.part_number else None
            if product is None:
                rejected.append(
                    RejectedLine(
                        "EN",
                        f"SKU-NOTFOUND {line.part_number}",
                        line.part_number,
                        line.quantity,
                        customer_line_number=line.customer_line_number,
                    )
                )
            elif not 0 < line.quantity <= MAX_LINE_QUANTITY:
                rejected.append(
                    RejectedLine(
                        "EQ",
                        "ERROR-INVALID-QTY",
                        line.part_number,
                        line.quantity,
                        customer_line_number=line.customer_line_number,
                        vendor_part_number=product.vendor_part_number,
                    )
                )
            else:
                accepted.append(line)
        return accepted, rejected

    def _new_line(
        self,
        order: Order,
        region: Region,
        request: LineRequest,
        warehouse_order: list[str] | None = None,
    ) -> OrderLine:
        product = self.catalog.find(request.part_number)
        assert product is not None  # callers accept lines against the catalog first
        warehouse_id, on_hand = self._pick_warehouse(region, product.stock)
        if warehouse_order is None:
            warehouse_order = list(dict.fromkeys(ln.warehouse_id for ln in order.lines))
        if warehouse_id not in warehouse_order:
            warehouse_order.append(warehouse_id)
        line_number = ingram_line_number(order.next_line_number)
        sub_order = sub_order_number(order.number, warehouse_order.index(warehouse_id) + 1)
        # Lines of one sub-order share its number string: less memory per stored order.
        sub_order = next((n for n in order.sub_order_numbers() if n == sub_order), sub_order)
        order.next_line_number += 1
        return OrderLine(
            ingram_line_number=line_number,
            customer_line_number=request.customer_line_number,
            part_number=product.ingram_part_number,
            vendor_part_number=product.vendor_part_number,
            vendor_name=product.vendor_name,
            description=product.description,
            unit_price=unit_price(product, region, request.unit_price),
            quantity=request.quantity,
            backordered=max(0, request.quantity - on_hand),
            warehouse_id=warehouse_id,
            sub_order_number=sub_order,
            unit_weight=product.unit_weight,
            special_bid_number=request.special_bid_number,
            notes=request.notes or product.description,
        )

    @staticmethod
    def _pick_warehouse(region: Region, stock: Mapping[str, int]) -> tuple[str, int]:
        """The region's warehouse with the most units on hand (its first if none has any)."""
        best = max(region.warehouse_ids, key=lambda wid: stock.get(wid, 0))
        return best, stock.get(best, 0)

    # -- read ---------------------------------------------------------------------------

    def get(
        self,
        caller: Caller,
        order_number: str,
        *,
        region_code: str | None = None,
        simulate: SimulatedStatus | None = None,
    ) -> Order:
        """The caller's order, brought up to date with the clock. Raises OrderNotFound.

        `simulate` returns a detached copy dressed in that status (sandbox only).
        """
        now = self.clock.now()
        with self.store.atomically():
            order = self._owned(caller, order_number, region_code)
            self._settle(order, now)
            if simulate is not None:
                return simulate_status(order, simulate, now, self.pace)
            return order

    def search(self, caller: Caller, criteria: SearchCriteria) -> SearchPage:
        now = self.clock.now()
        with self.store.atomically():
            # Bring every due order up to date first: search filters on settled statuses.
            for order in self.store.due(now):
                self._settle(order, now)
            return page_of(self.store.for_customer(caller.customer_number), criteria, now)

    # -- modify, release, cancel --------------------------------------------------------

    def modify(
        self,
        caller: Caller,
        order_number: str,
        change: ModifyOrder,
        *,
        release: bool = False,
        region_code: str | None = None,
    ) -> ModifyResult:
        """Change a held order, and/or release it. Raises OrderNotFound, ModificationRefused."""
        now = self.clock.now()
        with self.store.atomically():
            order = self._owned(caller, order_number, region_code)
            self._settle(order, now)
            if order.hold is not HoldState.ON_HOLD:
                raise ModificationRefused()
            rejected = self._apply_changes(order, change)
            descriptions = []
            if not change.is_empty:
                order.modified_at = now
                descriptions.append("Order modified")
                self.events.publish(order_event(order, EventKind.MODIFIED, now))
            if release:
                open_order(order, now, self.pace)
                descriptions.append("Order released")
                self.events.publish(order_event(order, EventKind.RELEASED, now))
                self._settle(order, now)
            self.store.schedule(order)
            return ModifyResult(order, rejected, "; ".join(descriptions), now)

    def cancel(self, caller: Caller, order_number: str, *, region_code: str | None = None) -> Order:
        """Cancel a held order. Raises OrderNotFound, CancellationRefused."""
        now = self.clock.now()
        with self.store.atomically():
            order = self._owned(caller, order_number, region_code)
            self._settle(order, now)
            if order.hold is not HoldState.ON_HOLD:
                raise CancellationRefused()
            close_order(order, HoldState.CANCELED, now)
            order.next_due = None
            self.events.publish(order_event(order, EventKind.CANCELED, now))
            return order

    def _apply_changes(self, order: Order, change: ModifyOrder) -> list[RejectedLine]:
        region = self.regions.get(order.region_code)
        rejected: list[RejectedLine] = []
        for line_change in change.lines:
            problem = self._apply_line_change(order, region, line_change)
            if problem is not None:
                rejected.append(problem)
        if change.ship_to is not None:
            order.ship_to = {**(order.ship_to or {}), **change.ship_to}
        if change.notes is not None:
            order.notes = change.notes
        order.freight = freight(order.lines, region.fx_rate)
        return rejected

    def _apply_line_change(
        self, order: Order, region: Region, change: LineChange
    ) -> RejectedLine | None:
        def reject(code: str, reason: str) -> RejectedLine:
            return RejectedLine(
                code,
                reason,
                change.part_number,
                change.quantity,
                customer_line_number=change.customer_line_number,
                ingram_line_number=change.ingram_line_number,
            )

        if change.action is LineAction.ADD:
            if self.catalog.find(change.part_number) is None:
                return reject("EN", f"ERROR-PART-NOT-FOUND {change.part_number}")
            if change.quantity is None or not 0 < change.quantity <= MAX_LINE_QUANTITY:
                return reject("EQ", "ERROR-INVALID-QTY")
            request = LineRequest(
                customer_line_number=change.customer_line_number or f"{order.next_line_number:03d}",
                part_number=change.part_number,
                quantity=change.quantity,
                notes=change.notes or "",
            )
            order.lines.append(self._new_line(order, region, request))
            return None
        line = order.line(change.ingram_line_number, change.customer_line_number)
        if line is None:
            return reject("EL", "ERROR-LINE-NOT-FOUND")
        if change.action is LineAction.DELETE:
            if len(order.lines) == 1:
                return reject("ED", "ERROR-LAST-LINE: an order keeps at least one line")
            order.lines.remove(line)
            return None
        if change.quantity is not None:
            if not 0 < change.quantity <= MAX_LINE_QUANTITY:
                return reject("EQ", "ERROR-INVALID-QTY")
            product = self.catalog.find(line.part_number)
            on_hand = product.stock.get(line.warehouse_id, 0) if product else 0
            line.quantity = change.quantity
            line.backordered = max(0, change.quantity - on_hand)
        if change.notes is not None:
            line.notes = change.notes
        return None

    # -- time ---------------------------------------------------------------------------

    def run_due(self) -> int:
        """Settle every order whose timed step has come; returns how many were settled."""
        now = self.clock.now()
        with self.store.atomically():
            due = self.store.due(now)
            for order in due:
                self._settle(order, now)
        return len(due)

    def reset(self) -> None:
        self.store.reset()

    # -- helpers ------------------------------------------------------------------------

    def _owned(self, caller: Caller, order_number: str, region_code: str | None = None) -> Order:
        """The caller's order. A `regionCode` routes the call to that sandbox region's
        system, which only holds orders placed in the region's country."""
        region = self.regions.get(region_code) if region_code else None
        order = self.store.get(base_order_number(order_number))
        if order is None or order.customer_number != caller.customer_number:
            raise OrderNotFound()
        if region is not None and region.country_code != self._region_country(order):
            raise OrderNotFound()
        return order

    def _region_country(self, order: Order) -> str:
        return self.regions.get(order.region_code).country_code

    def _settle(self, order: Order, now: datetime) -> None:
        before = order.next_due
        for event in settle(order, now, self.pace):
            self.events.publish(event)
        if order.next_due is not None and order.next_due != before:
            self.store.schedule(order)
