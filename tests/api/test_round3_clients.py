"""Request shapes of Ingram's other official SDKs and of more production integrations
(FACTS.md, "Clients, round 3"; issue 20), each sent as those clients send it.

Every shape is tried in lenient mode (served, and recorded when our contract does not allow
it) and in strict mode (refused in the API's error format when it is a violation, served when
it is not). Through the app's test client, so the tests hold whatever the HTTP edge becomes.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient
from xi.sdk.resellers.models import OrderDetailB2B

from mock_server.app import create_app
from mock_server.bootstrap import build_services
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, new_order, order_headers
from tests.fakes import RecordingSender

CONTRACT = load_contract()
MODES = pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
TOKEN_PATHS = [
    "/oauth/oauth20/token",
    "/oauth/oauth30/token",
    "/sandbox/oauth/oauth20/token",
    "/sandbox/oauth/oauth30/token",
]
FORM = "application/x-www-form-urlencoded"


def mock(strict: bool, **settings: Any) -> FlaskClient:
    """A fresh mock at a known moment (FrozenClock: 2026-01-05 09:00 UTC)."""
    clock = AdjustableClock(FrozenClock())
    return create_app(Settings(strict=strict, **settings), clock=clock).test_client()


def with_token(strict: bool, **settings: Any) -> tuple[FlaskClient, dict[str, str]]:
    client = mock(strict, **settings)
    return client, order_headers(issue_token(client))


def place(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["orders"][0]["ingramOrderNumber"])


def valid(schema: str, body: Any) -> bool:
    errors = [
        f"{list(e.instance_path)}: {e.message}"
        for e in CONTRACT.validator(schema).iter_errors(body)
    ]
    assert not errors, errors
    return True


def violations(client: FlaskClient) -> list[dict[str, Any]]:
    return list(client.get("/__admin/violations").get_json()["violations"])


def basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def assert_token(answer: Any) -> str:
    """A token answer as the Go SDK's model reads it: `expires_in` a string."""
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert not list(CONTRACT.validator("AccessToken").iter_errors(body))
    assert body["token_type"] == "Bearer" and isinstance(body["expires_in"], str)
    return str(body["access_token"])


def works(client: FlaskClient, token: str) -> bool:
    """The token opens an order call."""
    headers = {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "round3-token",
    }
    return client.get("/resellers/v6/orders/search", headers=headers).status_code in (200, 204)


# -- 1. the token call --------------------------------------------------------------------


@MODES
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_workato_http_basic_with_grant_and_scope_in_the_form(strict: bool, path: str) -> None:
    client = mock(strict, client_id="workato-app", client_secret="w0rk-s3cret")
    answer = client.post(
        path,
        data="grant_type=client_credentials&scope=read",
        content_type=FORM,
        headers={"Authorization": basic("workato-app", "w0rk-s3cret")},
    )
    assert works(client, assert_token(answer))
    assert violations(client) == []  # RFC 6749 client_secret_basic: in the contract


@MODES
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_http_basic_by_get_with_the_grant_in_the_query(strict: bool, path: str) -> None:
    client = mock(strict, client_id="workato-app", client_secret="w0rk-s3cret")
    answer = client.get(
        f"{path}?grant_type=client_credentials",
        headers={"Authorization": basic("workato-app", "w0rk-s3cret")},
    )
    assert works(client, assert_token(answer))


@MODES
def test_wrong_or_unreadable_basic_credentials_are_401(strict: bool) -> None:
    client = mock(strict, client_id="workato-app", client_secret="w0rk-s3cret")
    for header in (basic("workato-app", "guess"), "Basic %%%", basic("", "w0rk-s3cret")):
        answer = client.post(
            "/oauth/oauth30/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": header},
        )
        assert answer.status_code == 401, header
        assert not list(CONTRACT.validator("TokenError").iter_errors(answer.get_json()))


@MODES
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_form_credentials_twice_in_a_row(strict: bool, path: str) -> None:
    client = mock(strict)
    form = {"grant_type": "client_credentials", "client_id": "fr-shop", "client_secret": "pw"}
    first, second = (assert_token(client.post(path, data=form)) for _ in range(2))
    assert works(client, first) and works(client, second)


@MODES
def test_query_credentials_as_every_official_sdk_sends_them_twice(strict: bool) -> None:
    client = mock(strict)
    query = "grant_type=client_credentials&client_id=go-sdk&client_secret=pw"
    tokens = [assert_token(client.get(f"/oauth/oauth20/token?{query}")) for _ in range(2)]
    assert all(works(client, token) for token in tokens)


@MODES
def test_neither_way_is_refused_as_before(strict: bool) -> None:
    client = mock(strict)
    for answer in (
        client.post("/oauth/oauth30/token", data={"grant_type": "client_credentials"}),
        client.get("/oauth/oauth20/token?grant_type=client_credentials"),
    ):
        assert answer.status_code == 400
        assert answer.get_json() == {
            "message": "Missing required parameter(s): client_id, client_secret"
        }


@MODES
def test_basic_and_form_naming_the_same_client_are_recorded(strict: bool) -> None:
    client = mock(strict)
    form = {"grant_type": "client_credentials", "client_id": "app", "client_secret": "pw"}
    answer = client.post(
        "/oauth/oauth30/token", data=form, headers={"Authorization": basic("app", "pw")}
    )
    [recorded] = violations(client)
    assert (recorded["operation"], recorded["kind"], recorded["refused"]) == (
        "createAccessToken",
        "tolerated",
        strict,
    )
    if strict:
        assert answer.status_code == 400
        assert "sent twice" in answer.get_json()["message"]
    else:
        assert works(client, assert_token(answer))


@MODES
def test_basic_and_form_naming_different_clients_are_refused(strict: bool) -> None:
    client = mock(strict)
    form = {"grant_type": "client_credentials", "client_id": "other", "client_secret": "pw"}
    answer = client.post(
        "/oauth/oauth30/token", data=form, headers={"Authorization": basic("app", "pw")}
    )
    assert answer.status_code == 400
    assert "Two different client credentials" in answer.get_json()["message"]


# -- 2. the v6 details route --------------------------------------------------------------


@MODES
@pytest.mark.parametrize("prefix", ["", "/sandbox"])
def test_the_v6_details_route_answers_as_v6_1(strict: bool, prefix: str) -> None:
    client, headers = with_token(strict)
    number = place(client, headers, new_order(po="PO-NETSUITE-1"))
    old = client.get(f"{prefix}/resellers/v6/orders/{number}", headers=headers)
    current = client.get(f"{prefix}/resellers/v6.1/orders/{number}", headers=headers)
    assert old.status_code == 200 and old.get_json() == current.get_json()
    assert valid("OrderDetail", old.get_json())
    assert OrderDetailB2B.from_dict(old.get_json()).ingram_order_number == number  # SDK model
    assert old.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]
    assert violations(client) == []


@MODES
def test_the_v6_details_route_takes_the_sandbox_knobs_and_refuses_as_v6_1(strict: bool) -> None:
    client, headers = with_token(strict)
    number = place(client, headers, new_order(po="PO-NETSUITE-2"))
    shipped = client.get(
        f"/sandbox/resellers/v6/orders/{number}?simulateStatus=IM::SHIPPED&regionCode=NA",
        headers=headers,
    )
    assert shipped.status_code == 200 and shipped.get_json()["orderStatus"] == "Shipped"
    assert client.get("/resellers/v6/orders/20-ZZZZZ", headers=headers).status_code == 404
    other = order_headers(headers["Authorization"].split()[1], OTHER_CUSTOMER)
    assert client.get(f"/resellers/v6/orders/{number}", headers=other).status_code == 404
    bad = client.get("/resellers/v6/orders/20RD3QV", headers=headers)
    assert bad.status_code == 400 and valid("ErrorResponse", bad.get_json())
    assert [v["operation"] for v in violations(client)] == ["getOrderDetailsV6"]
    assert client.get(f"/resellers/v6/orders/{number}").status_code == 401
    search = client.get("/resellers/v6/orders/search", headers=headers)  # still the search
    assert search.status_code == 200 and "recordsFound" in search.get_json()


def test_a_fault_rule_names_the_v6_route_apart_from_v6_1() -> None:
    client, headers = with_token(False)
    number = place(client, headers, new_order(po="PO-NETSUITE-3"))
    rule = {"operationId": "getOrderDetailsV6", "status": 503, "times": 1}
    assert client.post("/__admin/faults", json=rule).status_code == 201
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    assert client.get(f"/resellers/v6/orders/{number}", headers=headers).status_code == 503
    assert client.get(f"/resellers/v6/orders/{number}", headers=headers).status_code == 200


# -- 3. v7 numbers as official SDKs and Workato send them ---------------------------------

GO_SDK_LINE = {
    "customerLineNumber": "1",
    "ingramPartNumber": "2GZ200",
    "quantity": "1",
    "unitPrice": "289.81",
    "endUserPrice": "310",
}
GO_SDK_COERCED = {"lines[0].quantity", "lines[0].unitPrice", "lines[0].endUserPrice"}
WORKATO_V7 = {
    "customerOrderNumber": "WK-7001",
    "shipmentDetails": {"signatureRequired": True, "carrierCode": "FG"},
    "lines": [
        {
            "customerLineNumber": "1",
            "ingramPartNumber": "2GZ200",
            "quantity": 2,
            "unitPrice": 289.81,
            "endUserPrice": 310,
            "endUserInfo": [{"contact": "Ana Ruiz", "phoneNumber": 5215551234}],
        }
    ],
}


def v7(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/resellers/v7/orders", json=body, headers=headers)


def worked_order(client: FlaskClient, headers: dict[str, str], po: str) -> dict[str, Any]:
    """The order a v7 submission became, once the intake has worked, read by its PO."""
    assert client.application.extensions["ingram_mock"].intake.drain() == 1
    found = client.get(f"/resellers/v6/orders/search?customerOrderNumber={po}", headers=headers)
    assert found.status_code == 200, found.get_data(as_text=True)
    [row] = found.get_json()["orders"]
    answer = client.get(f"/resellers/v6.1/orders/{row['ingramOrderNumber']}", headers=headers)
    body: dict[str, Any] = answer.get_json()
    return body


@MODES
def test_go_and_java_sdk_v7_lines_with_numeric_strings(strict: bool) -> None:
    client, headers = with_token(strict)
    answer = v7(client, headers, {"customerOrderNumber": "GO-7001", "lines": [GO_SDK_LINE]})
    recorded = violations(client)
    assert {v["field"] for v in recorded} == GO_SDK_COERCED
    assert all(v["kind"] == "coerced" and v["refused"] is strict for v in recorded)
    if strict:
        assert answer.status_code == 400
        flat = answer.get_json()
        assert valid("V7ErrorResponse", flat) and "errors" not in flat
        assert {f["field"] for f in flat["fields"]} == GO_SDK_COERCED
        return
    assert answer.status_code == 200 and valid("OrderCreateV7Confirmation", answer.get_json())
    [line] = worked_order(client, headers, "GO-7001")["lines"]
    assert (line["ingramPartNumber"], line["quantityOrdered"]) == ("2GZ200", 1)


@MODES
def test_workato_v7_numbers_and_a_numeric_end_user_phone(strict: bool) -> None:
    client, headers = with_token(strict)
    answer = v7(client, headers, WORKATO_V7)
    [recorded] = violations(client)  # numbers are v7's types; the phone number is text
    assert (recorded["field"], recorded["kind"], recorded["value"]) == (
        "lines[0].endUserInfo[0].phoneNumber",
        "coerced",
        "5215551234",
    )
    if strict:
        assert answer.status_code == 400
        assert [f["field"] for f in answer.get_json()["fields"]] == [recorded["field"]]
        return
    assert answer.status_code == 200
    [line] = worked_order(client, headers, "WK-7001")["lines"]
    assert line["quantityOrdered"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customerLineNumber": 1}, "lines[0].customerLineNumber"),
        ({"ingramPartNumber": 2985452}, "lines[0].ingramPartNumber"),
        ({"quantity": "two"}, "lines[0].quantity"),
        ({"unitPrice": "cheap"}, "lines[0].unitPrice"),
    ],
)
def test_the_rest_of_v7_stays_strictly_typed_even_when_lenient(
    change: dict[str, Any], field: str
) -> None:
    client, headers = with_token(False)
    answer = v7(
        client, headers, {"customerOrderNumber": "GO-7002", "lines": [{**GO_SDK_LINE, **change}]}
    )
    assert answer.status_code == 400
    named = {f["field"] for f in answer.get_json()["fields"]}
    assert field in named
    for header_field, value in (("acceptBackOrder", "true"), ("customerOrderNumber", 7003)):
        body = {"customerOrderNumber": "GO-7003", header_field: value, "lines": [GO_SDK_LINE]}
        refused = v7(client, headers, body)
        assert refused.status_code == 400 and header_field in {
            f["field"] for f in refused.get_json()["fields"]
        }


# -- 4. shop integers, nulls and modify replays on v6 -------------------------------------

NUMERIC_SKU = 4008025  # in the catalog as "4008025" (the published CPN example's part)
SHOP_ORDER: dict[str, Any] = {
    "customerOrderNumber": 100234,
    "endCustomerOrderNumber": 5567,
    "shipToInfo": {
        "companyName": None,
        "contact": "Lucia Perez",
        "addressLine1": "Av. Reforma 222",
        "city": "Ciudad de Mexico",
        "countryCode": "MX",
    },
    "lines": [
        {"customerLineNumber": 1, "ingramPartNumber": NUMERIC_SKU, "quantity": 1, "unitPrice": 2218}
    ],
    "additionalAttributes": [{"attributeName": "allowPartialOrder", "attributeValue": "false"}],
}
SHOP_COERCED = {
    "customerOrderNumber",
    "endCustomerOrderNumber",
    "shipToInfo.companyName",
    "lines[0].customerLineNumber",
    "lines[0].ingramPartNumber",
}


@MODES
@pytest.mark.parametrize("country", ["MX", "FR", "AU", "US"])
def test_a_shop_order_with_integer_ids_a_numeric_sku_and_a_null_company(
    strict: bool, country: str
) -> None:
    client, headers = with_token(strict)
    headers["IM-CountryCode"] = country
    body = {**SHOP_ORDER, "shipToInfo": {**SHOP_ORDER["shipToInfo"], "countryCode": country}}
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    recorded = violations(client)
    assert {v["field"] for v in recorded} == SHOP_COERCED
    assert all(v["kind"] == "coerced" and v["refused"] is strict for v in recorded)
    null = next(v for v in recorded if v["field"] == "shipToInfo.companyName")
    assert null["message"] == "Expected string, got null: read as absent"
    if strict:
        assert answer.status_code == 400 and valid("ErrorResponse", answer.get_json())
        fields = {f["field"] for f in answer.get_json()["errors"][0]["fields"]}
        assert fields == SHOP_COERCED
        return
    assert answer.status_code == 201, answer.get_json()
    created = answer.get_json()
    assert valid("OrderCreateResponse", created) and "rejectedLineItems" not in created
    assert created["customerOrderNumber"] == "100234"
    [line] = created["orders"][0]["lines"]
    assert (line["ingramPartNumber"], line["customerLineNumber"]) == ("4008025", "1")
    number = created["orders"][0]["ingramOrderNumber"]
    details = client.get(f"/resellers/v6/orders/{number}", headers=headers).get_json()
    detail = OrderDetailB2B.from_dict(details)  # the official SDK's strict model reads it
    assert detail.end_customer_order_number == "5567"
    assert "companyName" not in details["shipToInfo"]
    assert details["shipToInfo"]["countryCode"] == country


@MODES
def test_an_empty_company_name_and_no_state_or_postal_code_are_plain_valid(strict: bool) -> None:
    client, headers = with_token(strict)
    ship_to = {"companyName": "", "contact": "Tom", "addressLine1": "1 Main St", "city": "Austin"}
    body = {**new_order(po="SHOP-2"), "shipToInfo": ship_to}
    body["additionalAttributes"] = [
        {"attributeName": "allowPartialOrder", "attributeValue": "false"}
    ]
    assert client.post("/resellers/v6/orders", json=body, headers=headers).status_code == 201
    assert violations(client) == []


def test_a_null_required_text_is_still_refused() -> None:
    client, headers = with_token(False)
    answer = client.post(
        "/resellers/v6/orders", json={**new_order(), "customerOrderNumber": None}, headers=headers
    )
    assert answer.status_code == 400
    assert "Required field is missing" in {
        f["message"] for f in answer.get_json()["errors"][0]["fields"]
    }


@MODES
def test_a_replayed_modify_with_a_string_price_and_a_numeric_end_user_phone(strict: bool) -> None:
    client, headers = with_token(strict)
    number = place(client, headers, new_order(po="PO-REPLAY", hold=True))
    change = {
        "lines": [
            {
                "ingramLineNumber": "001",
                "addUpdateDeleteLine": "UPDATE",
                "quantity": 3,
                "unitPrice": "289.81",
                "endUserInfo": [{"contact": "Ana Ruiz", "phoneNumber": 5215551234}],
            }
        ]
    }
    answer = client.put(f"/resellers/v6/orders/{number}", json=change, headers=headers)
    kinds = {(v["field"], v["kind"], v["refused"]) for v in violations(client)}
    # A modify line has no endUserInfo in the published document: an unknown field.
    assert kinds == {
        ("lines[0].unitPrice", "coerced", strict),
        ("lines[0].endUserInfo", "unknown", strict),
    }
    if strict:
        assert answer.status_code == 400
        return
    assert answer.status_code == 200, answer.get_json()
    assert valid("OrderModifyResponse", answer.get_json())
    assert answer.get_json()["lines"][0]["quantityOrdered"] == 3


# -- 5. the smaller habits ----------------------------------------------------------------

CORRELATION_IDS = {
    "docs-constant": "fbac82ba-cf0a-4bcf-fc03-0c5084",  # reused on every call
    "timestamp": "2022-07-29T05:31:04+0000",
    "hex-32": "9f86d081884c7d659a2feaa0c55ad015",
}


def shop_headers(token: str, correlation_id: str, country: str, sender: str) -> dict[str, str]:
    """Headers as shop back ends send them: other casings, spaced media type, extras."""
    return {
        "Authorization": f"Bearer {token}",
        "im-customernumber": CUSTOMER,
        "IM-CountryCode": country,
        "IM-CorrelationId": correlation_id,
        "IM-SenderID": sender,
        "accept": "application / json",
        "Accept-Language": "en",
        "IM-SecretKey": "not-a-spec-header",
        "IM-ApplicationID": "shop-backend-7",
        "IM-CustomerContact": "ops@shop.example",
    }


@MODES
@pytest.mark.parametrize("correlation_id", CORRELATION_IDS.values(), ids=CORRELATION_IDS.keys())
@pytest.mark.parametrize("sender", ["DARU DEV", CUSTOMER])
def test_header_habits_of_production_clients(
    strict: bool, correlation_id: str, sender: str
) -> None:
    client = mock(strict)
    headers = shop_headers(issue_token(client), correlation_id, "US", sender)
    created = client.post("/resellers/v6/orders", json=new_order(po="PO-HDR"), headers=headers)
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    answers = [
        created,
        client.get(f"/resellers/v6.1/orders/{number}", headers=headers),
        client.get(f"/resellers/v6/orders/{number}", headers=headers),
        client.get("/resellers/v6/orders/search?customerOrderNumber=PO-HDR", headers=headers),
        client.post("/resellers/v6/orders", json=new_order(po="PO-HDR-2"), headers=headers),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201), answer.get_json()
        assert answer.mimetype == "application/json"
        assert answer.headers["IM-CorrelationID"] == correlation_id  # the same id, every call
        assert answer.headers["IM-SenderID"] == sender
        assert answer.headers["IM-CountryCode"] == "US"
    assert violations(client) == []


@MODES
@pytest.mark.parametrize(
    ("country", "prefix", "currency"),
    [("MX", "20-", "USD"), ("FR", "20-", "USD"), ("AU", "60-", "AUD"), ("ZZ", "20-", "USD")],
)
def test_countries_without_a_sandbox_region_land_in_north_america(
    strict: bool, country: str, prefix: str, currency: str
) -> None:
    client = mock(strict)
    headers = shop_headers(issue_token(client), CORRELATION_IDS["hex-32"], country, "DARU DEV")
    created = client.post("/resellers/v6/orders", json=new_order(po="PO-CC"), headers=headers)
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    assert number.startswith(prefix)
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert details.status_code == 200 and details.get_json()["currencyCode"] == currency
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 200
    assert details.headers["IM-CountryCode"] == country


@MODES
def test_repeated_range_and_status_parameters_as_the_go_and_node_sdks_send_them(
    strict: bool,
) -> None:
    client, headers = with_token(strict)
    held = place(client, headers, new_order(po="PO-HELD", hold=True))
    query = (
        "ingramOrderDate-bt=2026-01-01&ingramOrderDate-bt=2026-12-31"
        "&orderStatus-in=ON+HOLD&orderStatus-in=PROCESSING"
    )
    found = client.get(f"/resellers/v6/orders/search?{query}", headers=headers)
    assert found.status_code == 200 and valid("OrderSearchResponse", found.get_json())
    assert [o["ingramOrderNumber"] for o in found.get_json()["orders"]] == [held]

    shipped = place(client, headers, new_order(po="PO-SHIPPED"))
    clock = client.post("/__admin/clock", json={"advanceSeconds": 25 * 3600})
    assert clock.status_code == 200
    query = (
        "shipDate_bt=2026-01-05&shipDate_bt=2026-01-05"
        "&invoiceDate_bt=2026-01-01&invoiceDate_bt=2026-01-31"
        "&deliveryDate_bt=2026-01-06&deliveryDate_bt=2026-01-06"
    )
    found = client.get(f"/resellers/v6/orders/search?{query}", headers=headers)
    assert found.status_code == 200, found.get_json()
    assert [o["ingramOrderNumber"] for o in found.get_json()["orders"]] == [shipped]
    assert violations(client) == []


@MODES
def test_a_shop_webhook_receiver_finds_the_shipped_tracking_number(strict: bool) -> None:
    settings = Settings(strict=strict)
    clock = AdjustableClock(FrozenClock())
    sender = RecordingSender()
    services = build_services(settings, clock=clock, webhook_sender=sender)
    client = create_app(settings, clock=clock, services=services).test_client()
    hook = sender.endpoint("https://shop.example/ingram/webhook")
    registered = client.put("/__admin/webhooks", json={"url": hook.url, "secret": "shh"})
    assert registered.status_code == 200
    headers = order_headers(issue_token(client))
    number = place(client, headers, new_order(po="PO-TRACK"))
    assert client.post("/__admin/clock", json={"advanceSeconds": 5 * 3600}).status_code == 200
    assert services.webhooks.flush(5.0)
    tracking = []
    for received in hook.accepted():
        body = received.json()
        # The receiver's own checks, as written in the shop's code:
        if body["topic"] != "resellers/orders" or body["event"] != "im::updated":
            continue
        for resource in body["resource"]:
            if resource["eventType"] != "im::order_shipped":
                continue
            for line in resource["lines"]:
                for shipment in line["shipmentDetails"]:
                    tracking += [p["trackingNumber"] for p in shipment["packageDetails"]]
    assert tracking and all(tracking)
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
    shown = {
        t["trackingNumber"]
        for line in details["lines"]
        for s in line.get("shipmentDetails", [])
        for c in s.get("carrierDetails", [])
        for t in c.get("trackingDetails", [])
    }
    assert set(tracking) == shown
    services.webhooks.clear_registrations()
    services.webhooks.reset()
