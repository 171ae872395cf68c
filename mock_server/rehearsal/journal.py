"""The request journal: every API and token request the door answered, with its bodies.

Recording is on the path of every request, so it keeps references only (the request's
headers mapping and body bytes, the answer's header list and body bytes, the violations
list) in a positional tuple, and counts bytes by `len` of the bodies it keeps. Decoding,
masking, cutting and timestamps happen when someone reads the journal
(`journal_view.py`). Bounded twice: by entry count and by bytes, the oldest going first.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from mock_server.contract.document import Violation

CUT_BYTES = 64 * 1024  # a body longer than this is kept (and shown) up to here, marked
# What an entry holds besides its bodies: the tuple, the request's header dict, the answer's
# header list, the timestamps (tracemalloc, benchmarks/journal_bytes.py). Counted per entry,
# so the byte cap holds for small bodies too.
ENTRY_OVERHEAD = 2048
DEFAULT_ENTRIES = 1000
DEFAULT_BYTES = 32 * 1024 * 1024
NO_WARNINGS: tuple[str, ...] = ()
_JOIN = b"".join


class Asked(Protocol):
    """What the journal reads of a request (the door's `ApiRequest`)."""

    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]
    body: bytes


class Answered(Protocol):
    """What the journal reads of an answer (the door's `Answer`)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Recorded(NamedTuple):
    """One journal entry, as recorded: raw references, formatted only when read."""

    id: int
    wall: float  # epoch seconds, the machine's clock
    mock: datetime | None  # the mock's clock (moved by /__admin/clock); None: unreachable
    operation_id: str  # "" when no operation answers the path
    method: str
    path: str
    query: str  # the raw query string
    request_headers: Mapping[str, str]  # lower-case names
    request_body: bytes  # as kept: empty with bodies off, cut at CUT_BYTES
    request_bytes: int  # as received
    status: int
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes
    response_bytes: int
    seconds: float
    fault: str  # the fault rule that fired, "" if none
    override: str  # the override rule that applied, "" if none
    violations: Sequence[tuple[Violation, bool]]  # each with: was it refused?
    warnings: Sequence[str]  # e.g. an overridden answer the contract does not allow
    size: int  # what this entry counts against the byte cap

    @property
    def customer_number(self) -> str:
        return self.request_headers.get("im-customernumber", "")

    @property
    def correlation_id(self) -> str:
        return self.request_headers.get("im-correlationid", "")


_ID, _SIZE = Recorded._fields.index("id"), Recorded._fields.index("size")


class RequestJournal:
    """The most recent requests, at most `max_entries` of them and `max_bytes` of bodies
    (plus `ENTRY_OVERHEAD` each); the newest entry is always kept. Thread-safe.

    Ids count up from 1 and are never reused, not even after `clear`, so `since=<id>`
    keeps its meaning across a reset. `total` counts every request since the last clear.
    """

    def __init__(
        self,
        max_entries: int = DEFAULT_ENTRIES,
        max_bytes: int = DEFAULT_BYTES,
        *,
        bodies: bool = True,
    ) -> None:
        self.max_entries = max(1, max_entries)
        self.max_bytes = max_bytes
        self.bodies = bodies
        self._items: deque[tuple[Any, ...]] = deque()  # Recorded's fields
        self._lock = threading.Lock()
        self._last_id = 0
        self._bytes = 0
        self.total = 0

    def record(
        self,
        wall: float,
        mock: datetime | None,
        operation_id: str,
        request: Asked,
        answer: Answered,
        seconds: float,
        fault: str = "",
        override: str = "",
        violations: Sequence[tuple[Violation, bool]] = (),
        warnings: Sequence[str] = NO_WARNINGS,
    ) -> None:
        asked, answered = request.body, answer.body
        asked_bytes, answered_bytes = len(asked), len(answered)
        if not self.bodies:
            asked = answered = b""
        else:
            if asked_bytes > CUT_BYTES:
                asked = asked[:CUT_BYTES]
            # A copy of exactly its length: orjson's bytes keep their whole write buffer
            # (4 KiB at least), so keeping the answer itself holds ~8 KB for a 1.2 KB create
            # answer. One allocation and a memcpy (~0.3 µs) keep the byte count honest.
            answered = _JOIN((answered[:CUT_BYTES], b""))
        size = len(asked) + len(answered) + ENTRY_OVERHEAD
        items = self._items
        with self._lock:
            self._last_id += 1
            items.append(
                (  # a plain tuple: a 20-field NamedTuple's __new__ costs 0.5 µs more
                    self._last_id,
                    wall,
                    mock,
                    operation_id,
                    request.method,
                    request.path,
                    request.query_string,
                    request.headers,
                    asked,
                    asked_bytes,
                    answer.status,
                    answer.headers,
                    answered,
                    answered_bytes,
                    seconds,
                    fault,
                    override,
                    violations,
                    warnings,
                    size,
                )
            )
            self._bytes += size
            self.total += 1
            while len(items) > 1 and (
                len(items) > self.max_entries or self._bytes > self.max_bytes
            ):
                self._bytes -= items.popleft()[_SIZE]

    def entries(self) -> list[Recorded]:
        """Every kept entry, oldest first."""
        with self._lock:
            kept = list(self._items)
        return [Recorded._make(t) for t in kept]

    def get(self, entry_id: int) -> Recorded | None:
        """The entry with this id, if it is still kept."""
        with self._lock:
            if not self._items:
                return None
            index = entry_id - self._items[0][_ID]  # ids of kept entries are consecutive
            if 0 <= index < len(self._items):
                return Recorded._make(self._items[index])
        return None

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.total = 0

    def describe(self) -> dict[str, Any]:
        """The caps and what is held now (for the admin index and tests)."""
        with self._lock:
            return {
                "entries": len(self._items),
                "bytes": self._bytes,
                "maxEntries": self.max_entries,
                "maxBytes": self.max_bytes,
                "bodies": self.bodies,
            }
