"""The `Sender` port (one POST to a receiver) and its HTTP adapter.

Tests use a recording fake (`tests/fakes.py`) that keeps what was sent, without a socket.
"""

from __future__ import annotations

import socket
import ssl
import time
from typing import Protocol
from urllib.parse import urlsplit

_MAX_HEAD = 64 * 1024  # a status line and headers longer than this are not an answer


class Sender(Protocol):
    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """POST and return the HTTP status; the whole exchange gets `timeout` seconds.

        Raises OSError (TimeoutError past the deadline) when no answer comes, ValueError
        for a URL it cannot send to or an answer that is not HTTP.
        """
        ...


class HttpSender:
    """HTTP/1.1 POST under one deadline for connect, send and the answer's status and headers.

    A per-read timeout (what urllib offers) lets a receiver that drips one byte at a time
    hold an attempt for as long as it likes; here every socket operation gets only what is
    left of the attempt's time. The answer's body is not read: the status is all we use.
    Redirects are not followed (a 3xx is a failed attempt, as for other webhook senders).
    Name resolution is the one step the deadline cannot cut short; the TLS handshake gets
    what is left at its start for each of its reads.
    """

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        deadline = time.monotonic() + timeout
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        fields = {
            "Host": parts.netloc.rpartition("@")[2],  # keeps an IPv6 literal's brackets
            **headers,
            "Content-Length": str(len(body)),
            "Connection": "close",
        }
        head = f"POST {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
        step = "connecting"
        sock: socket.socket | None = None
        try:
            sock = _connect(parts.hostname, port, deadline)
            if secure:
                step = "in the TLS handshake"
                sock.settimeout(_left(deadline))
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=parts.hostname)
            step = "sending"
            sock.settimeout(_left(deadline))
            sock.sendall(head.encode("latin-1") + b"\r\n" + body)
            step = "waiting for the answer"
            return _read_status(sock, deadline)
        except TimeoutError:
            raise TimeoutError(
                f"attempt deadline of {timeout:g} s passed {step} (no complete answer)"
            ) from None
        finally:
            if sock is not None:
                sock.close()


def _connect(host: str, port: int, deadline: float) -> socket.socket:
    """Connect to the first address that answers, all within the deadline."""
    error: OSError = ConnectionError(f"no address for {host}")
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_left(deadline))
            sock.connect(address)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            error = exc
    raise error


def _left(deadline: float) -> float:
    """What is left of the attempt's time; TimeoutError once nothing is."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _read_status(sock: socket.socket, deadline: float) -> int:
    """Read up to the end of the answer's headers, each read bounded by the deadline."""
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        if len(data) > _MAX_HEAD:
            raise ValueError(f"answer head longer than {_MAX_HEAD} bytes")
        sock.settimeout(_left(deadline))
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("the receiver closed the connection without a full answer")
        data += chunk
    status_line = data.split(b"\n", 1)[0].decode("latin-1").strip()
    version, _, rest = status_line.partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/") or not code.isdigit():
        raise ValueError(f"not an HTTP status line: {status_line[:80]!r}")
    return int(code)
