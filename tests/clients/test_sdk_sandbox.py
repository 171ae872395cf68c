"""The official SDK reads the sandbox answers: every simulateStatus, and v7 confirmations.

Runs against a real `ingram-mock serve` (module fixture in tests/clients/conftest.py,
reset before each test). The server's v7 intake works on its own thread, so the tests
wait for the order to appear, with a deadline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

import pytest
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.models import (
    OrderCreateResponse,
    OrderCreateV7Request,
    OrderCreateV7RequestLinesInner,
    OrderCreateV7Response201,
    OrderDetailB2B,
    OrderDetailB2BLinesInner,
    OrderSearchResponse,
)

from tests.clients.conftest import order_request

pytestmark = pytest.mark.live

CUSTOMER = "20-222222"
CONFIRMATION = re.compile(r"^US-I-T-\d{20}$")
READY_QUOTE = "QUO-45341653-R2R9M6"
LINES = (("2GZ200", 4), ("1C6094", 1), ("DF4128", 2))


def caller() -> dict[str, str]:
    return {
        "im_customer_number": CUSTOMER,
        "im_country_code": "US",
        "im_correlation_id": "sdk-sandbox-0001",
    }


def place(orders: OrdersApi, po: str, lines: Sequence[tuple[str, int]], hold: bool) -> str:
    created = orders.post_createorder_v6(
        order_create_request=order_request(po, lines, hold=hold),
        **caller(),
    )
    assert isinstance(created, OrderCreateResponse) and created.orders
    number = created.orders[0].ingram_order_number
    assert number
    return number


def shipped(line: OrderDetailB2BLinesInner) -> int:
    return sum(s.quantity or 0 for s in line.shipment_details or [])


def simulated(orders: OrdersApi, number: str, status: str) -> OrderDetailB2B:
    answer = orders.get_orderdetails_v6_1(
        ordernumber=number, simulate_status=status, region_code="CS", **caller()
    )
    assert isinstance(answer, OrderDetailB2B)
    assert answer.ingram_order_number == number
    assert answer.lines and len(answer.lines) == len(LINES)
    return answer


@pytest.mark.parametrize("hold", [False, True], ids=["open", "held"])
def test_every_simulated_status_reads_as_order_detail(
    sandbox_orders: OrdersApi, hold: bool
) -> None:
    number = place(sandbox_orders, "PO-SDK-SIM", LINES, hold)
    stored = sandbox_orders.get_orderdetails_v6_1(ordernumber=number, **caller())
    assert isinstance(stored, OrderDetailB2B)

    ship = simulated(sandbox_orders, number, "IM::SHIPPED")
    assert ship.order_status == "Shipped"
    for line in ship.lines or []:
        assert line.line_status == "Shipped"
        assert shipped(line) == line.quantity_ordered and line.quantity_back_ordered == 0
        for shipment in line.shipment_details or []:
            (carrier,) = shipment.carrier_details or []
            assert carrier.carrier_code and carrier.quantity == shipment.quantity
            assert carrier.tracking_details and carrier.tracking_details[0].tracking_number
            assert carrier.delivered_date is None
            assert shipment.invoice_number is None

    partial = simulated(sandbox_orders, number, "IM::PARTIALLY_SHIPPED")
    assert partial.order_status not in ("Shipped", "Delivered", "On Hold")
    by_part = {line.ingram_part_number: line for line in partial.lines or []}
    for line in by_part.values():
        assert shipped(line) + (line.quantity_back_ordered or 0) == line.quantity_ordered
    half = by_part["2GZ200"]
    assert (shipped(half), half.quantity_back_ordered, half.line_status) == (2, 2, "Backordered")
    assert half.back_order_eta_date

    held = simulated(sandbox_orders, number, "IM::HOLD")
    assert held.order_status == "On Hold"
    assert all(ln.line_status == "On Hold" and not ln.shipment_details for ln in held.lines or [])

    invoiced = simulated(sandbox_orders, number, "IM::INVOICED")
    for line in invoiced.lines or []:
        assert shipped(line) == line.quantity_ordered
        for shipment in line.shipment_details or []:
            assert shipment.invoice_number and shipment.invoice_date

    again = sandbox_orders.get_orderdetails_v6_1(ordernumber=number, **caller())
    assert again == stored  # simulation never touches the stored order
    assert again.order_status == ("On Hold" if hold else "Processing")


def wait_for_order(orders: OrdersApi, po: str, timeout: float = 5.0) -> str:
    """The order number once the server's intake has created the order."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = orders.get_resellers_v6_ordersearch(customer_order_number=po, **caller())
        if found is not None:
            assert isinstance(found, OrderSearchResponse) and found.orders
            number = found.orders[0].ingram_order_number
            assert number
            return number
        time.sleep(0.02)
    raise AssertionError(f"order {po} was not created within {timeout}s")


def test_v7_confirmation_reads_as_its_model(orders: OrdersApi) -> None:
    request = OrderCreateV7Request(
        customer_order_number="PO-SDK-V7",
        lines=[
            OrderCreateV7RequestLinesInner(
                customer_line_number="1", ingram_part_number="2GZ200", quantity=3
            )
        ],
    )
    answer = orders.post_createorder_v7_with_http_info(order_create_v7_request=request, **caller())
    assert answer.status_code == 200
    confirmation = answer.data
    assert isinstance(confirmation, OrderCreateV7Response201)
    assert confirmation.confirmation_number and CONFIRMATION.match(confirmation.confirmation_number)
    assert confirmation.quote_number is None
    assert confirmation.message

    number = wait_for_order(orders, "PO-SDK-V7")
    detail = orders.get_orderdetails_v6_1(ordernumber=number, **caller())
    assert isinstance(detail, OrderDetailB2B) and detail.lines
    assert [(ln.ingram_part_number, ln.quantity_ordered) for ln in detail.lines] == [("2GZ200", 3)]


def test_v7_quote_to_order_echoes_the_quote_and_uses_its_prices(orders: OrdersApi) -> None:
    request = OrderCreateV7Request(customer_order_number="PO-SDK-QUOTE", quote_number=READY_QUOTE)
    confirmation = orders.post_createorder_v7(order_create_v7_request=request, **caller())
    assert isinstance(confirmation, OrderCreateV7Response201)
    assert confirmation.quote_number == READY_QUOTE
    assert confirmation.confirmation_number and CONFIRMATION.match(confirmation.confirmation_number)

    number = wait_for_order(orders, "PO-SDK-QUOTE")
    detail = orders.get_orderdetails_v6_1(ordernumber=number, **caller())
    assert isinstance(detail, OrderDetailB2B) and detail.lines
    got = {ln.ingram_part_number: (ln.quantity_ordered, ln.unit_price) for ln in detail.lines}
    assert got == {"2GZ200": (12, 128.89), "1C6094": (12, 72.53)}
