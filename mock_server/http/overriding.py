"""The door's override step (`door.py`), in two halves around the operation.

`decide`, after the request passed every check a real one must pass: the first matching
rule is noted on the call; a `respond` rule's answer is returned and the operation does
not run. `finish`, once the answer exists: a `patch` rule merges into its JSON body, a
`respond` rule's headers replace the door's of the same name, `X-Mock-Override` names the
rule, and what the contract does not allow in the answer becomes a journal warning (the
answer is served all the same: breaking the contract may be the point).
"""

from __future__ import annotations

from typing import Any

import orjson

from mock_server.contract.document import MISSING, Contract
from mock_server.http.calls import Call
from mock_server.http.messages import Answer, is_json_media_type
from mock_server.rehearsal.json_values import merge_patch
from mock_server.rehearsal.overrides import NO_BODY, Asked, OverrideBook, Respond

OVERRIDE_HEADER = "X-Mock-Override"
_JSON = "application/json"


def decide(call: Call, book: OverrideBook) -> Answer | None:
    """The answer a `respond` rule gives instead of the operation's; None when the operation
    runs (no rule, or a `patch` rule, which `finish` applies)."""
    assert call.operation is not None
    rule = book.decide(_asked(call, call.operation.operation_id))
    if rule is None:
        return None
    call.override = rule
    return _answer(rule.respond) if rule.respond is not None else None


def finish(call: Call, answer: Answer, contract: Contract) -> None:
    """The rest of the rule's work on the answer (see the module docstring)."""
    rule = call.override
    assert rule is not None and call.operation is not None
    warnings: list[str] = []
    if rule.patch is not None:
        warnings.extend(_patched(answer, rule.patch))
    elif rule.respond is not None:
        replaced = {name.lower() for name, _ in rule.respond.headers}
        answer.headers[:] = [h for h in answer.headers if h[0].lower() not in replaced]
        answer.headers.extend(rule.respond.headers)
    answer.headers.append((OVERRIDE_HEADER, rule.id))
    checked = contract.operation(call.operation.operation_id)
    body = _json_of(answer)
    if isinstance(body, _Text):
        body = str(body)  # the schema checker takes plain strings only
    problems = checked.answer_problems(answer.status, body)
    warnings.extend(f"override {rule.id}: {problem}" for problem in problems)
    call.warnings = warnings


def _asked(call: Call, operation_id: str) -> Asked:
    request = call.request
    body = None if call.body is MISSING else call.body
    query = request.query_pairs
    order_number = next(iter(call.params.values()), "") or _first(query, "ingramOrderNumber")
    po = body.get("customerOrderNumber") if isinstance(body, dict) else None
    return Asked(
        operation_id,
        order_number,
        request.header("im-customernumber").strip(),
        po if isinstance(po, str) else _first(query, "customerOrderNumber"),
        request.headers,
        query,
        body,
    )


def _first(pairs: list[tuple[str, str]], name: str) -> str:
    return next((value for key, value in pairs if key == name), "")


def _answer(respond: Respond) -> Answer:
    if respond.body is NO_BODY:
        return Answer(respond.status, [])
    media = next((v for n, v in respond.headers if n.lower() == "content-type"), _JSON)
    body = respond.body
    if isinstance(body, str) and not is_json_media_type(_mimetype(media)):
        return Answer(respond.status, [("Content-Type", media)], body.encode())
    return Answer(respond.status, [("Content-Type", media)], orjson.dumps(body))


def _patched(answer: Answer, patch: dict[str, Any]) -> list[str]:
    """Merge `patch` into the answer's JSON body; what kept it from doing so, if anything."""
    body = _json_of(answer)
    if body is MISSING or isinstance(body, _Text):
        return ["patch not applied: the answer has no JSON body"]
    answer.body = orjson.dumps(merge_patch(body, patch))
    return []


class _Text(str):
    """A body that is not JSON: by its media type, or because it does not parse."""


def _json_of(answer: Answer) -> Any:
    """The answer's body: JSON decoded, MISSING when there is none, or its text."""
    if not answer.body:
        return MISSING
    media = next((v for n, v in answer.headers if n.lower() == "content-type"), _JSON)
    if is_json_media_type(_mimetype(media)):
        try:
            return orjson.loads(answer.body)
        except orjson.JSONDecodeError:
            pass
    return _Text(answer.body.decode("utf-8", "replace"))


def _mimetype(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()
