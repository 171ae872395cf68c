"""Holding a client to the contract: a deliberately wrong client is caught."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from tests.conftest import issue_token, new_order
from tests.live import start_server


def _client(strict: bool) -> tuple[FlaskClient, dict[str, str]]:
    client = create_app(Settings(strict=strict)).test_client()
    token = issue_token(client)
    headers = {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": "20-222222",
        "IM-CountryCode": "US",
        "IM-CorrelationID": "wrong-client-1",
    }
    return client, headers


def _violations(client: FlaskClient) -> list[dict[str, Any]]:
    body = client.get("/__admin/violations").get_json()
    assert body["total"] == len(body["violations"])
    return list(body["violations"])


def test_lenient_mode_serves_unknown_fields_and_records_them() -> None:
    client, headers = _client(strict=False)
    body = {**new_order(), "colour": "red"}
    body["lines"][0]["discount"] = 5
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 201
    recorded = _violations(client)
    assert {(v["operation"], v["field"], v["refused"]) for v in recorded} == {
        ("createOrderV6", "colour", False),
        ("createOrderV6", "lines[0].discount", False),
    }
    assert all(v["correlation_id"] == "wrong-client-1" for v in recorded)


def test_strict_mode_refuses_unknown_fields_naming_them() -> None:
    client, headers = _client(strict=True)
    answer = client.post(
        "/resellers/v6/orders", json={**new_order(), "colour": "red"}, headers=headers
    )
    assert answer.status_code == 400
    assert [f["field"] for f in answer.get_json()["errors"][0]["fields"]] == ["colour"]
    assert [v["refused"] for v in _violations(client)] == [True]


@pytest.mark.parametrize("strict", [False, True])
def test_wrong_types_and_missing_headers_are_refused_and_recorded(strict: bool) -> None:
    client, headers = _client(strict=strict)
    wrong_type = {"customerOrderNumber": "A", "lines": [{"ingramPartNumber": 42, "quantity": "2"}]}
    assert client.post("/resellers/v6/orders", json=wrong_type, headers=headers).status_code == 400
    no_country = {k: v for k, v in headers.items() if k != "IM-CountryCode"}
    assert client.get("/resellers/v6/orders/search", headers=no_country).status_code == 400
    fields = {(v["operation"], v["location"], v["field"]) for v in _violations(client)}
    assert fields == {
        ("createOrderV6", "body", "lines[0].ingramPartNumber"),
        ("createOrderV6", "body", "lines[0].quantity"),
        ("searchOrders", "header", "IM-CountryCode"),
    }
    assert client.delete("/__admin/violations").status_code == 204
    assert _violations(client) == []


def test_a_well_behaved_client_records_nothing() -> None:
    client, headers = _client(strict=True)
    assert client.post("/resellers/v6/orders", json=new_order(), headers=headers).status_code == 201
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 200
    assert _violations(client) == []


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": "20-222222",
        "IM-CountryCode": "US",
        "IM-CorrelationID": "live-1",
    }


def test_fail_on_violations_exits_non_zero_at_shutdown() -> None:
    server = start_server(["--fail-on-violations"])
    try:
        headers = _headers(server.token())
        body = {**new_order(), "giftWrap": True}
        answer = requests.post(
            f"{server.base_url}/resellers/v6/orders", json=body, headers=headers, timeout=5
        )
        assert answer.status_code == 201  # lenient: served
        # A routine reset between a partner's tests must not hide the breach.
        requests.post(f"{server.base_url}/__admin/reset", timeout=5)
    finally:
        code, output = server.stop()
    assert code == 1, output
    assert "createOrderV6: giftWrap: Unknown field" in output


def test_fail_on_violations_exits_zero_for_a_clean_client() -> None:
    server = start_server(["--fail-on-violations"])
    try:
        headers = _headers(server.token())
        answer = requests.post(
            f"{server.base_url}/resellers/v6/orders", json=new_order(), headers=headers, timeout=5
        )
        assert answer.status_code == 201
    finally:
        code, output = server.stop()
    assert code == 0, output
    assert "no contract violations recorded" in output
