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
from mock_server.config import Settings
from mock_server.domain.ports import OrderStore
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.store.memory import InMemoryOrderStore
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


# -- the store behind the app: in memory, or shared in Redis (issue 14) ------------------
# A module marked `pytest.mark.stores` runs each test that reaches the store once per
# backend; every other test uses the in-memory default.

STORES = ("memory", "redis")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("stores"):
        metafunc.parametrize("store_kind", STORES, indirect=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    from tests.redis_support import RedisMissing, redis_server

    try:
        with redis_server() as url:
            yield url
    except RedisMissing as why:
        pytest.skip(f"no Redis for the shared-store tests: {why}")


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def store_settings(store_kind: str, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings naming the store: a fresh Redis namespace per test, dropped afterwards."""
    if store_kind == "memory":
        yield Settings()
        return
    from tests.redis_support import drop_namespace, fresh_namespace

    url = request.getfixturevalue("redis_url")
    namespace = fresh_namespace()
    yield Settings(store=url, store_namespace=namespace)
    drop_namespace(url, namespace)


@pytest.fixture
def store(store_settings: Settings) -> OrderStore:
    """A bare OrderStore of the chosen kind (domain-level tests)."""
    if store_settings.store == "memory":
        return InMemoryOrderStore()
    from mock_server.store.connection import connect
    from mock_server.store.redis import RedisOrderStore

    return RedisOrderStore(connect(store_settings.store), store_settings.store_namespace)


@pytest.fixture
def app(clock: AdjustableClock, events: RecordingSink, store_settings: Settings) -> Flask:
    return create_app(store_settings, clock=clock, events=events)


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
