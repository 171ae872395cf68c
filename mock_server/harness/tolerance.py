"""What a server must refuse, as opposed to what a client must send.

Our contract describes what a client must send: strictly, with `additionalProperties: false`
and exact types (the mock in `--strict` refuses anything else). A server is held only to what
the real API refuses, and the real API tolerates two things the contract forbids:

- unknown request fields, query parameters and headers: ignored. The suite does not generate
  them as negative data at all (`generation.allow-extra-parameters = false` in `suite_config`,
  the switch schemathesis offers for exactly this), so a tolerant server is not in breach;
- on v6 create and modify only, scalars of the wrong JSON type that read as the right one
  (`"quantity": "2"`, `"customerLineNumber": 1`, `"true"` for a boolean, a numeric string
  price): coerced. The built-in `negative_data_rejection` is switched off for those two
  operations and `rejects_what_the_api_rejects` stands in for it: it judges the case exactly
  as the built-in check does, unless the body's only faults are such coercible scalars, in
  which case accepting it is the real API's behaviour. v7 stays strictly typed: the built-in
  check applies to it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import schemathesis
import schemathesis.checks
from schemathesis import Case, CheckContext, Response

from mock_server.contract import load_contract

AnyCase: TypeAlias = "Case[Any]"
# operationId -> the JSON body the real API reads leniently (scalar types coerced).
COERCING_OPERATIONS: Mapping[str, str] = {
    "createOrderV6": "v6 create coerces scalar types",
    "modifyOrder": "v6 modify coerces scalar types",
}
_MAX_PASSES = 64  # each pass fixes at least one field; a body has few of them


def _coerced(value: Any, types: list[str]) -> Any:
    """`value` read as one of `types` the way a lenient server reads it, or itself."""
    if isinstance(value, bool):
        return value  # a boolean is never read as another type
    if isinstance(value, int | float) and "string" in types:
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if "boolean" in types and text.lower() in ("true", "false"):
            return text.lower() == "true"
        try:
            if "integer" in types and str(int(text)) == text.lstrip("+"):
                return int(text)
            if "number" in types:
                return float(text)
        except ValueError:
            return value
    return value


def _set(body: Any, path: list[Any], value: Any) -> None:
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def is_coercible(operation_id: str, body: Any) -> bool:
    """Whether `body`, once its mistyped scalars are read leniently, satisfies the contract."""
    import copy

    validator = load_contract().operation(operation_id).body_validator
    if validator is None or not isinstance(body, dict | list):
        return False
    candidate = copy.deepcopy(body)
    for _ in range(_MAX_PASSES):
        errors = list(validator.iter_errors(candidate))
        if not errors:
            return True
        progressed = False
        for error in errors:
            path = list(error.instance_path)
            if type(error.kind).__name__ != "Type" or not path:
                return False  # another fault: the real API refuses it too
            kind: Any = error.kind
            new = _coerced(error.instance, list(kind.types))
            if new is error.instance:
                return False
            _set(candidate, path, new)
            progressed = True
        if not progressed:
            return False
    return False


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
    if operation_id not in COERCING_OPERATIONS:
        return None
    if case.method.upper() != case.operation.method.upper():
        return None
    if _only_body_is_negative(case) and is_coercible(str(operation_id), case.body):
        return None
    result: bool | None = schemathesis.checks.negative_data_rejection(ctx, response, case)
    return result
