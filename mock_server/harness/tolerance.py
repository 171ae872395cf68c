"""What a server must refuse, as opposed to what a client must send.

Our contract describes what a client must send: strictly, with `additionalProperties: false`
and exact types (the mock in `--strict` refuses anything else). A server is held only to what
the real API refuses, and the real API tolerates two things the contract forbids:

- unknown request fields, query parameters and headers: ignored. The suite does not generate
  them as negative data at all (`generation.allow-extra-parameters = false` in `suite_config`,
  the switch schemathesis offers for exactly this), so a tolerant server is not in breach;
- on v6 create and modify only (the operations the contract marks `x-mock-coerce-scalars`),
  scalars of the wrong JSON type that read as the right one (`"quantity": "2"`,
  `"customerLineNumber": 1`, `"true"` for a boolean, a numeric string price): coerced. The
  built-in `negative_data_rejection` is switched off for those operations and
  `rejects_what_the_api_rejects` stands in for it: it judges the case exactly as the built-in
  check does, unless the body's only faults are ones the real API tolerates, as the mock's own
  checker (`mock_server/contract.py`, `mock_server/coercion.py`) reads them: one rule, in one
  place. v7 stays strictly typed: the built-in check applies to it unchanged.
"""

from __future__ import annotations

import copy
from typing import Any, TypeAlias

import schemathesis
import schemathesis.checks
from schemathesis import Case, CheckContext, Response
from werkzeug.datastructures import MultiDict

from mock_server.contract import load_contract

AnyCase: TypeAlias = "Case[Any]"


def coercing_operations() -> frozenset[str]:
    """The operations whose body the real API reads leniently: marked in the contract."""
    operations = load_contract().operations
    return frozenset(op_id for op_id, op in operations.items() if op.coerce_scalars)


def is_coercible(operation_id: str, body: Any) -> bool:
    """Whether the real API takes `body` as it is: once its scalars are read as the contract's
    coercion rule reads them (the mock's own checker, `mock_server/contract.py`), nothing is
    left that the API refuses."""
    operation = load_contract().operation(operation_id)
    if not operation.coerce_scalars or not isinstance(body, dict | list):
        return False
    # Headers, path and query are judged by other checks: only the body's verdicts count.
    checked = operation.check(environ={}, path={}, query=MultiDict(), body=copy.deepcopy(body))
    return all(v.tolerable for v in checked.violations if v.location == "body")


def _only_body_is_negative(case: AnyCase) -> bool:
    meta = case.meta
    if meta is None:
        return False
    negative = [location for location, info in meta.components.items() if info.mode.is_negative]
    return [location.value for location in negative] == ["body"]


@schemathesis.check
def rejects_what_the_api_rejects(
    ctx: CheckContext, response: Response, case: AnyCase
) -> bool | None:
    """`negative_data_rejection` for v6 create and modify, minus the coercions the API makes."""
    operation_id = case.operation.schema.get_operation_id(case.operation)
    if operation_id not in coercing_operations():
        return None
    if case.method.upper() != case.operation.method.upper():
        return None
    if _only_body_is_negative(case) and is_coercible(str(operation_id), case.body):
        return None
    result: bool | None = schemathesis.checks.negative_data_rejection(ctx, response, case)
    return result
