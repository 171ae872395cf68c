"""How webhook delivery copes with bad receivers (issue 9, defect 3): each attempt has one
overall deadline, each receiver has its own queue and worker (a slow one delays nobody
else), events to one receiver keep their order, and retry pacing is configurable.

Slow receivers are real loopback sockets (tests/receiver.py) that answer a byte at a
time or never; ordering is observed through the recording sender (tests/fakes.py).
Every wait is bounded; no assertion is on a wall-clock figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.bootstrap import MockServices, build_services
from mock_server.cli import main, serve_settings
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.webhooks import Delivery, HttpSender, RetryPolicy, Sender
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, new_order, order_headers
from tests.fakes import RecordingSender
from tests.receiver import Receiver, StallingReceiver

CREATED = "im::order_created"
ON_HOLD = "im::order_hold"


@dataclass
class Mock:
    client: FlaskClient
    services: MockServices
    token: str

    def register(self, url: str, customer: str | None = None) -> None:
        body: dict[str, Any] = {"url": url, "secret": "s"}
        if customer is not None:
            body["customerNumber"] = customer
        assert self.client.put("/__admin/webhooks", json=body).status_code == 200

    def create(self, customer: str = CUSTOMER, **order: Any) -> str:
        answer = self.client.post(
            "/resellers/v6/orders",
            json=new_order(**order),
            headers=order_headers(self.token, customer),
        )
        assert answer.status_code in (201, 207), answer.get_json()
        return str(answer.get_json()["orders"][0]["ingramOrderNumber"])

    def deliveries(self, url: str) -> list[Delivery]:
        return [d for d in self.services.webhooks.deliveries() if d.url == url]


@contextmanager
def mock_with(policy: RetryPolicy, sender: Sender | None = None) -> Iterator[Mock]:
    clock = AdjustableClock(FrozenClock())
    settings = Settings()
    services = build_services(settings, clock=clock, webhook_sender=sender, retry_policy=policy)
    client = create_app(settings, clock=clock, services=services).test_client()
    yield Mock(client, services, issue_token(client))
    services.webhooks.clear_registrations()
    services.webhooks.reset()


# -- one attempt, one deadline ------------------------------------------------------------


def test_the_sender_gives_a_hanging_receiver_only_the_attempts_deadline() -> None:
    with StallingReceiver(drip=None) as hanging:
        with pytest.raises(TimeoutError, match=r"deadline of 0\.3 s passed waiting for the answer"):
            HttpSender().send(hanging.url, b"{}", {"Content-Type": "application/json"}, 0.3)
        hanging.wait_for(1, "cut")  # it saw the sender hang up on it
        assert hanging.requests == 1


def test_an_attempt_against_a_dripping_receiver_is_cut_at_its_total_deadline() -> None:
    # Each byte comes well within the deadline, so a per-read timeout would never fire; the
    # full answer would take 19 s. Two attempts of 1 s each must both be cut.
    policy = RetryPolicy(max_attempts=2, first_backoff=0.01, max_backoff=0.01, timeout=1.0)
    with mock_with(policy) as mock, StallingReceiver(drip=0.5) as dripping:
        mock.register(dripping.url)
        number = mock.create(po="PO-DRIP")
        assert mock.services.webhooks.flush(10.0), "the attempts were not cut at their deadline"
        dripping.wait_for(2, "cut")
        assert dripping.answered == 0

        (delivery,) = mock.deliveries(dripping.url)
        assert delivery.order_number == number
        assert delivery.state == "dead"
        assert len(delivery.attempts) == 2
        for attempt in delivery.attempts:
            assert attempt.status is None
            assert attempt.error.startswith("TimeoutError: attempt deadline of 1 s passed"), attempt


# -- receivers do not wait for each other --------------------------------------------------


def test_slow_receivers_of_one_customer_do_not_delay_another_customers_events() -> None:
    policy = RetryPolicy(max_attempts=1, timeout=10.0)  # far longer than this test runs
    with (
        mock_with(policy) as mock,
        StallingReceiver(drip=0.5) as dripping,
        StallingReceiver(drip=None) as hanging,
        Receiver() as fast,
    ):
        mock.register(dripping.url, CUSTOMER)
        mock.create(CUSTOMER, po="PO-A-1")
        dripping.wait_for(1)  # customer A's first event is in flight at the dripping receiver
        mock.register(hanging.url, CUSTOMER)
        mock.create(CUSTOMER, po="PO-A-2")
        hanging.wait_for(1)  # ... and its second at the hanging one
        mock.register(fast.url, OTHER_CUSTOMER)
        other = mock.create(OTHER_CUSTOMER, po="PO-B-1")

        (received,) = fast.wait_for(1)
        assert received.json()["resource"][0]["orderNumber"] == other
        assert received.answered == 200
        # B's event arrived while both of A's attempts were still waiting for an answer.
        for slow in (dripping.url, hanging.url):
            (pending,) = mock.deliveries(slow)
            assert pending.state == "pending" and pending.attempts == []
        assert dripping.answered == 0 and hanging.answered == 0


# -- one receiver, one order --------------------------------------------------------------


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def fast_mock(sender: RecordingSender) -> Iterator[Mock]:
    with mock_with(RetryPolicy(max_attempts=3, first_backoff=0.01, max_backoff=0.02), sender) as m:
        yield m


def test_events_to_one_receiver_keep_their_order_across_retries(
    fast_mock: Mock, sender: RecordingSender
) -> None:
    flaky = sender.endpoint("http://flaky.test/hooks", fail_first=2)
    fast_mock.register(flaky.url)
    fast_mock.create(po="PO-ORDER", hold=True)  # created, then on hold
    assert fast_mock.services.webhooks.flush(5.0)

    # The second event waits until the first is through, however many attempts it takes.
    assert [(r.event_type, r.answered) for r in flaky.received] == [
        (CREATED, 500),
        (CREATED, 500),
        (CREATED, 200),
        (ON_HOLD, 200),
    ]


def test_a_dead_letter_lets_the_next_event_to_its_receiver_go(
    fast_mock: Mock, sender: RecordingSender
) -> None:
    down = sender.endpoint("http://down.test/hooks", fail_first=3, fail_status=503)
    fast_mock.register(down.url)
    fast_mock.create(po="PO-DOWN", hold=True)
    assert fast_mock.services.webhooks.flush(5.0)

    assert [(r.event_type, r.answered) for r in down.received] == [
        (CREATED, 503),
        (CREATED, 503),
        (CREATED, 503),
        (ON_HOLD, 200),
    ]
    states = {d.event_type: d.state for d in fast_mock.deliveries(down.url)}
    assert states == {CREATED: "dead", ON_HOLD: "delivered"}


# -- retry pacing is configuration --------------------------------------------------------


def test_retry_pacing_comes_from_environment_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"INGRAM_MOCK_WEBHOOK_ATTEMPTS": "3", "INGRAM_MOCK_WEBHOOK_TIMEOUT": "0.25"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from_environment = serve_settings()
    assert (from_environment.webhook_attempts, from_environment.webhook_timeout) == (3, 0.25)

    settings = serve_settings(  # flags win over the environment
        ["--webhook-backoff", "0.05", "--webhook-max-backoff", "0.2", "--webhook-attempts", "2"]
    )
    services = build_services(settings)
    assert services.webhooks.policy == RetryPolicy(
        max_attempts=2, first_backoff=0.05, max_backoff=0.2, timeout=0.25
    )
    assert build_services(Settings()).webhooks.policy == RetryPolicy()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhook-attempts", "0"),
        ("webhook-timeout", "0"),
        ("webhook-backoff", "-1"),
        ("webhook-max-backoff", "nan"),
    ],
)
def test_nonsense_retry_pacing_is_refused_at_start_from_a_flag_or_a_variable(
    name: str, value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["serve", "--port", "0", f"--{name}", value]) == 2
    assert f"--{name}: " in capsys.readouterr().err
    variable = "INGRAM_MOCK_" + name.upper().replace("-", "_")
    monkeypatch.setenv(variable, value)
    assert main(["serve", "--port", "0"]) == 2  # refused before anything is served
    error = capsys.readouterr().err
    assert f"{variable}: " in error and len(error.splitlines()) == 1
