"""Plain progress lines for CI logs, and which links of the contract the run walked.

Schemathesis draws live bars on a terminal and prints little else until a phase ends. Piped
into a CI log, this handler adds a line per phase and per operation as they finish, and a
line every few stateful scenarios. At the end of the run the suite lists every link of the
contract (plus the v7 webhook hop) with the statuses its target answered, and the total
"links walked with usable data: N / M", where a link counts once its target answered 2xx
(204, found nothing, does not count) with the identifiers the link carried. A hop skipped on
purpose (`--skip-webhook-hop`) is listed as SKIPPED and said in the total.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TextIO

from mock_server.contract.refs import resolve

_METHODS = ("get", "put", "post", "delete", "patch")
_SCENARIO_EVERY = 10


def contract_links(document: Mapping[str, Any]) -> list[str]:
    """Every link of the contract, named as schemathesis names its transitions."""
    by_id: dict[str, str] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(operation, Mapping) and "operationId" in operation:
                by_id[str(operation["operationId"])] = f"{method.upper()} {path}"
    links: list[str] = []
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if not isinstance(operation, Mapping):
                continue
            for status, answer in (operation.get("responses") or {}).items():
                answer = resolve(document, answer) or {}
                for name, link in (answer.get("links") or {}).items():
                    link = resolve(document, link) or {}
                    target = by_id.get(str(link.get("operationId")))
                    if target is not None:
                        links.append(f"{method.upper()} {path} -> [{status}] {name} -> {target}")
    return links


class LinkTally:
    """Statuses each link's target answered, from the stateful scenarios' recordings."""

    def __init__(self, links: list[str]) -> None:
        self.links = links
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def note(self, link: str, status: int | None) -> None:
        if status is not None:
            self.statuses[link][status] += 1

    def walked(self, link: str) -> bool:
        # 204 is a search that found nothing: the link's data was not usable.
        return any(200 <= status < 300 and status != 204 for status in self.statuses.get(link, {}))

    def lines(self, hop: Any = None, walk: Any = None) -> list[str]:
        out: list[str] = []
        for link in self.links:
            seen = self.statuses.get(link, {})
            mark = "walked" if self.walked(link) else "NOT WALKED"
            answered = ", ".join(f"{s}x{n}" for s, n in sorted(seen.items())) or "never reached"
            out.append(f"  {mark:<10} {link}  ({answered})")
        covered = sum(self.walked(link) for link in self.links)
        total = len(self.links)
        skipped = ""
        if hop is not None and hop.skipped:
            out.append(f"  {'SKIPPED':<10} {hop_name()}  ({hop.reason})")
            skipped = " (1 skipped: --skip-webhook-hop)"
        elif hop is not None:
            total += 1
            if not hop.available:
                out.append(f"  {'NOT WALKED':<10} {hop_name()}  ({hop.reason})")
            else:
                record = hop.record
                by_walk = walk is not None and walk.hop is not None and walk.hop.walked
                mark = "walked" if record.walked or by_walk else "NOT WALKED"
                covered += mark == "walked"
                out.append(
                    f"  {mark:<10} {hop_name()}  (link walk: {'read back' if by_walk else 'no'}; "
                    f"stateful: tried {record.tried}, read back {record.walked}, refused "
                    f"asynchronously {record.refused})"
                )
        out.append(f"links walked with usable data: {covered} / {total}{skipped}")
        return out


def hop_name() -> str:
    from mock_server.harness.webhook_hop import HOP

    return HOP


def make_handler(shared_tally: LinkTally, stream: TextIO | None = None) -> type:
    """The schemathesis CLI event handler class, noting link outcomes in `shared_tally`."""
    from schemathesis.cli import EventHandler
    from schemathesis.engine import events

    out = stream or sys.stdout
    plain = not out.isatty()

    def say(text: str) -> None:
        print(f"[contract-test] {text}", file=out, flush=True)

    class Progress(EventHandler):  # type: ignore[type-arg]
        tally = shared_tally
        scenarios = 0

        def handle_event(self, ctx: Any, event: Any) -> None:
            if isinstance(event, events.PhaseStarted):
                if plain and event.phase.is_enabled:
                    say(f"phase {event.phase.name.value}: started")
            elif isinstance(event, events.PhaseFinished):
                if plain and event.phase.is_enabled:
                    say(f"phase {event.phase.name.value}: {event.status.name.lower()}")
            elif isinstance(event, events.ScenarioFinished):
                self._scenario(event)

        def _scenario(self, event: Any) -> None:
            phase = event.phase.value
            if phase != "stateful":
                if plain and event.label:
                    cases = len(event.recorder.cases)
                    status = event.status.name.lower() if event.status else "done"
                    say(f"{phase}: {event.label}: {status} ({cases} cases)")
                return
            if event.is_final:
                return
            for case_id, node in event.recorder.cases.items():
                if node.transition is None or not node.is_transition_applied:
                    continue
                interaction = event.recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                self.tally.note(node.transition.id, getattr(response, "status_code", None))
            Progress.scenarios += 1
            if plain and Progress.scenarios % _SCENARIO_EVERY == 0:
                walked = sum(self.tally.walked(link) for link in self.tally.links)
                say(
                    f"stateful: {Progress.scenarios} scenarios, "
                    f"{walked} / {len(self.tally.links)} contract links walked"
                )

    return Progress
