"""One door for every API request, whichever host hands it over.

Flask's test client reaches the door through the WSGI mount; `ingram-mock serve` through
the RSGI front. The same requests must get the same answers both ways (status, the headers
clients read, and the body's shape), and nothing of Flask's own routing may see an API or
token request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask, request

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import issue_token, new_order, order_headers
from tests.live import LiveServer, start_server

_KEPT = (
    "Content-Type",
    "IM-CorrelationID",
    "IM-SenderID",
    "IM-CountryCode",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "Allow",
)
_NUMBERED = ("ingramOrderNumber", "subOrderNumber", "id", "traceid", "at")


def _app(**settings: Any) -> Flask:
    return create_app(Settings(**settings), clock=AdjustableClock(FrozenClock()))


def _shape(body: Any) -> Any:
    """A body's keys and value types, recursively: what a client's model reads."""
    if isinstance(body, dict):
        return {k: _shape(v) for k, v in body.items() if k not in _NUMBERED}
    if isinstance(body, list):
        return [_shape(v) for v in body]
    return type(body).__name__


def _exchange(send: Any, token: str) -> list[tuple[Any, ...]]:
    """The same requests, in order, through `send(method, path, **requests-style kwargs)`."""
    headers = order_headers(token, **{"IM-SenderID": "sender-7"})
    answers = []
    requests_sent: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/resellers/v6/orders", {"json": new_order(po="A")}),
        ("POST", "/sandbox/resellers/v6/orders", {"json": new_order(po="B", hold=True)}),
        ("POST", "/resellers/v6/orders", {"json": new_order(po="A")}),  # duplicate PO: 400
        ("POST", "/resellers/v6/orders", {"json": {**new_order(po="C"), "colour": "red"}}),
        ("POST", "/resellers/v6/orders", {"json": new_order(po="D", lines=[
            {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1},
            {"customerLineNumber": "2", "ingramPartNumber": "NOPE", "quantity": 1},
        ])}),  # 207
        ("POST", "/resellers/v6/orders", {"data": b"{not", "ctype": "application/json"}),
        ("POST", "/resellers/v6/orders", {"data": b"{}", "ctype": "text/plain"}),
        ("POST", "/resellers/v6/orders", {"json": {**new_order(po="F"), "additionalAttributes": [
            {"attributeName": "shipFromWarehouseId", "attributeValue": "99"}]}}),
        ("POST", "/resellers/v7/orders", {"json": {**new_order(po="G"), "lines": "x"}}),
        ("GET", "/resellers/v6/orders/search", {"params": {"customerOrderNumber": "A"}}),
        ("GET", "/resellers/v6/orders/search", {"params": {"customerOrderNumber": "ZZZ"}}),
        ("PATCH", "/resellers/v6/orders/20-ABCDE", {}),
        ("GET", "/resellers/v9/nothing", {}),
        ("OPTIONS", "/resellers/v6/orders/search", {}),
    ]  # fmt: skip
    for method, path, kwargs in requests_sent:
        answers.append(_answer(send(method, path, headers=headers, **kwargs)))
    created = send("POST", "/resellers/v6/orders", headers=headers, json=new_order(po="E"))
    number = created.json()["orders"][0]["ingramOrderNumber"]
    for path in (
        f"/resellers/v6.1/orders/{number}",
        f"/sandbox/resellers/v6.1/orders/{number}",
        f"/resellers/v6.1/orders/{number}?simulateStatus=IM::SHIPPED",
        "/resellers/v6.1/orders/20-ZZZZZ",
        "/resellers/v6.1/orders/bad number!",
    ):
        answers.append(_answer(send("GET", path, headers=headers)))
    answers.append(_answer(send("GET", f"/resellers/v6.1/orders/{number}")))  # no token: 401
    answers.append(_answer(send("DELETE", f"/resellers/v6/orders/{number}", headers=headers)))
    return answers


def _answer(answer: Any) -> tuple[Any, ...]:
    headers = [(name, answer.headers.get(name)) for name in _KEPT]
    if headers[1][1] != "test-correlation-1":  # none was sent: a fresh random one
        headers[1] = ("IM-CorrelationID", bool(headers[1][1]))
    try:
        body = _shape(answer.json())
    except ValueError:
        body = answer.content
    return answer.status_code, tuple(headers), body


class _TestClientAnswer:
    """The Flask test client's answer, read the way `requests` reads a live one."""

    def __init__(self, answer: Any) -> None:
        self.status_code = answer.status_code
        self.headers = answer.headers
        self.content = answer.get_data()

    def json(self) -> Any:
        import json

        return json.loads(self.content)


@pytest.fixture(params=[False, True], ids=["lenient", "strict"])
def live(request: pytest.FixtureRequest) -> Iterator[tuple[LiveServer, bool]]:
    strict = bool(request.param)
    server = start_server(["--strict"] if strict else [])
    try:
        yield server, strict
    finally:
        server.stop()


@pytest.mark.live
def test_both_hosts_answer_alike(live: tuple[LiveServer, bool]) -> None:
    server, strict = live
    client = _app(strict=strict).test_client()

    def in_process(method: str, path: str, **kwargs: Any) -> _TestClientAnswer:
        path, _, query = path.partition("?")
        if "ctype" in kwargs:
            kwargs["content_type"] = kwargs.pop("ctype")
        return _TestClientAnswer(
            client.open(path, method=method, query_string=kwargs.pop("params", query), **kwargs)
        )

    def over_http(method: str, path: str, **kwargs: Any) -> requests.Response:
        if "ctype" in kwargs:
            kwargs["headers"] = {**kwargs["headers"], "Content-Type": kwargs.pop("ctype")}
        return requests.request(method, server.base_url + path, timeout=10, **kwargs)

    here = _exchange(in_process, issue_token(client))
    there = _exchange(over_http, server.token())
    assert len(here) == len(there)
    for mine, theirs in zip(here, there, strict=True):
        assert mine == theirs
    statuses = {a[0] for a in here}
    assert {200, 201, 204, 207, 400, 401, 404, 405, 415} <= statuses


def test_flask_never_sees_an_api_or_token_request() -> None:
    app = _app()
    seen: list[str] = []
    app.before_request(lambda: seen.append(request.path) and None)
    client = app.test_client()
    headers = order_headers(issue_token(client))
    created = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert created.status_code == 201
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    assert client.get("/resellers/v9/nothing", headers=headers).status_code == 404
    assert client.get("/__admin/health").status_code == 200
    assert seen == ["/__admin/health"]


def test_an_unexpected_failure_is_a_500_in_the_api_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("parser bug")

    client = _app().test_client()
    headers = order_headers(issue_token(client))
    monkeypatch.setattr("mock_server.http.operations.parse_create", broken)
    answer = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert answer.status_code == 500
    assert answer.get_json()["errors"][0]["type"] == "/errors/server-error"
    assert answer.headers["IM-CorrelationID"] == "test-correlation-1"
    v7 = client.post("/resellers/v7/orders", json=new_order(), headers=headers)
    assert v7.status_code == 500 and v7.get_json()["type"] == "/errors/server-error"
    assert client.get("/__admin/health").get_json()["orders"] == 0


def test_a_bound_token_is_held_to_its_customer() -> None:
    client = create_app(Settings(clients=("shop:pw:20-111111",))).test_client()
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "shop",
                      "client_secret": "pw"},
    ).get_json()["access_token"]
    other = order_headers(token, customer="20-222222")
    answer = client.post("/resellers/v6/orders", json=new_order(), headers=other)
    assert answer.status_code == 500  # the real API's "Invalid customer number"
    assert client.get("/__admin/health").get_json()["orders"] == 0
    own = order_headers(token, customer="20-111111")
    created = client.post("/resellers/v6/orders", json=new_order(), headers=own)
    assert created.status_code == 201
    number = created.get_json()["orders"][0]["ingramOrderNumber"]
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=other).status_code == 500


def test_the_gateway_holds_on_every_route() -> None:
    """Rate-limit headers, an enforced limit counted once per call, and a maintenance
    window."""
    app = _app(rate_limit="3")
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
