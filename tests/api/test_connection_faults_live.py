"""The connection kinds of fault against the real `ingram-mock serve`: what requests,
http.client and a raw socket see for `reset`, `emptyResponse`, `malformedResponse` and
`truncatedBody`, before and after the use case ran, late with `delayMs`, and that the other
clients of the server never notice. Every wait is bounded by a client timeout."""

from __future__ import annotations

import http.client
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from mock_server.server.connections import MALFORMED
from tests.conftest import CUSTOMER, new_order
from tests.live import LiveServer, add_fault, orders_stored, start_server

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(sys.platform != "linux", reason="connection faults are Linux-only"),
]

CREATE = "/resellers/v6/orders"
KINDS = ["reset", "emptyResponse", "malformedResponse", "truncatedBody"]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server()
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
        "IM-CorrelationID": "live-connection-faults",
        "Content-Type": "application/json",
    }


def fired(server: LiveServer) -> list[int]:
    listed = requests.get(f"{server.base_url}/__admin/faults", timeout=5).json()["faults"]
    return [int(rule["fired"]) for rule in listed]


def address(server: LiveServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


def raw_create(headers: dict[str, str], po: str) -> bytes:
    body = json.dumps(new_order(po=po)).encode()
    lines = [f"POST {CREATE} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def received(sock: socket.socket) -> tuple[bytes, str]:
    """Every byte the server sent and how the connection ended: "reset" (ECONNRESET) or
    "closed" (an orderly end)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        return data, "reset"
    return data, "closed"


def cause(error: BaseException) -> BaseException:
    """The innermost exception requests wraps (ConnectionError(ProtocolError(..., cause)))."""
    while error.args and isinstance(error.args[-1], BaseException):
        error = error.args[-1]
    return error


# -- what each client sees --------------------------------------------------------------


@pytest.mark.parametrize("after_commit", [False, True], ids=["before", "afterCommit"])
def test_reset_is_a_tcp_reset_with_no_byte_of_an_answer(
    server: LiveServer, headers: dict[str, str], after_commit: bool
) -> None:
    add_fault(server, operationId="createOrderV6", kind="reset", afterCommit=after_commit)
    with pytest.raises(requests.ConnectionError) as broken:
        requests.post(
            f"{server.base_url}{CREATE}", json=new_order(po="PO-R1"), headers=headers, timeout=5
        )
    assert isinstance(cause(broken.value), ConnectionResetError)
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(raw_create(headers, "PO-R2"))
        assert received(sock) == (b"", "reset")
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        with pytest.raises(ConnectionResetError):
            connection.request("POST", CREATE, json.dumps(new_order(po="PO-R3")), headers)
            connection.getresponse()
    finally:
        connection.close()
    assert fired(server) == [3]
    # Decided before the use case: nothing stored; afterCommit: three orders, no answers.
    assert orders_stored(server) == (3 if after_commit else 0)


@pytest.mark.parametrize("after_commit", [False, True], ids=["before", "afterCommit"])
def test_empty_response_closes_without_a_byte(
    server: LiveServer, headers: dict[str, str], after_commit: bool
) -> None:
    add_fault(server, operationId="createOrderV6", kind="emptyResponse", afterCommit=after_commit)
    with pytest.raises(requests.ConnectionError) as broken:
        requests.post(
            f"{server.base_url}{CREATE}", json=new_order(po="PO-E1"), headers=headers, timeout=5
        )
    assert isinstance(cause(broken.value), http.client.RemoteDisconnected)
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(raw_create(headers, "PO-E2"))
        assert received(sock) == (b"", "closed")
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        with pytest.raises(http.client.RemoteDisconnected):
            connection.request("POST", CREATE, json.dumps(new_order(po="PO-E3")), headers)
            connection.getresponse()
    finally:
        connection.close()
    assert orders_stored(server) == (3 if after_commit else 0)


@pytest.mark.parametrize("after_commit", [False, True], ids=["before", "afterCommit"])
def test_malformed_response_sends_bytes_that_are_not_http_then_closes(
    server: LiveServer, headers: dict[str, str], after_commit: bool
) -> None:
    add_fault(
        server, operationId="createOrderV6", kind="malformedResponse", afterCommit=after_commit
    )
    with pytest.raises(requests.ConnectionError) as broken:
        requests.post(
            f"{server.base_url}{CREATE}", json=new_order(po="PO-M1"), headers=headers, timeout=5
        )
    assert isinstance(cause(broken.value), http.client.BadStatusLine)
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(raw_create(headers, "PO-M2"))
        assert received(sock) == (MALFORMED, "closed")
    assert not MALFORMED.startswith(b"HTTP/")
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        with pytest.raises(http.client.BadStatusLine):
            connection.request("POST", CREATE, json.dumps(new_order(po="PO-M3")), headers)
            connection.getresponse()
    finally:
        connection.close()
    assert orders_stored(server) == (3 if after_commit else 0)


@pytest.mark.parametrize("after_commit", [False, True], ids=["before", "afterCommit"])
def test_truncated_body_sends_headers_then_cuts_the_body(
    server: LiveServer, headers: dict[str, str], after_commit: bool
) -> None:
    add_fault(server, operationId="createOrderV6", kind="truncatedBody", afterCommit=after_commit)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.post(
            f"{server.base_url}{CREATE}", json=new_order(po="PO-T1"), headers=headers, timeout=5
        )
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(raw_create(headers, "PO-T2"))
        data, _ = received(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 502 ") and b"content-length: 64" in head.lower()
    assert body == b"{"  # 63 bytes short
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        connection.request("POST", CREATE, json.dumps(new_order(po="PO-T3")), headers)
        answer = connection.getresponse()
        assert answer.status == 502
        with pytest.raises(http.client.IncompleteRead):
            answer.read()
    finally:
        connection.close()
    assert orders_stored(server) == (3 if after_commit else 0)


# -- delays, other clients, timeouts ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_waits_its_delay_then_breaks(
    server: LiveServer, headers: dict[str, str], kind: str
) -> None:
    add_fault(server, operationId="searchOrders", kind=kind, delayMs=600, times=1)
    search = f"{server.base_url}/resellers/v6/orders/search"
    started = time.monotonic()
    broken = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)
    with pytest.raises(broken):
        requests.get(search, headers=headers, timeout=5)
    assert time.monotonic() - started >= 0.6
    assert requests.get(search, headers=headers, timeout=5).status_code == 204  # spent


def test_other_clients_and_their_kept_alive_connections_are_untouched(
    server: LiveServer, headers: dict[str, str]
) -> None:
    health = b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    bystanders = [socket.create_connection(address(server), timeout=5) for _ in range(3)]
    try:
        for sock in bystanders:  # each connection open and used before the faults fire
            sock.sendall(health)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        outcomes: list[str] = []
        add_fault(server, operationId="createOrderV6", kind="reset", delayMs=300, times=4)

        def doomed(po: str) -> None:
            with socket.create_connection(address(server), timeout=5) as sock:
                sock.sendall(raw_create(headers, po))
                outcomes.append(received(sock)[1])

        threads = [threading.Thread(target=doomed, args=(f"PO-D{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.1)  # the resets are pending while the bystanders go on
        for sock in bystanders:
            sock.sendall(health)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        for thread in threads:
            thread.join(10)
        assert outcomes == ["reset"] * 4
        for sock in bystanders:  # the same connections, after the resets
            sock.sendall(health)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    finally:
        for sock in bystanders:
            sock.close()
    answer = requests.post(
        f"{server.base_url}{CREATE}", json=new_order(po="PO-D0"), headers=headers, timeout=5
    )
    assert answer.status_code == 201  # the rule is spent; the reset create stored nothing
    assert orders_stored(server) == 1


def test_a_timeout_sends_nothing_then_closes_without_a_byte(
    server: LiveServer, headers: dict[str, str]
) -> None:
    add_fault(server, operationId="createOrderV6", kind="timeout", delayMs=500, times=1)
    started = time.monotonic()
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(raw_create(headers, "PO-W1"))
        assert received(sock) == (b"", "closed")
    assert time.monotonic() - started >= 0.5
    assert orders_stored(server) == 0


def test_a_worker_keeps_no_socket_of_a_broken_connection(
    server: LiveServer, headers: dict[str, str]
) -> None:
    """Only our duplicate is closed by the front; granian closes its own descriptor."""
    pids = server_worker_pids(server)

    def sockets() -> int:
        return sum(count_sockets(pid) for pid in pids)

    before = sockets()
    for kind in KINDS:
        add_fault(server, operationId="searchOrders", kind=kind, times=5)
        for _ in range(5):
            with socket.create_connection(address(server), timeout=5) as sock:
                sock.sendall(
                    b"GET /resellers/v6/orders/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
                    + b"\r\n"
                )
                received(sock)
    deadline = time.monotonic() + 5
    while sockets() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sockets() <= before


def server_worker_pids(server: LiveServer) -> list[int]:
    from pathlib import Path

    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def count_sockets(pid: int) -> int:
    from pathlib import Path

    count = 0
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += entry.readlink().as_posix().startswith("socket:")
        except OSError:
            continue
    return count
