"""The answers production clients read, through the official SDK's strict models: the
bill-to address and charge lines, search rows in upper case with invoice links, and the
rate-limit headers on every answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.models import OrderCreateResponse, OrderDetailB2B, OrderSearchResponse

from tests.clients.conftest import order_request

pytestmark = pytest.mark.live

CUSTOMER = "20-222222"
UNLISTED_CUSTOMER = "20-987654"
ACCOUNTS = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "accounts.json").read_text("utf-8")
)


def caller(customer: str = CUSTOMER) -> dict[str, Any]:
    return {
        "im_customer_number": customer,
        "im_country_code": "US",
        "im_correlation_id": "sdk-answers-0001",
    }


def create(orders: OrdersApi, po: str, customer: str = CUSTOMER) -> OrderCreateResponse:
    created = orders.post_createorder_v6(
        order_create_request=order_request(po, [("2GZ200", 2)]), **caller(customer)
    )
    assert isinstance(created, OrderCreateResponse)
    return created


def test_details_carry_the_accounts_bill_to_and_the_freight_charge(orders: OrdersApi) -> None:
    created = create(orders, "PO-BILL-1")
    assert created.orders and created.orders[0].ingram_order_number
    placed = created.orders[0]
    assert placed.freight_charges and placed.freight_charges > 0
    charges = placed.miscellaneous_charges or []
    assert [(c.charge_description, c.charge_amount) for c in charges] == [
        ("FREIGHT-OUT CHARGE", placed.freight_charges)
    ]
    assert charges[0].charge_line_reference == "895"
    assert placed.lines and charges[0].sub_order_number == placed.lines[0].sub_order_number

    order = orders.get_orderdetails_v6_1(ordernumber=placed.ingram_order_number, **caller())
    assert isinstance(order, OrderDetailB2B)
    expected = next(a for a in ACCOUNTS["accounts"] if a["customerNumber"] == CUSTOMER)
    assert order.bill_to_info is not None
    assert order.bill_to_info.company_name == expected["billToInfo"]["companyName"]
    assert order.bill_to_info.postal_code == expected["billToInfo"]["postalCode"]
    detail_charges = order.miscellaneous_charges or []
    assert [c.charge_amount for c in detail_charges] == [f"{placed.freight_charges:.2f}"]
    # Expected dates and product codes read through the strict models too.
    assert order.lines and order.lines[0].upc_code and order.lines[0].default_carrier_name
    (estimate,) = order.lines[0].estimated_dates or []
    assert estimate.ship and estimate.ship.ship_date
    assert estimate.delivery and estimate.delivery.delivery_date


def test_an_unlisted_customer_is_billed_at_its_countrys_default(orders: OrdersApi) -> None:
    created = create(orders, "PO-BILL-2", UNLISTED_CUSTOMER)
    assert created.orders and created.orders[0].ingram_order_number
    number = created.orders[0].ingram_order_number
    order = orders.get_orderdetails_v6_1(ordernumber=number, **caller(UNLISTED_CUSTOMER))
    assert isinstance(order, OrderDetailB2B)
    assert order.bill_to_info is not None
    assert order.bill_to_info.company_name == ACCOUNTS["defaults"]["US"]["companyName"]


def test_search_rows_speak_upper_case_and_link_invoices(
    orders: OrdersApi, advance_clock: Callable[[float], Any]
) -> None:
    created = create(orders, "PO-WORDS")
    assert created.orders
    number = created.orders[0].ingram_order_number
    advance_clock(4 * 3600)  # shipped and invoiced
    page = orders.get_resellers_v6_ordersearch(customer_order_number="PO-WORDS", **caller())
    assert isinstance(page, OrderSearchResponse) and page.orders
    row = page.orders[0]
    assert (row.ingram_order_number, row.order_status) == (number, "SHIPPED")
    assert row.sub_orders and row.sub_orders[0].sub_order_status == "INVOICED"
    topics = [link.topic for link in row.sub_orders[0].links or []]
    assert topics == ["orders", "invoices"]
    detail = orders.get_orderdetails_v6_1(ordernumber=number, **caller())
    assert isinstance(detail, OrderDetailB2B)
    assert detail.order_status == "Shipped"  # details keep their title-case words
