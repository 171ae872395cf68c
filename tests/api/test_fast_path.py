"""The fast path (http/fast.py) answers exactly what Flask answers, or leaves it to Flask.

Two apps with the same frozen clock run the same requests, one with the fast path on and
one with it off: every answer (status, headers that matter, body) and the request journal
must agree. Error ids carry a random part and are left out of the comparison."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.http.fast import FAST_PATH_KEY
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import issue_token, new_order, order_headers


def _app(fast: bool, **settings: Any) -> Flask:
    app = create_app(Settings(**settings), clock=AdjustableClock(FrozenClock()))
    app.extensions[FAST_PATH_KEY].active = fast
    return app


def _scrub(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _scrub(v) for k, v in body.items() if k not in ("id", "traceid", "at")}
    if isinstance(body, list):
        return [_scrub(v) for v in body]
    return body


def _exchange(client: FlaskClient, token: str) -> list[tuple[Any, ...]]:
    headers = order_headers(token, **{"IM-SenderID": "sender-7"})
    answers = []
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/resellers/v6/orders", {"json": new_order(po="A")}),
        ("POST", "/sandbox/resellers/v6/orders", {"json": new_order(po="B", hold=True)}),
        ("POST", "/resellers/v6/orders", {"json": new_order(po="A")}),  # duplicate PO: 400
        ("POST", "/resellers/v6/orders", {"json": {**new_order(po="C"), "colour": "red"}}),
        ("POST", "/resellers/v6/orders", {"json": new_order(po="D", lines=[
            {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1},
            {"customerLineNumber": "2", "ingramPartNumber": "NOPE", "quantity": 1},
        ])}),  # 207
        ("POST", "/resellers/v6/orders", {"data": b"{not", "content_type": "application/json"}),
        ("POST", "/resellers/v6/orders", {"data": b"{}", "content_type": "text/plain"}),
        # a warehouse the region lacks: served, and recorded as ignored (Flask's to record)
        ("POST", "/resellers/v6/orders", {"json": {**new_order(po="F"), "additionalAttributes": [
            {"attributeName": "shipFromWarehouseId", "attributeValue": "99"}]}}),
    ]
    for method, path, kwargs in requests:
        answer = client.open(path, method=method, headers=headers, **kwargs)
        answers.append(_answer(answer))
    number = client.post("/resellers/v6/orders", json=new_order(po="E"), headers=headers)
    order = number.get_json()["orders"][0]["ingramOrderNumber"]
    for path in (
        f"/resellers/v6.1/orders/{order}",
        f"/sandbox/resellers/v6.1/orders/{order}",
        f"/resellers/v6.1/orders/{order}?simulateStatus=IM::SHIPPED",
        "/resellers/v6.1/orders/20-ZZZZZ",
        "/resellers/v6.1/orders/bad number!",
    ):
        answers.append(_answer(client.get(path, headers=headers)))
    answers.append(_answer(client.get(f"/resellers/v6.1/orders/{order}")))  # no token: 401
    journal = client.get("/__admin/requests").get_json()["requests"]
    answers.append(tuple((e["method"], e["path"], e["status"]) for e in journal))
    violations = client.get("/__admin/violations").get_json()["violations"]
    answers.append(tuple((v["operation"], v["field"], v["refused"]) for v in violations))
    return answers


def _answer(answer: Any) -> tuple[Any, ...]:
    kept = (
        "Content-Type",
        "IM-CorrelationID",
        "IM-SenderID",
        "IM-CountryCode",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
    )
    headers = [(name, answer.headers.get(name)) for name in kept]
    if headers[1][1] != "test-correlation-1":  # none was sent: a fresh random one
        headers[1] = ("IM-CorrelationID", bool(headers[1][1]))
    body = answer.get_json(silent=True)
    content = _scrub(body) if body is not None else answer.get_data()
    return answer.status_code, tuple(headers), content


@pytest.mark.parametrize("strict", [False, True])
def test_the_fast_path_answers_as_flask_does(strict: bool) -> None:
    runs = []
    for fast in (True, False):
        client = _app(fast, strict=strict).test_client()
        runs.append(_exchange(client, issue_token(client)))
    fast_run, flask_run = runs
    assert len(fast_run) == len(flask_run)
    for fast_answer, flask_answer in zip(fast_run, flask_run, strict=True):
        assert fast_answer == flask_answer
    statuses = [a[0] for a in fast_run[:-2]]
    assert fast_run[-1], "the exchange records no violation: it tests too little"
    assert {201, 207, 400, 404, 415, 200, 401} <= set(statuses)


def test_the_fast_path_serves_the_hot_routes() -> None:
    """It is not just falling through: a Flask hook never sees a successful create/read."""
    app = _app(True)
    seen: list[str] = []
    app.before_request(lambda: seen.append(__import__("flask").request.path) and None)
    client = app.test_client()
    headers = order_headers(issue_token(client))
    created = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert created.status_code == 201
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    assert seen == ["/oauth/oauth20/token"]


def test_an_unexpected_failure_on_the_fast_path_is_flasks_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mock_server.http import fast

    def broken(*args: Any) -> Any:
        raise RuntimeError("parser bug")

    client = _app(True).test_client()
    headers = order_headers(issue_token(client))
    monkeypatch.setattr(fast, "parse_create", broken)
    monkeypatch.setattr("mock_server.http.orders.parse_create", broken)
    answer = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert answer.status_code == 500
    assert answer.get_json()["errors"][0]["type"] == "/errors/server-error"
    assert client.get("/__admin/health").get_json()["orders"] == 0


def test_a_bound_token_is_held_to_its_customer_on_the_fast_path_too() -> None:
    for fast in (True, False):
        app = create_app(Settings(clients=("shop:pw:20-111111",)))
        app.extensions[FAST_PATH_KEY].active = fast
        client = app.test_client()
        token = client.get(
            "/oauth/oauth20/token",
            query_string={"grant_type": "client_credentials", "client_id": "shop",
                          "client_secret": "pw"},
        ).get_json()["access_token"]
        other = order_headers(token, customer="20-222222")
        answer = client.post("/resellers/v6/orders", json=new_order(), headers=other)
        assert answer.status_code == 500, fast  # the real API's "Invalid customer number"
        assert client.get("/__admin/health").get_json()["orders"] == 0
        own = order_headers(token, customer="20-111111")
        created = client.post("/resellers/v6/orders", json=new_order(), headers=own)
        assert created.status_code == 201
        number = created.get_json()["orders"][0]["ingramOrderNumber"]
        assert client.get(f"/resellers/v6.1/orders/{number}", headers=other).status_code == 500


@pytest.mark.parametrize("fast", [True, False])
def test_the_gateway_holds_on_the_fast_path_too(fast: bool) -> None:
    """Rate-limit headers, an enforced limit counted once per call, and a maintenance
    window apply to the hot routes whichever layer answers them."""
    app = _app(fast, rate_limit="3")
    client = app.test_client()
    headers = order_headers(issue_token(client))
    created = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert created.status_code == 201
    assert created.headers["X-RateLimit-Limit"] == "3"
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    details = f"/resellers/v6.1/orders/{number}"
    remaining = [client.get(details, headers=headers) for _ in range(4)]
    assert [a.status_code for a in remaining] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in remaining[:3]] == ["2", "1", "0"]
    assert remaining[3].headers["Retry-After"]
    app.extensions["ingram_mock"].control.begin_maintenance()
    during = client.post("/resellers/v6/orders", json=new_order(po="PO-M"), headers=headers)
    assert during.status_code == 500
    assert during.get_json()["errors"][0]["type"] == "/errors/server-error"
