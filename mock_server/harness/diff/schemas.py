"""Comparing two schemas, field by field, and judging each difference from a client's side."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mock_server.contract.refs import MAX_DEPTH
from mock_server.harness.diff.document import Document, as_list, schema_types
from mock_server.harness.diff.model import Difference, Direction, Json, Severity

_CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
)


@dataclass(frozen=True, slots=True)
class OperationDiff:
    """The operation being compared, and the list its differences go to."""

    name: str
    method: str
    path: str
    up: Document
    ours: Document
    found: list[Difference]

    def at(self, where: str, direction: Direction = Direction.REQUEST) -> Place:
        return Place(self, where, "", direction)


@dataclass(frozen=True, slots=True)
class Place:
    """A place in an operation: a parameter, body or header, and a field path inside it."""

    op: OperationDiff
    where: str
    field: str
    direction: Direction

    @property
    def response(self) -> bool:
        return self.direction is Direction.RESPONSE

    def child(self, name: str) -> Place:
        """`name` is a property, `[]` for array items or `{}` for map values."""
        nested = self.field and not name.startswith(("[", "{"))
        path = f"{self.field}.{name}" if nested else f"{self.field}{name}"
        return Place(self.op, self.where, path, self.direction)

    def add(self, kind: str, message: str, breaking: bool, note: str = "") -> None:
        severity = Severity.BREAKING if breaking else Severity.INFO
        op = self.op
        op.found.append(
            Difference(
                op.name, op.method, op.path, self.where, self.field, kind, message, severity, note
            )
        )

    def widened(self, kind: str, message: str, ours_wider: bool, note: str = "") -> None:
        """A difference in how many values are valid: harmful one way round only.

        A response may only send what upstream clients can read (ours narrower is safe);
        a request must take all that upstream clients send (ours wider is safe).
        """
        self.add(kind, message, ours_wider == self.response, note)


@dataclass(slots=True)
class _View:
    """The parts of one schema that the comparison reads."""

    types: set[str] | None
    nullable: bool
    properties: Json
    required: set[str]
    additional: Any  # False: no other fields; a dict: a map's values; else open
    items: Any
    enum: list[Any] | None
    format: str | None
    default: Any
    constraints: Json

    @classmethod
    def of(cls, schema: Json) -> _View:
        types, nullable = schema_types(schema)
        raw_props = schema.get("properties")
        properties = raw_props if isinstance(raw_props, dict) else {}
        required = {r for r in as_list(schema.get("required")) if isinstance(r, str)}
        # Tolerance: upstream writes `required: true` on a property (3.0 has no such thing).
        required |= {
            name
            for name, prop in properties.items()
            if isinstance(prop, dict) and prop.get("required") is True
        }
        enum = schema.get("enum") if isinstance(schema.get("enum"), list) else None
        if "const" in schema:
            enum = [schema["const"]]
        if enum is not None and None in enum:
            nullable = True
            enum = [v for v in enum if v is not None]
        fmt = schema.get("format")
        return cls(
            types=types,
            nullable=nullable,
            properties=properties,
            required=required,
            additional=schema.get("additionalProperties", True),
            items=schema.get("items"),
            enum=enum,
            format=fmt if isinstance(fmt, str) else None,
            default=schema.get("default", _ABSENT),
            # `uniqueItems: false` is the default: the same as leaving it out.
            constraints={
                k: schema[k] for k in _CONSTRAINTS if k in schema and schema[k] is not False
            },
        )


_ABSENT: Any = object()


def compare_schema(at: Place, up_raw: Any, our_raw: Any, stack: frozenset[tuple[int, int]]) -> None:
    """Every difference between two schemas at `at`; `stack` holds the pairs being compared."""
    pair = (id(at.op.up.resolve(up_raw)), id(at.op.ours.resolve(our_raw)))
    if pair in stack or len(stack) > MAX_DEPTH:
        return  # a recursive schema: this pair is already being compared further up
    stack = stack | {pair}
    up = _View.of(at.op.up.flatten(up_raw))
    ours = _View.of(at.op.ours.flatten(our_raw))
    if not _compare_types(at, up, ours):
        return  # nothing in common: differences below would only repeat it
    if up.nullable != ours.nullable:
        note = ("we may send null" if at.response else "") if ours.nullable else ""
        if not ours.nullable and not at.response:
            note = "we reject null"
        at.widened(
            "nullable", f"nullable: {yes_no(up.nullable, ours.nullable)}", ours.nullable, note
        )
    _compare_enum(at, up, ours)
    if up.format != ours.format:
        message = f"format: upstream {up.format or 'none'}, ours {ours.format or 'none'}"
        at.add("format", message, False)
    for key in _CONSTRAINTS:
        up_value, our_value = up.constraints.get(key, _ABSENT), ours.constraints.get(key, _ABSENT)
        if up_value != our_value:
            message = f"{key}: upstream {_value(up_value)}, ours {_value(our_value)}"
            at.add("constraint", message, False)
    if up.default != ours.default and _ABSENT not in (up.default, ours.default):
        at.add(
            "default", f"default: upstream {_value(up.default)}, ours {_value(ours.default)}", False
        )
    both = (up.types or {"object", "array"}) & (ours.types or {"object", "array"})
    if "object" in both:
        _compare_properties(at, up, ours, stack)
    if "array" in both and (up.items is not None or ours.items is not None):
        compare_schema(at.child("[]"), up.items, ours.items, stack)


def yes_no(up: bool, ours: bool) -> str:
    return f"upstream {'yes' if up else 'no'}, ours {'yes' if ours else 'no'}"


def _widen(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def _compare_types(at: Place, up: _View, ours: _View) -> bool:
    """Report a type difference; False when the two sides share no type at all."""
    if up.types == ours.types:
        return True
    if at.response:  # ours must send only types upstream allows
        safe = ours.types is not None and (up.types is None or ours.types <= _widen(up.types))
    else:  # ours must accept every type upstream allows
        safe = ours.types is None or (up.types is not None and up.types <= _widen(ours.types))
    message = f"type: upstream {_type_text(up.types)}, ours {_type_text(ours.types)}"
    at.add("type", message, not safe)
    if up.types is None or ours.types is None:
        return True
    return bool(_widen(up.types) & _widen(ours.types))


def _type_text(types: set[str] | None) -> str:
    return "|".join(sorted(types)) if types else "any"


def _value(value: Any) -> str:
    return "none" if value is _ABSENT else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _values(values: Iterable[Any]) -> str:
    return "[" + ", ".join(_value(v) for v in values) + "]"


def _compare_enum(at: Place, up: _View, ours: _View) -> None:
    if up.enum is None and ours.enum is None:
        return
    if up.enum is None or ours.enum is None:
        side = "upstream" if ours.enum is None else "ours"
        message = f"enum: {side} only {_values(ours.enum or up.enum or [])}"
        note = "we may send other values" if at.response else "we reject other values"
        at.widened("enum", message, ours.enum is None, note)
        return
    up_keys = {_value(v): v for v in up.enum}
    our_keys = {_value(v): v for v in ours.enum}
    added = [v for k, v in our_keys.items() if k not in up_keys]
    lacking = [v for k, v in up_keys.items() if k not in our_keys]
    if added:
        at.widened("enum", f"enum: ours adds {_values(added)}", True, "clients may not know them")
    if lacking:
        at.widened("enum", f"enum: ours lacks {_values(lacking)}", False, "we reject them")


def _compare_properties(
    at: Place, up: _View, ours: _View, stack: frozenset[tuple[int, int]]
) -> None:
    names = [*up.properties, *sorted(up.required), *ours.properties, *sorted(ours.required)]
    for name in dict.fromkeys(names):
        place = at.child(name)
        in_up = name in up.properties or name in up.required
        in_ours = name in ours.properties or name in ours.required
        if not in_ours:
            if at.response:
                place.add(
                    "property", "field only upstream", True, "clients read it; we never send it"
                )
            elif ours.additional is False:
                place.add("property", "field only upstream", True, "we reject it as unknown")
            else:
                place.add("property", "field only upstream", False, "taken as an unknown field")
        elif not in_up:
            if at.response:
                closed = up.additional is False
                note = "upstream allows no other fields" if closed else ""
                place.add("property", "field only ours", closed, note)
            elif name in ours.required:
                note = "clients written against upstream do not send it"
                place.add("property", "field only ours, required", True, note)
            else:
                place.add("property", "field only ours", False)
        else:
            up_req, our_req = name in up.required, name in ours.required
            if up_req != our_req:
                note = "we may leave it out" if at.response else "clients may leave it out"
                at_note = note if (up_req if at.response else our_req) else ""
                place.widened("required", f"required: {yes_no(up_req, our_req)}", up_req, at_note)
            compare_schema(place, up.properties.get(name), ours.properties.get(name), stack)
    if isinstance(up.additional, dict) and isinstance(ours.additional, dict):
        compare_schema(at.child("{}"), up.additional, ours.additional, stack)
