"""The six operations over HTTP (Flask test client): status codes, bodies, headers, rules."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.contract.document import load_contract
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, new_order, order_headers

CONTRACT = load_contract()
pytestmark = pytest.mark.stores  # each test against the in-memory and the Redis store


def valid(schema: str, body: Any) -> None:
    errors = [e.message for e in CONTRACT.validator(schema).iter_errors(body)]
    assert not errors, errors


def detail(client: FlaskClient, headers: dict[str, str], number: str, **query: str) -> Any:
    answer = client.get(f"/resellers/v6.1/orders/{number}", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    valid("OrderDetail", answer.get_json())
    return answer.get_json()


# -- auth and headers -------------------------------------------------------------------


def test_token_endpoint_get_and_post(client: FlaskClient) -> None:
    query = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "s"}
    by_get = client.get("/oauth/oauth20/token", query_string=query)
    by_post = client.post("/oauth/oauth20/token", data=query)
    for answer in (by_get, by_post):
        assert answer.status_code == 200
        body = answer.get_json()
        valid("AccessToken", body)
        assert body["expires_in"] == "86399" and body["token_type"] == "Bearer"
    bad = client.get("/oauth/oauth20/token", query_string={**query, "grant_type": "password"})
    assert bad.status_code == 400 and "grant_type" in bad.get_json()["message"]
    missing = client.get("/oauth/oauth20/token", query_string={"grant_type": "client_credentials"})
    assert missing.status_code == 400 and "client_id" in missing.get_json()["message"]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer nonsense", "Basic abc", "Bearer 1.x.forged-signature"]
)
def test_order_calls_need_a_valid_token(
    client: FlaskClient, headers: dict[str, str], authorization: str | None
) -> None:
    sent = {k: v for k, v in headers.items() if k != "Authorization"}
    if authorization:
        sent["Authorization"] = authorization
    answer = client.get("/resellers/v6/orders/search", headers=sent)
    assert answer.status_code == 401
    valid("ErrorResponse", answer.get_json())


def test_expired_token_is_refused(app: Any, client: FlaskClient) -> None:
    from mock_server.gateway.tokens import TokenAuthority

    now = [1_000_000.0]
    authority = TokenAuthority(ttl_seconds=60, wall_clock=lambda: now[0])
    app.extensions["ingram_mock"].tokens = authority
    token = authority.issue("a", "b").access_token
    assert (
        client.get("/resellers/v6/orders/search", headers=order_headers(token)).status_code == 204
    )
    now[0] += 61
    assert (
        client.get("/resellers/v6/orders/search", headers=order_headers(token)).status_code == 401
    )


def test_configured_credentials_are_enforced() -> None:
    from mock_server.app import create_app
    from mock_server.config import Settings

    client = create_app(Settings(client_id="me", client_secret="pw")).test_client()
    base = {"grant_type": "client_credentials"}
    wrong = client.get(
        "/oauth/oauth20/token", query_string={**base, "client_id": "me", "client_secret": "x"}
    )
    right = client.get(
        "/oauth/oauth20/token", query_string={**base, "client_id": "me", "client_secret": "pw"}
    )
    assert (wrong.status_code, right.status_code) == (401, 200)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("IM-CustomerNumber", None),
        ("IM-CustomerNumber", "20-22222222"),
        ("IM-CountryCode", "USA"),
        ("IM-CountryCode", None),
        ("IM-CorrelationID", None),
        ("IM-CorrelationID", ""),
    ],
)
def test_required_headers_are_checked(
    client: FlaskClient, headers: dict[str, str], header: str, value: str | None
) -> None:
    sent = {k: v for k, v in headers.items() if k != header}
    if value is not None:
        sent[header] = value
    answer = client.post("/resellers/v6/orders", json=new_order(), headers=sent)
    assert answer.status_code == 400
    body = answer.get_json()
    valid("ErrorResponse", body)
    assert body["errors"][0]["type"] == "/errors/validation-failed"
    assert header in [f["field"] for f in body["errors"][0]["fields"]]


def test_correlation_and_sender_ids_are_echoed(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    answer = client.post(
        "/resellers/v6/orders", json=new_order(), headers={**headers, "IM-SenderID": "MyCompany"}
    )
    assert answer.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]
    assert answer.headers["IM-SenderID"] == "MyCompany"
    without = client.get("/resellers/v6/orders/search", headers=headers)
    assert "IM-SenderID" not in without.headers


def test_sandbox_prefix_serves_the_same_api(client: FlaskClient, headers: dict[str, str]) -> None:
    created = client.post("/sandbox/resellers/v6/orders", json=new_order(), headers=headers)
    assert created.status_code == 201
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    assert (
        client.get(f"/sandbox/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    )


# -- create -----------------------------------------------------------------------------


def test_create_201_prices_lines_from_the_catalog(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 3},
        {"customerLineNumber": "2", "ingramPartNumber": "4U0212", "quantity": 1},
    ]
    answer = client.post("/resellers/v6/orders", json=new_order(lines=lines), headers=headers)
    assert answer.status_code == 201
    body = answer.get_json()
    valid("OrderCreateResponse", body)
    order = body["orders"][0]
    assert order["ingramOrderNumber"].startswith("20-")
    subtotal = sum(line["extendedUnitPrice"] for line in order["lines"])
    assert round(subtotal + order["totalTax"] + order["freightCharges"], 2) == order["orderTotal"]
    assert body["purchaseOrderTotal"] == order["orderTotal"]
    assert {line["subOrderNumber"] for line in order["lines"]} <= {
        f"{order['ingramOrderNumber']}-{n}" for n in ("11", "21", "31")
    }


def test_create_207_when_some_lines_are_rejected(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1},
        {"customerLineNumber": "2", "ingramPartNumber": "XXXXXX", "quantity": 1},
        {"customerLineNumber": "3", "ingramPartNumber": "1C6094", "quantity": 0},
    ]
    answer = client.post("/resellers/v6/orders", json=new_order(lines=lines), headers=headers)
    assert answer.status_code == 207
    body = answer.get_json()
    valid("OrderCreateResponse", body)
    rejected = body["orders"][0]["rejectedLineItems"]
    assert [(r["customerLinenumber"], r["rejectCode"]) for r in rejected] == [
        ("2", "EN"),
        ("3", "EQ"),
    ]
    assert body["processedPartially"] is True


def test_create_400_when_no_line_is_accepted(client: FlaskClient, headers: dict[str, str]) -> None:
    lines = [{"customerLineNumber": "1", "ingramPartNumber": "XXXXXX", "quantity": 1}]
    answer = client.post("/resellers/v6/orders", json=new_order(lines=lines), headers=headers)
    assert answer.status_code == 400
    valid("ErrorResponse", answer.get_json())
    search = client.get("/resellers/v6/orders/search", headers=headers)
    assert search.status_code == 204  # nothing was stored


def test_duplicate_customer_po(client: FlaskClient, headers: dict[str, str]) -> None:
    assert (
        client.post("/resellers/v6/orders", json=new_order(po="DUP"), headers=headers).status_code
        == 201
    )
    again = client.post("/resellers/v6/orders", json=new_order(po="DUP"), headers=headers)
    assert again.status_code == 400
    assert again.get_json()["errors"][0]["fields"][0]["field"] == "customerOrderNumber"
    allowed = new_order(po="DUP")
    allowed["additionalAttributes"] = [
        {"attributeName": "allowDuplicateCustomerOrderNumber", "attributeValue": "true"}
    ]
    assert client.post("/resellers/v6/orders", json=allowed, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "customerOrderNumber"),
        ({"customerOrderNumber": 12}, "customerOrderNumber"),
        (
            {
                "customerOrderNumber": "A",
                "lines": [{"ingramPartNumber": "2GZ200", "quantity": "two"}],
            },
            "lines[0].quantity",
        ),
        ({"customerOrderNumber": "A" * 36}, "customerOrderNumber"),
        ([1, 2], "body"),
    ],
)
def test_bad_bodies_name_the_field(
    client: FlaskClient, headers: dict[str, str], body: Any, field: str
) -> None:
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 400
    fields = [f["field"] for f in answer.get_json()["errors"][0]["fields"]]
    assert field in fields


def test_malformed_json_and_huge_bodies_are_400s_not_500s(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    assert client.post("/resellers/v6/orders", data="{oops", headers=headers).status_code == 400
    huge = client.post("/resellers/v6/orders", data="x" * (2 * 1024 * 1024), headers=headers)
    assert huge.status_code == 413
    valid("ErrorResponse", huge.get_json())
    big_number = new_order(lines=[{"ingramPartNumber": "2GZ200", "quantity": 10**30}])
    too_many = new_order(po="P2", lines=[{"ingramPartNumber": "2GZ200", "quantity": 100_000}])
    assert client.post("/resellers/v6/orders", json=too_many, headers=headers).status_code == 400
    assert client.post("/resellers/v6/orders", json=big_number, headers=headers).status_code == 400


# -- details ----------------------------------------------------------------------------


def test_details_of_a_held_order(client: FlaskClient, headers: dict[str, str], place: Any) -> None:
    number = place(
        hold=True, lines=[{"customerLineNumber": "1", "ingramPartNumber": "DF4128", "quantity": 2}]
    )
    body = detail(client, headers, number)
    assert body["orderStatus"] == "On Hold"
    line = body["lines"][0]
    assert (line["lineStatus"], line["quantityBackOrdered"], line["quantityConfirmed"]) == (
        "On Hold",
        2,
        0,
    )
    assert line["extendedPrice"] == round(line["unitPrice"] * 2, 2)
    assert body["orderTotal"] == round(
        body["orderSubTotal"] + body["totalTax"] + body["freightCharges"], 2
    )
    by_sub_order = detail(client, headers, line["subOrderNumber"])
    assert by_sub_order["ingramOrderNumber"] == number


def test_details_404_for_unknown_or_foreign_orders(
    client: FlaskClient, token: str, headers: dict[str, str], place: Any
) -> None:
    number = place()
    for sent, target in ((headers, "20-ZZZZZ"), (order_headers(token, OTHER_CUSTOMER), number)):
        answer = client.get(f"/resellers/v6.1/orders/{target}", headers=sent)
        assert answer.status_code == 404
        assert answer.get_json()["errors"][0]["message"] == "Order not found."


def test_malformed_order_number_is_a_400(client: FlaskClient, headers: dict[str, str]) -> None:
    answer = client.get("/resellers/v6.1/orders/20-123", headers=headers)
    assert answer.status_code == 400
    field = answer.get_json()["errors"][0]["fields"][0]
    assert field["field"] == "ordernumber"
    assert "xx-xxxxx" in field["message"]


# -- search -----------------------------------------------------------------------------


def search(client: FlaskClient, headers: dict[str, str], **query: Any) -> Any:
    answer = client.get("/resellers/v6/orders/search", headers=headers, query_string=query)
    if answer.status_code == 204:
        return None
    assert answer.status_code == 200, answer.get_json()
    valid("OrderSearchResponse", answer.get_json())
    return answer.get_json()


def test_search_filters_combine_with_and(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    held = place(po="ALPHA", hold=True)
    place(po="BETA", lines=[{"ingramPartNumber": "4U0212", "quantity": 1}])
    assert search(client, headers)["recordsFound"] == 2
    assert [
        o["ingramOrderNumber"]
        for o in search(client, headers, customerOrderNumber="alpha")["orders"]
    ] == [held]
    assert search(client, headers, orderStatus="ON HOLD")["recordsFound"] == 1
    assert search(client, headers, ingramPartNumber="4U0212")["recordsFound"] == 1
    assert search(client, headers, ingramPartNumber="4U0212", customerOrderNumber="ALPHA") is None
    assert (
        search(client, headers, **{"orderStatus-in": ["ON HOLD", "PROCESSING"]})["recordsFound"]
        == 2
    )
    assert search(client, headers, ingramOrderNumber=held)["recordsFound"] == 1
    assert search(client, headers, vendorName="nobody") is None


def test_search_dates_and_ranges(client: FlaskClient, headers: dict[str, str], place: Any) -> None:
    place()
    assert search(client, headers, ingramOrderDate="2026-01-05")["recordsFound"] == 1
    assert search(client, headers, ingramOrderDate="2026-01-06") is None
    assert (
        search(client, headers, **{"ingramOrderDate-bt": ["2026-01-01", "2026-01-31"]})[
            "recordsFound"
        ]
        == 1
    )
    backwards = client.get(
        "/resellers/v6/orders/search",
        headers=headers,
        query_string={"ingramOrderDate-bt": ["2026-01-31", "2026-01-01"]},
    )
    assert backwards.status_code == 400
    one_date = client.get(
        "/resellers/v6/orders/search", headers=headers, query_string={"shipDate_bt": ["2026-01-01"]}
    )
    assert one_date.status_code == 400
    assert one_date.get_json()["errors"][0]["fields"][0]["field"] == "shipDate_bt"


def test_search_pagination(client: FlaskClient, headers: dict[str, str], place: Any) -> None:
    numbers = [place(po=f"P{i}") for i in range(5)]
    seen: list[str] = []
    for page_number, expected in ((1, 2), (2, 2), (3, 1)):
        page = search(client, headers, pageSize=2, pageNumber=page_number)
        assert page["recordsFound"] == 5 and len(page["orders"]) == expected
        assert ("nextPage" in page) == (page_number < 3)
        assert ("previousPage" in page) == (page_number > 1)
        seen += [o["ingramOrderNumber"] for o in page["orders"]]
    assert sorted(seen) == sorted(numbers)
    for bad in ({"pageSize": 101}, {"pageSize": 0}, {"pageNumber": 0}, {"pageSize": "many"}):
        answer = client.get("/resellers/v6/orders/search", headers=headers, query_string=bad)
        assert answer.status_code == 400


def test_search_never_shows_other_customers(client: FlaskClient, token: str, place: Any) -> None:
    place()
    assert search(client, order_headers(token, OTHER_CUSTOMER)) is None


# -- modify, release, cancel ------------------------------------------------------------


def modify(
    client: FlaskClient, headers: dict[str, str], number: str, body: Any, **query: str
) -> Any:
    return client.put(
        f"/resellers/v6/orders/{number}", json=body, headers=headers, query_string=query
    )


def test_modify_lines_with_per_line_rejections(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place(hold=True)
    change = {
        "lines": [
            {
                "customerLineNumber": "2",
                "ingramPartNumber": "1C6094",
                "addUpdateDeleteLine": "ADD",
                "quantity": 2,
            },
            {"ingramLineNumber": "001", "addUpdateDeleteLine": "UPDATE", "quantity": 4},
            {"ingramLineNumber": "042", "addUpdateDeleteLine": "DELETE"},
        ],
        "shipToInfo": {"companyName": "New Co", "city": "Austin"},
        "notes": "call first",
    }
    answer = modify(client, headers, number, change)
    assert answer.status_code == 207
    body = answer.get_json()
    valid("OrderModifyResponse", body)
    assert [r["rejectCode"] for r in body["rejectedLineItems"]] == ["EL"]
    assert [(line["ingramLineNumber"], line["quantityOrdered"]) for line in body["lines"]] == [
        ("001", 4),
        ("002", 2),
    ]
    details = detail(client, headers, number)
    assert details["notes"] == "call first" and details["shipToInfo"]["city"] == "Austin"
    clean = modify(client, headers, number, {"notes": "again"})
    assert clean.status_code == 200


def test_release_then_everything_is_refused(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place(hold=True)
    released = modify(client, headers, number, {}, actionCode="release")
    assert released.status_code == 200
    assert released.get_json()["orderStatus"] == "Processing"
    for answer in (
        modify(client, headers, number, {}, actionCode="release"),
        modify(client, headers, number, {"notes": "late"}),
    ):
        assert answer.status_code == 400
        message = answer.get_json()["errors"][0]["fields"][0]["message"]
        assert message.startswith("Order can not be modified/released.")
    cancel = client.delete(f"/resellers/v6/orders/{number}", headers=headers)
    assert cancel.status_code == 405
    assert "not on hold" in cancel.get_json()["errors"][0]["message"]


def test_order_without_hold_cannot_be_changed(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place()
    assert modify(client, headers, number, {"notes": "x"}).status_code == 400
    assert client.delete(f"/resellers/v6/orders/{number}", headers=headers).status_code == 405


def test_cancel_a_held_order(
    client: FlaskClient, token: str, headers: dict[str, str], place: Any
) -> None:
    number = place(hold=True)
    foreign = client.delete(
        f"/resellers/v6/orders/{number}", headers=order_headers(token, OTHER_CUSTOMER)
    )
    assert foreign.status_code == 404
    answer = client.delete(f"/resellers/v6/orders/{number}", headers=headers)
    assert answer.status_code == 200 and answer.data == b""
    assert detail(client, headers, number)["orderStatus"] == "Canceled"
    assert search(client, headers, orderStatus="CANCELLED")["recordsFound"] == 1
    assert client.delete(f"/resellers/v6/orders/{number}", headers=headers).status_code == 405
    assert client.delete("/resellers/v6/orders/20-NOSUC", headers=headers).status_code == 404


def test_24_hour_window_via_the_admin_clock(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place(hold=True)
    assert client.post("/__admin/clock", json={"advanceSeconds": 86399}).status_code == 200
    assert detail(client, headers, number)["orderStatus"] == "On Hold"
    client.post("/__admin/clock", json={"advanceSeconds": 1})
    assert detail(client, headers, number)["orderStatus"] == "Voided"
    assert modify(client, headers, number, {}, actionCode="release").status_code == 400
    assert client.delete(f"/resellers/v6/orders/{number}", headers=headers).status_code == 405


# -- admin ------------------------------------------------------------------------------


def test_reset_empties_state_and_clock(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place()
    client.post("/__admin/clock", json={"advanceSeconds": 3600})
    assert client.get("/__admin/clock").get_json()["offsetSeconds"] == 3600
    assert client.post("/__admin/reset").status_code == 200
    assert client.get("/__admin/clock").get_json()["offsetSeconds"] == 0
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 404
    assert place() != number  # numbers are never reused


@pytest.mark.parametrize(
    "body", [{}, {"advanceSeconds": "1"}, {"advanceSeconds": -5}, {"advanceSeconds": True}]
)
def test_clock_rejects_bad_moves(client: FlaskClient, body: dict[str, Any]) -> None:
    answer = client.post("/__admin/clock", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "advanceSeconds"


def test_unknown_routes_and_methods_use_the_error_format(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    missing = client.get("/resellers/v9/nothing", headers=headers)
    wrong_method = client.patch("/resellers/v6/orders/20-ABCDE", headers=headers)
    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    valid("ErrorResponse", missing.get_json())
    valid("ErrorResponse", wrong_method.get_json())


def test_customer_constant_is_used(headers: dict[str, str]) -> None:
    assert headers["IM-CustomerNumber"] == CUSTOMER
