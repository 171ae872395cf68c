"""Sandbox-only knobs: `simulateStatus` on details, `regionCode` routing, the request journal.

A simulated answer must be a schema-true order in the asked-for state and must leave the
stored order exactly as it was.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import CUSTOMER, issue_token, new_order, order_headers

SANDBOX = "/sandbox/resellers"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DETAIL_SCHEMA = load_contract().validator("OrderDetail")
LINES = [
    {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 4},
    {"customerLineNumber": "2", "ingramPartNumber": "1C6094", "quantity": 1},
    {"customerLineNumber": "3", "ingramPartNumber": "DF4128", "quantity": 2},
]


def assert_valid(body: Any) -> None:
    errors = [f"{list(e.instance_path)}: {e.message}" for e in DETAIL_SCHEMA.iter_errors(body)]
    assert not errors, errors


def create(
    client: FlaskClient, headers: dict[str, str], *, po: str, hold: bool = False
) -> dict[str, Any]:
    answer = client.post(
        f"{SANDBOX}/v6/orders", json=new_order(po=po, hold=hold, lines=LINES), headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    order: dict[str, Any] = answer.get_json()["orders"][0]
    return order


def details(
    client: FlaskClient, headers: dict[str, str], number: str, **query: str
) -> TestResponse:
    return client.get(f"{SANDBOX}/v6.1/orders/{number}", query_string=query, headers=headers)


def field_names(answer: TestResponse) -> list[str]:
    return [f["field"] for e in answer.get_json()["errors"] for f in e.get("fields", [])]


def shipments(line: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = line.get("shipmentDetails", [])
    return found


def shipped(line: dict[str, Any]) -> int:
    return sum(int(s["quantity"]) for s in shipments(line))


# -- simulateStatus -----------------------------------------------------------------------


def check_shipped(body: dict[str, Any]) -> None:
    assert body["orderStatus"] == "Shipped"
    for line in body["lines"]:
        assert line["lineStatus"] == "Shipped"
        assert shipped(line) == line["quantityOrdered"]
        assert line["quantityBackOrdered"] == 0
        for shipment in shipments(line):
            assert "invoiceNumber" not in shipment  # shipped, not yet invoiced
            assert shipment["carrierDetails"]
            for carrier in shipment["carrierDetails"]:
                assert carrier["carrierCode"] and carrier["carrierName"]
                assert carrier["trackingDetails"]
                assert all(t["trackingNumber"] for t in carrier["trackingDetails"])


def check_partially_shipped(body: dict[str, Any]) -> None:
    assert body["orderStatus"] not in ("Shipped", "Delivered", "On Hold")
    partial = []
    for line in body["lines"]:
        assert shipped(line) + line["quantityBackOrdered"] == line["quantityOrdered"]
        if 0 < shipped(line) < line["quantityOrdered"]:
            partial.append(line)
    assert partial, "no line is partly shipped"
    for line in partial:
        assert line["quantityBackOrdered"] == line["quantityOrdered"] - shipped(line) > 0
        assert line["backOrderETADate"]
        assert shipments(line)[0]["carrierDetails"][0]["trackingDetails"][0]["trackingNumber"]


def check_hold(body: dict[str, Any]) -> None:
    assert body["orderStatus"] == "On Hold"
    for line in body["lines"]:
        assert line["lineStatus"] == "On Hold"
        assert shipments(line) == []


def check_invoiced(body: dict[str, Any]) -> None:
    for line in body["lines"]:
        assert shipped(line) == line["quantityOrdered"]
        for shipment in shipments(line):
            assert shipment["invoiceNumber"]
            assert shipment["invoiceDate"]


CHECKS = {
    "IM::SHIPPED": check_shipped,
    "IM::PARTIALLY_SHIPPED": check_partially_shipped,
    "IM::HOLD": check_hold,
    "IM::INVOICED": check_invoiced,
}


@pytest.mark.parametrize("hold", [False, True], ids=["open", "held"])
@pytest.mark.parametrize("status", list(CHECKS))
def test_simulate_status_answers_that_state_and_stores_nothing(
    client: FlaskClient, headers: dict[str, str], status: str, hold: bool
) -> None:
    number = create(client, headers, po="PO-SIM", hold=hold)["ingramOrderNumber"]
    before = details(client, headers, number)
    assert before.status_code == 200

    simulated = details(client, headers, number, simulateStatus=status)
    assert simulated.status_code == 200, simulated.get_json()
    body = simulated.get_json()
    assert_valid(body)
    assert body["ingramOrderNumber"] == number
    assert sorted(ln["ingramPartNumber"] for ln in body["lines"]) == ["1C6094", "2GZ200", "DF4128"]
    CHECKS[status](body)

    after = details(client, headers, number)
    assert after.get_json() == before.get_json()
    assert after.get_json()["orderStatus"] == ("On Hold" if hold else "Processing")
    if hold:  # still a real hold: it can be released
        release = client.put(
            f"{SANDBOX}/v6/orders/{number}?actionCode=release", json={}, headers=headers
        )
        assert release.status_code == 200


@pytest.mark.parametrize("value", ["IM::LOST", "im::shipped", "SHIPPED", ""])
def test_an_unknown_simulate_status_is_refused(
    client: FlaskClient, headers: dict[str, str], value: str
) -> None:
    number = create(client, headers, po="PO-SIM-BAD")["ingramOrderNumber"]
    answer = details(client, headers, number, simulateStatus=value)
    assert answer.status_code == 400
    assert "simulateStatus" in field_names(answer)


# -- regionCode ---------------------------------------------------------------------------


def region(code: str) -> dict[str, Any]:
    regions = json.loads((FIXTURES / "regions.json").read_text())["regions"]
    found: dict[str, Any] = next(r for r in regions if r["code"] == code)
    return found


def catalog_price(part: str) -> Decimal:
    products = json.loads((FIXTURES / "catalog.json").read_text())["products"]
    product = next(p for p in products if p["ingramPartNumber"] == part)
    return Decimal(str(product["unitPrice"]))


def test_an_unknown_region_code_is_refused(client: FlaskClient, headers: dict[str, str]) -> None:
    number = create(client, headers, po="PO-REGION-BAD", hold=True)["ingramOrderNumber"]
    for answer in (
        details(client, headers, number, regionCode="ZZ"),
        client.put(
            f"{SANDBOX}/v6/orders/{number}?actionCode=release&regionCode=ZZ",
            json={},
            headers=headers,
        ),
        client.delete(f"{SANDBOX}/v6/orders/{number}?regionCode=ZZ", headers=headers),
    ):
        assert answer.status_code == 400, answer.get_json()
        assert "regionCode" in field_names(answer)
    assert details(client, headers, number).get_json()["orderStatus"] == "On Hold"


def test_a_us_order_is_found_in_us_regions_only(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    number = create(client, headers, po="PO-REGION-US", hold=True)["ingramOrderNumber"]
    assert details(client, headers, number, regionCode="NA").status_code == 200
    assert details(client, headers, number, regionCode="CS").status_code == 200
    assert details(client, headers, number, regionCode="EU").status_code == 404
    shipped_in_cs = details(client, headers, number, regionCode="CS", simulateStatus="IM::SHIPPED")
    assert shipped_in_cs.get_json()["orderStatus"] == "Shipped"

    cancel = f"{SANDBOX}/v6/orders/{number}"
    assert client.delete(f"{cancel}?regionCode=EU", headers=headers).status_code == 404
    assert details(client, headers, number).get_json()["orderStatus"] == "On Hold"
    assert client.delete(f"{cancel}?regionCode=CS", headers=headers).status_code == 200
    assert details(client, headers, number).get_json()["orderStatus"] == "Canceled"


def test_an_order_placed_from_spain_lives_in_the_eu_region(client: FlaskClient, token: str) -> None:
    spain = order_headers(token, CUSTOMER, **{"IM-CountryCode": "ES"})
    eu = region("EU")
    created = create(client, spain, po="PO-REGION-ES", hold=True)
    number = created["ingramOrderNumber"]
    assert number.startswith(f"{eu['orderPrefix']}-") and number.startswith("29-")
    assert created["currencyCode"] == "EUR" == eu["currencyCode"]

    body = details(client, spain, number, regionCode="EU").get_json()
    assert_valid(body)
    assert body["currencyCode"] == "EUR"
    fx = Decimal(str(eu["fxRate"]))
    for line in body["lines"]:
        usd = catalog_price(line["ingramPartNumber"])
        expected = (usd * fx).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(str(line["unitPrice"])) == expected, line["ingramPartNumber"]
        assert line["currencyCode"] == "EUR"
    vat = sum(Decimal(str(ln["taxAmount"])) for ln in body["lines"])
    assert Decimal(str(body["totalTax"])) == vat
    assert float(vat) == pytest.approx(body["orderSubTotal"] * eu["taxRate"], abs=0.02)

    assert details(client, spain, number).status_code == 200
    assert details(client, spain, number, regionCode="NA").status_code == 404
    assert details(client, spain, number, regionCode="CS").status_code == 404

    release = f"{SANDBOX}/v6/orders/{number}?actionCode=release"
    assert client.put(f"{release}&regionCode=NA", json={}, headers=spain).status_code == 404
    assert details(client, spain, number).get_json()["orderStatus"] == "On Hold"
    assert client.put(f"{release}&regionCode=EU", json={}, headers=spain).status_code == 200
    assert details(client, spain, number).get_json()["orderStatus"] != "On Hold"

    other = create(client, spain, po="PO-REGION-ES2", hold=True)["ingramOrderNumber"]
    cancel = f"{SANDBOX}/v6/orders/{other}"
    assert client.delete(f"{cancel}?regionCode=NA", headers=spain).status_code == 404
    assert client.delete(f"{cancel}?regionCode=EU", headers=spain).status_code == 200
    assert details(client, spain, other).get_json()["orderStatus"] == "Canceled"


# -- the request journal ------------------------------------------------------------------


def test_the_journal_lists_recent_calls_and_can_be_cleared(client: FlaskClient, token: str) -> None:
    client.delete("/__admin/requests")
    placed = client.post(
        "/resellers/v6/orders",
        json=new_order(po="PO-JOURNAL"),
        headers=order_headers(token, CUSTOMER, **{"IM-CorrelationID": "journal-create"}),
    )
    assert placed.status_code == 201
    missing = client.get(
        "/resellers/v6.1/orders/20-ZZZZZ",
        headers=order_headers(token, "20-444444", **{"IM-CorrelationID": "journal-missing"}),
    )
    assert missing.status_code == 404
    client.get("/__admin/health")  # admin calls are not journaled

    journal = client.get("/__admin/requests").get_json()
    assert journal["total"] == 2
    got = [
        (r["method"], r["path"], r["status"], r["correlation_id"], r["customer_number"])
        for r in journal["requests"]
    ]
    assert got == [
        ("POST", "/resellers/v6/orders", 201, "journal-create", CUSTOMER),
        ("GET", "/resellers/v6.1/orders/20-ZZZZZ", 404, "journal-missing", "20-444444"),
    ]
    assert all(r["at"] and r["duration_ms"] >= 0 for r in journal["requests"])

    cleared = client.delete("/__admin/requests")
    assert cleared.status_code == 204
    assert client.get("/__admin/requests").get_json() == {"total": 0, "requests": []}


def test_the_journal_never_shows_a_client_secret(client: FlaskClient) -> None:
    client.delete("/__admin/requests")
    answer = client.get(
        "/oauth/oauth20/token?grant_type=client_credentials&client_id=me&client_secret=s3cr3t-x"
    )
    assert answer.status_code == 200
    journal = client.get("/__admin/requests").get_data(as_text=True)
    assert "s3cr3t-x" not in journal
    assert "client_secret=***" in journal and "client_id=me" in journal


def test_the_journal_keeps_only_the_newest_entries() -> None:
    clock = AdjustableClock(FrozenClock())
    client = create_app(Settings(journal_size=3), clock=clock).test_client()
    token = issue_token(client)
    client.delete("/__admin/requests")
    for n in range(1, 6):
        client.get(
            "/resellers/v6/orders/search",
            query_string={"customerOrderNumber": f"PO-{n}"},
            headers=order_headers(token, **{"IM-CorrelationID": f"bounded-{n}"}),
        )
    journal = client.get("/__admin/requests").get_json()
    assert journal["total"] == 5
    assert [r["correlation_id"] for r in journal["requests"]] == [
        "bounded-3",
        "bounded-4",
        "bounded-5",
    ]
    assert journal["requests"][-1]["path"] == "/resellers/v6/orders/search?customerOrderNumber=PO-5"
    assert {r["status"] for r in journal["requests"]} == {204}
