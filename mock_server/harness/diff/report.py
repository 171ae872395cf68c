"""The accepted-differences list of DEVIATIONS.md, and a report rendered as text or JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from mock_server.harness.diff.model import (
    Acceptance,
    Accepted,
    Difference,
    DocumentError,
    Json,
    Report,
    Severity,
)

DEVIATIONS_FILE = "DEVIATIONS.md"
ACCEPTED_HEADING = "accepted differences"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ENTRY = re.compile(r"^\s*[-*+]\s+`([^`]+)`\s*(?:(?:—|–|-{1,2}|:)\s*)?(.*?)\s*$")


def parse_acceptance(text: str, source: Path | None = None) -> Acceptance:
    """Entries `- \\`<id>\\` — <reason>` under headings starting "Accepted differences"."""
    acceptance = Acceptance(source)
    level = 0  # heading level of the section being read; 0 outside one
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if heading.group(2).lower().startswith(ACCEPTED_HEADING):
                level = depth
            elif level and depth <= level:
                level = 0
            continue
        entry = _ENTRY.match(line) if level else None
        if entry is None:
            continue
        ident, reason = entry.group(1).strip(), entry.group(2).strip()
        if not reason:
            acceptance.invalid.append(f"line {number}: `{ident}` has no reason")
        elif ident in acceptance.entries:
            acceptance.invalid.append(f"line {number}: `{ident}` is listed twice")
        else:
            acceptance.entries[ident] = Accepted(ident, reason, number)
    return acceptance


def load_acceptance(path: Path | None, *, required: bool) -> Acceptance:
    if path is None or (not path.is_file() and not required):
        return Acceptance(None)
    try:
        return parse_acceptance(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read {path}: {exc}") from exc


# --- output -------------------------------------------------------------------------------


def _groups(report: Report) -> Iterator[tuple[str, list[Difference]]]:
    groups: dict[str, list[Difference]] = {}
    for diff in report.differences:
        groups.setdefault(diff.operation, []).append(diff)
    yield from groups.items()


def _counts(diffs: list[Difference], report: Report) -> tuple[int, int, int]:
    breaking = [d for d in diffs if d.severity is Severity.BREAKING]
    accepted = sum(1 for d in breaking if report.accepted(d) is not None)
    return len(breaking), accepted, len(diffs) - len(breaking)


def render_text(report: Report, *, show_info: bool = True) -> str:
    acc = report.acceptance
    lines = [
        "Contract diff (values: upstream first, ours second)",
        f"  ours:     {report.ours}",
        f"  upstream: {report.upstream}",
        f"  accepted: {acc.source or 'none'} ({len(acc.entries)} entries)",
    ]
    for name, diffs in _groups(report):
        breaking, accepted, info = _counts(diffs, report)
        first = diffs[0]
        lines += [
            "",
            f"{name}  {first.method.upper()} {first.path}  "
            f"[{breaking - accepted} breaking, {accepted} accepted, {info} info]",
        ]
        order = {Severity.BREAKING: 0, Severity.INFO: 1}
        for diff in sorted(
            diffs, key=lambda d: (order[d.severity], report.accepted(d) is not None)
        ):
            entry = report.accepted(diff)
            if diff.severity is Severity.INFO and not show_info:
                continue
            label = (
                "info" if diff.severity is Severity.INFO else ("accepted" if entry else "BREAKING")
            )
            lines.append(f"  {label:<9} {diff.id}")
            if entry is not None:
                lines.append(f"  {'':<9}   reason: {entry.reason}")
            elif diff.note and diff.severity is Severity.BREAKING:
                lines.append(f"  {'':<9}   ({diff.note})")
    if report.stale:
        lines += ["", "Stale accepted entries (they match no difference any more):"]
        lines += [f"  line {a.line}: `{a.id}`" for a in report.stale]
    if acc.invalid:
        lines += ["", "Ignored accepted entries:"] + [f"  {text}" for text in acc.invalid]
    breaking, accepted, info = _counts(report.differences, report)
    lines += [
        "",
        f"Summary: {len(report.differences)} differences: {breaking} breaking "
        f"({accepted} accepted, {breaking - accepted} not accepted), {info} info; "
        f"{len(report.stale)} stale accepted entries.",
    ]
    if report.unaccepted:
        lines.append(
            f"FAIL: {len(report.unaccepted)} breaking difference(s) not accepted: fix the "
            f"contract or list the id with a reason under '## Accepted differences' in "
            f"{DEVIATIONS_FILE}."
        )
    else:
        lines.append("OK: every breaking difference is accepted.")
    return "\n".join(lines)


def render_json(report: Report) -> Json:
    breaking, accepted, info = _counts(report.differences, report)
    differences = []
    for diff in report.differences:
        entry = report.accepted(diff)
        item = asdict(diff)
        item["severity"] = str(diff.severity)
        item.update(id=diff.id, accepted=entry is not None, reason=entry.reason if entry else None)
        differences.append(item)
    return {
        "ours": report.ours,
        "upstream": report.upstream,
        "accepted_file": str(report.acceptance.source) if report.acceptance.source else None,
        "summary": {
            "differences": len(report.differences),
            "breaking": breaking,
            "accepted": accepted,
            "not_accepted": breaking - accepted,
            "info": info,
            "stale": len(report.stale),
        },
        "differences": differences,
        "stale": [{"id": a.id, "reason": a.reason, "line": a.line} for a in report.stale],
        "invalid_entries": list(report.acceptance.invalid),
        "exit_code": report.exit_code,
    }
