"""Fault injection through /__admin/faults, on the test client.

The test client has no server front, so delays, resets and timeouts are checked here as
the instruction the door's answer carries for the front (`Answer.connection`); the live
tests check what a client of the real server sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import DOOR_KEY, create_app
from mock_server.config import Settings
from mock_server.http.messages import Answer, ApiRequest, Break
from mock_server.rehearsal.clock import AdjustableClock
from mock_server.rehearsal.faults import OPERATIONS, TIMEOUT_SECONDS
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, new_order, order_headers
from tests.fakes import RecordingSink

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "orders-api.json"


class EnvironSpy:
    """Keeps the door's answer to each request: a fault's instruction to the front (wait,
    break the connection) travels on it."""

    def __init__(self, app: Flask) -> None:
        door = app.extensions[DOOR_KEY]
        self._inner = door.handle
        self.seen: list[Answer] = []
        door.handle = self

    def __call__(self, request: ApiRequest) -> Answer:
        answer: Answer = self._inner(request)
        self.seen.append(answer)
        return answer

    @property
    def last_fault(self) -> Any:
        """The instruction as {"delay": seconds, "break": kind}, each only when asked."""
        fault = self.seen[-1].connection
        if fault is None:
            return None
        asked: dict[str, Any] = {}
        if fault.delay:
            asked["delay"] = fault.delay
        if fault.kind is not Break.NONE:
            asked["break"] = fault.kind.value
        return asked


@pytest.fixture
def spy(app: Flask) -> EnvironSpy:
    return EnvironSpy(app)


def add_fault(client: FlaskClient, **rule: Any) -> str:
    answer = client.post("/__admin/faults", json=rule)
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["id"])


def create(client: FlaskClient, headers: dict[str, str], po: str = "PO-F1") -> Any:
    return client.post("/resellers/v6/orders", json=new_order(po=po), headers=headers)


def stored_orders(client: FlaskClient) -> int:
    return int(client.get("/__admin/health").get_json()["orders"])


def fired(client: FlaskClient, rule_id: str) -> int:
    rules = {r["id"]: r for r in client.get("/__admin/faults").get_json()["faults"]}
    return int(rules[rule_id]["fired"])


# -- status faults ----------------------------------------------------------------------


def test_an_injected_503_on_create_creates_nothing(
    client: FlaskClient, headers: dict[str, str], events: RecordingSink
) -> None:
    rule = add_fault(client, operationId="createOrderV6", status=503)
    answer = create(client, headers)
    assert answer.status_code == 503
    error = answer.get_json()["errors"][0]
    assert error["type"] == "/errors/server-error" and error["message"]
    assert answer.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]
    assert answer.headers["X-Mock-Fault"] == rule
    assert stored_orders(client) == 0
    assert events.events == []
    # The same PO goes through once the rule is gone: the refused create left no trace.
    client.delete(f"/__admin/faults/{rule}")
    assert create(client, headers).status_code == 201


def test_429_carries_retry_after_and_the_rate_limit_headers(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    add_fault(client, operationId="searchOrders", status=429)
    answer = client.get("/resellers/v6/orders/search", headers=headers)
    assert answer.status_code == 429
    assert answer.get_json() == {"errors": [{"field": None, "message": "too many requests"}]}
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert int(answer.headers["X-RateLimit-Limit"]) > 0
    assert int(answer.headers["X-RateLimit-Reset"]) > 0
    for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"):
        assert len(answer.headers.getlist(name)) == 1, name  # written once
    token = client.post(
        "/oauth/oauth20/token",
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert token.status_code == 200  # the rule names searchOrders only
    add_fault(client, operationId="createAccessToken", status=429)
    token = client.post(
        "/oauth/oauth20/token",
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert token.status_code == 429 and token.headers["X-RateLimit-Remaining"] == "0"
    assert len(token.headers.getlist("Retry-After")) == 1


def test_times_bounds_a_rule_and_the_list_counts_fires(
    client: FlaskClient, headers: dict[str, str], place: Callable[..., str]
) -> None:
    number = place()
    add_fault(client, operationId="getOrderDetails", status=500, times=2)
    statuses = [
        client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code
        for _ in range(3)
    ]
    assert statuses == [500, 500, 200]
    listed = client.get("/__admin/faults").get_json()["faults"][0]
    assert listed["fired"] == 2 and listed["remaining"] == 0


def test_a_rule_narrowed_to_a_customer_spares_the_others(client: FlaskClient, token: str) -> None:
    add_fault(client, operationId="*", status=502, customerNumber=OTHER_CUSTOMER)
    mine = client.get("/resellers/v6/orders/search", headers=order_headers(token, CUSTOMER))
    theirs = client.get("/resellers/v6/orders/search", headers=order_headers(token, OTHER_CUSTOMER))
    assert mine.status_code == 204
    assert theirs.status_code == 502


def test_star_covers_every_operation_but_never_the_admin_endpoints(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    add_fault(client, operationId="*", status=503)
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 503
    assert client.get("/sandbox/resellers/v6/orders/search", headers=headers).status_code == 503
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert token.status_code == 503 and "message" in token.get_json()
    assert client.get("/__admin/health").status_code == 200
    assert client.get("/__admin/faults").status_code == 200


def test_v7_faults_answer_in_the_flat_v7_error_format(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    add_fault(client, operationId="createOrderV7", status=500, afterCommit=True)
    answer = client.post("/resellers/v7/orders", json=new_order(po="PO-V7"), headers=headers)
    assert answer.status_code == 500
    body = answer.get_json()
    assert body["type"] == "/errors/server-error" and body["traceid"] and "errors" not in body


def test_the_first_matching_rule_wins(client: FlaskClient, headers: dict[str, str]) -> None:
    first = add_fault(client, operationId="searchOrders", status=500, times=1)
    second = add_fault(client, operationId="*", status=503, times=1)
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 500
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 503
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204
    assert (fired(client, first), fired(client, second)) == (1, 1)


# -- probability and the seed -----------------------------------------------------------


def _pattern(seed: int, calls: int = 40) -> list[int]:
    app = create_app(Settings(seed=seed))
    client = app.test_client()
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).get_json()["access_token"]
    add_fault(client, operationId="searchOrders", status=503, probability=0.5)
    headers = order_headers(token)
    return [
        client.get("/resellers/v6/orders/search", headers=headers).status_code for _ in range(calls)
    ]


def test_probability_draws_from_the_seed_so_runs_repeat() -> None:
    first, again, other = _pattern(7), _pattern(7), _pattern(8)
    assert first == again
    assert first != other
    assert 503 in first and 204 in first


def test_probability_zero_never_fires_and_reset_restarts_the_draws(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    never = add_fault(client, operationId="searchOrders", status=503, probability=0.0)
    for _ in range(5):
        assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204
    assert fired(client, never) == 0
    client.delete("/__admin/faults")
    add_fault(client, operationId="searchOrders", status=503, probability=0.5)
    before = [
        client.get("/resellers/v6/orders/search", headers=headers).status_code for _ in range(12)
    ]
    client.delete("/__admin/faults")  # the random source starts over
    add_fault(client, operationId="searchOrders", status=503, probability=0.5)
    after = [
        client.get("/resellers/v6/orders/search", headers=headers).status_code for _ in range(12)
    ]
    assert before == after


# -- delay, reset, timeout: the instruction to the front --------------------------------


def test_a_rule_with_only_a_delay_delays_the_real_answer(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy
) -> None:
    add_fault(client, operationId="createOrderV6", delayMs=1500)
    answer = create(client, headers)
    assert answer.status_code == 201
    assert spy.last_fault == {"delay": 1.5}
    assert stored_orders(client) == 1


def test_a_delayed_error_status(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy
) -> None:
    add_fault(client, operationId="searchOrders", status=504, delayMs=200)
    answer = client.get("/resellers/v6/orders/search", headers=headers)
    assert answer.status_code == 504
    assert answer.get_json()["errors"][0]["type"] == "/errors/server-error"
    assert spy.last_fault == {"delay": 0.2}


@pytest.mark.parametrize(
    "kind", ["reset", "emptyResponse", "malformedResponse", "truncatedBody"]
)
def test_a_connection_kind_asks_the_front_to_break_and_changes_nothing(
    client: FlaskClient,
    headers: dict[str, str],
    spy: EnvironSpy,
    events: RecordingSink,
    kind: str,
) -> None:
    add_fault(client, operationId="createOrderV6", kind=kind)
    answer = create(client, headers)
    assert spy.last_fault == {"break": kind}
    # The stand-in: no front here to break the connection, and the answer says so.
    assert answer.status_code == 503
    message = answer.get_json()["errors"][0]["message"]
    assert f"Injected {kind} fault" in message and "could not be broken" in message
    assert answer.headers["X-Mock-Fault"]
    assert stored_orders(client) == 0 and events.events == []


def test_a_connection_kind_waits_its_delay_first(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy
) -> None:
    add_fault(client, operationId="searchOrders", kind="malformedResponse", delayMs=250)
    client.get("/resellers/v6/orders/search", headers=headers)
    assert spy.last_fault == {"delay": 0.25, "break": "malformedResponse"}


def test_timeout_holds_the_answer_then_drops_it(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy, place: Callable[..., str]
) -> None:
    number = place()
    add_fault(client, operationId="getOrderDetails", kind="timeout", times=1)
    client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert spy.last_fault == {"delay": TIMEOUT_SECONDS, "break": "emptyResponse"}
    add_fault(client, operationId="getOrderDetails", kind="timeout", delayMs=5000)
    client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert spy.last_fault == {"delay": 5.0, "break": "emptyResponse"}


def test_no_rule_no_instruction(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy
) -> None:
    assert create(client, headers).status_code == 201
    assert spy.last_fault is None


# -- afterCommit: the order is made, the answer is lost ---------------------------------


def test_after_commit_creates_the_order_and_loses_the_answer(
    client: FlaskClient, headers: dict[str, str], events: RecordingSink
) -> None:
    add_fault(client, operationId="createOrderV6", status=500, afterCommit=True, times=1)
    answer = create(client, headers, po="PO-LOST")
    assert answer.status_code == 500
    assert answer.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]
    # Echoed once, as on every answer (not once for the lost answer and once more).
    assert answer.headers.getlist("IM-CorrelationID") == [headers["IM-CorrelationID"]]
    assert stored_orders(client) == 1
    assert [e.kind.value for e in events.events] == ["im::order_created"]
    # The client retries the same PO, as a naive client would: now it is a duplicate.
    retry = create(client, headers, po="PO-LOST")
    assert retry.status_code == 400
    assert "customerOrderNumber" in json.dumps(retry.get_json())
    found = client.get(
        "/resellers/v6/orders/search",
        query_string={"customerOrderNumber": "PO-LOST"},
        headers=headers,
    )
    assert found.status_code == 200 and found.get_json()["recordsFound"] == 1


def test_after_commit_reset_drops_the_answer_of_a_cancel_that_happened(
    client: FlaskClient, headers: dict[str, str], spy: EnvironSpy, place: Callable[..., str]
) -> None:
    number = place(hold=True)
    add_fault(client, operationId="cancelOrder", kind="reset", afterCommit=True)
    client.delete(f"/resellers/v6/orders/{number}", headers=headers)
    assert spy.last_fault == {"break": "reset"}
    detail = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert detail.get_json()["orderStatus"] == "Canceled"


# -- the admin API ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"operationId": "nope", "status": 503}, "operationId"),
        ({"operationId": "*", "status": 200}, "status"),
        ({"operationId": "*"}, "status"),
        ({"operationId": "*", "status": 503, "probability": 1.5}, "probability"),
        ({"operationId": "*", "status": 503, "times": 0}, "times"),
        ({"operationId": "*", "kind": "explode"}, "kind"),
        ({"operationId": "*", "kind": "reset", "status": 503}, "status"),
        ({"operationId": "*", "kind": "emptyResponse", "status": 503}, "status"),
        ({"operationId": "*", "kind": "truncated"}, "kind"),
        ({"operationId": "webhookDelivery", "kind": "malformedResponse"}, "kind"),
        ({"operationId": "*", "status": 503, "delayMs": -1}, "delayMs"),
        ({"operationId": "*", "status": 503, "colour": "red"}, "colour"),
        ({"operationId": "*", "status": 503, "url": "http://x"}, "url"),
        ({"operationId": "webhookDelivery", "status": 500, "afterCommit": True}, "afterCommit"),
        ({"operationId": "webhookDelivery", "kind": "timeout"}, "kind"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(
    client: FlaskClient, rule: dict[str, Any], field: str
) -> None:
    answer = client.post("/__admin/faults", json=rule)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == field
    assert client.get("/__admin/faults").get_json()["faults"] == []


def test_rules_are_listed_and_removed(client: FlaskClient) -> None:
    first = add_fault(client, operationId="createOrderV7", status=503)
    second = add_fault(client, operationId="webhookDelivery", kind="duplicate")
    listed = client.get("/__admin/faults").get_json()["faults"]
    assert [r["id"] for r in listed] == [first, second]
    assert listed[1]["kind"] == "duplicate" and listed[1]["url"] is None
    assert client.delete(f"/__admin/faults/{first}").status_code == 204
    assert client.delete(f"/__admin/faults/{first}").status_code == 404
    assert client.delete("/__admin/faults").status_code == 204
    assert client.get("/__admin/faults").get_json()["faults"] == []


def test_reset_drops_api_rules_keeps_file_rules_and_restarts_the_draws(
    tmp_path: Path, clock: AdjustableClock
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps([{"operationId": "searchOrders", "status": 503, "probability": 0.5}])
    )
    client = create_app(Settings(faults_file=rules), clock=clock).test_client()
    headers = order_headers(
        client.get(
            "/oauth/oauth20/token",
            query_string={
                "grant_type": "client_credentials",
                "client_id": "a",
                "client_secret": "b",
            },
        ).get_json()["access_token"]
    )
    add_fault(client, operationId="createOrderV7", status=500)
    before = [
        client.get("/resellers/v6/orders/search", headers=headers).status_code for _ in range(12)
    ]
    client.post("/__admin/reset")
    listed = client.get("/__admin/faults").get_json()["faults"]
    assert [(r["operationId"], r["source"], r["fired"]) for r in listed] == [
        ("searchOrders", "file", 0)
    ]
    after = [
        client.get("/resellers/v6/orders/search", headers=headers).status_code for _ in range(12)
    ]
    assert before == after and 503 in before


def test_rules_from_a_file_at_start(tmp_path: Path, clock: AdjustableClock) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"operationId": "searchOrders", "status": 503}]}))
    client = create_app(Settings(faults_file=rules), clock=clock).test_client()
    listed = client.get("/__admin/faults").get_json()["faults"]
    assert [(r["operationId"], r["status"]) for r in listed] == [("searchOrders", 503)]
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).get_json()["access_token"]
    answer = client.get("/resellers/v6/orders/search", headers=order_headers(token))
    assert answer.status_code == 503


def test_the_operation_list_is_the_contracts() -> None:
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    ids = {
        op["operationId"]
        for path in document["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert ids == OPERATIONS


def test_faults_reach_the_hot_routes_and_the_sandbox_token_call(
    client: FlaskClient, headers: dict[str, str], place: Callable[..., str]
) -> None:
    number = place()  # no rule yet
    add_fault(client, operationId="getOrderDetails", status=500, times=1)
    add_fault(client, operationId="getAccessToken", status=503, times=1)
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 500
    token = client.get(
        "/sandbox/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert token.status_code == 503
    client.delete("/__admin/faults")
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
