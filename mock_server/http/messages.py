"""What crosses the door: a whole request in, an answer out. No framework types on either
side, so the same door serves granian's RSGI front and Flask's WSGI app alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import parse_qsl

Headers = Mapping[str, str]  # lower-case names; repeated headers joined with ", "
MAX_BODY_BYTES = 1024 * 1024  # the one limit on an API request's body, however framed


@dataclass(slots=True)
class ApiRequest:
    """One request as it arrived, whole: the host (front or WSGI) has read the body under
    the one size limit before the door sees it."""

    method: str
    path: str  # percent-decoded, as received (with any /sandbox prefix)
    query_string: str
    headers: Headers
    body: bytes = b""
    body_too_large: bool = False  # the host stopped reading at MAX_BODY_BYTES
    _pairs: list[tuple[str, str]] | None = field(default=None, repr=False)

    def header(self, name: str) -> str:
        """A header's value by its lower-case name; "" when absent."""
        return self.headers.get(name, "")

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        """The query string's (name, value) pairs, decoded, in the order sent."""
        if self._pairs is None:
            text = self.query_string
            self._pairs = parse_qsl(text, keep_blank_values=True) if text else []
        return self._pairs

    def query(self) -> dict[str, list[str]]:
        """The query's values by name (a name may repeat: `orderStatus-in`)."""
        values: dict[str, list[str]] = {}
        for name, value in self.query_pairs:
            values.setdefault(name, []).append(value)
        return values


class Break(Enum):
    """How a host breaks a connection instead of answering (`server/connections.py` says
    what each looks like on the wire). Each value is the fault rule kind that asks for it."""

    NONE = "none"  # answer (after the delay)
    RESET = "reset"  # a TCP reset: no byte of an answer
    EMPTY = "emptyResponse"  # the connection closes without a byte
    MALFORMED = "malformedResponse"  # bytes that are not HTTP, then the connection closes
    TRUNCATED = "truncatedBody"  # a status line and headers, then the body stops short


@dataclass(frozen=True, slots=True)
class ConnectionFault:
    """What the host must do to the connection instead of (or before) answering: wait
    `delay` seconds without holding anyone else up, then break it (`kind`) or answer."""

    delay: float = 0.0
    kind: Break = Break.NONE


@dataclass(slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    connection: ConnectionFault | None = None  # honoured by the front; see server/mount.py


def is_json_media_type(mimetype: str) -> bool:
    """`application/json` or a `+json` type (parameters such as charset already stripped)."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )
