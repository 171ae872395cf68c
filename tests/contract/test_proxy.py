"""`ingram-mock proxy` and `ingram-mock traffic compare`, run as a user runs them.

The proxy is transparent: the official SDK's order lifecycle gives the same answers through
it as against the mock directly, and no violation is seen. It catches a server that breaks
the schema and a client that sends wrong types, says which side broke the contract, and never
writes a token or a secret to disk. Traffic it records replays against a fresh mock as the
lifecycle of a new order, and a planted difference in shape is found.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from xi.sdk.resellers.api.accesstoken_api import AccesstokenApi
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.exceptions import ApiException
from xi.sdk.resellers.models import OrderModifyRequest, OrderModifyRequestLinesInner

from tests.clients.conftest import close, order_request, sdk_client
from tests.contract.broken import RecordsFoundAsString, app_and_token, serve
from tests.live import REPO, LiveServer, free_port, start_server

pytestmark = pytest.mark.live

CLIENT_ID = "proxy-client"
SECRET = "proxy-secret-Zq8w1"  # must never reach the disk
RUN_TIMEOUT = 60.0


@dataclass
class Proxy:
    base_url: str
    process: subprocess.Popen[str]

    def violations(self) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.base_url}/__admin/violations", timeout=5)
        answer.raise_for_status()
        return list(answer.json()["violations"])

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return self.process.returncode, output


def start_proxy(upstream: str, *args: str) -> Proxy:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_server.cli",
            "proxy",
            "--upstream",
            upstream,
            "--port",
            str(port),
            *args,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    proxy = Proxy(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited early:\n{proxy.stop()[1]}")
        try:
            if requests.get(f"{proxy.base_url}/__admin/health", timeout=0.5).ok:
                return proxy
        except requests.ConnectionError:
            time.sleep(0.05)
    proxy.stop()
    raise RuntimeError("proxy did not become ready in time")


@pytest.fixture
def mock() -> Iterator[LiveServer]:
    live = start_server(["--client-id", CLIENT_ID, "--client-secret", SECRET])
    try:
        yield live
    finally:
        live.stop()


def lifecycle(base_url: str) -> tuple[list[Any], str]:
    """The SDK drives one order through its life; returns what it saw, and its token."""
    api_client = sdk_client(base_url)
    try:
        token = (
            AccesstokenApi(api_client)
            .get_accesstoken(
                grant_type="client_credentials", client_id=CLIENT_ID, client_secret=SECRET
            )
            .access_token
        )
        assert token
        api_client.configuration.access_token = token
        orders = OrdersApi(api_client)
        who = {
            "im_customer_number": "20-222222",
            "im_country_code": "US",
            "im_correlation_id": "proxy-lifecycle-1",
        }
        created = orders.post_createorder_v6(
            order_create_request=order_request("PO-PROXY-1", [("2GZ200", 2)], hold=True), **who
        )
        number = created.orders[0].ingram_order_number
        seen: list[Any] = [created.orders[0].order_total, len(created.orders[0].lines or [])]
        details = orders.get_orderdetails_v6_1(ordernumber=number, **who)
        seen += [details.order_status, details.order_total]
        found = orders.get_resellers_v6_ordersearch(customer_order_number="PO-PROXY-1", **who)
        seen += [found.records_found, found.orders[0].ingram_order_number == number]
        changed = orders.put_ordermodify(
            order_number=number,
            order_modify_request=OrderModifyRequest(
                lines=[
                    OrderModifyRequestLinesInner(
                        customer_line_number="2",
                        ingram_part_number="4U0212",
                        add_update_delete_line="ADD",
                        quantity=1,
                    )
                ]
            ),
            **who,
        )
        seen += [changed.order_total]
        orders.put_ordermodify(
            order_number=number,
            order_modify_request=OrderModifyRequest(),
            action_code="release",
            **who,
        )
        seen += [orders.get_orderdetails_v6_1(ordernumber=number, **who).order_status]
        with pytest.raises(ApiException) as refused:
            orders.delete_ordercancel(order_number=number, **who)
        seen += [refused.value.status]
        return seen, token
    finally:
        close(api_client)


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_sdk_lifecycle_through_the_proxy_is_transparent_and_keeps_secrets(
    mock: LiveServer, tmp_path: Path
) -> None:
    direct, _ = lifecycle(mock.base_url)
    requests.post(f"{mock.base_url}/__admin/reset", timeout=5).raise_for_status()
    record, report = tmp_path / "traffic", tmp_path / "proxy.xml"
    proxy = start_proxy(
        mock.base_url, "--record", str(record), "--junit-xml", str(report), "--fail-on-violations"
    )
    try:
        through, token = lifecycle(proxy.base_url)
        violations = proxy.violations()
    finally:
        code, output = proxy.stop()
    assert through == direct
    assert direct[-1] == 405  # a released order cannot be cancelled
    assert violations == [], violations
    assert code == 0, output
    assert "0 client violation(s), 0 server violation(s)" in output
    # Everything the proxy wrote: the recorded exchanges and the JUnit report.
    files = _files_under(tmp_path)
    assert len([f for f in files if f.parent == record]) == 8, files
    assert report in files
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert token not in text and SECRET not in text, file
    assert token not in output and SECRET not in output


def test_proxy_catches_a_server_breaking_the_schema(tmp_path: Path) -> None:
    app, token = app_and_token()
    placed = app.test_client().post(
        "/resellers/v6/orders",
        json={
            "customerOrderNumber": "PO-FIND-ME",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "IM-CustomerNumber": "20-222222",
            "IM-CountryCode": "US",
            "IM-CorrelationID": "seed-1",
        },
    )
    assert placed.status_code == 201
    report = tmp_path / "proxy.xml"
    with serve(RecordsFoundAsString(app)) as upstream:
        proxy = start_proxy(upstream, "--junit-xml", str(report), "--fail-on-violations")
        try:
            answer = requests.get(
                f"{proxy.base_url}/resellers/v6/orders/search",
                params={"pageSize": 5},
                headers={
                    "Authorization": f"Bearer {token}",
                    "IM-CustomerNumber": "20-222222",
                    "IM-CountryCode": "US",
                    "IM-CorrelationID": "broken-1",
                },
                timeout=10,
            )
            violations = proxy.violations()
        finally:
            code, output = proxy.stop()
    assert answer.status_code == 200, answer.text
    assert [(v["side"], v["field"]) for v in violations] == [("server", "recordsFound")]
    assert code == 1, output
    failures = ET.parse(report).getroot().findall("testcase/failure")
    assert len(failures) == 1 and "recordsFound" in (failures[0].text or "")


def test_proxy_catches_a_client_sending_wrong_types(mock: LiveServer) -> None:
    token = mock.token(CLIENT_ID, SECRET)
    proxy = start_proxy(mock.base_url)
    try:
        answer = requests.post(
            f"{proxy.base_url}/resellers/v7/orders",
            json={
                "customerOrderNumber": "PO-TYPES",
                "lines": [
                    {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": "two"}
                ],
            },
            headers={
                "Authorization": f"Bearer {token}",
                "IM-CustomerNumber": "20-222222",
                "IM-CountryCode": "US",
                "IM-CorrelationID": "types-1",
            },
            timeout=10,
        )
        violations = proxy.violations()
    finally:
        code, output = proxy.stop()
    assert answer.status_code == 400  # the mock's own answer, passed through
    assert [(v["side"], v["operation"], v["field"]) for v in violations] == [
        ("client", "createOrderV7", "lines[0].quantity")
    ]
    assert code == 0  # without --fail-on-violations
    assert "1 client violation(s), 0 server violation(s)" in output
    assert token not in output


def _compare(directory: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mock_server.cli",
            "traffic",
            "compare",
            str(directory),
            "--base-url",
            base_url,
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            SECRET,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def test_recorded_traffic_replays_and_a_planted_difference_is_found(
    mock: LiveServer, tmp_path: Path
) -> None:
    record = tmp_path / "traffic"
    proxy = start_proxy(mock.base_url, "--record", str(record))
    try:
        lifecycle(proxy.base_url)
    finally:
        proxy.stop()
    # A fresh mock assigns new order numbers: the replay carries them (create -> modify ->
    # release -> cancel of the new order), so every answer has the recorded shape.
    fresh = start_server(["--client-id", CLIENT_ID, "--client-secret", SECRET])
    try:
        same = _compare(record, fresh.base_url)
    finally:
        fresh.stop()
    assert same.returncode == 0, same.stdout + same.stderr
    assert "every answer has the recorded shape" in same.stdout
    # The same traffic against a server whose search answers `recordsFound` as a string.
    app, _ = app_and_token(client_id=CLIENT_ID, client_secret=SECRET)
    with serve(RecordsFoundAsString(app)) as planted:
        different = _compare(record, planted)
    assert different.returncode == 1, different.stdout + different.stderr
    assert "body.recordsFound: number recorded, string now" in different.stdout
    assert different.stdout.count("difference") == 1 and "1 difference(s)" in different.stdout


def _admin_state(base_url: str) -> tuple[Any, Any]:
    """What a tool must leave as it found it: webhook registrations and fault rules."""
    hooks = requests.get(f"{base_url}/__admin/webhooks", timeout=5).json()
    faults = requests.get(f"{base_url}/__admin/faults", timeout=5).json()
    return hooks, faults


def test_proxy_and_traffic_say_the_targets_fault_rules_and_leave_its_state_alone(
    mock: LiveServer, tmp_path: Path
) -> None:
    hook = {"url": "http://127.0.0.1:9/theirs", "secret": "theirs", "customerNumber": "20-1"}
    assert requests.put(f"{mock.base_url}/__admin/webhooks", json=hook, timeout=5).ok
    # A rule that never fires here (no delivery goes to that receiver), but is active.
    rule = {"operationId": "webhookDelivery", "url": "http://127.0.0.1:9/x", "status": 500}
    assert requests.post(f"{mock.base_url}/__admin/faults", json=rule, timeout=5).ok
    before = _admin_state(mock.base_url)

    record = tmp_path / "traffic"
    proxy = start_proxy(mock.base_url, "--record", str(record))
    try:
        lifecycle(proxy.base_url)
    finally:
        code, output = proxy.stop()
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("ingram-mock proxy on ")
    assert lines[1].startswith(f"WARNING: {mock.base_url} has 1 active fault rule(s)"), output
    assert "webhookDelivery status 500" in lines[1]

    replayed = _compare(record, mock.base_url)
    assert replayed.returncode in (0, 1), replayed.stdout + replayed.stderr
    first = replayed.stdout.splitlines()[0]
    assert first.startswith(f"WARNING: {mock.base_url} has 1 active fault rule(s)")
    assert _admin_state(mock.base_url) == before
