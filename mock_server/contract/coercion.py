"""Reading a request body's scalars the way the real API reads them.

The real v6 API takes `"quantity": "2"`, `"customerLineNumber": 1`, `"acceptBackOrder": "true"`,
`2.0` for an integer, and `null` for a text field it then treats as absent. Ingram's Go and
Java SDKs send a v7 line's `"quantity": "1"`. `document.py` calls these helpers for operations
marked `x-mock-coerce-scalars` (every scalar, or only the fields it lists): each changes the
body in place and returns what it changed, so the handler parses clean types and the client
is told (a `coerced` violation).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mock_server.contract.refs import resolve

_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?,?")  # "2", "2.0"; "1," as a published example
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
JSON_TYPE = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
_NOT_READ: Any = object()
# The order in which a value is tried against the types a schema allows.
_PREFERENCE = ["integer", "number", "boolean", "string", "null", "object", "array"]


@dataclass(frozen=True, slots=True)
class Fix:
    """One value read as another type: where, what was sent, what it was read as (`absent`:
    a `null` text field, taken out of the body)."""

    path: list[str | int]
    original: Any
    wanted: str
    absent: bool = False


FieldPath = tuple[str, ...]  # ("lines", "*", "quantity"): `*` for any array item


def field_path(text: str) -> FieldPath:
    """`lines[*].endUserInfo[*].phoneNumber` as ("lines", "*", "endUserInfo", "*", ...)."""
    return tuple(part for part in text.replace("[*]", ".*").split(".") if part)


def schema_at(root: Mapping[str, Any], schema: Any, path: FieldPath) -> Mapping[str, Any] | None:
    """The schema a body schema gives the field at `path`; None when it names no field."""
    for part in path:
        schema = resolve(root, schema)
        if not isinstance(schema, Mapping):
            return None
        schema = schema.get("items") if part == "*" else (schema.get("properties") or {}).get(part)
    found = resolve(root, schema)
    return found if isinstance(found, Mapping) else None


def pattern_of(instance_path: Iterable[str | int]) -> FieldPath:
    """A validation error's place as a field path: array indexes become `*`."""
    return tuple("*" if isinstance(part, int) else part for part in instance_path)


def integer_paths(
    root: Mapping[str, Any], schema: Any, at: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Where a body schema expects integers (`*` for any array item), found once at load."""
    schema = resolve(root, schema)
    if not isinstance(schema, Mapping) or len(at) > 12:
        return
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        yield at
    for name, sub in (schema.get("properties") or {}).items():
        yield from integer_paths(root, sub, (*at, name))
    if "items" in schema:
        yield from integer_paths(root, schema["items"], (*at, "*"))


def integral_floats(body: Any, paths: list[tuple[str, ...]]) -> list[Fix]:
    """`2.0` where an integer is expected becomes `2`: JSON Schema calls it an integer (so
    no validator complains), but the rest of the mock counts in ints."""
    found: list[Fix] = []
    done: list[str | int] = []  # the path walked so far: appended and popped, not copied

    def walk(node: Any, path: tuple[str, ...], depth: int) -> None:
        head = path[depth]
        keys: Iterable[Any]
        if head == "*":
            if not isinstance(node, list):
                return
            keys = range(len(node))
        elif isinstance(node, dict) and head in node:
            keys = (head,)
        else:
            return
        last = depth + 1 == len(path)
        for key in keys:
            value = node[key]
            if not last:
                done.append(key)
                walk(value, path, depth + 1)
                done.pop()
            elif type(value) is float and value.is_integer() and abs(value) < 2**63:
                node[key] = int(value)
                found.append(Fix([*done, key], value, "integer"))

    for path in paths:
        if path:
            walk(body, path, 0)
    return found


def fix_type_error(body: Any, error: Any) -> Fix | None:
    """Fix one validation error of kind Type in `body`, the way the real API reads the
    value; None (and `body` unchanged) when it cannot be read as an expected type."""
    if type(error.kind).__name__ != "Type":
        return None
    path = list(error.instance_path)
    if not path:
        return None
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    value = parent[path[-1]]
    if value is None and "string" in error.kind.types and isinstance(parent, dict):
        # A shop's `"companyName": null`: no text, so none was given (an optional field;
        # a required one is then reported missing).
        del parent[path[-1]]
        return Fix(path, None, "string", absent=True)
    for wanted in sorted(error.kind.types, key=_PREFERENCE.index):
        new = _read_as(value, wanted)
        if new is not _NOT_READ:
            parent[path[-1]] = new
            return Fix(path, value, wanted)
    return None


def _read_as(value: Any, wanted: str) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if wanted == "integer" and _INTEGER_TEXT.fullmatch(text):
            return int(text.rstrip(",").split(".")[0])
        if wanted == "number" and _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            if not math.isfinite(number):  # "1e999": no price or count is that
                return _NOT_READ
            return int(number) if number.is_integer() and "." not in text else number
        if wanted == "boolean" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        return _NOT_READ
    if wanted == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if wanted == "string" and isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return _NOT_READ
