"""`ingram-mock contract-test` as a user runs it: a subprocess against a server on a socket.

It must pass against `ingram-mock serve` as it starts by default (lenient, like the real API),
walk every link of the contract and write a JUnit report, and it must fail, naming the check
and giving a curl line, against a server that breaks the contract on purpose.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.contract.broken import (
    CUSTOMER_HEADERS,
    Breaches,
    RecordsFoundAsString,
    app_and_token,
    serve,
)
from tests.live import REPO, LiveServer, start_server

pytestmark = pytest.mark.live

RUN_TIMEOUT = 120.0  # seconds; a full run against the mock takes about 35
OPERATIONS = {
    "GET /oauth/oauth20/token",
    "POST /oauth/oauth20/token",
    "POST /resellers/v6/orders",
    "POST /resellers/v7/orders",
    "GET /resellers/v6.1/orders/{ordernumber}",
    "GET /resellers/v6/orders/search",
    "PUT /resellers/v6/orders/{orderNumber}",
    "DELETE /resellers/v6/orders/{OrderNumber}",
    "Stateful tests",
}


def contract_test(base_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mock_server.cli", "contract-test", "--base-url", base_url]
    return subprocess.run(
        [*command, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = start_server([])
    try:
        yield live
    finally:
        code, output = live.stop()
    assert code == 0 and "Traceback" not in output, output[-6000:]


def admin_state(base_url: str) -> tuple[Any, Any]:
    """What the suite must leave as it found it: webhook registrations and fault rules."""
    hooks = requests.get(f"{base_url}/__admin/webhooks", timeout=5).json()
    faults = requests.get(f"{base_url}/__admin/faults", timeout=5).json()
    return hooks, faults


def someone_elses_setup(base_url: str) -> tuple[Any, Any]:
    """A shared rehearsal mock as the suite may find it: a default receiver, another
    customer's, and an active fault rule (one that never fires during the run)."""
    for hook in (
        {"url": "http://127.0.0.1:9/default", "secret": "a"},
        {"url": "http://127.0.0.1:9/other", "secret": "b", "customerNumber": "20-999999"},
    ):
        assert requests.put(f"{base_url}/__admin/webhooks", json=hook, timeout=5).ok
    rule = {"operationId": "webhookDelivery", "url": "http://127.0.0.1:9/none", "status": 503}
    assert requests.post(f"{base_url}/__admin/faults", json=rule, timeout=5).ok
    return admin_state(base_url)


def test_passes_against_the_mock_and_writes_junit(server: LiveServer, tmp_path: Path) -> None:
    before = someone_elses_setup(server.base_url)
    report = tmp_path / "reports" / "contract.xml"
    done = contract_test(
        server.base_url, "--max-examples", "5", "--stateful-steps", "4", "--junit-xml", str(report)
    )
    output = done.stdout + done.stderr
    # The server is left exactly as it was found, and its fault rules are said at the top.
    assert admin_state(server.base_url) == before
    assert done.stdout.splitlines()[1].startswith(
        f"WARNING: {server.base_url} has 1 active fault rule(s)"
    ), output[:2000]
    assert report.is_file(), output
    names = {case.get("name") for case in ET.parse(report).getroot().iter("testcase")}
    assert names >= OPERATIONS, f"JUnit testcases: {sorted(filter(None, names))}"
    assert done.returncode == 0, output[output.find("FAILURES") :][:12000]
    # Every link of the contract and the v7 webhook hop, walked with usable data.
    assert "links walked with usable data: 15 / 15" in output, output[-6000:]
    assert "NOT WALKED" not in output, output[-6000:]
    # Plain progress lines for CI logs: one per phase and per operation.
    assert "[contract-test] phase fuzzing: started" in output
    assert "[contract-test] fuzzing: POST /resellers/v6/orders:" in output


def test_interrupted_it_still_removes_its_receiver_and_only_it(server: LiveServer) -> None:
    before = someone_elses_setup(server.base_url)
    command = [sys.executable, "-m", "mock_server.cli", "contract-test"]
    run = subprocess.Popen(
        [*command, "--base-url", server.base_url, "--max-examples", "5"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # the suite's own receiver, for its customer number, appears
            hooks = admin_state(server.base_url)[0]["registrations"]
            if any(h["customerNumber"] == "20-222222" for h in hooks):
                break
            assert run.poll() is None and time.monotonic() < deadline, "never registered"
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)  # Ctrl-C in the middle of the run
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode != 0, output[-3000:]
    assert admin_state(server.base_url) == before, output[-3000:]


def test_a_hop_it_cannot_walk_fails_the_run_or_is_skipped_on_purpose(server: LiveServer) -> None:
    own = {"url": "http://127.0.0.1:9/own", "secret": "c", "customerNumber": "20-222222"}
    assert requests.put(f"{server.base_url}/__admin/webhooks", json=own, timeout=5).ok
    before = admin_state(server.base_url)
    quick = ("--max-examples", "1", "--stateful-steps", "2", "--", "--phases", "stateful")
    done = contract_test(server.base_url, *quick)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-6000:]
    assert "LINK NOT WALKED: POST /resellers/v7/orders -> [200] (outcome webhook)" in output
    assert "20-222222 already has a webhook receiver" in output
    assert "links walked with usable data: 14 / 15" in output, output[-3000:]
    assert admin_state(server.base_url) == before  # the customer's receiver was not taken

    skipped = contract_test(server.base_url, "--skip-webhook-hop", *quick)
    output = skipped.stdout + skipped.stderr
    assert skipped.returncode == 0, output[-6000:]
    assert "SKIPPED    POST /resellers/v7/orders -> [200] (outcome webhook)" in output
    assert "links walked with usable data: 14 / 14 (1 skipped: --skip-webhook-hop)" in output
    assert admin_state(server.base_url) == before


@pytest.fixture
def broken_server() -> Iterator[str]:
    """A loopback server whose search breaks the contract; it holds one order to find."""
    app, token = app_and_token()
    placed = app.test_client().post(
        "/resellers/v6/orders",
        json={
            "customerOrderNumber": "PO-BROKEN-1",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "IM-CorrelationID": "seed-1",
            **CUSTOMER_HEADERS,
        },
    )
    assert placed.status_code == 201, placed.get_json()
    with serve(RecordsFoundAsString(app)) as base_url:
        yield base_url


def test_fails_against_a_server_that_breaks_the_contract(broken_server: str) -> None:
    done = contract_test(
        broken_server,
        "--max-examples",
        "5",
        "--",
        "--phases",
        "examples,fuzzing",
        "--include-operation-id",
        "searchOrders",
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-6000:]
    assert "Response violates schema" in output, output[-6000:]
    assert "recordsFound" in output, output[-6000:]
    assert "curl -X GET" in output and "/resellers/v6/orders/search" in output, output[-6000:]


@pytest.fixture
def breaching_server() -> Iterator[str]:
    app, token = app_and_token()
    with serve(Breaches(app, token)) as base_url:
        yield base_url


def test_catches_several_kinds_of_breach(breaching_server: str) -> None:
    done = contract_test(
        breaching_server, "--max-examples", "5", "--", "--phases", "examples,fuzzing,stateful"
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-6000:]
    summary = output[output.find("SUMMARY") :]
    for breach in (
        "ST101 Server error",  # search: 500
        "ST103 Undocumented status code",  # cancel: 418
        "ST107 Missing required response headers",  # details: no IM-CorrelationID
        "ST401 API accepts requests without authentication",  # served without a token
    ):
        assert breach in summary, summary[:6000]
    # The link walk could not walk the links into search and cancel.
    assert "LINK NOT WALKED" in output, output[-3000:]
