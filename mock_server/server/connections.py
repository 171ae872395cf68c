"""Breaking one client's connection the way networks break them, from inside granian's worker.

RSGI hands the app no socket, and granian answers a handler that returns or raises without
a response with an empty 500: through RSGI alone a connection cannot end before a status
line. The accepted socket's descriptor lives in this process all the same (granian's Rust
side holds it). When a connection fault fires, and only then, `find` walks /proc/self/fd
for the TCP socket whose peer is the request's client and takes a duplicate of it; the
duplicate shares the socket, so what is done through it happens to the connection:

- `reset`: `connect()` with an AF_UNSPEC address. On a connected TCP socket Linux
  disconnects at once (tcp_disconnect): it sends RST, drops whatever was queued, and
  leaves the socket unconnected. The client has received no byte and its read fails with
  ECONNRESET. (SO_LINGER {on, 0} resets only when the last descriptor closes, and that
  descriptor is granian's.)
- `close_empty`: shutdown(SHUT_WR): a FIN with nothing before it.
- `send_malformed`: `MALFORMED` (not HTTP), then the FIN.

The front then still hands granian a response, as RSGI requires: hyper's write fails on the
broken socket (EPIPE) and hyper closes its descriptor. Only the duplicate is ever closed
here: granian's descriptor number, once granian closes it, may belong to another client.

Linux only (/proc/self/fd; disconnect by AF_UNSPEC). Elsewhere `find` returns None and the
front falls back to a truncated body; so it does when the client has already gone.
"""

from __future__ import annotations

import ctypes
import ipaddress
import logging
import os
import socket
import sys
from typing import Any

log = logging.getLogger(__name__)

# What `malformedResponse` sends: a line no HTTP client takes for a status line.
MALFORMED = b"MOCK-FAULT malformedResponse: these bytes are not HTTP\r\n\r\n"
_FD_DIR = "/proc/self/fd"
SUPPORTED = sys.platform == "linux" and os.path.isdir(_FD_DIR)
_libc: Any = None


def find(client: str, server: str) -> socket.socket | None:
    """A duplicate of the accepted TCP socket whose peer is `client` and whose local port is
    `server`'s (granian's `scope.client` and `scope.server`: "host:port", an IPv6 host in
    brackets; `server` is the listening address, so only its port is compared). None when
    there is none (the client left) or this platform cannot look (`SUPPORTED`).

    The caller owns the duplicate and must close it. A descriptor closed and reused while
    this walks is harmless: each candidate is checked after it is duplicated."""
    if not SUPPORTED:
        return None
    try:
        peer = _address(client)
        port = _address(server)[1]
    except ValueError:  # not "host:port" (a Unix socket): no TCP peer to find
        return None
    for name in os.listdir(_FD_DIR):
        try:
            if not os.readlink(f"{_FD_DIR}/{name}").startswith("socket:"):
                continue
            candidate = socket.socket(fileno=os.dup(int(name)))
        except (OSError, ValueError):
            continue
        try:
            if (
                candidate.type == socket.SOCK_STREAM
                and candidate.family in (socket.AF_INET, socket.AF_INET6)
                and candidate.getsockname()[1] == port
                and _same(candidate.getpeername(), peer)
            ):
                return candidate
        except OSError:  # not connected: the listener, or a connection just ended
            pass
        candidate.close()
    return None


def reset(connection: socket.socket) -> bool:
    """Send RST now and drop what was queued (see the module docstring); False if the
    kernel refused (the socket is then untouched)."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.connect.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32)
        _libc.connect.restype = ctypes.c_int
    unspecified = ctypes.create_string_buffer(16)  # a sockaddr whose family is AF_UNSPEC (0)
    if _libc.connect(connection.fileno(), unspecified, 16) == 0:
        return True
    log.warning("could not reset a connection: %s", os.strerror(ctypes.get_errno()))
    return False


def close_empty(connection: socket.socket) -> None:
    """The client's side sees the connection end (FIN) without a byte."""
    connection.shutdown(socket.SHUT_WR)


def send_malformed(connection: socket.socket) -> None:
    """`MALFORMED`, then the end of the connection (FIN). The socket is non-blocking
    (granian's); a fresh connection's empty send buffer takes these few bytes at once."""
    connection.send(MALFORMED)
    connection.shutdown(socket.SHUT_WR)


def _address(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    host, _, port = text.rpartition(":")
    return ipaddress.ip_address(host.strip("[]")), int(port)


def _same(
    name: Any, address: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]
) -> bool:
    return int(name[1]) == address[1] and ipaddress.ip_address(name[0]) == address[0]
