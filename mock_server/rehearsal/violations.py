"""The contract-violation log: what clients got wrong, bounded in memory or shared in
Redis (`RedisViolationLog`), side by side."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mock_server.store.connection import guarded


@dataclass(frozen=True, slots=True)
class ViolationRecord:
    at: str
    operation: str
    location: str
    field: str
    message: str
    value: str | None
    correlation_id: str
    refused: bool  # True: answered 400; False: recorded and served (lenient mode)
    kind: str = "invalid"  # invalid | unknown | coerced | tolerated | ignored (contract.py)


class ViolationLog:
    """Recent violations in memory (the most recent `size`; memory stays flat under any
    load), a running total for `--fail-on-violations`, and optionally every one appended to
    a JSON-lines report: how `serve --fail-on-violations` learns, in the parent process,
    what the worker process recorded."""

    def __init__(self, size: int, report: Path | None = None) -> None:
        self._items: deque[ViolationRecord] = deque(maxlen=size)
        self._lock = threading.Lock()
        self.total = 0
        self._report = report

    def add(self, item: ViolationRecord) -> None:
        self.extend([item])

    def extend(self, items: list[ViolationRecord]) -> None:
        with self._lock:
            self._items.extend(items)
            self.total += len(items)
        self._append_report(items)

    def items(self) -> list[ViolationRecord]:
        with self._lock:
            return list(self._items)

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(item) for item in self.items()]

    def clear(self, *, keep_report: bool = False) -> None:
        """Forget recorded violations; `keep_report` leaves the shutdown report alone
        (a routine /__admin/reset between tests must not hide an earlier breach)."""
        with self._lock:
            self._items.clear()
            self.total = 0
            if self._report is not None and not keep_report:
                self._report.write_text("", encoding="utf-8")

    def _append_report(self, items: list[ViolationRecord]) -> None:
        if self._report is not None and items:
            with self._lock, self._report.open("a", encoding="utf-8") as out:
                for item in items:
                    out.write(json.dumps(asdict(item)) + "\n")


class RedisViolationLog(ViolationLog):
    """The recent violations of every process, newest kept, with one shared total."""

    def __init__(self, client: Any, namespace: str, size: int, report: Path | None = None) -> None:
        super().__init__(size, report)
        self._client = client
        self._list = f"{namespace}:violations"
        self._total = f"{namespace}:violations:total"
        self._size = size

    def extend(self, items: list[ViolationRecord]) -> None:
        if not items:
            return
        with guarded("violations"):
            pipe = self._client.pipeline()
            pipe.rpush(self._list, *[json.dumps(asdict(v)) for v in items])
            pipe.ltrim(self._list, -self._size, -1)
            pipe.incrby(self._total, len(items))
            pipe.execute()
        self._append_report(items)

    def add(self, item: ViolationRecord) -> None:
        self.extend([item])

    def items(self) -> list[ViolationRecord]:
        with guarded("violations"):
            raw = self._client.lrange(self._list, 0, -1)
        return [ViolationRecord(**json.loads(r)) for r in raw]

    @property
    def total(self) -> int:
        with guarded("violations"):
            return int(self._client.get(self._total) or 0)

    @total.setter
    def total(self, value: int) -> None:
        return None  # the shared total is kept in Redis; the base class's counter is unused

    def clear(self, *, keep_report: bool = False) -> None:
        with guarded("violations"):
            self._client.delete(self._list, self._total)
        super().clear(keep_report=keep_report)
