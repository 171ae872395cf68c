"""Shared fixtures: a fresh app per test with a frozen clock and a recording event sink."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from mock_server.app import create_app
from mock_server.clock import AdjustableClock, FrozenClock
from mock_server.config import Settings
from tests.fakes import RecordingSink

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CUSTOMER = "20-222222"
OTHER_CUSTOMER = "20-333333"


@pytest.fixture
def frozen() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def clock(frozen: FrozenClock) -> AdjustableClock:
    return AdjustableClock(frozen)


@pytest.fixture
def events() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def app(clock: AdjustableClock, events: RecordingSink) -> Flask:
    return create_app(Settings(), clock=clock, events=events)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def issue_token(client: FlaskClient) -> str:
    """A bearer token from the app's own token endpoint."""
    answer = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert answer.status_code == 200, answer.get_json()
    return str(answer.get_json()["access_token"])


@pytest.fixture
def token(client: FlaskClient) -> str:
    return issue_token(client)


def order_headers(token: str, customer: str = CUSTOMER, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": customer,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "test-correlation-1",
        **extra,
    }


@pytest.fixture
def headers(token: str) -> dict[str, str]:
    return order_headers(token)


def new_order(
    *, po: str = "PO-1", hold: bool = False, lines: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerOrderNumber": po,
        "lines": lines
        or [
            {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2},
        ],
    }
    if hold:
        body["additionalAttributes"] = [
            {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
        ]
    return body


@pytest.fixture
def place(client: FlaskClient, headers: dict[str, str]) -> Iterator[Any]:
    """Place an order and return its number: `place(hold=True)`."""

    def _place(**kwargs: Any) -> str:
        answer = client.post("/resellers/v6/orders", json=new_order(**kwargs), headers=headers)
        assert answer.status_code in (201, 207), answer.get_json()
        return str(answer.get_json()["orders"][0]["ingramOrderNumber"])

    yield _place
