"""Faults as a client of the real server sees them: `ingram-mock serve --faults`, status
faults over the wire, and the front's delays and timeouts (client timeouts bound every
wait). The connection kinds (reset, emptyResponse, ...): test_connection_faults_live.py."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_server.cli import main
from tests.conftest import CUSTOMER, new_order
from tests.live import LiveServer, add_fault, orders_stored, start_server

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    rules = tmp_path_factory.mktemp("faults") / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "rules": [
                    {"operationId": "searchOrders", "customerNumber": "20-999999", "status": 429}
                ]
            }
        )
    )
    live = start_server(["--faults", str(rules), "--seed", "3"])
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def headers(server: LiveServer) -> dict[str, str]:
    requests.post(f"{server.base_url}/__admin/reset", timeout=5).raise_for_status()
    return {
        "Authorization": f"Bearer {server.token()}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "live-faults-1",
    }


def test_rules_from_the_faults_file_apply_from_the_start(
    server: LiveServer, headers: dict[str, str]
) -> None:
    search = f"{server.base_url}/resellers/v6/orders/search"
    limited = requests.get(search, headers={**headers, "IM-CustomerNumber": "20-999999"}, timeout=5)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] and limited.headers["X-RateLimit-Remaining"] == "0"
    assert requests.get(search, headers=headers, timeout=5).status_code == 204
    listed = requests.get(f"{server.base_url}/__admin/faults", timeout=5).json()["faults"]
    assert [r["source"] for r in listed] == ["file"]


def test_after_commit_over_the_wire(server: LiveServer, headers: dict[str, str]) -> None:
    add_fault(server, operationId="createOrderV6", status=502, afterCommit=True, times=1)
    url = f"{server.base_url}/resellers/v6/orders"
    lost = requests.post(url, json=new_order(po="PO-LIVE-LOST"), headers=headers, timeout=5)
    assert lost.status_code == 502
    assert lost.json()["errors"][0]["type"] == "/errors/server-error"
    assert orders_stored(server) == 1


def test_a_bad_faults_file_fails_the_start_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps([{"operationId": "createOrderV6", "status": 200}]))
    assert main(["serve", "--faults", str(bad), "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "status" in error and str(bad) in error and len(error.strip().splitlines()) == 1
    missing = tmp_path / "absent.json"
    assert main(["serve", "--faults", str(missing), "--port", "0"]) == 2


# -- what only the front can do ---------------------------------------------------------


def test_a_delay_holds_one_answer_and_no_other(server: LiveServer, headers: dict[str, str]) -> None:
    add_fault(server, operationId="searchOrders", delayMs=1500, times=1)
    finished: dict[str, float] = {}

    def slow_search() -> None:
        answer = requests.get(
            f"{server.base_url}/resellers/v6/orders/search", headers=headers, timeout=10
        )
        finished["search"] = time.monotonic()
        finished["status"] = answer.status_code

    started = time.monotonic()
    worker = threading.Thread(target=slow_search)
    worker.start()
    time.sleep(0.2)  # let the delayed call arrive first
    health = requests.get(f"{server.base_url}/__admin/health", timeout=5)
    finished["health"] = time.monotonic()
    worker.join(10)
    assert health.status_code == 200
    assert finished["status"] == 204  # the real answer, late
    assert finished["health"] < finished["search"]
    assert finished["search"] - started >= 1.5


def test_timeout_outlasts_the_clients_patience(server: LiveServer, headers: dict[str, str]) -> None:
    add_fault(server, operationId="searchOrders", kind="timeout", times=1)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{server.base_url}/resellers/v6/orders/search", headers=headers, timeout=1)
    # The server goes on answering everyone else meanwhile.
    answer = requests.get(
        f"{server.base_url}/resellers/v6/orders/search", headers=headers, timeout=5
    )
    assert answer.status_code == 204
