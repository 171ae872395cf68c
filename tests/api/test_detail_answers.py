"""What details carry beyond the lines' basics: the bill-to address, the freight charge,
expected dates and product codes, each valid against our contract."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from mock_server.contract.document import load_contract
from mock_server.rehearsal.clock import AdjustableClock
from tests.conftest import new_order

DETAIL = load_contract().validator("OrderDetail")
HOUR = 3600


def details(client: FlaskClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    answer = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.get_json()
    errors = [e.message for e in DETAIL.iter_errors(body)]
    assert not errors, errors
    return body


def place(client: FlaskClient, headers: dict[str, str], **kwargs: Any) -> str:
    answer = client.post("/resellers/v6/orders", json=new_order(**kwargs), headers=headers)
    assert answer.status_code in (201, 207), answer.get_json()
    return str(answer.get_json()["orders"][0]["ingramOrderNumber"])


def test_expected_dates_follow_the_shipping_pace(
    client: FlaskClient, headers: dict[str, str], clock: AdjustableClock
) -> None:
    placed_on = clock.now()
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1},
        {"customerLineNumber": "2", "ingramPartNumber": "DF4128", "quantity": 1},
    ]
    number = place(client, headers, lines=lines)
    by_part = {ln["ingramPartNumber"]: ln for ln in details(client, headers, number)["lines"]}
    in_stock, waiting = by_part["2GZ200"], by_part["DF4128"]
    (estimate,) = in_stock["estimatedDates"]
    leaves, arrives = placed_on + timedelta(hours=4), placed_on + timedelta(hours=24)
    assert estimate["ship"]["shipDate"] == leaves.date().isoformat()
    assert estimate["delivery"]["deliveryDate"] == arrives.date().isoformat()
    # A backordered line leaves 4 h after its stock arrives (72 h).
    restock_ship = placed_on + timedelta(hours=76)
    assert waiting["estimatedDates"][0]["ship"]["shipDate"] == restock_ship.date().isoformat()
    assert in_stock["upcCode"] and in_stock["defaultCarrierName"]

    clock.advance(4 * HOUR)  # 2GZ200 has left: nothing left to estimate for it
    by_part = {ln["ingramPartNumber"]: ln for ln in details(client, headers, number)["lines"]}
    assert "estimatedDates" not in by_part["2GZ200"]
    assert "estimatedDates" in by_part["DF4128"]


def test_a_held_order_has_no_expected_dates(client: FlaskClient, headers: dict[str, str]) -> None:
    number = place(client, headers, hold=True)
    assert all("estimatedDates" not in ln for ln in details(client, headers, number)["lines"])


def test_bill_to_and_freight_charge(client: FlaskClient, headers: dict[str, str]) -> None:
    number = place(client, headers)
    body = details(client, headers, number)
    assert body["billToInfo"]["companyName"] == "Harbor Point Systems Inc"
    (charge,) = body["miscellaneousCharges"]
    assert charge == {
        "subOrderNumber": body["lines"][0]["subOrderNumber"],
        "chargeLineReference": "895",
        "chargeDescription": "FREIGHT-OUT CHARGE",
        "chargeAmount": f"{body['freightCharges']:.2f}",
    }


def test_a_licence_only_order_has_no_freight_charge(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    lines = [{"customerLineNumber": "1", "ingramPartNumber": "9YG948", "quantity": 1}]
    answer = client.post("/resellers/v6/orders", json=new_order(lines=lines), headers=headers)
    placed = answer.get_json()["orders"][0]
    assert placed["freightCharges"] == 0 and placed["miscellaneousCharges"] == []
    assert details(client, headers, placed["ingramOrderNumber"])["miscellaneousCharges"] == []
