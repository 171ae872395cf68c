"""What a contract diff finds: differences, their severity, and the report that judges them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

Json = dict[str, Any]


class Severity(StrEnum):
    BREAKING = "breaking"
    INFO = "info"


class Direction(StrEnum):
    REQUEST = "request"  # values a client sends: ours must accept all that upstream accepts
    RESPONSE = "response"  # values a client reads: ours must send only what upstream sends


@dataclass(frozen=True, slots=True)
class Difference:
    """One way our contract differs from upstream."""

    operation: str
    method: str
    path: str
    where: str
    field: str
    kind: str  # operation | parameter | body | status | media-type | header | property |
    #            required | type | nullable | enum | format | constraint | default | style
    message: str
    severity: Severity
    note: str = ""  # why it is (not) breaking; not part of the id

    @property
    def id(self) -> str:
        subject = f"{self.operation} {self.where}"
        if self.field:
            subject += f" {self.field}"
        return f"{subject}: {self.message}".replace("`", "'")


@dataclass(frozen=True, slots=True)
class Accepted:
    id: str
    reason: str
    line: int


@dataclass(slots=True)
class Acceptance:
    """The accepted-differences list of DEVIATIONS.md."""

    source: Path | None = None
    entries: dict[str, Accepted] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)  # entries without a reason, duplicates


@dataclass(slots=True)
class Report:
    ours: str
    upstream: str
    differences: list[Difference]
    acceptance: Acceptance

    def accepted(self, diff: Difference) -> Accepted | None:
        return self.acceptance.entries.get(diff.id)

    @property
    def unaccepted(self) -> list[Difference]:
        return [
            d
            for d in self.differences
            if d.severity is Severity.BREAKING and self.accepted(d) is None
        ]

    @property
    def stale(self) -> list[Accepted]:
        ids = {d.id for d in self.differences}
        return [a for a in self.acceptance.entries.values() if a.id not in ids]

    @property
    def exit_code(self) -> int:
        return 1 if self.unaccepted else 0


class DocumentError(Exception):
    """A document could not be read as JSON."""
