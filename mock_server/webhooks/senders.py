"""The `Sender` port (one POST to a receiver) and its HTTP adapter.

Tests use a recording fake (`tests/fakes.py`) that keeps what was sent, without a socket.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Protocol


class Sender(Protocol):
    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """POST and return the HTTP status; raise OSError when the receiver is unreachable."""
        ...


class HttpSender:
    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
