"""Redis gone: a quick 503 in the API's error format, never a 500 or a hang; back by itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import issue_token, new_order, order_headers
from tests.redis_support import RedisMissing, RedisProcess


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A Redis of this test's own, with an append-only file so a restart keeps the data."""
    try:
        server = RedisProcess(appendonly=True)
        server.start()
    except RedisMissing as why:
        pytest.skip(f"no redis-server to stop and start: {why}")
    try:
        yield server
    finally:
        server.close()


def test_an_unreachable_redis_is_a_503_and_the_mock_recovers(
    own_redis: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(store=own_redis.url), clock=AdjustableClock(FrozenClock()))
    client: FlaskClient = app.test_client()
    headers = order_headers(issue_token(client))
    created = client.post("/resellers/v6/orders", json=new_order(po="before"), headers=headers)
    assert created.status_code == 201
    number = created.get_json()["orders"][0]["ingramOrderNumber"]

    own_redis.stop()
    with caplog.at_level(logging.ERROR, logger="mock_server.store.connection"):
        answers = [
            client.get(f"/resellers/v6.1/orders/{number}", headers=headers),
            client.post("/resellers/v6/orders", json=new_order(po="during"), headers=headers),
            client.get("/__admin/health"),
            client.post("/__admin/clock", json={"advanceSeconds": 60}),
        ]
    for answer in answers:
        assert answer.status_code == 503, answer.get_json()
        assert answer.headers["Retry-After"] == "1"
        error = answer.get_json()["errors"][0]
        assert error["type"] == "/errors/service-unavailable"
        assert "shared state" in error["message"]
    assert any("shared state unavailable" in r.getMessage() for r in caplog.records)

    own_redis.start()  # same port, same append-only file
    back = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["customerOrderNumber"] == "before"
    assert client.get("/__admin/health").get_json()["orders"] == 1  # "during" was not kept
