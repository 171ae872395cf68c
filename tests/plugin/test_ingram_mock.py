"""`IngramMock` outside pytest, with the base install only, and its webhook receiver."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from mock_server.testing import WebhookReceiver
from mock_server.testing.webhooks import signature

# What a base install lacks: the harness and dev extras. Blocking them in the script's
# interpreter proves the context manager needs none of them (the server it starts is a
# separate process, which needs only the base dependencies).
NOT_INSTALLED = ("requests", "httpx", "schemathesis", "hypothesis", "xi", "pytest", "flask")

SCRIPT = """
import json, sys, urllib.request
for name in {blocked!r}:
    sys.modules[name] = None  # `import name` now fails
from mock_server.testing import IngramMock

with IngramMock() as mock:
    body = json.dumps({{"customerOrderNumber": "PO-1", "lines": [
        {{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}}]}}).encode()
    request = urllib.request.Request(
        mock.url + "/resellers/v6/orders", data=body, method="POST",
        headers={{**mock.headers(), "Content-Type": "application/json"}})
    with urllib.request.urlopen(request, timeout=5) as answer:
        number = json.load(answer)["orders"][0]["ingramOrderNumber"]
    mock.advance(4 * 3600)
    shipped = mock.webhooks.wait_for("im::order_shipped", order_number=number)
    mock.reset()
    print(json.dumps({{"url": mock.url, "number": number, "event": shipped.event_type,
                      "after_reset": len(mock.requests())}}))
print("stopped", file=sys.stderr)
"""


@pytest.mark.live
def test_the_context_manager_works_with_the_base_install_alone() -> None:
    script = SCRIPT.format(blocked=NOT_INSTALLED)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["url"].startswith("http://127.0.0.1:")
    assert result["event"] == "im::order_shipped"
    assert result["after_reset"] == 0
    assert done.stderr.strip() == "stopped"
    with pytest.raises(urllib.error.URLError):  # the server is gone with the block
        urllib.request.urlopen(result["url"] + "/__admin/health", timeout=2)


# -- the receiver on its own --------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    registered: list[tuple[str, str, str | None]] = []
    hook = WebhookReceiver("s3cret", lambda *args: registered.append(args))
    hook.start()
    yield hook
    hook.stop()


def post(url: str, body: dict[str, object], sig: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-hub-signature": sig},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def event(event_id: str, order: str = "20-AAAAA") -> dict[str, object]:
    return {
        "topic": "resellers/orders",
        "eventId": event_id,
        "resource": [
            {"eventType": "im::order_created", "orderNumber": order, "customerOrderNumber": "P"}
        ],
    }


def test_a_badly_signed_event_is_refused_and_kept_apart(receiver: WebhookReceiver) -> None:
    assert post(receiver.url, event("E1"), signature("another secret", "E1")) == 401
    assert post(receiver.url, event("E2"), signature("s3cret", "E2")) == 200
    assert [e.event_id for e in receiver.events] == ["E2"]
    assert [r["body"]["eventId"] for r in receiver.rejected] == ["E1"]
    with pytest.raises(AssertionError, match="1 badly signed"):
        receiver.wait_for("im::order_shipped", timeout=0.05)


def test_events_sent_before_a_reset_are_dropped(receiver: WebhookReceiver) -> None:
    old_url = receiver.url
    receiver.next_generation()
    assert receiver.url != old_url
    assert post(old_url, event("E1"), signature("s3cret", "E1")) == 200  # taken, dropped
    assert post(receiver.url, event("E2"), signature("s3cret", "E2")) == 200
    assert [e.event_id for e in receiver.events] == ["E2"]


def test_register_names_the_customer_in_the_url(receiver: WebhookReceiver) -> None:
    url = receiver.register("20-333333")
    assert post(url, event("E1"), signature("s3cret", "E1")) == 200
    assert receiver.events[0].registration == "20-333333"
    assert url.endswith("/20-333333")
