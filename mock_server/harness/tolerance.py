"""What a server must refuse, as opposed to what a client must send.

Our contract describes what a client must send: strictly, with `additionalProperties: false`
and exact types (the mock in `--strict` refuses anything else). A server is held only to what
the real API refuses, and the real API tolerates two things the contract forbids:

- unknown request fields, query parameters and headers: ignored. The suite does not generate
  them as negative data at all (`generation.allow-extra-parameters = false` in `suite_config`,
  the switch schemathesis offers for exactly this), so a tolerant server is not in breach;
- on v6 create and modify (the operations the contract marks `x-mock-coerce-scalars`),
  scalars of the wrong JSON type that read as the right one (`"quantity": "2"`,
  `"customerLineNumber": 1`, `"true"` for a boolean): coerced; on v7 create only in the line
  fields the mark lists (official SDKs send `"quantity": "1"`); and wherever the contract marks
  a keyword `x-mock-tolerated` (the `IM-CorrelationID` length): not enforced.
  The built-in `negative_data_rejection` is switched off and `rejects_what_the_api_rejects`
  stands in for it: it judges each case exactly as the built-in check does, unless the
  request as sent is one the real API takes, as the mock's own checker reads it
  (`mock_server/contract.py`, `mock_server/coercion.py`): one rule, in one place. The rest
  of v7 stays strictly typed, because the contract marks no other coercion there.
"""

from __future__ import annotations

import copy
import json
from typing import Any, TypeAlias

import schemathesis
import schemathesis.checks
from schemathesis import Case, CheckContext, Response
from werkzeug.datastructures import MultiDict

from mock_server.contract.document import MISSING, load_contract

AnyCase: TypeAlias = "Case[Any]"


def coercing_operations() -> frozenset[str]:
    """The operations whose body the real API reads leniently: marked in the contract."""
    operations = load_contract().operations
    return frozenset(op_id for op_id, op in operations.items() if op.coerce_scalars)


def _query(values: Any) -> MultiDict[str, str]:
    pairs: list[tuple[str, str]] = []
    for key, value in (values or {}).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(key), _text(item)))
    return MultiDict(pairs)


def _text(value: Any) -> str:
    # How a value reaches the server in a query string or a header.
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def tolerated_by_the_api(
    operation_id: str,
    *,
    headers: Any = None,
    path: Any = None,
    query: Any = None,
    body: Any = MISSING,
) -> bool:
    """Whether the real API takes this request as it is: the contract's own checker (the one
    the mock uses, `mock_server/contract.py`) finds nothing it would refuse, only violations
    the real API tolerates (unknown fields, coerced scalars, `x-mock-tolerated` keywords)."""
    operation = load_contract().operation(operation_id)
    lowered = {str(k).lower(): _text(v) for k, v in (headers or {}).items()}
    try:
        # As it went over the wire: generated bodies may hold values JSON has no type for.
        sent = body if body is MISSING else json.loads(json.dumps(body))
        checked = operation.check(
            headers=lowered,
            path={str(k): _text(v) for k, v in (path or {}).items()},
            query=_query(query),
            body=sent,
        )
    except (TypeError, ValueError):
        return False  # not a JSON request the checker can read: the built-in check judges it
    return all(violation.tolerable for violation in checked.violations)


def is_coercible(operation_id: str, body: Any) -> bool:
    """Whether the real API takes `body` as it is (the headers, path and query aside)."""
    operation = load_contract().operation(operation_id)
    if not operation.coerce_scalars or not isinstance(body, dict | list):
        return False
    checked = operation.check(headers={}, path={}, query=MultiDict(), body=copy.deepcopy(body))
    return all(v.tolerable for v in checked.violations if v.location == "body")


@schemathesis.check
def rejects_what_the_api_rejects(
    ctx: CheckContext, response: Response, case: AnyCase
) -> bool | None:
    """`negative_data_rejection`, minus the requests the real API takes as they are."""
    operation_id = case.operation.schema.get_operation_id(case.operation)
    if operation_id is None or case.method.upper() != case.operation.method.upper():
        return None
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return None
    sent = response.request
    if tolerated_by_the_api(
        str(operation_id),
        headers={k: sent.headers[k] for k in sent.headers},
        path=case.path_parameters,
        query=case.query,
        body=case.body if isinstance(case.body, dict | list) else MISSING,
    ):
        return None
    result: bool | None = schemathesis.checks.negative_data_rejection(ctx, response, case)
    return result
