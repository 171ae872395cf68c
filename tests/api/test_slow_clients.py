"""Slow, stalled and oversized clients against a live server: nobody else waits on them.

Bounded: a handful of connections, a 3 s read deadline, well under 20 s in all."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from tests.live import REPO, LiveServer, free_port, start_server

pytestmark = pytest.mark.live

READ_TIMEOUT = 3.0


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server(["--read-timeout", str(READ_TIMEOUT)])
    try:
        yield live
    finally:
        live.stop()


def _open(base_url: str, data: bytes) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(data)
    return sock


def _pending(sock: socket.socket) -> bool:
    """Nothing has come back on `sock` yet (no answer, no close)."""
    readable, _, _ = select.select([sock], [], [], 0)
    return not readable


def _outcome(sock: socket.socket) -> bytes:
    """What the server finally sent (b"" when it just closed), within the socket timeout."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    sock.close()
    return data


STALLS = {
    # announces 200 bytes, sends 21, then nothing (the freeze of issue 9, defect 1)
    "partial body": b"POST /oauth/oauth20/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
    b"grant_type=client_cre",
    # a chunked body that stops after its first chunk
    "partial chunked body": b"POST /resellers/v6/orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"lin\r\n",
    # headers that never end
    "partial headers": b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
}


def test_stalled_clients_never_stall_anyone_else(server: LiveServer) -> None:
    stalled = {name: _open(server.base_url, data) for name, data in STALLS.items()}
    token = server.token()  # the token endpoint itself, while a token request is stalled
    for _ in range(5):
        health = requests.get(f"{server.base_url}/__admin/health", timeout=10)
        assert health.status_code == 200
    orders = requests.get(
        f"{server.base_url}/resellers/v6/orders/search",
        headers={
            "Authorization": f"Bearer {token}",
            "IM-CustomerNumber": "20-222222",
            "IM-CountryCode": "US",
            "IM-CorrelationID": "slow-1",
        },
        timeout=10,
    )
    assert orders.status_code == 204
    # Everyone else was answered while the stalled connections were still waiting.
    assert all(_pending(sock) for sock in stalled.values())
    outcomes = {name: _outcome(sock) for name, sock in stalled.items()}
    for name in ("partial body", "partial chunked body"):
        assert outcomes[name].startswith(b"HTTP/1.1 408 "), (name, outcomes[name][:80])
        assert b'"errors"' in outcomes[name] and b"/errors/http-408" in outcomes[name]
    assert outcomes["partial headers"] == b""  # closed without an answer


def test_a_chunked_body_over_the_limit_is_413(server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"lines": ['
        for _ in range(64):
            yield b" " * 32768  # 2 MiB of whitespace: valid JSON, if it were allowed
        yield b"]}"

    answer = requests.post(
        f"{server.base_url}/resellers/v6/orders",
        data=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["type"] == "/errors/http-413"


def test_a_declared_length_over_the_limit_is_413_before_the_body(server: LiveServer) -> None:
    sock = _open(
        server.base_url,
        b"POST /resellers/v6/orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{",
    )
    assert _outcome(sock).startswith(b"HTTP/1.1 413 ")


@pytest.fixture(scope="module")
def fault_server() -> Iterator[str]:
    """`tests/front_target.py` (faults by path) on granian's RSGI interface."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "granian", "--interface", "rsgi", "--host", "127.0.0.1"),
            *("--port", str(port), "--log-level", "warning", "tests.front_target:front"),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                requests.get(f"{base}/ready", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_delay_fault_holds_up_only_its_own_answer(fault_server: str) -> None:
    delayed = _open(fault_server, b"GET /delay/2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    for _ in range(3):
        assert requests.get(f"{fault_server}/quick", timeout=10).text == "/quick"
    assert _pending(delayed)  # still waiting while the others were answered
    delayed.settimeout(10)
    assert delayed.recv(65536).startswith(b"HTTP/1.1 200 ")
    delayed.close()


def test_a_drop_fault_breaks_the_connection(fault_server: str) -> None:
    broken = (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)
    with pytest.raises(broken):
        requests.get(f"{fault_server}/drop", timeout=10)
    assert requests.get(f"{fault_server}/after", timeout=10).text == "/after"


def test_the_front_hands_the_app_the_whole_body(fault_server: str) -> None:
    body = b'{"a": "' + b"x" * 100_000 + b'"}'
    chunked = requests.post(f"{fault_server}/echo", data=iter([body[:10], body[10:]]), timeout=10)
    assert chunked.content == body
    plain = requests.post(f"{fault_server}/echo", data=body, timeout=10)
    assert plain.content == body


def test_a_failure_around_the_app_is_a_500_in_the_api_format(fault_server: str) -> None:
    answer = requests.get(f"{fault_server}/boom", timeout=10)
    assert answer.status_code == 500
    assert answer.json()["errors"][0]["type"] == "/errors/server-error"


def test_a_client_that_leaves_mid_body_harms_nobody(fault_server: str) -> None:
    gone = _open(
        fault_server,
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200\r\n\r\nabc",
    )
    gone.close()
    assert requests.get(f"{fault_server}/after", timeout=10).text == "/after"
