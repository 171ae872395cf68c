"""Ingram's official Python SDK drives every v6 order operation against the live mock.

The SDK's pydantic models are strict (StrictInt, StrictStr, ...): if the mock renders a
field with the wrong JSON type, deserialization fails here. Assertions are made on the
deserialized models, never on raw JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
import requests
from xi.sdk.resellers.api.accesstoken_api import AccesstokenApi
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.api_response import ApiResponse
from xi.sdk.resellers.exceptions import (
    ApiException,
    BadRequestException,
    NotFoundException,
    UnauthorizedException,
)
from xi.sdk.resellers.models import (
    AccesstokenResponse,
    ErrorResponse,
    OrderCreateResponse,
    OrderCreateResponseOrdersInner,
    OrderDetailB2B,
    OrderModifyRequest,
    OrderModifyRequestLinesInner,
    OrderModifyResponse,
    OrderSearchResponse,
)

from tests.clients.conftest import CLIENT_ID, close, order_request, sdk_client
from tests.live import LiveServer

pytestmark = pytest.mark.live

CUSTOMER = "20-222222"
OTHER_CUSTOMER = "20-333333"
CORRELATION = "sdk-correlation-0001"
REFUSED = "Order can not be modified/released"
CENT = 0.01

Line = tuple[str, int]  # (ingram part number, quantity)


def caller(customer: str = CUSTOMER, **extra: Any) -> dict[str, Any]:
    """The three headers every order call carries, as SDK keyword arguments."""
    return {
        "im_customer_number": customer,
        "im_country_code": "US",
        "im_correlation_id": CORRELATION,
        **extra,
    }


def place(
    orders: OrdersApi,
    po: str,
    lines: Sequence[Line] = (("2GZ200", 2),),
    *,
    hold: bool = False,
    customer: str = CUSTOMER,
) -> OrderCreateResponseOrdersInner:
    created = orders.post_createorder_v6(
        order_create_request=order_request(po, lines, hold=hold), **caller(customer)
    )
    assert isinstance(created, OrderCreateResponse)
    assert created.orders and len(created.orders) == 1
    return created.orders[0]


def number_of(order: OrderCreateResponseOrdersInner) -> str:
    assert order.ingram_order_number
    return order.ingram_order_number


def details(orders: OrdersApi, number: str, customer: str = CUSTOMER) -> OrderDetailB2B:
    answer = orders.get_orderdetails_v6_1(ordernumber=number, **caller(customer))
    assert isinstance(answer, OrderDetailB2B)
    return answer


def release(orders: OrdersApi, number: str, customer: str = CUSTOMER) -> OrderModifyResponse:
    answer = orders.put_ordermodify(
        order_number=number,
        order_modify_request=OrderModifyRequest(),
        action_code="release",
        **caller(customer),
    )
    assert isinstance(answer, OrderModifyResponse)
    return answer


def assert_created_totals_add_up(order: OrderCreateResponseOrdersInner) -> None:
    assert order.lines
    extended = sum(line.extended_unit_price or 0 for line in order.lines)
    expected = extended + (order.total_tax or 0) + (order.freight_charges or 0)
    assert order.order_total == pytest.approx(expected, abs=CENT)
    for line in order.lines:
        assert line.unit_price is not None and line.quantity_ordered is not None
        assert line.extended_unit_price == pytest.approx(
            line.unit_price * line.quantity_ordered, abs=CENT
        )


def error_of(exc: ApiException) -> ErrorResponse:
    """Our error body, parsed with the SDK's own ErrorResponse model."""
    assert exc.body, f"HTTP {exc.status} without a body"
    parsed = ErrorResponse.from_json(exc.body)
    assert parsed is not None and parsed.errors
    return parsed


def messages(error: ErrorResponse) -> str:
    """Every message in an error body (header and field level), for text assertions."""
    parts: list[str] = []
    for entry in error.errors or []:
        parts.append(entry.message or "")
        parts.extend(f.message or "" for f in entry.fields or [])
    return " | ".join(parts)


def header(headers: Any, name: str) -> str | None:
    """A response header by name, case-insensitively.

    ApiResponse.headers is a plain dict (pydantic coerces urllib3's case-insensitive
    mapping), and granian sends header names in lower case.
    """
    assert headers is not None
    return next((v for k, v in dict(headers).items() if k.lower() == name.lower()), None)


def fields(error: ErrorResponse) -> set[str]:
    return {f.var_field or "" for entry in error.errors or [] for f in entry.fields or []}


# -- token ------------------------------------------------------------------------------


def test_access_token_comes_from_the_sdk_and_is_required(server: LiveServer) -> None:
    api_client = sdk_client(server.base_url)
    try:
        token = AccesstokenApi(api_client).get_accesstoken(
            grant_type="client_credentials", client_id=CLIENT_ID, client_secret="sdk-secret"
        )
        assert isinstance(token, AccesstokenResponse)
        assert token.access_token and token.token_type == "Bearer"
        assert token.expires_in is not None and token.expires_in.isdigit()

        with pytest.raises(UnauthorizedException) as wrong_secret:
            AccesstokenApi(api_client).get_accesstoken(
                grant_type="client_credentials", client_id=CLIENT_ID, client_secret="nope"
            )
        assert wrong_secret.value.status == 401

        # No bearer yet: order calls are refused.
        with pytest.raises(UnauthorizedException) as anonymous:
            OrdersApi(api_client).get_resellers_v6_ordersearch(**caller())
        assert anonymous.value.status == 401
        assert "token" in messages(error_of(anonymous.value)).lower()

        api_client.configuration.access_token = token.access_token
        assert OrdersApi(api_client).get_resellers_v6_ordersearch(**caller()) is None
    finally:
        close(api_client)


# -- create -----------------------------------------------------------------------------


def test_create_with_an_unknown_part_is_207_with_the_rejected_line(orders: OrdersApi) -> None:
    request = order_request("PO-MIXED", [("2GZ200", 2), ("DF4128", 3), ("XXXXXX", 1)], hold=True)
    answer = orders.post_createorder_v6_with_http_info(order_create_request=request, **caller())
    assert answer.status_code == 207
    created = answer.data
    assert isinstance(created, OrderCreateResponse)
    assert created.customer_order_number == "PO-MIXED"
    assert created.processed_partially is True
    assert created.orders and len(created.orders) == 1
    order = created.orders[0]
    assert order.number_of_lines_with_success == 2
    assert order.number_of_lines_with_error == 1
    assert order.rejected_line_items and len(order.rejected_line_items) == 1
    rejected = order.rejected_line_items[0]
    assert rejected.reject_code == "EN"
    assert rejected.ingram_part_number == "XXXXXX"
    assert rejected.customer_linenumber == "3"
    assert rejected.quantity_ordered == 1
    assert order.lines and {line.ingram_part_number for line in order.lines} == {
        "2GZ200",
        "DF4128",
    }
    assert all(line.line_status == "On Hold" for line in order.lines)
    backordered = next(line for line in order.lines if line.ingram_part_number == "DF4128")
    assert backordered.quantity_back_ordered == backordered.quantity_ordered == 3
    assert_created_totals_add_up(order)
    assert created.purchase_order_total == pytest.approx(order.order_total, abs=CENT)


def test_clean_create_is_201_and_totals_add_up(orders: OrdersApi) -> None:
    request = order_request("PO-CLEAN", [("2GZ200", 2), ("4U0212", 1), ("1C6094", 7)])
    answer = orders.post_createorder_v6_with_http_info(order_create_request=request, **caller())
    assert answer.status_code == 201
    created = answer.data
    assert isinstance(created, OrderCreateResponse)
    assert created.processed_partially is False
    assert created.orders
    order = created.orders[0]
    assert not order.rejected_line_items
    assert order.number_of_lines_with_success == 3
    assert order.number_of_lines_with_error == 0
    assert order.currency_code == "USD"
    assert order.ingram_order_number and order.ingram_order_date
    assert order.links and order.links[0].href
    assert order.links[0].href.endswith(order.ingram_order_number)
    assert_created_totals_add_up(order)


def test_create_that_accepts_no_line_is_a_bad_request(orders: OrdersApi) -> None:
    with pytest.raises(BadRequestException) as refused:
        place(orders, "PO-NOTHING", [("XXXXXX", 1)])
    assert isinstance(refused.value.data, ErrorResponse)  # the SDK deserialized it itself
    assert "XXXXXX" in {
        f.value for e in error_of(refused.value).errors or [] for f in e.fields or []
    }


# -- details ----------------------------------------------------------------------------


def test_details_of_a_held_order(orders: OrdersApi) -> None:
    number = number_of(
        place(orders, "PO-DETAIL", [("2GZ200", 2), ("DF4128", 4), ("TXSLM3", 5)], hold=True)
    )
    order = details(orders, number)
    assert order.ingram_order_number == number
    assert order.customer_order_number == "PO-DETAIL"
    assert order.order_status == "On Hold"
    assert order.lines and len(order.lines) == 3
    by_part = {line.ingram_part_number: line for line in order.lines}
    assert set(by_part) == {"2GZ200", "DF4128", "TXSLM3"}
    assert by_part["DF4128"].quantity_ordered == 4
    assert by_part["DF4128"].quantity_back_ordered == by_part["DF4128"].quantity_ordered
    assert by_part["2GZ200"].quantity_back_ordered == 0
    assert by_part["TXSLM3"].quantity_back_ordered == 2  # 3 units on hand
    for line in order.lines:
        assert line.line_status == "On Hold"
        assert line.unit_price is not None and line.quantity_ordered is not None
        assert line.extended_price == pytest.approx(
            line.unit_price * line.quantity_ordered, abs=CENT
        )
        assert (line.quantity_confirmed or 0) + (line.quantity_back_ordered or 0) == (
            line.quantity_ordered
        )
    subtotal = sum(line.extended_price or 0 for line in order.lines)
    assert order.order_sub_total == pytest.approx(subtotal, abs=CENT)
    assert order.order_total == pytest.approx(
        subtotal + (order.total_tax or 0) + (order.freight_charges or 0), abs=CENT
    )


def test_released_order_ships_and_delivers_with_mock_time(
    orders: OrdersApi, advance_clock: Callable[[float], Any]
) -> None:
    number = number_of(place(orders, "PO-SHIP", [("2GZ200", 2), ("4U0212", 1)]))
    assert details(orders, number).order_status == "Processing"
    advance_clock(2 * 86400)
    order = details(orders, number)
    assert order.order_status == "Delivered"
    assert order.lines
    for line in order.lines:
        assert line.line_status == "Delivered"
        assert line.shipment_details
        shipped = sum(s.quantity or 0 for s in line.shipment_details)
        assert shipped == line.quantity_ordered
        carrier = (line.shipment_details[0].carrier_details or [None])[0]
        assert carrier is not None and carrier.delivered_date
        assert carrier.tracking_details and carrier.tracking_details[0].tracking_number


# -- search -----------------------------------------------------------------------------


def test_search_filters(orders: OrdersApi) -> None:
    held_a = number_of(place(orders, "PO-SEARCH-A", [("2GZ200", 1)], hold=True))
    held_b = number_of(place(orders, "PO-SEARCH-B", [("1C6094", 1)], hold=True))
    clean = number_of(place(orders, "PO-SEARCH-C", [("4U0212", 1)]))

    by_po = orders.get_resellers_v6_ordersearch(customer_order_number="PO-SEARCH-A", **caller())
    assert isinstance(by_po, OrderSearchResponse)
    assert by_po.records_found == 1
    assert by_po.orders and by_po.orders[0].ingram_order_number == held_a
    assert by_po.orders[0].order_status == "ON HOLD"  # search rows speak upper case

    held = orders.get_resellers_v6_ordersearch(order_status="ON HOLD", **caller())
    assert isinstance(held, OrderSearchResponse)
    assert held.records_found == 2
    assert {o.ingram_order_number for o in held.orders or []} == {held_a, held_b}

    by_part = orders.get_resellers_v6_ordersearch(
        ingram_part_number="4U0212", page_size=10, page_number=1, **caller()
    )
    assert isinstance(by_part, OrderSearchResponse)
    assert (by_part.records_found, by_part.page_size, by_part.page_number) == (1, 10, 1)
    assert by_part.orders and by_part.orders[0].ingram_order_number == clean
    row = by_part.orders[0]
    assert row.customer_order_number == "PO-SEARCH-C"
    assert row.sub_orders and row.sub_orders[0].sub_order_number
    # Sub-order totals are goods only; the header total adds tax and freight.
    goods = sum(sub.sub_order_total or 0 for sub in row.sub_orders)
    assert goods == pytest.approx(details(orders, clean).order_sub_total or 0, abs=CENT)
    assert row.order_total == pytest.approx(details(orders, clean).order_total or 0, abs=CENT)

    nothing = orders.get_resellers_v6_ordersearch_with_http_info(
        customer_order_number="PO-NEVER-PLACED", **caller()
    )
    assert nothing.status_code == 204
    assert nothing.data is None
    assert orders.get_resellers_v6_ordersearch(ingram_part_number="DF4128", **caller()) is None


def test_search_paginates(orders: OrdersApi) -> None:
    placed = {number_of(place(orders, f"PO-PAGE-{n}")) for n in range(5)}
    seen: list[str] = []
    pages: list[OrderSearchResponse] = []
    for page_number in (1, 2, 3):
        page = orders.get_resellers_v6_ordersearch(page_size=2, page_number=page_number, **caller())
        assert isinstance(page, OrderSearchResponse)
        assert (page.records_found, page.page_size, page.page_number) == (5, 2, page_number)
        seen.extend(o.ingram_order_number or "" for o in page.orders or [])
        pages.append(page)
    first, second, last = pages
    assert first.next_page and "pageNumber=2" in first.next_page
    assert first.previous_page is None
    assert second.next_page and "pageNumber=3" in second.next_page
    assert second.previous_page and "pageNumber=1" in second.previous_page
    assert last.next_page is None
    assert last.previous_page and "pageNumber=2" in last.previous_page
    assert [len(p.orders or []) for p in pages] == [2, 2, 1]
    assert sorted(seen) == sorted(placed)


# -- modify, release --------------------------------------------------------------------


def test_modify_then_release_then_refused(orders: OrdersApi) -> None:
    number = number_of(place(orders, "PO-MODIFY", [("2GZ200", 2), ("DF4128", 1)], hold=True))
    change = OrderModifyRequest(
        notes="changed by the SDK",
        lines=[
            OrderModifyRequestLinesInner(
                ingram_part_number="1C6094", quantity=4, add_update_delete_line="ADD"
            ),
            OrderModifyRequestLinesInner(
                ingram_line_number="001", quantity=5, add_update_delete_line="UPDATE"
            ),
            OrderModifyRequestLinesInner(ingram_line_number="002", add_update_delete_line="DELETE"),
        ],
    )
    answer = orders.put_ordermodify_with_http_info(
        order_number=number, order_modify_request=change, **caller()
    )
    assert answer.status_code == 200
    modified = answer.data
    assert isinstance(modified, OrderModifyResponse)
    assert modified.ingram_order_number == number
    assert modified.order_status == "On Hold"
    assert modified.notes == "changed by the SDK"
    assert not modified.rejected_line_items
    assert modified.lines
    quantities = {line.ingram_part_number: line.quantity_ordered for line in modified.lines}
    assert quantities == {"2GZ200": 5, "1C6094": 4}
    assert modified.order_total == pytest.approx(
        (modified.order_sub_total or 0)
        + (modified.total_tax or 0)
        + (modified.freight_charges or 0),
        abs=CENT,
    )
    after_change = details(orders, number)
    assert after_change.order_total == pytest.approx(modified.order_total, abs=CENT)
    assert {line.ingram_part_number for line in after_change.lines or []} == {"2GZ200", "1C6094"}

    released = release(orders, number)
    assert released.ingram_order_number == number
    assert released.order_status != "On Hold"
    assert details(orders, number).order_status == "Processing"

    with pytest.raises(BadRequestException) as again:
        release(orders, number)
    assert again.value.status == 400
    assert isinstance(again.value.data, ErrorResponse)
    assert REFUSED in messages(error_of(again.value))

    with pytest.raises(BadRequestException) as late_change:
        orders.put_ordermodify(order_number=number, order_modify_request=change, **caller())
    assert REFUSED in messages(error_of(late_change.value))


def test_modify_with_an_unknown_part_is_207(orders: OrdersApi) -> None:
    number = number_of(place(orders, "PO-MODIFY-207", hold=True))
    change = OrderModifyRequest(
        lines=[
            OrderModifyRequestLinesInner(
                ingram_part_number="XXXXXX", quantity=1, add_update_delete_line="ADD"
            ),
            OrderModifyRequestLinesInner(
                ingram_part_number="4U0212", quantity=1, add_update_delete_line="ADD"
            ),
        ]
    )
    answer = orders.put_ordermodify_with_http_info(
        order_number=number, order_modify_request=change, **caller()
    )
    assert answer.status_code == 207
    modified = answer.data
    assert isinstance(modified, OrderModifyResponse)
    assert modified.rejected_line_items and len(modified.rejected_line_items) == 1
    assert modified.rejected_line_items[0].reject_code == "EN"
    assert modified.rejected_line_items[0].ingram_part_number == "XXXXXX"
    assert {line.ingram_part_number for line in modified.lines or []} == {"2GZ200", "4U0212"}


# -- cancel -----------------------------------------------------------------------------


def test_cancel_held_order_succeeds(orders: OrdersApi) -> None:
    number = number_of(place(orders, "PO-CANCEL", hold=True))
    answer = orders.delete_ordercancel_with_http_info(order_number=number, **caller())
    assert answer.status_code == 200
    assert answer.data is None
    cancelled = details(orders, number)
    assert cancelled.order_status == "Canceled"
    assert all(line.line_status == "Canceled" for line in cancelled.lines or [])
    found = orders.get_resellers_v6_ordersearch(order_status="CANCELLED", **caller())
    assert isinstance(found, OrderSearchResponse)
    assert [o.ingram_order_number for o in found.orders or []] == [number]


def test_cancel_released_order_is_405(orders: OrdersApi) -> None:
    held = number_of(place(orders, "PO-RELEASED", hold=True))
    release(orders, held)
    never_held = number_of(place(orders, "PO-NEVER-HELD"))
    for number in (held, never_held):
        # 405 has no dedicated subclass in the SDK: it raises the base ApiException.
        with pytest.raises(ApiException) as refused:
            orders.delete_ordercancel(order_number=number, **caller())
        assert type(refused.value) is ApiException
        assert refused.value.status == 405
        assert isinstance(refused.value.data, ErrorResponse)
        assert "not on hold" in messages(error_of(refused.value))
        assert details(orders, number).order_status == "Processing"


# -- mock time --------------------------------------------------------------------------


def test_held_order_is_voided_after_a_day(
    orders: OrdersApi, advance_clock: Callable[[float], Any]
) -> None:
    number = number_of(place(orders, "PO-VOID", [("2GZ200", 1), ("DF4128", 1)], hold=True))
    moved = advance_clock(86400)
    assert moved["offsetSeconds"] == pytest.approx(86400)

    voided = details(orders, number)
    assert voided.order_status == "Voided"
    assert all(line.line_status == "Voided" for line in voided.lines or [])

    with pytest.raises(BadRequestException) as no_release:
        release(orders, number)
    assert REFUSED in messages(error_of(no_release.value))

    with pytest.raises(ApiException) as no_cancel:
        orders.delete_ordercancel(order_number=number, **caller())
    assert no_cancel.value.status == 405

    assert orders.get_resellers_v6_ordersearch(order_status="ON HOLD", **caller()) is None
    found = orders.get_resellers_v6_ordersearch(order_status="CANCELLED", **caller())
    assert isinstance(found, OrderSearchResponse)
    assert found.orders and found.orders[0].order_status == "CANCELLED"  # voided, in search


# -- isolation, errors ------------------------------------------------------------------


def test_other_customer_cannot_see_or_touch_the_order(orders: OrdersApi) -> None:
    number = number_of(place(orders, "PO-PRIVATE", hold=True))

    with pytest.raises(NotFoundException) as hidden:
        details(orders, number, customer=OTHER_CUSTOMER)
    assert hidden.value.status == 404
    assert "Order not found." in messages(error_of(hidden.value))

    for criteria in ({}, {"customer_order_number": "PO-PRIVATE"}, {"ingram_order_number": number}):
        answer = orders.get_resellers_v6_ordersearch_with_http_info(
            **criteria, **caller(OTHER_CUSTOMER)
        )
        assert (answer.status_code, answer.data) == (204, None)

    with pytest.raises(NotFoundException) as no_cancel:
        orders.delete_ordercancel(order_number=number, **caller(OTHER_CUSTOMER))
    assert isinstance(no_cancel.value.data, ErrorResponse)

    with pytest.raises(NotFoundException):
        release(orders, number, customer=OTHER_CUSTOMER)
    with pytest.raises(NotFoundException):
        orders.put_ordermodify(
            order_number=number,
            order_modify_request=OrderModifyRequest(notes="not mine"),
            **caller(OTHER_CUSTOMER),
        )

    untouched = details(orders, number)
    assert untouched.order_status == "On Hold"
    assert untouched.notes != "not mine"


def test_unknown_order_is_404_with_our_error_body(orders: OrdersApi) -> None:
    with pytest.raises(NotFoundException) as missing:
        details(orders, "20-ZZZZZ")
    error = error_of(missing.value)
    assert error.errors and error.errors[0].message == "Order not found."
    assert error.errors[0].id and error.errors[0].type

    with pytest.raises(NotFoundException):
        orders.delete_ordercancel(order_number="20-ZZZZZ", **caller())


def test_malformed_order_number_is_400_naming_the_field(orders: OrdersApi) -> None:
    with pytest.raises(BadRequestException) as malformed:
        details(orders, "20-1")
    error = error_of(malformed.value)
    assert "ordernumber" in {name.lower() for name in fields(error)}
    assert error.errors and error.errors[0].type == "/errors/validation-failed"
    offending = [f for e in error.errors for f in e.fields or [] if f.value is not None]
    assert any(f.value == "20-1" for f in offending)


# -- sandbox, headers -------------------------------------------------------------------


def test_sandbox_prefix_behaves_the_same(sandbox_orders: OrdersApi) -> None:
    api = sandbox_orders
    assert api.api_client.configuration.host.endswith("/sandbox")
    mixed = order_request("PO-SANDBOX", [("2GZ200", 1), ("XXXXXX", 1)], hold=True)
    answer = api.post_createorder_v6_with_http_info(order_create_request=mixed, **caller())
    assert answer.status_code == 207
    assert answer.data and answer.data.orders
    order = answer.data.orders[0]
    assert_created_totals_add_up(order)
    number = number_of(order)

    assert details(api, number).order_status == "On Hold"
    found = api.get_resellers_v6_ordersearch(customer_order_number="PO-SANDBOX", **caller())
    assert isinstance(found, OrderSearchResponse) and found.records_found == 1
    with pytest.raises(NotFoundException):
        details(api, number, customer=OTHER_CUSTOMER)
    assert release(api, number).order_status != "On Hold"
    with pytest.raises(ApiException) as refused:
        api.delete_ordercancel(order_number=number, **caller())
    assert refused.value.status == 405


def test_correlation_and_sender_headers_are_echoed(orders: OrdersApi) -> None:
    sent = caller(im_correlation_id="corr-headers-42", im_sender_id="MyCompany")
    created = orders.post_createorder_v6_with_http_info(
        order_create_request=order_request("PO-HEADERS", [("2GZ200", 1)], hold=True), **sent
    )
    assert created.data and created.data.orders
    number = number_of(created.data.orders[0])
    answers: list[ApiResponse[Any]] = [
        created,
        orders.get_orderdetails_v6_1_with_http_info(ordernumber=number, **sent),
        orders.get_resellers_v6_ordersearch_with_http_info(**sent),
        orders.put_ordermodify_with_http_info(
            order_number=number, order_modify_request=OrderModifyRequest(notes="hi"), **sent
        ),
        orders.delete_ordercancel_with_http_info(order_number=number, **sent),
    ]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200]
    for answer in answers:
        assert header(answer.headers, "IM-CorrelationID") == "corr-headers-42"
        assert header(answer.headers, "IM-SenderID") == "MyCompany"

    without_sender = orders.get_resellers_v6_ordersearch_with_http_info(**caller())
    assert header(without_sender.headers, "IM-CorrelationID") == CORRELATION
    assert header(without_sender.headers, "IM-SenderID") is None

    with pytest.raises(NotFoundException) as missing:
        orders.get_orderdetails_v6_1(ordernumber="20-ZZZZZ", **sent)
    assert header(missing.value.headers, "IM-CorrelationID") == "corr-headers-42"
    assert header(missing.value.headers, "IM-SenderID") == "MyCompany"


def test_sdk_requests_match_our_contract(orders: OrdersApi, server: LiveServer) -> None:
    """A whole client session leaves no contract violation behind on the server."""
    number = number_of(place(orders, "PO-CONTRACT", [("2GZ200", 1), ("DF4128", 1)], hold=True))
    details(orders, number)
    orders.get_resellers_v6_ordersearch(
        order_status="ON HOLD", ingram_part_number="2GZ200", page_size=5, page_number=1, **caller()
    )
    orders.put_ordermodify(
        order_number=number,
        order_modify_request=OrderModifyRequest(
            lines=[
                OrderModifyRequestLinesInner(
                    ingram_line_number="002", quantity=2, add_update_delete_line="UPDATE"
                )
            ]
        ),
        **caller(im_sender_id="MyCompany"),
    )
    orders.delete_ordercancel(order_number=number, **caller())
    answer = requests.get(f"{server.base_url}/__admin/violations", timeout=5)
    answer.raise_for_status()
    assert answer.json()["total"] == 0, answer.json()
