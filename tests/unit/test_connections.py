"""`server/connections.py` on real loopback sockets in this process (no granian): finding an
accepted socket by its peer, and what each break does to it; and the front's fallback to a
truncated body where the socket cannot be found."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.http.messages import Break
from mock_server.server import connections, front

linux = pytest.mark.skipif(sys.platform != "linux", reason="connection breaks are Linux-only")


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket, str, str]]:
    """(client, accepted, scope.client, scope.server) as granian would name them; the
    listener is bound to the unspecified address, as `--host 0.0.0.0` binds it."""
    listener = socket.socket()
    listener.bind(("0.0.0.0", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    accepted, peer = listener.accept()
    accepted.setblocking(False)  # as granian's are
    try:
        yield client, accepted, f"{peer[0]}:{peer[1]}", f"0.0.0.0:{port}"
    finally:
        for sock in (client, accepted, listener):
            sock.close()


def received(sock: socket.socket) -> tuple[bytes, str]:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        return data, "reset"
    return data, "closed"


@linux
def test_find_returns_a_duplicate_of_the_accepted_socket_only(pair: Any) -> None:
    client, accepted, peer, server = pair
    found = connections.find(peer, server)
    assert found is not None
    with found:
        assert found.fileno() != accepted.fileno()
        assert found.getpeername() == accepted.getpeername()
        assert found.getsockname() == accepted.getsockname()
    # Closing the duplicate left the connection alone.
    accepted.sendall(b"still here")
    assert client.recv(100) == b"still here"
    host, port = peer.rsplit(":", 1)
    assert connections.find(f"{host}:{int(port) + 1}", server) is None  # another peer port
    assert connections.find(peer, "0.0.0.0:1") is None  # another local port
    assert connections.find("/tmp/mock.sock", server) is None  # not host:port


@linux
def test_reset_sends_rst_while_the_descriptor_stays_open(pair: Any) -> None:
    client, accepted, peer, server = pair
    found = connections.find(peer, server)
    assert found is not None
    with found:
        assert connections.reset(found)
    assert received(client) == (b"", "reset")
    with pytest.raises(OSError):  # the owner's writes now fail, and it closes its descriptor
        accepted.send(b"HTTP/1.1 200 OK\r\n\r\n")


@linux
def test_empty_and_malformed_end_the_stream_in_order(pair: Any) -> None:
    client, _, peer, server = pair
    found = connections.find(peer, server)
    assert found is not None
    with found:
        connections.send_malformed(found)
    assert received(client) == (connections.MALFORMED, "closed")


@linux
def test_close_empty_sends_only_the_end(pair: Any) -> None:
    client, _, peer, server = pair
    found = connections.find(peer, server)
    assert found is not None
    with found:
        connections.close_empty(found)
    assert received(client) == (b"", "closed")


class Protocol:
    """Records what the front asks of granian's protocol object."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.sent: list[bytes] = []

    def response_empty(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.calls.append(("empty", status))

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Protocol:
        self.calls.append(("stream", status))
        return self

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)


class Scope:
    client = "127.0.0.1:1"  # nobody's: nothing to find
    server = "127.0.0.1:2"


@pytest.mark.parametrize("kind", [Break.RESET, Break.EMPTY, Break.MALFORMED, Break.TRUNCATED])
def test_the_front_cuts_the_body_where_the_socket_cannot_be_found(
    kind: Break, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(connections, "SUPPORTED", False)
    monkeypatch.setattr(front, "_warned", set())
    protocol = Protocol()
    asyncio.run(front._break(Scope(), protocol, kind))
    asyncio.run(front._break(Scope(), protocol, kind))
    assert protocol.calls == [("stream", 502)] * 2 and protocol.sent == [b"{"] * 2
    warnings = [r.getMessage() for r in caplog.records if "need Linux" in r.getMessage()]
    assert len(warnings) == (0 if kind is Break.TRUNCATED else 1)  # once, not per request


@linux
def test_the_front_answers_granian_after_breaking_the_socket(pair: Any) -> None:
    client, _, peer, server = pair
    scope = Scope()
    scope.client, scope.server = peer, server
    protocol = Protocol()
    asyncio.run(front._break(scope, protocol, Break.EMPTY))
    assert protocol.calls == [("empty", 500)]  # granian needs an answer; its write fails
    assert received(client) == (b"", "closed")
