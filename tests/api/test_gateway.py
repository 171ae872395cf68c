"""The gateway around the order calls: rate-limit headers and refusals, maintenance windows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.app import create_app
from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.gateway.rate_limits import REAL_LIMIT, RateLimiter, RatePolicy
from mock_server.http.door import client_of
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.wire.errors import TOO_MANY_REQUESTS
from tests.conftest import issue_token, new_order, order_headers
from tests.fakes import Endpoint, RecordingSender
from tests.live import start_server
from tests.receiver import Receiver

START = 1_800_000_030.0  # wall-clock seconds, 30 s into a minute
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
SECRET = "gateway-secret"
ERRORS = load_contract().validator("ErrorResponse")


class WallClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@dataclass
class Mock:
    client: FlaskClient
    services: MockServices
    wall: WallClock
    hook: Endpoint
    token: str

    def headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        return order_headers(token or self.token, **extra)

    def details(self, number: str = "20-NOPE0", token: str | None = None) -> TestResponse:
        return self.client.get(f"/resellers/v6.1/orders/{number}", headers=self.headers(token))

    def search(self) -> TestResponse:
        return self.client.get("/resellers/v6/orders/search", headers=self.headers())

    def create(self, po: str) -> TestResponse:
        return self.client.post(
            "/resellers/v6/orders", json=new_order(po=po), headers=self.headers()
        )

    def create_v7(self, po: str) -> TestResponse:
        return self.client.post(
            "/resellers/v7/orders", json=new_order(po=po), headers=self.headers()
        )


def build(**settings: Any) -> Mock:
    config = Settings(**settings)
    clock = AdjustableClock(FrozenClock())
    sender = RecordingSender()
    services = build_services(config, clock=clock, webhook_sender=sender)
    wall = WallClock()
    # The same policy, on a wall clock the test moves.
    services.limits = services.control.limits = RateLimiter(services.limits.policy, wall)
    client = create_app(config, clock=clock, services=services).test_client()
    hook = sender.endpoint("http://partner.test/hook")
    client.put("/__admin/webhooks", json={"url": hook.url, "secret": SECRET})
    return Mock(client, services, wall, hook, issue_token(client))


@pytest.fixture
def counting() -> Iterator[Mock]:
    yield build()


@pytest.fixture
def real() -> Iterator[Mock]:
    yield build(rate_limit="real")


def rate(answer: TestResponse) -> tuple[int, int, int]:
    limit, remaining, reset = (int(answer.headers[name]) for name in RATE_HEADERS)
    return limit, remaining, reset


# -- rate limits ----------------------------------------------------------------------------


def test_every_order_answer_says_how_many_calls_are_left(counting: Mock) -> None:
    answers = {
        "details 404": counting.details(),
        "search 204": counting.search(),
        "create 201": counting.create("PO-RATE-1"),
        "create 400": counting.client.post(
            "/resellers/v6/orders", json={}, headers=counting.headers()
        ),
        "no token 401": counting.client.get("/resellers/v6/orders/search"),
        "sandbox 204": counting.client.get(
            "/sandbox/resellers/v6/orders/search", headers=counting.headers()
        ),
    }
    for name, answer in answers.items():
        limit, remaining, reset = rate(answer)
        assert limit == REAL_LIMIT, name
        # The first call of this client to its endpoint, but for the second create.
        assert remaining == REAL_LIMIT - (2 if name == "create 400" else 1), name
        assert reset == 1_800_000_060, name  # the end of the current minute, epoch seconds
    # The mock's own admin calls and the token call are not the API's order calls.
    assert "X-RateLimit-Limit" not in counting.client.get("/__admin/health").headers


def test_by_default_calls_are_counted_but_never_refused(counting: Mock) -> None:
    seen = [counting.details() for _ in range(REAL_LIMIT + 5)]
    assert {a.status_code for a in seen} == {404}
    assert [rate(a)[1] for a in seen[57:]] == [2, 1, 0, 0, 0, 0, 0, 0]


def test_real_policy_refuses_the_61st_get_of_a_minute(real: Mock) -> None:
    for n in range(REAL_LIMIT):
        answer = real.details()
        assert answer.status_code == 404, n
        assert rate(answer)[1] == REAL_LIMIT - 1 - n
    real.wall.now += 12.4
    refused = real.details()
    assert refused.status_code == 429
    assert refused.get_json() == {"errors": [{"field": None, "message": "too many requests"}]}
    assert refused.headers["Retry-After"] == "18"  # 17.6 s to the minute's end, rounded up
    assert rate(refused) == (REAL_LIMIT, 0, 1_800_000_060)
    assert refused.headers["IM-CorrelationID"]  # still an answer of the order API

    # Per endpoint, per client: other endpoints and other apps are not held back.
    assert real.search().status_code == 204
    other = real.client.get(
        "/oauth/oauth20/token",
        query_string={
            "grant_type": "client_credentials",
            "client_id": "other",
            "client_secret": "x",
        },
    ).get_json()["access_token"]
    assert real.details(token=other).status_code == 404
    # Only GET calls are limited.
    assert real.create("PO-RATE-POST").status_code == 201

    real.wall.now += 18  # the next minute
    again = real.details()
    assert again.status_code == 404
    assert rate(again) == (REAL_LIMIT, REAL_LIMIT - 1, 1_800_000_120)


def test_a_limit_of_n(counting: Mock) -> None:
    strict = build(rate_limit="3")
    assert [strict.details().status_code for _ in range(4)] == [404, 404, 404, 429]
    assert rate(strict.details())[0] == 3


def test_reset_clears_the_counters(real: Mock) -> None:
    for _ in range(REAL_LIMIT):
        real.details()
    assert real.details().status_code == 429
    real.client.post("/__admin/reset")
    assert real.details().status_code == 404


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("", RatePolicy(REAL_LIMIT, enforce=False)),
        ("count", RatePolicy(REAL_LIMIT, enforce=False)),
        ("REAL", RatePolicy(REAL_LIMIT, enforce=True)),
        ("250", RatePolicy(250, enforce=True)),
    ],
)
def test_rate_limit_settings(text: str, policy: RatePolicy) -> None:
    assert RatePolicy.parse(text) == policy


@pytest.mark.parametrize("text", ["0", "-5", "fast", "1.5"])
def test_bad_rate_limit_settings_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--rate-limit"):
        RatePolicy.parse(text)


def test_the_client_of_a_call_is_named_by_its_token() -> None:
    assert client_of("Bearer 1800000000.c2RrLWNsaWVudA.sig") == "c2RrLWNsaWVudA"
    assert client_of("Bearer opaque") == "opaque"
    assert client_of(None) == client_of("") == ""


# -- maintenance windows ----------------------------------------------------------------


def test_a_maintenance_window_fails_v6_and_queues_v7(counting: Mock) -> None:
    mock = counting
    assert mock.client.put("/__admin/maintenance").get_json()["inMaintenance"] is True

    down = mock.create("PO-MAINT-V6")
    assert down.status_code == 500
    body = down.get_json()
    assert body["errors"][0]["type"] == "/errors/server-error"
    assert not list(ERRORS.iter_errors(body))

    queued = mock.create_v7("PO-MAINT-V7")
    assert queued.status_code == 200  # confirmed at once, as ever
    confirmation = queued.get_json()["confirmationNumber"]
    assert mock.services.intake.drain() == 0  # it waits for the window's end
    assert mock.client.get("/__admin/maintenance").get_json() == {
        "inMaintenance": True,
        "waitingV7Submissions": 1,
    }
    assert mock.search().status_code == 204  # reads still work; nothing was created
    assert mock.hook.received == []

    ended = mock.client.delete("/__admin/maintenance").get_json()
    assert ended == {"inMaintenance": False, "releasedV7Submissions": 1}
    assert mock.services.intake.drain() == 1
    assert mock.services.webhooks.flush(5.0)
    (outcome,) = mock.hook.received
    resource = outcome.json()["resource"]
    assert resource["eventType"] == "im::async_order_create"
    assert resource["confirmationNumber"] == confirmation
    assert mock.create("PO-MAINT-V6").status_code == 201  # the system is back


def test_a_maintenance_window_checks_the_token_first() -> None:
    mock = build(maintenance=True)
    assert mock.client.get("/__admin/maintenance").get_json()["inMaintenance"] is True
    anonymous = mock.client.post("/resellers/v6/orders", json=new_order(po="PO-MAINT-401"))
    assert anonymous.status_code == 401
    assert mock.create("PO-MAINT-500").status_code == 500
    sandbox = mock.client.post(
        "/sandbox/resellers/v6/orders", json=new_order(po="PO-MAINT-SB"), headers=mock.headers()
    )
    assert sandbox.status_code == 500


# -- on a real server -----------------------------------------------------------------------


@pytest.mark.live
def test_a_served_mock_limits_and_keeps_a_window() -> None:
    """The served app, with its background intake: outcomes wait for the window's end."""
    with Receiver() as hook:
        server = start_server(
            ["--rate-limit", "2", "--maintenance", "--webhook-url", hook.url,
             "--webhook-secret", SECRET]
        )  # fmt: skip
        try:
            headers = order_headers(server.token())
            base = server.base_url
            with requests.Session() as session:
                details = f"{base}/resellers/v6.1/orders/20-NOPE0"
                seen = [session.get(details, headers=headers, timeout=5) for _ in range(3)]
                assert [a.status_code for a in seen] == [404, 404, 429]
                assert seen[2].json() == TOO_MANY_REQUESTS
                assert 1 <= int(seen[2].headers["Retry-After"]) <= 60
                assert seen[0].headers["X-RateLimit-Remaining"] == "1"

                orders = f"{base}/resellers/v6/orders"
                v6 = session.post(orders, json=new_order(po="PO-LIVE-6"), headers=headers)
                assert v6.status_code == 500
                v7 = session.post(
                    f"{base}/resellers/v7/orders", json=new_order(po="PO-LIVE-7"), headers=headers
                )
                assert v7.status_code == 200
                state = session.get(f"{base}/__admin/maintenance", timeout=5).json()
                assert state == {"inMaintenance": True, "waitingV7Submissions": 1}
                assert hook.received == []
                ended = session.delete(f"{base}/__admin/maintenance", timeout=5).json()
                assert ended["releasedV7Submissions"] == 1
                (outcome,) = hook.wait_for(1)
                assert outcome.json()["resource"]["confirmationNumber"] == (
                    v7.json()["confirmationNumber"]
                )
        finally:
            code, output = server.stop()
    assert code == 0, output
