"""Several `ingram-mock serve --store redis://` processes answer as one mock.

Each test starts real server processes on loopback ports, all on one Redis namespace, and
talks to them over HTTP as clients behind a load balancer would. Bounded: a handful of
processes, a few dozen requests, waits with deadlines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import new_order, order_headers
from tests.live import LiveServer, start_server
from tests.receiver import Receiver
from tests.redis_support import drop_namespace, fresh_namespace

pytestmark = pytest.mark.live
SHIPPED = "im::order_shipped"


class Cluster:
    def __init__(self, url: str, namespace: str) -> None:
        self.url = url
        self.namespace = namespace
        self.servers: list[LiveServer] = []

    def start(self, *args: str, **env: str) -> LiveServer:
        server = start_server(
            ["--store", self.url, *args],
            env={"INGRAM_MOCK_STORE_NAMESPACE": self.namespace, **env},
        )
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in self.servers:
            stop_tree(server)


def _workers(server: LiveServer) -> list[int]:
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in children.read_text().split()]
    except OSError:
        return []


def stop_tree(server: LiveServer, timeout: float = 20.0) -> None:
    """Ctrl-C the server; if it has not stopped in time, SIGKILL its workers and itself by
    PID (a worker left behind would hold the output pipe open and hang the test run)."""
    workers = _workers(server)
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
    try:
        server.process.communicate(timeout=timeout)
        return
    except subprocess.TimeoutExpired:
        pass
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
    server.process.kill()
    server.process.communicate(timeout=10)


def kill_hard(server: LiveServer) -> None:
    """SIGKILL the server's worker process (which holds the requests in flight) and its
    supervisor, by PID: nothing gets to clean up, as when a host dies."""
    for worker in _workers(server):
        os.kill(worker, signal.SIGKILL)
    server.process.kill()
    server.process.communicate(timeout=10)


@pytest.fixture
def cluster(redis_url: str) -> Iterator[Cluster]:
    group = Cluster(redis_url, fresh_namespace())
    try:
        yield group
    finally:
        group.stop()
        drop_namespace(redis_url, group.namespace)


def _headers(server: LiveServer) -> dict[str, str]:
    return order_headers(server.token())


def _create(server: LiveServer, headers: dict[str, str], **kwargs: Any) -> str:
    answer = requests.post(
        f"{server.base_url}/resellers/v6/orders",
        json=new_order(**kwargs),
        headers=headers,
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["orders"][0]["ingramOrderNumber"])


def _detail(server: LiveServer, headers: dict[str, str], number: str) -> dict[str, Any]:
    answer = requests.get(
        f"{server.base_url}/resellers/v6.1/orders/{number}", headers=headers, timeout=10
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_two_processes_share_orders_tokens_numbers_and_the_clock(cluster: Cluster) -> None:
    a, b = cluster.start(), cluster.start("--workers", "2")  # b: two workers on one port
    headers = _headers(a)  # a token from one process is good at the other
    numbers = [_create(server, headers, po=f"PO-{i}") for i, server in enumerate([a, b] * 5)]
    assert len(set(numbers)) == 10  # one counter: no number handed out twice
    assert _detail(b, headers, numbers[0])["customerOrderNumber"] == "PO-0"
    # The PO rule holds across processes: b refuses a PO that a took.
    again = requests.post(
        f"{b.base_url}/resellers/v6/orders", json=new_order(po="PO-0"), headers=headers, timeout=10
    )
    assert again.status_code == 400, again.text
    requests.post(f"{a.base_url}/__admin/clock", json={"advanceSeconds": 3600}, timeout=10)
    assert requests.get(f"{b.base_url}/__admin/clock", timeout=10).json()["offsetSeconds"] == 3600
    assert requests.get(f"{b.base_url}/__admin/health", timeout=10).json()["orders"] == 10
    requests.post(f"{b.base_url}/__admin/reset", timeout=10)  # a reset is seen by all
    assert requests.get(f"{a.base_url}/__admin/health", timeout=10).json()["orders"] == 0
    gone = requests.get(
        f"{a.base_url}/resellers/v6.1/orders/{numbers[0]}", headers=headers, timeout=10
    )
    assert gone.status_code == 404


def test_concurrent_modifies_from_two_processes_lose_no_update(cluster: Cluster) -> None:
    a, b = cluster.start("--threads", "4"), cluster.start("--threads", "4")
    headers = _headers(a)
    number = _create(a, headers, hold=True)

    def add_line(i: int) -> int:
        server = (a, b)[i % 2]
        body = {
            "lines": [
                {
                    "addUpdateDeleteLine": "ADD",
                    "customerLineNumber": f"c{i}",
                    "ingramPartNumber": "2GZ200",
                    "quantity": 1,
                }
            ]
        }
        answer = requests.put(
            f"{server.base_url}/resellers/v6/orders/{number}",
            json=body,
            headers=headers,
            timeout=30,
        )
        return answer.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(add_line, range(24)))
    assert statuses == [200] * 24
    lines = _detail(b, headers, number)["lines"]
    added = sorted(
        line["customerLineNumber"] for line in lines if line["customerLineNumber"] != "1"
    )
    assert added == sorted(f"c{i}" for i in range(24))


def test_each_due_step_is_settled_and_delivered_once(cluster: Cluster) -> None:
    with Receiver() as hook:
        servers = [cluster.start("--webhook-url", hook.url) for _ in range(3)]
        headers = _headers(servers[0])
        numbers = [_create(servers[i % 3], headers, po=f"S-{i}") for i in range(6)]
        # Five mock hours on: every order ships. Three tickers and a burst of reads race
        # to settle them; the version check lets exactly one of them win per order.
        requests.post(
            f"{servers[1].base_url}/__admin/clock", json={"advanceSeconds": 5 * 3600}, timeout=10
        )
        with ThreadPoolExecutor(6) as pool:
            details = list(
                pool.map(lambda n: _detail(servers[hash(n) % 3], headers, n), numbers * 2)
            )
        assert {d["orderStatus"] for d in details} == {"Shipped"}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            shipped = [r for r in hook.received if r.event_type == SHIPPED]
            if len(shipped) >= len(numbers):
                break
            time.sleep(0.1)
        time.sleep(1.5)  # one more tick of every process: a second settle would show now
        shipped = [r for r in hook.received if r.event_type == SHIPPED]
        per_order = Counter(r.json()["resource"][0]["orderNumber"] for r in shipped)
        assert per_order == Counter({n: 1 for n in numbers})


def test_a_killed_process_loses_nothing_it_acknowledged(cluster: Cluster) -> None:
    a = cluster.start(INGRAM_MOCK_SHARED_CLAIM_SECONDS="1")
    b = cluster.start(INGRAM_MOCK_SHARED_CLAIM_SECONDS="1")
    headers = _headers(a)
    placed = [_create(a, headers, po=f"K-{i}") for i in range(5)]
    confirmed = []
    for i in range(5):
        answer = requests.post(
            f"{a.base_url}/resellers/v7/orders",
            json=new_order(po=f"V7-{i}"),
            headers=headers,
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        confirmed.append(f"V7-{i}")
    kill_hard(a)
    for number in placed:
        assert _detail(b, headers, number)["customerOrderNumber"].startswith("K-")
    # Every confirmed v7 submission becomes an order, by b if a died before creating it.
    deadline = time.monotonic() + 15
    found: set[str] = set()
    while time.monotonic() < deadline and len(found) < len(confirmed):
        answer = requests.get(
            f"{b.base_url}/resellers/v6/orders/search", headers=headers, timeout=10
        )
        if answer.status_code == 200:
            found = {o["customerOrderNumber"] for o in answer.json()["orders"]} & set(confirmed)
        time.sleep(0.2)
    assert found == set(confirmed)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--workers", "2"], "--workers above 1 needs --store redis"),
        (["--store", "redis://127.0.0.1:1/0", "--state-file", "x.json"], "--state-file keeps"),
        (["--store", "memcached://x"], "--store: must be 'memory' or a redis:// URL"),
    ],
)
def test_store_flags_that_cannot_work_together_are_refused(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from mock_server.cli import main

    assert main(["serve", "--port", "0", *flags]) == 2
    assert message in capsys.readouterr().err
