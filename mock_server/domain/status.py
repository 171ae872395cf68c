"""Order and line states, and the one table of legal transitions between them."""

from __future__ import annotations

from enum import StrEnum


class HoldState(StrEnum):
    """Where an order stands in the customer-hold business rules."""

    ON_HOLD = "on_hold"  # placed with allowOrderOnCustomerHold: may be modified/released/cancelled
    OPEN = "open"  # placed without hold, or released: final, moves on with the clock
    CANCELED = "canceled"  # cancelled by the customer while on hold
    VOIDED = "voided"  # held and not released within 24 hours


# The business rules, in one place: which hold-state changes are legal.
HOLD_TRANSITIONS: dict[HoldState, frozenset[HoldState]] = {
    HoldState.ON_HOLD: frozenset({HoldState.OPEN, HoldState.CANCELED, HoldState.VOIDED}),
    HoldState.OPEN: frozenset(),
    HoldState.CANCELED: frozenset(),
    HoldState.VOIDED: frozenset(),
}


class IllegalTransition(RuntimeError):
    """A bug guard: code tried a change the transition table forbids."""


def check_transition(current: HoldState, target: HoldState) -> None:
    if target not in HOLD_TRANSITIONS[current]:
        raise IllegalTransition(f"{current} -> {target}")


class OrderStatus(StrEnum):
    """Header status words, as the details endpoint spells them."""

    ON_HOLD = "On Hold"
    PROCESSING = "Processing"
    BACKORDERED = "Backordered"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    CANCELED = "Canceled"
    VOIDED = "Voided"


class LineStatus(StrEnum):
    """Line status words, as the details endpoint spells them."""

    ON_HOLD = "On Hold"
    IN_PROGRESS = "In Progress"
    BACKORDERED = "Backordered"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    CANCELED = "Canceled"
    VOIDED = "Voided"


# Order-status webhooks spell a line's status their own way (`IM::shipped`).
EVENT_LINE_STATUS: dict[LineStatus, str] = {
    status: "IM::" + status.name.lower() for status in LineStatus
}

# The search filter `orderStatus` speaks its own upper-case dialect.
SEARCH_STATUS_WORDS: dict[str, frozenset[OrderStatus]] = {
    "SHIPPED": frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED}),
    "PROCESSING": frozenset({OrderStatus.PROCESSING}),
    "ON HOLD": frozenset({OrderStatus.ON_HOLD}),
    "BACKORDERED": frozenset({OrderStatus.BACKORDERED}),
    "CANCELLED": frozenset({OrderStatus.CANCELED, OrderStatus.VOIDED}),
}


class SearchStatus(StrEnum):
    """Status words of search rows (header and sub-orders): the upper-case dialect that
    production clients match. Details keep the title-case words above."""

    ON_HOLD = "ON HOLD"
    PROCESSING = "PROCESSING"
    BACKORDERED = "BACKORDERED"
    PARTIALLY_SHIPPED = "PARTIALLY SHIPPED"
    SHIPPED = "SHIPPED"
    INVOICED = "INVOICED"
    PARTIALLY_DELIVERED = "PARTIALLY DELIVERED"
    DELIVERED = "DELIVERED"
    E_DELIVERED = "E-DELIVERED"
    CANCELLED = "CANCELLED"


def search_status(
    hold: HoldState,
    line_states: frozenset[LineStatus],
    *,
    shipped_any: bool,
    invoiced: bool,
    digital: bool,
) -> SearchStatus:
    """The search word for a group of lines (a whole order, or one sub-order).

    `shipped_any`: some quantity has left; `invoiced`: every shipment that left carries an
    invoice (only sub-orders pass True: invoices are raised per sub-order); `digital`: no
    line has weight, so a delivery is an electronic one.
    """
    if hold is HoldState.ON_HOLD:
        return SearchStatus.ON_HOLD
    if hold is not HoldState.OPEN:
        return SearchStatus.CANCELLED  # cancelled and voided alike, as the filter words them
    if line_states == {LineStatus.DELIVERED}:
        return SearchStatus.E_DELIVERED if digital else SearchStatus.DELIVERED
    if line_states <= {LineStatus.SHIPPED, LineStatus.DELIVERED}:
        if LineStatus.DELIVERED in line_states:
            return SearchStatus.PARTIALLY_DELIVERED
        return SearchStatus.INVOICED if invoiced else SearchStatus.SHIPPED
    if shipped_any:
        return SearchStatus.PARTIALLY_SHIPPED
    if LineStatus.IN_PROGRESS in line_states:
        return SearchStatus.PROCESSING
    if LineStatus.BACKORDERED in line_states:
        return SearchStatus.BACKORDERED
    return SearchStatus.PROCESSING
