"""Our contract (`contracts/orders-api.json`), loaded once and used to check requests.

The same document is what the harness fuzzes, so the server and the tests hold clients
to one definition. Each operation's headers, query, path parameters and body are checked
with compiled JSON Schema validators; every problem comes back as a `Violation` that
names the field the way the API's error body does (`lines[0].quantity`).

Two extensions in the document say where the real API is looser than its description:
- `x-mock-tolerated` on a parameter lists schema keywords it does not enforce (the
  correlation id's `maxLength`): a breach is a tolerated violation, not a refusal;
- `x-mock-coerce-scalars` on an operation makes the checker fix scalar types the way the
  real API reads them (`"2"` for an integer, `1` for a string, `"true"` for a boolean, `2.0`
  for an integer, `null` for an optional text field, read as absent; `coercion.py`), in the
  body itself, each fix a `coerced` violation. The handler then parses clean types. `true`
  (v6 create and modify) reads every scalar of the body so; a list of field paths
  (`["lines[*].quantity", ...]`, v7 create) reads only those, and the rest of the body stays
  strictly typed: v7 is strictly typed, except where official SDKs send other types. A
  listed path that names no scalar field of the body is an error at load.
Tolerated, coerced and unknown-field violations are served in lenient mode and refused in
strict mode; every other violation is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from mock_server.contract.coercion import (
    JSON_TYPE,
    FieldPath,
    Fix,
    field_path,
    fix_type_error,
    integer_paths,
    integral_floats,
    pattern_of,
    schema_at,
)
from mock_server.contract.refs import resolve

_PACKAGE = Path(__file__).resolve().parents[1]  # mock_server/
_CANDIDATES = (_PACKAGE / "_data" / "contracts", _PACKAGE.parent / "contracts")
CONTRACT_FILE = "orders-api.json"
MISSING: Any = object()  # a request without a body
_ORDER_NUMBER_FIELDS = frozenset({"ordernumber", "orderNumber", "OrderNumber"})


def contracts_dir() -> Path:
    """Where the contract documents live: inside an installed wheel, or the source tree."""
    for candidate in _CANDIDATES:
        if (candidate / CONTRACT_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"{CONTRACT_FILE} not found in {[str(c) for c in _CANDIDATES]}")


INVALID = "invalid"  # refused: the real API refuses it too
UNKNOWN = "unknown"  # a field the contract does not name: a smell the real API tolerates
COERCED = "coerced"  # a scalar of the wrong JSON type, read as the right one
TOLERATED = "tolerated"  # breaks a constraint the real API documents but does not enforce
IGNORED = "ignored"  # valid in shape, but asks for what the mock cannot honour (a warehouse)


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request breaks the contract."""

    location: str  # header | query | path | body
    field: str
    message: str
    value: str | None = None
    kind: str = INVALID

    @property
    def tolerable(self) -> bool:
        """Served in lenient mode (refused only with --strict)."""
        return self.kind != INVALID


@dataclass(frozen=True, slots=True)
class CheckedRequest:
    violations: list[Violation]
    query: dict[str, Any]  # query values coerced to the contract's types


def _coercer(schema: Mapping[str, Any]) -> Callable[[str], Any]:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)

    if kind not in ("integer", "number", "boolean"):
        return _as_text  # most parameters: read on every request, so no test per call

    def coerce(raw: str) -> Any:
        try:
            if kind == "integer":
                return int(raw)
            if kind == "number":
                return float(raw)
        except ValueError:
            return raw
        if kind == "boolean" and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        return raw

    return coerce


def _as_text(raw: str) -> str:
    return raw


class _ParameterGroup:
    """The parameters of one location (header, query or path), validated as one object."""

    def __init__(self, location: str, params: list[Mapping[str, Any]], root: Mapping[str, Any]):
        self.location = location
        key = str.lower if location == "header" else str
        self.names = {key(p["name"]): p["name"] for p in params}
        self.arrays = {key(p["name"]) for p in params if p["schema"].get("type") == "array"}
        self.coercers = {
            key(p["name"]): _coercer(
                p["schema"]["items"] if p["schema"].get("type") == "array" else p["schema"]
            )
            for p in params
        }
        schema = {
            "type": "object",
            "properties": {key(p["name"]): p["schema"] for p in params},
            "required": [key(p["name"]) for p in params if p.get("required")],
            "components": root.get("components", {}),
        }
        self.validator = jsonschema_rs.validator_for(schema, validate_formats=True)
        self.anything_required = bool(schema["required"])
        self.tolerated = {
            key(p["name"]): frozenset(k.lower() for k in p.get("x-mock-tolerated", ()))
            for p in params
            if p.get("x-mock-tolerated")
        }

    def collect(self, source: Any) -> dict[str, Any]:
        """Pick this group's parameters out of the request, coerced to their types.

        `source` maps lower-case names to values for headers, names to lists of values
        (or a MultiDict) for the query, names to values for the path. Only parameters
        actually present are looked at.
        """
        values: dict[str, Any] = {}
        if self.location == "header":
            for key, read in self.coercers.items():
                raw = source.get(key)
                if raw is not None:
                    values[key] = read(raw)
            return values
        many = hasattr(source, "getlist")
        for key in source.keys():  # noqa: SIM118 - MultiDict iteration yields keys once
            coerce = self.coercers.get(key)
            if coerce is None:
                continue  # not a contract parameter: the real API ignores it too
            raw = source.getlist(key) if many else source[key]
            items = raw if isinstance(raw, list) else [raw]
            if key in self.arrays:
                values[key] = [coerce(str(v)) for v in items]
            else:
                values[key] = coerce(str(items[0]))
        return values

    def check(self, values: Mapping[str, Any]) -> list[Violation]:
        if not values and not self.anything_required:
            return []
        instance = dict(values)
        if self.validator.is_valid(instance):
            return []
        return [self._violation(error) for error in self.validator.iter_errors(instance)]

    def _violation(self, error: Any) -> Violation:
        found = _violation(self.location, error, self.names)
        path = list(error.instance_path)
        tolerated = self.tolerated.get(str(path[0])) if len(path) == 1 else None
        if tolerated and type(error.kind).__name__.lower() in tolerated:
            return _replace_kind(found, TOLERATED)
        return found


class OperationContract:
    def __init__(self, operation_id: str, operation: Mapping[str, Any], root: Mapping[str, Any]):
        self.operation_id = operation_id
        self._root = root
        self._responses: Mapping[str, Any] = operation.get("responses", {})
        self._answer_validators: dict[str, Any] = {}
        params = [resolve(root, p) for p in operation.get("parameters", [])]
        self.groups = [
            _ParameterGroup(location, [p for p in params if p["in"] == location], root)
            for location in ("header", "path", "query")
        ]
        body = operation.get("requestBody")
        self.body_required = bool(body and body.get("required"))
        self.body_validator = None
        coerce = operation.get("x-mock-coerce-scalars")
        self.coerce_scalars = bool(coerce)
        # None: every scalar may be read leniently; else only the fields at these paths.
        self.coerce_only: frozenset[FieldPath] | None = (
            None if coerce is True or not coerce else frozenset(map(field_path, coerce))
        )
        self.integer_paths: list[tuple[str, ...]] = []
        if body:
            media: Mapping[str, Any] = body.get("content", {})
            first: Mapping[str, Any] = next(iter(media.values()), {})
            schema = first.get("schema")
            if schema is not None:
                self.body_validator = jsonschema_rs.validator_for(
                    {**schema, "components": root.get("components", {})},
                    validate_formats=True,
                )
                if self.coerce_scalars:
                    found = set(integer_paths(root, schema))
                    if self.coerce_only is not None:
                        _check_listed(operation_id, root, schema, self.coerce_only)
                        found &= self.coerce_only
                    self.integer_paths = sorted(found)

    def check(
        self,
        *,
        headers: Mapping[str, str],
        path: Mapping[str, str],
        query: Any,
        body: Any = MISSING,
        floats_possible: bool = True,
    ) -> CheckedRequest:
        """Every violation of this operation's request contract, plus the coerced query.

        `headers` maps lower-case names to values; `query` names to lists of values.
        `floats_possible=False` says the body was read from JSON text with no fraction or
        exponent in it (`may_hold_floats`), so no `2.0` needs reading as an integer.
        """
        violations: list[Violation] = []
        coerced_query: dict[str, Any] = {}
        for group, source in zip(self.groups, (headers, path, query), strict=True):
            values = group.collect(source)
            if group.location == "query":
                coerced_query = values
            violations.extend(group.check(values))
        if self.body_validator is not None:
            if body is MISSING:
                if self.body_required:
                    violations.append(Violation("body", "body", "A JSON request body is required"))
            else:
                violations.extend(self._check_body(body, floats_possible))
        return CheckedRequest(violations, coerced_query)

    def answer_problems(self, status: int, body: Any = MISSING) -> list[str]:
        """What this operation's responses do not allow in an answer: a status they do not
        document, a body where they document none, or a JSON body (MISSING: none) that breaks
        the status's schema. Used on answers the mock was told to give (overrides)."""
        documented = self._responses.get(str(status)) or self._responses.get("default")
        if documented is None:
            return [f"status {status} is not documented for {self.operation_id}"]
        content = resolve(self._root, documented).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if body is MISSING:
            return [f"the contract documents a body for {status}"] if schema else []
        if schema is None:
            return [f"the contract documents no body for {status}"]
        key = str(status)
        validator = self._answer_validators.get(key)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                {**schema, "components": self._root.get("components", {})},
                validate_formats=True,
            )
            self._answer_validators[key] = validator
        problems = []
        for error in validator.iter_errors(body):
            where = _field_path(error.instance_path)
            where = f".{where}" if where and not where.startswith("[") else where
            problems.append(f"body{where}: {error.message}")
        return problems

    def _check_body(self, body: Any, floats_possible: bool) -> list[Violation]:
        """The body's violations; with coercion on, wrong scalar types are fixed in place
        first (each fix a COERCED violation) and the fixed body is checked again."""
        assert self.body_validator is not None
        fixed: list[Violation] = []
        if self.coerce_scalars and floats_possible:
            fixed.extend(_coerced(fix) for fix in integral_floats(body, self.integer_paths))
        if self.body_validator.is_valid(body):
            return fixed
        errors = list(self.body_validator.iter_errors(body))
        if self.coerce_scalars:
            remaining = []
            only = self.coerce_only
            for error in errors:
                if only is not None and pattern_of(error.instance_path) not in only:
                    remaining.append(error)
                    continue
                fix = fix_type_error(body, error)
                if fix is None:
                    remaining.append(error)
                else:
                    fixed.append(_coerced(fix))
            if len(remaining) != len(errors):
                # A fixed value may still break another rule (a length, an enum).
                remaining = list(self.body_validator.iter_errors(body))
            errors = remaining
        return [*fixed, *(_violation("body", e, {}) for e in errors)]


_EXPONENT = re.compile(rb"[0-9][eE]")


def may_hold_floats(raw: bytes) -> bool:
    """Whether JSON text may hold a number with a fraction or an exponent: a walk of the
    parsed body for `2.0` where an integer is due (5 µs a create) is only needed then."""
    return b"." in raw or _EXPONENT.search(raw) is not None


class Contract:
    """The loaded document, with one compiled checker per operation id."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.operations: dict[str, OperationContract] = {}
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    merged = dict(operation)
                    shared = path_item.get("parameters", [])
                    merged["parameters"] = [*shared, *operation.get("parameters", [])]
                    self.operations[operation["operationId"]] = OperationContract(
                        operation["operationId"], merged, document
                    )

    def operation(self, operation_id: str) -> OperationContract:
        return self.operations[operation_id]

    def schema(self, name: str) -> Mapping[str, Any]:
        return dict(self.document["components"]["schemas"][name])

    def validator(self, name: str) -> Any:
        """A compiled validator for one component schema (responses, webhook bodies)."""
        return jsonschema_rs.validator_for(
            {"$ref": f"#/components/schemas/{name}", "components": self.document["components"]},
            validate_formats=True,
        )


@cache
def load_contract(path: str | None = None) -> Contract:
    """The contract document, parsed and compiled once per process."""
    file = Path(path) if path else contracts_dir() / CONTRACT_FILE
    return Contract(json.loads(file.read_text(encoding="utf-8")))


def _field_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _violation(location: str, error: Any, names: Mapping[str, str]) -> Violation:
    path = list(error.instance_path)
    kind = error.kind
    kind_name = INVALID
    if type(kind).__name__ == "Required":
        path.append(kind.property)
        message = "Required field is missing"
    elif type(kind).__name__ == "AdditionalProperties":
        path.append(",".join(kind.unexpected))
        message = "Unknown field: not part of the contract"
        kind_name = UNKNOWN
    elif type(kind).__name__ == "MaxItems" and isinstance(error.instance, list):
        # Not jsonschema's message: that one quotes the whole (too long) array back.
        message = f"At most {kind.limit} items are allowed; {len(error.instance)} were sent"
    elif type(kind).__name__ == "Pattern" and path and path[0] in _ORDER_NUMBER_FIELDS:
        message = f"{path[0]} must be in the format xx-xxxxx or xx-xxxxx-xx"
    else:
        message = error.message
    if path and isinstance(path[0], str) and path[0] in names:
        path[0] = names[path[0]]  # headers were matched case-insensitively
    value = None if isinstance(error.instance, dict | list) else error.instance
    return Violation(
        location=location,
        field=_field_path(path) or location,
        message=message,
        value=None if value is None else str(value),
        kind=kind_name,
    )


def _replace_kind(violation: Violation, kind: str) -> Violation:
    return Violation(violation.location, violation.field, violation.message, violation.value, kind)


def _coerced(fix: Fix) -> Violation:
    sent = JSON_TYPE.get(type(fix.original), type(fix.original).__name__)
    original = fix.original
    if fix.absent:
        message = f"Expected {fix.wanted}, got null: read as absent"
    else:
        message = f"Expected {fix.wanted}, got {sent} {json.dumps(original)}: read as {fix.wanted}"
    return Violation(
        location="body",
        field=_field_path(fix.path),
        message=message,
        value=json.dumps(original) if isinstance(original, bool | None) else str(original),
        kind=COERCED,
    )


_SCALARS = frozenset({"string", "integer", "number", "boolean"})


def _check_listed(
    operation_id: str, root: Mapping[str, Any], schema: Any, paths: Iterable[FieldPath]
) -> None:
    """Every field an `x-mock-coerce-scalars` list names is a scalar of the body. Raises
    ValueError: a misspelt path would silently coerce nothing."""
    for path in sorted(paths):
        found = schema_at(root, schema, path)
        kinds = found.get("type") if found is not None else None
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not _SCALARS & set(kinds):
            raise ValueError(
                f"{operation_id}: x-mock-coerce-scalars names {'.'.join(path)}, "
                "which is not a scalar field of the request body"
            )
