"""What a create may ask of its lines (issue 10, "Requests the real API accepts"): parts named
by vendor or customer part number, a ship-from warehouse and a carrier, the EW rejection,
and the address refusals the sandbox makes."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.domain.addresses import EMPTY_END_USER
from mock_server.domain.events import EventKind
from tests.conftest import OTHER_CUSTOMER, issue_token, order_headers
from tests.fakes import RecordingSink

CONTRACT = load_contract()


_PO = itertools.count(1)


def _order(*lines: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"customerOrderNumber": f"PO-LINES-{next(_PO)}", "lines": list(lines), **header}


def _line(part: str = "2GZ200", quantity: int = 1, **extra: Any) -> dict[str, Any]:
    """A request line; `part=""` leaves the Ingram part number out."""
    line: dict[str, Any] = {"quantity": quantity, **extra}
    if part:
        line["ingramPartNumber"] = part
    return line


def _create(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    if answer.status_code in (201, 207):
        assert not list(CONTRACT.validator("OrderCreateResponse").iter_errors(answer.get_json()))
    return answer


def _lines(answer: Any) -> list[dict[str, Any]]:
    return list(answer.get_json()["orders"][0]["lines"])


def _violations(client: FlaskClient) -> list[dict[str, Any]]:
    return list(client.get("/__admin/violations").get_json()["violations"])


# -- naming the part ----------------------------------------------------------------------


def test_a_line_may_name_the_vendor_part_number(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    answer = _create(client, headers, _order(_line("", vendorPartNumber="920-002555")))
    assert answer.status_code == 201, answer.get_json()
    [line] = _lines(answer)
    assert (line["ingramPartNumber"], line["vendorPartNumber"]) == ("DF4128", "920-002555")
    assert _violations(client) == []  # vendorPartNumber is part of the contract


def test_a_line_may_name_the_customers_own_part_number(
    client: FlaskClient, headers: dict[str, str], token: str
) -> None:
    mine = _create(client, headers, _order(_line("", customerPartNumber="acme-kb-combo")))
    assert mine.status_code == 201
    assert _lines(mine)[0]["ingramPartNumber"] == "DF4128"
    # Another customer's mapping does not know it: EN, naming the part as sent.
    other = order_headers(token, customer=OTHER_CUSTOMER)
    theirs = _create(
        client,
        other,
        _order(
            _line("", customerPartNumber="ACME-KB-COMBO"),
            _line("", customerPartNumber="GLOBEX-UPS-600"),
        ),
    )
    assert theirs.status_code == 207
    assert _lines(theirs)[0]["ingramPartNumber"] == "4U0212"
    [rejected] = theirs.get_json()["orders"][0]["rejectedLineItems"]
    assert (rejected["rejectCode"], rejected["rejectReason"]) == (
        "EN",
        "SKU-NOTFOUND ACME-KB-COMBO",
    )
    # The published example's part number is mapped for every customer.
    shared = _create(client, other, _order(_line("", customerPartNumber="90NB0GI4-M03110")))
    assert _lines(shared)[0]["ingramPartNumber"] == "4008025"


def test_an_unknown_vendor_part_is_rejected_with_en(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    answer = _create(client, headers, _order(_line(), _line("", vendorPartNumber="NO-SUCH-PART")))
    assert answer.status_code == 207
    [rejected] = answer.get_json()["orders"][0]["rejectedLineItems"]
    assert rejected["rejectCode"] == "EN"
    assert rejected["vendorPartNumber"] == "NO-SUCH-PART"


# -- ship-from warehouse and carrier ------------------------------------------------------


def _attribute(name: str, value: str) -> list[dict[str, str]]:
    return [{"attributeName": name, "attributeValue": value}]


def test_a_requested_warehouse_is_honoured_order_wide_and_per_line(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _order(
        _line("TXSLM3", 2),
        _line("TXSLM3", 2, additionalAttributes=_attribute("SHIPFROMWAREHOUSEID", "10")),
        additionalAttributes=_attribute("shipFromWarehouseId", "20"),
    )
    answer = _create(client, headers, body)
    assert answer.status_code == 201
    first, second = _lines(answer)
    assert first["shipmentDetails"][0]["shipFromWarehouseId"] == "20"
    assert first["quantityBackOrdered"] == 2  # warehouse 20 holds no TXSLM3
    assert second["shipmentDetails"][0]["shipFromWarehouseId"] == "10"
    assert second["quantityBackOrdered"] == 0
    assert first["subOrderNumber"] != second["subOrderNumber"]
    assert _violations(client) == []


@pytest.mark.parametrize("strict", [False, True])
def test_a_warehouse_or_carrier_the_region_lacks_is_ignored_and_recorded(strict: bool) -> None:
    client = create_app(Settings(strict=strict)).test_client()
    headers = order_headers(issue_token(client))
    body = _order(
        _line("2GZ200", additionalAttributes=_attribute("shipFromWarehouseId", "15")),
        additionalAttributes=_attribute("shipFromWarehouseId", "99"),
        shipmentDetails={"carrierCode": "ZZ"},
    )
    answer = _create(client, headers, body)
    fields = {
        "additionalAttributes.shipFromWarehouseId",
        "lines[0].additionalAttributes.shipFromWarehouseId",
        "shipmentDetails.carrierCode",
    }
    recorded = _violations(client)
    assert {v["field"] for v in recorded} == fields
    assert all(v["kind"] == "ignored" and v["refused"] is strict for v in recorded)
    if strict:
        assert answer.status_code == 400
        assert {f["field"] for f in answer.get_json()["errors"][0]["fields"]} == fields
        assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204
        return
    assert answer.status_code == 201
    [line] = _lines(answer)
    assert line["shipmentDetails"][0]["shipFromWarehouseId"] in ("10", "20", "30", "40", "80")
    assert line["shipmentDetails"][0]["carrierCode"] == "UP"


def test_a_requested_carrier_is_planned_and_ships(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = _order(
        _line("2GZ200"),
        shipmentDetails={"carrierCode": "fg"},
        additionalAttributes=_attribute("allowOrderOnCustomerHold", "true"),
    )
    answer = _create(client, headers, body)
    assert answer.status_code == 201
    planned = _lines(answer)[0]["shipmentDetails"][0]
    assert (planned["carrierCode"], planned["carrierName"]) == ("FG", "FEDEX GROUND")
    number = answer.get_json()["orders"][0]["ingramOrderNumber"]
    add = {"lines": [{"ingramPartNumber": "1C6094", "addUpdateDeleteLine": "ADD", "quantity": 1}]}
    modified = client.put(f"/resellers/v6/orders/{number}", json=add, headers=headers)
    assert modified.status_code == 200
    assert {ln["shipmentDetails"]["carrierCode"] for ln in modified.get_json()["lines"]} == {"FG"}
    released = client.put(
        f"/resellers/v6/orders/{number}",
        json={},
        headers=headers,
        query_string={"actionCode": "release"},
    )
    assert released.status_code == 200
    client.post("/__admin/clock", json={"advanceSeconds": 5 * 3600})
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
    carriers = {
        (c["carrierCode"], c["carrierName"])
        for line in details["lines"]
        for s in line["shipmentDetails"]
        for c in s["carrierDetails"]
    }
    assert carriers == {("FG", "FEDEX GROUND")}


# Each carrier's tracking numbers in its public form (see domain/models.py TRACKING_DIGITS).
TRACKING_FORMATS = {
    "UP": r"1Z[0-9A-Z]{16}",
    "FG": r"[0-9]{12}",
    "DH": r"[0-9]{10}",
    "RG": r"[0-9]{14}",
}


@pytest.mark.parametrize("asked", [None, "UP", "FG", "DH", "RG"])
def test_the_carrier_that_ships_is_the_one_planned_with_its_own_tracking_numbers(
    client: FlaskClient, headers: dict[str, str], asked: str | None
) -> None:
    # Several lines and a partial shipment: the old seed-drawn carrier varied per parcel.
    lines = [_line(part, 3) for part in ("2GZ200", "1C6094", "RQ6000", "4U0212", "TXSLM3")]
    body = _order(*lines, **({"shipmentDetails": {"carrierCode": asked}} if asked else {}))
    answer = _create(client, headers, body)
    assert answer.status_code in (201, 207), answer.get_json()
    number = answer.get_json()["orders"][0]["ingramOrderNumber"]
    planned = {ln["shipmentDetails"][0]["carrierCode"] for ln in _lines(answer)}
    assert planned == {asked or "UP"}
    client.post("/__admin/clock", json={"advanceSeconds": 5 * 3600})
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
    parcels = [
        (line["defaultCarrierName"], c["carrierCode"], c["carrierName"], t["trackingNumber"])
        for line in details["lines"]
        for s in line["shipmentDetails"] or []
        for c in s["carrierDetails"]
        for t in c["trackingDetails"] or []
    ]
    assert parcels, details
    for default_name, code, name, tracking in parcels:
        assert code == (asked or "UP") and name == default_name
        assert re.fullmatch(TRACKING_FORMATS[code], tracking), (code, tracking)
    found = client.get(
        "/resellers/v6/orders/search",
        query_string={"trackingNumber": parcels[0][3]},
        headers=headers,
    )
    assert [o["ingramOrderNumber"] for o in found.get_json()["orders"]] == [number]


def test_the_published_carrier_example_code_is_known_in_the_us(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    answer = _create(client, headers, _order(_line(), shipmentDetails={"carrierCode": "RG"}))
    assert _lines(answer)[0]["shipmentDetails"][0]["carrierCode"] == "RG"
    assert _violations(client) == []


# -- EW: the branch cannot ship -----------------------------------------------------------


def test_a_branch_that_cannot_ship_the_part_rejects_the_line_with_ew(
    client: FlaskClient, headers: dict[str, str], token: str
) -> None:
    anywhere = _create(client, headers, _order(_line("BRCS01")))
    assert anywhere.status_code == 201
    assert _lines(anywhere)[0]["shipmentDetails"][0]["shipFromWarehouseId"] in ("10", "40")
    from_20 = _create(
        client,
        headers,
        _order(
            _line(), _line("BRCS01", additionalAttributes=_attribute("shipFromWarehouseId", "20"))
        ),
    )
    assert from_20.status_code == 207
    [rejected] = from_20.get_json()["orders"][0]["rejectedLineItems"]
    assert (rejected["rejectCode"], rejected["rejectReason"]) == ("EW", "BR-CANT-SHIP BRCS01")
    canada = order_headers(token, **{"IM-CountryCode": "CA"})
    only = _create(client, canada, _order(_line("BRCS01")))
    assert only.status_code == 400
    assert only.get_json()["errors"][0]["fields"][0]["message"] == "EW: BR-CANT-SHIP BRCS01"


def test_modify_cannot_add_a_part_no_branch_of_the_region_ships(
    client: FlaskClient, token: str
) -> None:
    canada = order_headers(token, **{"IM-CountryCode": "CA"})
    held = _create(
        client,
        canada,
        _order(_line(), additionalAttributes=_attribute("allowOrderOnCustomerHold", "true")),
    )
    number = held.get_json()["orders"][0]["ingramOrderNumber"]
    add = {"lines": [{"ingramPartNumber": "BRCS01", "addUpdateDeleteLine": "ADD", "quantity": 1}]}
    answer = client.put(f"/resellers/v6/orders/{number}", json=add, headers=canada)
    assert answer.status_code == 207
    assert answer.get_json()["rejectedLineItems"][0]["rejectCode"] == "EW"


# -- addresses the sandbox refuses --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field", "message"),
    [
        ({"endUserInfo": {}}, "endUserInfo", "Values under endUserInfo object cannot be empty"),
        ({"endUserInfo": {"endUserId": "", "contact": " "}}, "endUserInfo", "cannot be empty"),
        ({"shipToInfo": {"city": "Lenexa", "state": "KAN"}}, "shipToInfo.state", "two-letter"),
        ({"endUserInfo": {"state": "P", "countryCode": "US"}}, "endUserInfo.state", "two-letter"),
        ({"shipToInfo": {"state": "ONT", "countryCode": "CA"}}, "shipToInfo.state", "two-letter"),
        ({"resellerInfo": {"state": "N.Y"}}, "resellerInfo.state", "two-letter"),
    ],
)
def test_addresses_the_sandbox_refuses(
    client: FlaskClient, headers: dict[str, str], header: dict[str, Any], field: str, message: str
) -> None:
    body = {**_order(_line()), **header}
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 400, answer.get_json()
    fields = answer.get_json()["errors"][0]["fields"]
    assert [f["field"] for f in fields] == [field]
    assert message in fields[0]["message"]
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204


def test_v7_refuses_them_by_webhook_like_its_other_business_refusals(
    app: Flask, client: FlaskClient, headers: dict[str, str], events: RecordingSink
) -> None:
    body = {**_order(_line()), "endUserInfo": {"contact": ""}}
    answer = client.post("/resellers/v7/orders", json=body, headers=headers)
    assert answer.status_code == 200
    assert app.extensions["ingram_mock"].intake.drain() == 1
    [failed] = [e for e in events.events if e.kind is EventKind.ASYNC_CREATE_FAILED]
    assert [(p.field, p.message) for p in failed.problems] == [("endUserInfo", EMPTY_END_USER)]


@pytest.mark.parametrize(
    "address",
    [
        {"state": "pa", "countryCode": "US"},
        {"state": "BAY", "countryCode": "DE"},
        {"state": "", "city": "Lenexa"},
        {"city": "Lenexa"},
    ],
)
def test_addresses_the_sandbox_takes(
    client: FlaskClient, headers: dict[str, str], address: dict[str, str]
) -> None:
    body = {**_order(_line()), "shipToInfo": address, "endUserInfo": {"companyName": "ACME"}}
    assert _create(client, headers, body).status_code == 201


def test_a_modified_ship_to_with_a_long_state_is_refused_and_changes_nothing(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    held = _create(
        client,
        headers,
        _order(_line(), additionalAttributes=_attribute("allowOrderOnCustomerHold", "true")),
    )
    number = held.get_json()["orders"][0]["ingramOrderNumber"]
    change = {"shipToInfo": {"city": "Flagstaff", "state": "ARZ", "countryCode": "US"}}
    answer = client.put(f"/resellers/v6/orders/{number}", json=change, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "shipToInfo.state"
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
    assert "shipToInfo" not in details
