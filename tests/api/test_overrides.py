"""Override rules through /__admin/overrides, on the test client: `respond` answers as given
and runs nothing, `patch` merges into the real answer, what a rule matches, `times`,
`priority`, where the step sits among the door's checks, the journal and the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, new_order, order_headers

ORDERS = "/resellers/v6/orders"
SEARCH = "/resellers/v6/orders/search"
# An answer in the API's error format that the contract allows for a create.
DOWN = {"errors": [{"id": "ovr-1", "type": "/errors/server-error", "message": "Down for a bit"}]}


def add(client: FlaskClient, **rule: Any) -> str:
    answer = client.post("/__admin/overrides", json=rule)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["rule"]["id"] == body["id"]
    return str(body["id"])


def listed(client: FlaskClient) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in client.get("/__admin/overrides").get_json()["overrides"]}


def stored_orders(client: FlaskClient) -> int:
    return int(client.get("/__admin/health").get_json()["orders"])


def last_entry(client: FlaskClient) -> dict[str, Any]:
    return dict(client.get("/__admin/requests?limit=1").get_json()["requests"][0])


def create(client: FlaskClient, headers: dict[str, str], po: str = "PO-O1") -> Any:
    return client.post(ORDERS, json=new_order(po=po), headers=headers)


# -- respond and patch ------------------------------------------------------------------------


def test_respond_answers_as_given_and_the_use_case_does_not_run(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    rule = add(client, operation="createOrderV6", respond={"status": 500, "body": DOWN}, times=1)
    refused = create(client, headers, po="PO-RESPOND")
    assert refused.status_code == 500
    assert refused.get_json() == DOWN
    assert refused.headers["X-Mock-Override"] == rule
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]  # still echoed
    assert "X-RateLimit-Remaining" in refused.headers
    assert stored_orders(client) == 0  # nothing was created, no event, nothing changed
    again = create(client, headers, po="PO-RESPOND")  # the same PO goes through now
    assert again.status_code == 201 and "X-Mock-Override" not in again.headers
    assert listed(client)[rule]["fired"] == 1


def test_respond_headers_replace_the_door_s_and_a_text_body_goes_as_text(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    add(
        client,
        operation="searchOrders",
        respond={
            "status": 502,
            "headers": {"Content-Type": "text/html", "im-correlationid": "from-the-rule"},
            "body": "<html><body>Bad gateway</body></html>",
        },
    )
    answer = client.get(SEARCH, headers=headers)
    assert answer.status_code == 502
    assert answer.get_data(as_text=True) == "<html><body>Bad gateway</body></html>"
    assert answer.headers.getlist("Content-Type") == ["text/html"]
    assert answer.headers.getlist("IM-CorrelationID") == ["from-the-rule"]
    entry = last_entry(client)
    assert entry["response"]["body"] == "<html><body>Bad gateway</body></html>"


def test_patch_merges_into_the_real_answer_and_null_removes(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place()
    rule = add(
        client,
        operation="getOrderDetails",
        patch={"orderStatus": "Backordered", "notes": None, "extra": {"why": "rehearsal"}},
    )
    real = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert real.status_code == 200
    body = real.get_json()
    assert body["orderStatus"] == "Backordered"
    assert body["extra"] == {"why": "rehearsal"}
    assert "notes" not in body
    assert body["ingramOrderNumber"] == number  # the rest is the real answer
    assert body["lines"] and real.headers["X-Mock-Override"] == rule


def test_a_patch_rule_lets_the_use_case_run(client: FlaskClient, headers: dict[str, str]) -> None:
    add(client, operation="createOrderV6", patch={"orders": None})
    placed = create(client, headers, po="PO-PATCHED")
    assert placed.status_code == 201
    assert "orders" not in placed.get_json()
    assert stored_orders(client) == 1
    assert create(client, headers, po="PO-PATCHED").status_code == 400  # it exists: a duplicate


def test_a_patch_changes_an_error_answer_too_and_warns_where_there_is_no_json(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    add(client, operation="getOrderDetails", patch={"errors": [{"type": "/x", "message": "m"}]})
    missing = client.get("/resellers/v6.1/orders/20-NOPE1", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json() == {"errors": [{"type": "/x", "message": "m"}]}
    rule = add(client, operation="searchOrders", patch={"recordsFound": 1})
    empty = client.get(SEARCH, headers=headers)
    assert (empty.status_code, empty.get_data()) == (204, b"")
    assert empty.headers["X-Mock-Override"] == rule
    assert last_entry(client)["warnings"] == ["patch not applied: the answer has no JSON body"]


# -- what a rule matches ----------------------------------------------------------------------


def test_order_number_customer_number_and_customer_order_number(
    client: FlaskClient, token: str, place: Any
) -> None:
    first, second = place(po="PO-M1"), place(po="PO-M2")
    add(client, operation="getOrderDetails", match={"orderNumber": second}, respond={"status": 503})
    mine = order_headers(token)
    assert client.get(f"/resellers/v6.1/orders/{first}", headers=mine).status_code == 200
    assert client.get(f"/resellers/v6.1/orders/{second}", headers=mine).status_code == 503

    add(client, operation="searchOrders", match={"customerNumber": OTHER_CUSTOMER},
        respond={"status": 429})  # fmt: skip
    assert client.get(SEARCH, headers=mine).status_code == 200
    assert client.get(SEARCH, headers=order_headers(token, OTHER_CUSTOMER)).status_code == 429

    add(client, operation="searchOrders", match={"customerOrderNumber": "PO-M2"},
        respond={"status": 500})  # fmt: skip
    assert client.get(f"{SEARCH}?customerOrderNumber=PO-M1", headers=mine).status_code == 200
    assert client.get(f"{SEARCH}?customerOrderNumber=PO-M2", headers=mine).status_code == 500
    add(client, operation="createOrderV6", match={"customerOrderNumber": "PO-M9"},
        respond={"status": 500})  # fmt: skip
    assert create(client, mine, po="PO-M8").status_code == 201
    assert create(client, mine, po="PO-M9").status_code == 500


def test_headers_query_and_body_values(client: FlaskClient, headers: dict[str, str]) -> None:
    add(client, operation="searchOrders", match={"headers": {"IM-SenderID": "erp-7"}},
        respond={"status": 500})  # fmt: skip
    assert client.get(SEARCH, headers=headers).status_code == 204
    assert client.get(SEARCH, headers={**headers, "IM-SenderID": "erp-7"}).status_code == 500
    add(client, operation="searchOrders", match={"query": {"pageSize": "5"}},
        respond={"status": 503})  # fmt: skip
    assert client.get(f"{SEARCH}?pageSize=6", headers=headers).status_code == 204
    assert client.get(f"{SEARCH}?pageSize=5", headers=headers).status_code == 503
    add(client, operation="createOrderV6", match={"body": {"/lines/0/quantity": 3}},
        respond={"status": 500, "body": DOWN})  # fmt: skip
    two = new_order(po="PO-B2")
    three = new_order(po="PO-B3", lines=[{**two["lines"][0], "quantity": 3}])
    assert client.post(ORDERS, json=two, headers=headers).status_code == 201
    assert client.post(ORDERS, json=three, headers=headers).status_code == 500


def test_times_then_the_real_answer_again(client: FlaskClient, headers: dict[str, str]) -> None:
    rule = add(client, operation="searchOrders", respond={"status": 503}, times=2)
    statuses = [client.get(SEARCH, headers=headers).status_code for _ in range(3)]
    assert statuses == [503, 503, 204]
    assert (listed(client)[rule]["fired"], listed(client)[rule]["remaining"]) == (2, 0)


def test_priority_first_then_the_newest_rule(client: FlaskClient, headers: dict[str, str]) -> None:
    add(client, operation="searchOrders", respond={"status": 500}, priority=10)
    add(client, operation="searchOrders", respond={"status": 502})
    assert client.get(SEARCH, headers=headers).status_code == 500
    client.delete("/__admin/overrides")
    old = add(client, operation="searchOrders", respond={"status": 500})
    new = add(client, operation="searchOrders", respond={"status": 502})
    assert client.get(SEARCH, headers=headers).status_code == 502
    assert list(listed(client)) == [new, old]  # listed in the order they are tried


# -- where the step sits ----------------------------------------------------------------------


def test_the_client_must_still_send_a_valid_request(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    rule = add(client, operation="createOrderV6", respond={"status": 201, "body": {}})
    unsigned = {**headers, "Authorization": "Bearer not-a-token"}
    assert create(client, unsigned).status_code == 401  # the token check comes first
    bad = client.post(ORDERS, json={"customerOrderNumber": 7, "lines": []}, headers=headers)
    assert bad.status_code == 400  # and the contract check
    client.put("/__admin/maintenance")
    assert create(client, headers).status_code == 500  # and the maintenance window
    assert "X-Mock-Override" not in create(client, headers).headers
    assert listed(client)[rule]["fired"] == 0


def test_faults_are_decided_first(client: FlaskClient, headers: dict[str, str]) -> None:
    rule = add(client, operation="searchOrders", respond={"status": 500})
    fault = client.post("/__admin/faults", json={"operationId": "searchOrders", "status": 503,
                                                 "times": 1}).get_json()["id"]  # fmt: skip
    faulted = client.get(SEARCH, headers=headers)
    assert faulted.status_code == 503 and faulted.headers["X-Mock-Fault"] == fault
    assert "X-Mock-Override" not in faulted.headers
    assert client.get(SEARCH, headers=headers).status_code == 500
    assert listed(client)[rule]["fired"] == 1


def test_a_token_request_can_be_overridden(client: FlaskClient) -> None:
    add(client, operation="getAccessToken",
        respond={"status": 401, "body": {"message": "Client revoked"}})  # fmt: skip
    asked = client.get(
        "/oauth/oauth20/token?grant_type=client_credentials&client_id=a&client_secret=b"
    )
    assert (asked.status_code, asked.get_json()) == (401, {"message": "Client revoked"})
    assert last_entry(client)["warnings"] == []  # TokenError allows it


# -- the journal and the contract -------------------------------------------------------------


def test_the_journal_names_the_rule_and_warns_when_the_answer_breaks_the_contract(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    fine = add(client, operation="createOrderV6", respond={"status": 500, "body": DOWN}, times=1)
    create(client, headers)
    entry = last_entry(client)
    assert (entry["override"], entry["status"], entry["warnings"]) == (fine, 500, [])
    assert entry["response"]["headers"]["X-Mock-Override"] == fine

    broken = add(client, operation="createOrderV6", respond={"status": 201, "body": {"ok": 1}},
                 times=1)  # fmt: skip
    served = create(client, headers)
    assert (served.status_code, served.get_json()) == (201, {"ok": 1})  # served all the same
    warnings = last_entry(client)["warnings"]
    assert warnings and all(w.startswith(f"override {broken}: body") for w in warnings)
    assert any("'ok' was unexpected" in w for w in warnings)

    odd = add(client, operation="createOrderV6", respond={"status": 418}, times=1)
    assert create(client, headers).status_code == 418
    assert last_entry(client)["warnings"] == [
        f"override {odd}: status 418 is not documented for createOrderV6"
    ]
    assert client.get("/__admin/violations").get_json()["violations"] == []  # not the client's


# -- rules: listing, removing, reset, the file, bad rules -------------------------------------


def test_remove_one_remove_all(client: FlaskClient) -> None:
    first = add(client, operation="searchOrders", respond={"status": 500})
    second = add(client, operation="cancelOrder", respond={"status": 500})
    assert client.delete(f"/__admin/overrides/{first}").status_code == 204
    assert list(listed(client)) == [second]
    gone = client.delete(f"/__admin/overrides/{first}")
    assert gone.status_code == 404
    assert gone.get_json()["errors"][0]["type"] == "/errors/not-found"
    assert client.delete("/__admin/overrides").status_code == 204
    assert listed(client) == {}


def test_a_reset_removes_api_rules_and_keeps_file_rules(tmp_path: Path) -> None:
    file = tmp_path / "overrides.json"
    file.write_text(json.dumps([{"operation": "searchOrders", "respond": {"status": 503}}]))
    client = create_app(Settings(overrides_file=file)).test_client()
    token = issue_token(client)
    add(client, operation="cancelOrder", respond={"status": 500})
    assert client.get(SEARCH, headers=order_headers(token)).status_code == 503
    rules = listed(client)
    assert [(r["operation"], r["source"]) for r in rules.values()] == [
        ("cancelOrder", "api"),
        ("searchOrders", "file"),
    ]
    assert client.post("/__admin/reset").status_code == 200
    after = list(listed(client).values())
    assert [(r["operation"], r["source"], r["fired"]) for r in after] == [
        ("searchOrders", "file", 0)
    ]
    assert client.get(SEARCH, headers=order_headers(token, CUSTOMER)).status_code == 503


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (None, "body"),
        ({"operation": "createOrder", "patch": {}}, "operation"),
        ({"operationId": "createOrderV6", "patch": {}}, "operationId"),
        ({"operation": "createOrderV6"}, "respond"),
        ({"operation": "createOrderV6", "patch": {}, "respond": {"status": 500}}, "respond"),
        ({"operation": "createOrderV6", "patch": [1]}, "patch"),
        ({"operation": "createOrderV6", "respond": {"status": 99}}, "respond.status"),
        ({"operation": "createOrderV6", "respond": {"status": 500, "code": 1}}, "respond.code"),
        ({"operation": "searchOrders", "respond": {"status": 204, "body": {}}}, "respond.body"),
        ({"operation": "searchOrders", "respond": {"status": 200, "headers": {"A": 1}}},
         "respond.headers.A"),
        ({"operation": "searchOrders", "respond": {"status": 200, "headers": {"bad name": "x"}}},
         "respond.headers.bad name"),
        ({"operation": "createOrderV6", "patch": {}, "match": []}, "match"),
        ({"operation": "createOrderV6", "patch": {}, "match": {"po": "x"}}, "match.po"),
        ({"operation": "createOrderV6", "patch": {}, "match": {"orderNumber": "20-A"}},
         "match.orderNumber"),
        ({"operation": "cancelOrder", "patch": {}, "match": {"body": {"/a": 1}}}, "match.body"),
        ({"operation": "createOrderV6", "patch": {}, "match": {"body": {"lines": 1}}},
         "match.body.lines"),
        ({"operation": "searchOrders", "patch": {}, "match": {"customerNumber": 5}},
         "match.customerNumber"),
        ({"operation": "searchOrders", "patch": {}, "times": 0}, "times"),
        ({"operation": "searchOrders", "patch": {}, "priority": "high"}, "priority"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_a_400_naming_the_field(
    client: FlaskClient, rule: Any, field: str
) -> None:
    answer = client.post("/__admin/overrides", json=rule)
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["errors"][0]["type"] == "/errors/validation-failed"
    assert body["errors"][0]["fields"][0]["field"] == field
    assert listed(client) == {}
