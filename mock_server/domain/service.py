"""The Orders API's use cases: create, read, search, modify, release, cancel.

Every method takes the caller (whose customer number scopes what they can see), reads
time from the injected clock and enforces the rules inside one unit of work: the store's
lock is held while the order changes; what leaves the lock (the answer, the events) is a
snapshot taken inside it; events are published only after the lock is released.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from mock_server.domain.accounts import AccountBook
from mock_server.domain.addresses import check_create_addresses, check_modify_address
from mock_server.domain.catalog import Catalog, RegionTable
from mock_server.domain.commands import (
    Caller,
    CreateOrder,
    ModifyOrder,
)
from mock_server.domain.errors import (
    CancellationRefused,
    DomainError,
    FieldProblem,
    ModificationRefused,
    NothingAccepted,
    NotHonoured,
    OrderNotFound,
    ValidationFailed,
)
from mock_server.domain.events import EventKind, OrderEvent, order_event
from mock_server.domain.lifecycle import Pace, close_order, expected_dates, open_order, settle
from mock_server.domain.lines import LineBuilder, RejectedLine, shipping_requests, split_of
from mock_server.domain.models import Order
from mock_server.domain.numbers import (
    OrderNumberSequence,
    base_order_number,
)
from mock_server.domain.ports import (
    Clock,
    EventSink,
    NullSink,
    OrderStore,
    StoreConflict,
    StoreUnavailable,
)
from mock_server.domain.pricing import freight
from mock_server.domain.quotes import QuoteBook
from mock_server.domain.search import SearchCriteria, SearchPage, page_of
from mock_server.domain.simulate import SimulatedStatus
from mock_server.domain.simulate import simulate as simulate_status
from mock_server.domain.status import HoldState
from mock_server.domain.work import UnitOfWork


@dataclass(frozen=True, slots=True)
class CreateResult:
    """A placed order and all its answer needs: the moment it was placed (mock time), the
    lines refused, the names of the warehouses its lines ship from, and what it asked for
    that was ignored (a warehouse or carrier its region lacks)."""

    order: Order
    rejected: list[RejectedLine]
    at: datetime
    warehouse_names: Mapping[str, str]
    ignored: list[FieldProblem] = field(default_factory=list)


class LineOutlook(NamedTuple):
    """What a details answer shows of one line beyond the line itself."""

    upc_code: str | None
    expected: tuple[datetime, datetime] | None  # when the rest leaves, and arrives


@dataclass(frozen=True, slots=True)
class OrderDetails:
    """One order as read at `at` (mock time), with each line's outlook (in line order)."""

    order: Order
    at: datetime
    warehouse_names: Mapping[str, str]
    outlook: tuple[LineOutlook, ...]


@dataclass(frozen=True, slots=True)
class ModifyResult:
    order: Order
    rejected: list[RejectedLine]
    change_description: str
    at: datetime  # when the change was made (mock time)




_R = TypeVar("_R")
_NO_FREIGHT = Decimal("0.00")  # Decimals are immutable: one for every new order
_MAX_ATTEMPTS = 50  # a shared store's conflicts: each rerun reads what the winner wrote


def _rerun_on_conflict(case: Callable[..., _R]) -> Callable[..., _R]:
    """A use case a shared store may run again: when its unit of work ends in
    StoreConflict nothing was saved and no event published, so the case is simply called
    again on fresh reads (it changes only what it read). In memory there is no conflict."""

    @functools.wraps(case)
    def rerun(*args: Any, **kwargs: Any) -> _R:
        for _ in range(_MAX_ATTEMPTS):
            try:
                return case(*args, **kwargs)
            except StoreConflict:
                continue
        raise StoreUnavailable(f"still conflicting after {_MAX_ATTEMPTS} attempts")

    return rerun


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
        quotes: QuoteBook | None = None,
        accounts: AccountBook | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.regions = regions
        self.clock = clock
        self.events: EventSink = events or NullSink()
        self.pace = pace or Pace()
        self.numbers = numbers or OrderNumberSequence()
        self.quotes = quotes or QuoteBook(())
        self.accounts = accounts or AccountBook({}, {})
        self.lines = LineBuilder(catalog)

    def _unit_of_work(self) -> UnitOfWork:
        """The store's lock around one use case. Events noted in it are published, with
        snapshots of their orders, after the lock is released. A case that fails still
        publishes what it noted: those events (a void found while settling) stand for
        changes that stay."""
        return UnitOfWork(self.store.atomically(), self.events)

    # -- create -------------------------------------------------------------------------

    def not_honoured(self, caller: Caller, command: CreateOrder) -> list[FieldProblem]:
        """What a create asks for that its region cannot honour (a warehouse or carrier it
        does not have): a v7 submission is told at once; the order ignores it."""
        return shipping_requests(command, self.regions.for_country(caller.country_code)).ignored

    @staticmethod
    def _check_addresses(caller: Caller, command: CreateOrder) -> None:
        check_create_addresses(
            command.ship_to, command.end_user, command.reseller, caller.country_code
        )

    @_rerun_on_conflict
    def create(
        self,
        caller: Caller,
        command: CreateOrder,
        *,
        confirmation_number: str = "",
        refuse_not_honoured: bool = False,
    ) -> CreateResult:
        """Place an order. Raises ValidationFailed, NothingAccepted, and NotHonoured when
        `refuse_not_honoured` and it asks for what its region cannot honour (otherwise that
        is ignored and listed on the result).

        `confirmation_number` ties the order to the v7 submission it came from.
        """
        now = self.clock.now()
        region = self.regions.for_country(caller.country_code)
        shipping = shipping_requests(command, region)
        if shipping.ignored and refuse_not_honoured:
            raise NotHonoured(shipping.ignored)
        self._check_addresses(caller, command)
        accepted, rejected = self.lines.accept(shipping.lines, region, caller.customer_number)
        if not accepted:
            raise NothingAccepted(
                [FieldProblem("lines", f"{r.code}: {r.reason}", r.part_number) for r in rejected]
            )
        with self._unit_of_work() as work:
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
                customer_number=caller.customer_number,
                country_code=caller.country_code,
                region_code=region.code,
                currency_code=region.currency_code,
                created_at=now,
                customer_order_number=command.customer_order_number,
                hold=HoldState.ON_HOLD if command.on_customer_hold else HoldState.OPEN,
                lines=[],
                freight=_NO_FREIGHT,  # replaced once the lines are priced
                tax_rate=region.tax_rate,
                end_customer_order_number=command.end_customer_order_number,
                bill_to_address_id=command.bill_to_address_id or "000",
                special_bid_number=command.special_bid_number,
                notes=command.notes,
                ship_to=command.ship_to,
                end_user=command.end_user or None,
                reseller=command.reseller,
                bill_to=self.accounts.bill_to(caller.customer_number, caller.country_code),
            )
            sub_orders: dict[str, str] = {}
            for request in accepted:
                order.lines.append(self.lines.new_line(order, region, request, sub_orders))
            order.freight = freight(order.lines, region.fx_rate)
            opened = open_order(order, now, self.pace) if order.hold is HoldState.OPEN else []
            # A v7 order's creation is its asynchronous outcome; a v6 one's, a plain event.
            kind = EventKind.ASYNC_CREATED if confirmation_number else EventKind.CREATED
            names = self.catalog.warehouse_names if confirmation_number else None
            work.note(order_event(order, kind, now, confirmation_number, tuple(rejected), names))
            if order.hold is HoldState.ON_HOLD:
                work.note(order_event(order, EventKind.ON_HOLD, now))
            for event in opened:
                work.note(event)
            try:
                self._settle(order, now, work)
                snapshot = work.snapshot(order)
                self.store.add(order)  # last: a create that failed on the way stores nothing
            except BaseException:
                work.discard(order)  # nor publishes anything about it
                raise
        return CreateResult(snapshot, rejected, now, self.catalog.warehouse_names, shipping.ignored)

    def create_async(self, caller: Caller, command: CreateOrder, confirmation_number: str) -> None:
        """The v7 outcome: the order is created as by v6 (from its quote's lines and prices
        when it names a quote), or an `im::async_order_create_failed` event says why not."""
        try:
            if command.quote_number:
                quote = self.quotes.orderable(command.quote_number, caller, self.clock.now())
                command = replace(command, lines=quote.line_requests())
            self.create(caller, command, confirmation_number=confirmation_number)
        except DomainError as error:
            problems: tuple[FieldProblem, ...] = ()
            if isinstance(error, ValidationFailed | NothingAccepted):
                problems = tuple(error.problems)
            self.events.publish(
                OrderEvent(
                    kind=EventKind.ASYNC_CREATE_FAILED,
                    at=self.clock.now(),
                    customer_number=caller.customer_number,
                    customer_order_number=command.customer_order_number,
                    confirmation_number=confirmation_number,
                    problems=problems or (FieldProblem("order", error.message),),
                )
            )

    # -- read ---------------------------------------------------------------------------

    def get(
        self,
        caller: Caller,
        order_number: str,
        *,
        region_code: str | None = None,
        simulate: SimulatedStatus | None = None,
    ) -> Order:
        """The caller's order alone (see `read`). Raises OrderNotFound."""
        return self.read(caller, order_number, region_code=region_code, simulate=simulate).order

    @_rerun_on_conflict
    def read(
        self,
        caller: Caller,
        order_number: str,
        *,
        region_code: str | None = None,
        simulate: SimulatedStatus | None = None,
    ) -> OrderDetails:
        """The caller's order, brought up to date with the clock, with what a details answer
        shows of each line. Raises OrderNotFound.

        `simulate` answers with a detached copy dressed in that status (sandbox only).
        """
        now = self.clock.now()
        with self._unit_of_work() as work:
            order = self._owned(caller, order_number, region_code)
            self._settle(order, now, work)
            if simulate is not None:
                seen = simulate_status(order, simulate, now, self.pace)
            else:
                seen = work.snapshot(order)
        find, pace = self.catalog.find, self.pace
        outlook = tuple(
            LineOutlook(
                product.upc_code if (product := find(line.part_number)) else None,
                expected_dates(line, pace),
            )
            for line in seen.lines
        )
        return OrderDetails(seen, now, self.catalog.warehouse_names, outlook)

    @_rerun_on_conflict
    def search(self, caller: Caller, criteria: SearchCriteria) -> SearchPage:
        now = self.clock.now()
        with self._unit_of_work() as work:
            # Bring every due order up to date first: search filters on settled statuses.
            for order in self.store.due(now):
                self._settle(order, now, work)
            page = page_of(self.store.for_customer(caller.customer_number), criteria, now)
            return replace(page, orders=[work.snapshot(order) for order in page.orders])

    # -- modify, release, cancel --------------------------------------------------------

    @_rerun_on_conflict
    def modify(
        self,
        caller: Caller,
        order_number: str,
        change: ModifyOrder,
        *,
        release: bool = False,
        region_code: str | None = None,
    ) -> ModifyResult:
        """Change a held order, and/or release it. Raises OrderNotFound, ModificationRefused.

        All or nothing: the change is worked out on a draft (a snapshot) and the stored
        order takes it on only once every step has succeeded."""
        now = self.clock.now()
        with self._unit_of_work() as work:
            stored = self._held(caller, order_number, region_code, now, work, ModificationRefused)
            check_modify_address(change.ship_to, stored.country_code)
            order = stored.snapshot()  # the draft
            try:
                rejected = self._apply_changes(order, change)
                descriptions = []
                if not change.is_empty:
                    order.modified_at = now
                    descriptions.append("Order modified")
                    work.note(order_event(order, EventKind.MODIFIED, now))
                if release:
                    if not change.is_empty:
                        work.snapshot(order)  # the modified event: the order before release
                    opened = open_order(order, now, self.pace)
                    descriptions.append("Order released")
                    work.note(order_event(order, EventKind.RELEASED, now))
                    for event in opened:
                        work.note(event)
                    self._settle(order, now, work)
                answer = work.snapshot(order)
            except BaseException:
                work.discard(order)  # the draft's events never happened
                raise
            stored.adopt(order)  # commit
            self.store.schedule(stored)
            return ModifyResult(answer, rejected, "; ".join(descriptions), now)

    @_rerun_on_conflict
    def cancel(self, caller: Caller, order_number: str, *, region_code: str | None = None) -> Order:
        """Cancel a held order. Raises OrderNotFound, CancellationRefused."""
        now = self.clock.now()
        with self._unit_of_work() as work:
            order = self._held(caller, order_number, region_code, now, work, CancellationRefused)
            close_order(order, HoldState.CANCELED, now)
            order.next_due = None
            work.note(order_event(order, EventKind.CANCELED, now))
            return work.snapshot(order)

    def _apply_changes(self, order: Order, change: ModifyOrder) -> list[RejectedLine]:
        region = self.regions.get(order.region_code)
        rejected: list[RejectedLine] = []
        sub_orders = split_of(order)  # kept up to date by each change: linear in the lines
        for line_change in change.lines:
            problem = self.lines.apply_change(order, region, line_change, sub_orders)
            if problem is not None:
                rejected.append(problem)
        if change.ship_to is not None:
            order.ship_to = {**(order.ship_to or {}), **change.ship_to}
        if change.notes is not None:
            order.notes = change.notes
        order.freight = freight(order.lines, region.fx_rate)
        return rejected

    # -- time ---------------------------------------------------------------------------

    @_rerun_on_conflict
    def run_due(self) -> int:
        """Settle every order whose timed step has come; returns how many were settled."""
        now = self.clock.now()
        with self._unit_of_work() as work:
            due = self.store.due(now)
            for order in due:
                self._settle(order, now, work)
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

    def _held(
        self,
        caller: Caller,
        order_number: str,
        region_code: str | None,
        now: datetime,
        work: UnitOfWork,
        refusal: type[DomainError],
    ) -> Order:
        """The caller's order, settled, if it is still on customer hold: only held orders
        can be modified, released or cancelled. Raises OrderNotFound or `refusal`."""
        order = self._owned(caller, order_number, region_code)
        self._settle(order, now, work)
        if order.hold is not HoldState.ON_HOLD:
            raise refusal()
        return order

    def _region_country(self, order: Order) -> str:
        return self.regions.get(order.region_code).country_code

    def _settle(self, order: Order, now: datetime, work: UnitOfWork) -> None:
        before = order.next_due
        for event in settle(order, now, self.pace):
            work.note(event)
        if order.next_due is not None and order.next_due != before:
            self.store.schedule(order)
