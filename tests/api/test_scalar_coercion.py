"""v6 create and modify read scalars the way the real API does (issue 10; issue 9 #2).

Numeric strings for integers and numbers, numbers for strings, "true"/"false" for booleans,
2.0 for an integer: each is served in lenient mode and recorded as a `coerced` violation,
and refused with --strict. v7 stays strictly typed but for the line fields official SDKs
send loosely (`x-mock-coerce-scalars` lists them).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from tests.conftest import issue_token, new_order, order_headers

CONTRACT = load_contract()

LOOSE_ORDER: dict[str, Any] = {
    "customerOrderNumber": 1001,
    "acceptBackOrder": "true",
    "resellerInfo": {"companyName": "Shop", "phoneNumber": "6105400202"},
    "shipmentDetails": {"signatureRequired": "FALSE", "shipComplete": "true"},
    "lines": [
        {"customerLineNumber": 1, "ingramPartNumber": "2GZ200", "quantity": "2"},
        {
            "customerLineNumber": 2,
            "ingramPartNumber": "1C6094",
            "quantity": 3.0,
            "unitPrice": "9.5",
        },
        {"customerLineNumber": "3", "ingramPartNumber": "4A0036", "quantity": "1,"},
    ],
    "additionalAttributes": [{"attributeName": "allowOrderOnCustomerHold", "attributeValue": True}],
}
COERCED_FIELDS = {
    "customerOrderNumber",
    "acceptBackOrder",
    "resellerInfo.phoneNumber",
    "shipmentDetails.signatureRequired",
    "lines[0].customerLineNumber",
    "lines[0].quantity",
    "lines[1].customerLineNumber",
    "lines[1].quantity",
    "lines[1].unitPrice",
    "lines[2].quantity",
    "additionalAttributes[0].attributeValue",
}


def _client(strict: bool) -> tuple[FlaskClient, dict[str, str]]:
    client = create_app(Settings(strict=strict)).test_client()
    return client, order_headers(issue_token(client))


def _violations(client: FlaskClient) -> list[dict[str, Any]]:
    return list(client.get("/__admin/violations").get_json()["violations"])


def test_loose_scalars_on_create_are_served_as_the_real_api_reads_them() -> None:
    client, headers = _client(strict=False)
    answer = client.post("/resellers/v6/orders", json=LOOSE_ORDER, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert not list(CONTRACT.validator("OrderCreateResponse").iter_errors(body))
    assert body["customerOrderNumber"] == "1001"
    lines = body["orders"][0]["lines"]
    assert [(ln["customerLineNumber"], ln["quantityOrdered"]) for ln in lines] == [
        ("1", 2),
        ("2", 3),
        ("3", 1),
    ]
    assert lines[0]["lineStatus"] == "On Hold"  # attributeValue true was read as "true"
    recorded = _violations(client)
    assert {v["field"] for v in recorded} == COERCED_FIELDS
    assert all(v["kind"] == "coerced" and not v["refused"] for v in recorded)


def test_strict_mode_refuses_each_coercion_naming_the_field() -> None:
    client, headers = _client(strict=True)
    answer = client.post("/resellers/v6/orders", json=LOOSE_ORDER, headers=headers)
    assert answer.status_code == 400
    fields = {f["field"] for f in answer.get_json()["errors"][0]["fields"]}
    assert fields == COERCED_FIELDS
    assert all(v["refused"] for v in _violations(client))


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"ingramPartNumber": "2GZ200", "quantity": "two"}, "lines[0].quantity"),
        ({"ingramPartNumber": "2GZ200", "quantity": 2.5}, "lines[0].quantity"),
        ({"ingramPartNumber": "2GZ200", "quantity": True}, "lines[0].quantity"),
        ({"ingramPartNumber": "2GZ200", "quantity": 1, "unitPrice": "cheap"}, "lines[0].unitPrice"),
        ({"ingramPartNumber": "2GZ200", "quantity": 1, "unitPrice": "1e999"}, "lines[0].unitPrice"),
        ({"ingramPartNumber": "2GZ200", "quantity": "99999999999"}, "lines[0].quantity"),
        (
            {"ingramPartNumber": 2, "quantity": 1, "customerLineNumber": 1234},
            "lines[0].customerLineNumber",
        ),
    ],
)
def test_what_cannot_be_read_is_still_refused(line: dict[str, Any], field: str) -> None:
    client, headers = _client(strict=False)
    body = {"customerOrderNumber": "PO", "lines": [line]}
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 400
    assert field in [f["field"] for f in answer.get_json()["errors"][0]["fields"]]


def test_v7_stays_strictly_typed_outside_the_fields_official_sdks_send_loosely() -> None:
    client, headers = _client(strict=False)
    body = {
        "customerOrderNumber": "PO-7",
        "acceptBackOrder": "true",
        "lines": [{"customerLineNumber": 1, "ingramPartNumber": "2GZ200", "quantity": "2"}],
    }
    answer = client.post("/resellers/v7/orders", json=body, headers=headers)
    assert answer.status_code == 400
    flat = answer.get_json()
    assert not list(CONTRACT.validator("V7ErrorResponse").iter_errors(flat))
    kinds = {(v["field"], v["kind"]) for v in _violations(client)}
    # The Go and Java SDKs send a line's quantity as a string (tests/api/test_round3_clients.py).
    assert kinds == {
        ("acceptBackOrder", "invalid"),
        ("lines[0].customerLineNumber", "invalid"),
        ("lines[0].quantity", "coerced"),
    }
    assert {f["field"] for f in flat["fields"]} == {k for k, _ in kinds}


# -- modify ------------------------------------------------------------------------------


def _held_order(client: FlaskClient, headers: dict[str, str]) -> str:
    answer = client.post("/resellers/v6/orders", json=new_order(hold=True), headers=headers)
    assert answer.status_code == 201
    return str(answer.get_json()["orders"][0]["ingramOrderNumber"])


def _everything_still_answers(client: FlaskClient, headers: dict[str, str], number: str) -> Any:
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert details.status_code == 200, details.get_json()
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 200
    return details.get_json()


def test_modify_with_integral_floats_and_string_prices_is_served_and_keeps_the_order_whole() -> (
    None
):
    client, headers = _client(strict=False)
    number = _held_order(client, headers)
    change = {
        "lines": [
            {"ingramLineNumber": "001", "addUpdateDeleteLine": "UPDATE", "quantity": 2.0},
            {
                "customerLineNumber": 7,
                "ingramPartNumber": "1C6094",
                "addUpdateDeleteLine": "ADD",
                "quantity": 3.0,
                "unitPrice": "12.50",
            },
        ]
    }
    answer = client.put(f"/resellers/v6/orders/{number}", json=change, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert not list(CONTRACT.validator("OrderModifyResponse").iter_errors(answer.get_json()))
    details = _everything_still_answers(client, headers, number)
    quantities = [(ln["customerLineNumber"], ln["quantityOrdered"]) for ln in details["lines"]]
    assert quantities == [("1", 2), ("7", 3)]
    assert all(type(ln["quantityOrdered"]) is int for ln in details["lines"])
    released = client.put(
        f"/resellers/v6/orders/{number}",
        json={},
        headers=headers,
        query_string={"actionCode": "release"},
    )
    assert released.status_code == 200
    assert {v["field"] for v in _violations(client)} == {
        "lines[0].quantity",
        "lines[1].customerLineNumber",
        "lines[1].quantity",
        "lines[1].unitPrice",
    }


def test_strict_modify_refuses_an_integral_float_and_changes_nothing() -> None:
    client, headers = _client(strict=True)
    number = _held_order(client, headers)
    before = _everything_still_answers(client, headers, number)
    change = {
        "lines": [{"ingramLineNumber": "001", "addUpdateDeleteLine": "UPDATE", "quantity": 2.0}]
    }
    answer = client.put(f"/resellers/v6/orders/{number}", json=change, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "lines[0].quantity"
    assert _everything_still_answers(client, headers, number)["lines"] == before["lines"]
