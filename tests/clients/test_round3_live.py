"""Round-3 client habits that need a real socket (issue 20): the reason phrase some clients
compare, HTTP Basic token calls parsed by the real server, and the official Python SDK sending
production clients' header values. Against `ingram-mock serve`, lenient and strict (conftest).
"""

from __future__ import annotations

import base64
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.models import OrderDetailB2B, OrderSearchResponse

from tests.clients.conftest import CLIENT_ID, CLIENT_SECRET, admin_post, order_request
from tests.live import LiveServer

pytestmark = pytest.mark.live

CUSTOMER = "20-222222"
DOCS_CORRELATION_ID = "fbac82ba-cf0a-4bcf-fc03-0c5084"  # reused on every call by one client
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def call(
    server: LiveServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any = None,
) -> tuple[int, str, Any]:
    """(status, reason phrase, parsed body) over a plain http.client connection."""
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        payload = body if body is None or isinstance(body, str) else json.dumps(body)
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, response.reason, json.loads(raw) if raw else None
    finally:
        connection.close()


def header(headers: Any, name: str) -> str:
    """A response header as the SDK hands it over (a plain dict, names as the server sent them)."""
    found = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    return found[name.lower()]


def order_call_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": DOCS_CORRELATION_ID,
        "Content-Type": "application/json",
    }


def test_reason_phrases_are_the_standard_ones(server: LiveServer, access_token: str) -> None:
    headers = order_call_headers(access_token)
    order = order_request("PO-REASON", [("2GZ200", 1)]).to_dict()
    status, reason, created = call(server, "POST", "/resellers/v6/orders", headers, order)
    assert (status, reason) == (201, "Created")  # one client compares the text
    number = created["orders"][0]["ingramOrderNumber"]
    mixed = order_request("PO-REASON-2", [("2GZ200", 1), ("XXXXXX", 1)]).to_dict()
    assert call(server, "POST", "/resellers/v6/orders", headers, mixed)[:2] == (
        207,
        "Multi-Status",
    )
    for path in (
        f"/resellers/v6.1/orders/{number}",
        f"/resellers/v6/orders/{number}",
        "/resellers/v6/orders/search",
        f"/oauth/oauth20/token?grant_type=client_credentials&client_id={CLIENT_ID}"
        f"&client_secret={CLIENT_SECRET}",
    ):
        assert call(server, "GET", path, headers)[:2] == (200, "OK"), path


def test_workato_basic_token_twice_in_a_row_over_the_wire(server: LiveServer) -> None:
    tokens = []
    for _ in range(2):
        status, reason, body = call(
            server,
            "POST",
            "/oauth/oauth30/token",
            {"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"},
            "grant_type=client_credentials&scope=read",
        )
        assert (status, reason) == (200, "OK"), body
        assert isinstance(body["expires_in"], str)  # the Go SDK's token model reads a string
        tokens.append(body["access_token"])
    for token in tokens:
        answer = requests.get(
            f"{server.base_url}/resellers/v6/orders/search",
            headers=order_call_headers(token),
            timeout=5,
        )
        assert answer.status_code in (200, 204)
    violations = requests.get(f"{server.base_url}/__admin/violations", timeout=5).json()
    assert violations["violations"] == []


def test_the_sdk_with_production_header_values_and_multi_valued_search(
    orders: OrdersApi,
) -> None:
    caller = {
        "im_customer_number": CUSTOMER,
        "im_country_code": "US",
        "im_correlation_id": DOCS_CORRELATION_ID,
        "im_sender_id": "DARU DEV",
    }
    held = order_request("PO-SDK-R3", [("2GZ200", 1)], hold=True)
    created = orders.post_createorder_v6_with_http_info(order_create_request=held, **caller)
    assert created.status_code == 201
    assert header(created.headers, "IM-SenderID") == "DARU DEV"
    assert created.data.orders and created.data.orders[0].ingram_order_number
    number = created.data.orders[0].ingram_order_number
    details = orders.get_orderdetails_v6_1_with_http_info(ordernumber=number, **caller)
    assert isinstance(details.data, OrderDetailB2B)
    assert header(details.headers, "IM-CorrelationID") == DOCS_CORRELATION_ID
    found = orders.get_resellers_v6_ordersearch(
        order_status_in=["ON HOLD", "PROCESSING"],
        ingram_order_date_bt=["2000-01-01", "2999-12-31"],
        **caller,
    )
    assert isinstance(found, OrderSearchResponse) and found.orders
    assert [o.ingram_order_number for o in found.orders] == [number]


def test_nothing_above_was_a_violation(server: LiveServer, access_token: str) -> None:
    """The habits above are all within the contract: even a strict mock records nothing."""
    admin_post(server, "reset")
    headers = order_call_headers(access_token)
    del headers["IM-CorrelationID"]
    headers.update({"IM-CorrelationId": "2022-07-29T05:31:04+0000", "accept": "application / json"})
    order = order_request("PO-CLEAN", [("2GZ200", 1)]).to_dict()
    assert call(server, "POST", "/resellers/v6/orders", headers, order)[0] == 201
    assert requests.get(f"{server.base_url}/__admin/violations", timeout=5).json()["total"] == 0
