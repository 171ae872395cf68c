"""`ingram-mock contracts diff UPSTREAM.json`: where our contract and an upstream spec differ.

Compares `contracts/orders-api.json` (OpenAPI 3.1) with an upstream OpenAPI 3.0 or 3.1
JSON document, read tolerantly (Ingram's published spec is not valid OpenAPI), for the
order operations and the token call, plus any other operation on the paths we describe.

Every difference gets a stable id, printed by the tool::

    <operation> <where>[ <field>]: <what>
    getOrderDetails response 200 lines[].shipmentDetails: type: upstream array, ours object

`<operation>` is our operationId (upstream's, or `METHOD /path`, when we lack it);
`<where>` is `operation`, `parameter <in> <name>`, `request`, `response <status>` or
`response <status> header <name>`; `<field>` is a body path (`lines[].quantity`, `[]` for
array items). Values are always given upstream first, ours second.

Severity is judged from a client written against upstream. BREAKING: responses that lack
a field upstream has, make a field optional that upstream requires, change its type, add
`null`, or send enum values upstream does not list; requests that reject a field,
parameter, type, `null` or enum value upstream accepts, or require one upstream does not;
a success status on one side only; a body, media type or response header only upstream
has; an upstream operation we lack. INFO: the safe direction of each of those, error
statuses on one side only, `format`, `default` and length/range/pattern constraints.
Descriptions, examples and security schemes are not compared: all our wording is our own.

A BREAKING difference is accepted when its id is listed, with a reason, under a heading
that starts with "Accepted differences" in `contracts/DEVIATIONS.md` (or `--accepted`)::

    ## Accepted differences
    - `modifyOrder response 201: status only upstream` — a modify never creates anything

Exit status: 0 when every BREAKING difference is accepted, 1 when one is not, 2 when a
document cannot be read. Accepted entries that match no difference are listed as stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mock_server.contract import CONTRACT_FILE, contracts_dir

Json = dict[str, Any]

# The order operations and the token call; other upstream paths are not ours to mirror.
SCOPE: tuple[tuple[str, str], ...] = (
    ("post", "/resellers/v6/orders"),
    ("post", "/resellers/v7/orders"),
    ("get", "/resellers/v6.1/orders/{ordernumber}"),
    ("get", "/resellers/v6/orders/search"),
    ("put", "/resellers/v6/orders/{orderNumber}"),
    ("delete", "/resellers/v6/orders/{OrderNumber}"),
    ("get", "/oauth/oauth20/token"),
)
DEVIATIONS_FILE = "DEVIATIONS.md"
ACCEPTED_HEADING = "accepted differences"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
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
# OpenAPI says these header parameters are ignored: they come from the content and security.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_MAX_DEPTH = 64


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


# --- reading documents tolerantly -------------------------------------------------------


class Document:
    """An OpenAPI document, read without validation: broken bits count as absent."""

    def __init__(self, raw: Any, name: str) -> None:
        self.raw: Json = raw if isinstance(raw, dict) else {}
        self.name = name
        self.version = str(self.raw.get("openapi") or self.raw.get("swagger") or "?")

    @classmethod
    def load(cls, path: Path) -> Document:
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DocumentError(f"cannot read {path}: {exc}") from exc

    def pointer(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None  # external references are not followed
        target: Any = self.raw
        for part in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                return None
        return target

    def resolve(self, node: Any) -> Any:
        """Follow a chain of `$ref`s (parameters, bodies, responses, headers)."""
        for _ in range(_MAX_DEPTH):
            if not (isinstance(node, dict) and "$ref" in node):
                return node
            node = self.pointer(node["$ref"])
        return None

    def flatten(self, node: Any, refs: frozenset[str] = frozenset()) -> Json:
        """One schema with `$ref`, `allOf`, `oneOf` and `anyOf` folded in (not its children)."""
        if not isinstance(node, dict):
            return {}
        schema: Json = dict(node)
        ref = schema.pop("$ref", None)
        if isinstance(ref, str):
            base = {} if ref in refs else self.flatten(self.pointer(ref), refs | {ref})
            schema = _merge(base, schema)  # 3.1 allows keywords beside $ref: they apply too
        for part in _as_list(schema.pop("allOf", None)):
            schema = _merge(schema, self.flatten(part, refs))
        variants = [self.flatten(v, refs) for v in _as_list(schema.pop("oneOf", None))]
        variants += [self.flatten(v, refs) for v in _as_list(schema.pop("anyOf", None))]
        if variants:
            schema = _merge(schema, _union(variants))
        return schema

    def operations(self) -> dict[tuple[str, str], tuple[str, Json, Json]]:
        """(method, path with parameters blanked) -> (path, operation, path item)."""
        found: dict[tuple[str, str], tuple[str, Json, Json]] = {}
        paths = self.raw.get("paths")
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            item = self.resolve(item)
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    found[(method, _template(path))] = (path, operation, item)
        return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _merge(base: Json, extra: Json) -> Json:
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(value, dict):
            merged[key] = {**(base.get(key) or {}), **value}
        elif key == "required" and isinstance(value, list):
            merged[key] = [*_as_list(base.get(key)), *value]
        elif key == "nullable":
            merged[key] = bool(base.get(key)) or value is True
        else:
            merged[key] = value
    return merged


def _union(variants: list[Json]) -> Json:
    """oneOf/anyOf: any variant's type, any variant's fields, required only if always."""
    types: set[str] = set()
    untyped = False
    properties: Json = {}
    required: set[str] | None = None
    nullable = False
    for variant in variants:
        kinds, null = _types(variant)
        nullable = nullable or null
        if kinds is None:
            untyped = True
        else:
            types |= kinds
        properties.update(variant.get("properties") or {})
        names = {r for r in _as_list(variant.get("required")) if isinstance(r, str)}
        required = names if required is None else required & names
    union: Json = {"properties": properties, "required": sorted(required or ())}
    if not untyped:
        union["type"] = sorted(types)
    if nullable:
        union["nullable"] = True
    items = [v["items"] for v in variants if "items" in v]
    if items:
        union["items"] = items[0]
    return union


def _types(schema: Json) -> tuple[set[str] | None, bool]:
    """The non-null types a schema allows (None: any) and whether it allows null."""
    declared = schema.get("type")
    nullable = schema.get("nullable") is True
    types: set[str] | None
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {t for t in declared if isinstance(t, str)}
    else:
        types = None
    if types and "null" in types:
        nullable = True
        if len(types) > 1:
            types.discard("null")
    if not types:
        if isinstance(schema.get("properties"), dict):
            types = {"object"}
        elif "items" in schema:
            types = {"array"}
        else:
            types = None
    return types, nullable


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
        types, nullable = _types(schema)
        raw_props = schema.get("properties")
        properties = raw_props if isinstance(raw_props, dict) else {}
        required = {r for r in _as_list(schema.get("required")) if isinstance(r, str)}
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


# --- comparing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Op:
    """The operation being compared, and the list its differences go to."""

    name: str
    method: str
    path: str
    up: Document
    ours: Document
    found: list[Difference]

    def at(self, where: str, direction: Direction = Direction.REQUEST) -> _At:
        return _At(self, where, "", direction)


@dataclass(frozen=True, slots=True)
class _At:
    """A place in an operation: a parameter, body or header, and a field path inside it."""

    op: _Op
    where: str
    field: str
    direction: Direction

    @property
    def response(self) -> bool:
        return self.direction is Direction.RESPONSE

    def child(self, name: str) -> _At:
        """`name` is a property, `[]` for array items or `{}` for map values."""
        nested = self.field and not name.startswith(("[", "{"))
        path = f"{self.field}.{name}" if nested else f"{self.field}{name}"
        return _At(self.op, self.where, path, self.direction)

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


def compare(
    upstream: Document, ours: Document, scope_ops: Iterable[tuple[str, str]] = SCOPE
) -> list[Difference]:
    """Every difference on our paths and on the `(method, path)` operations in scope."""
    up_ops, our_ops = upstream.operations(), ours.operations()
    named = list(scope_ops)
    scope = [(m, _template(p)) for m, p in named]
    our_paths = {path for _, path in our_ops}
    keys = list(our_ops)
    keys += [k for k in up_ops if k not in our_ops and (k in scope or k[1] in our_paths)]
    keys += [k for k in scope if k not in up_ops and k not in our_ops]
    found: list[Difference] = []
    for key in keys:
        up, mine = up_ops.get(key), our_ops.get(key)
        method = key[0]
        path = (mine or up or (named[scope.index(key)][1], {}, {}))[0]
        op = _Op(_operation_name(method, path, mine, up), method, path, upstream, ours, found)
        where = op.at("operation")
        if up is None and mine is None:
            where.add("operation", "operation in neither document", False)
        elif mine is None:
            where.add("operation", "operation only upstream", True, "clients call it")
        elif up is None:
            where.add("operation", "operation only ours", False)
        else:
            _compare_parameters(op, _parameters(upstream, up), _parameters(ours, mine))
            _compare_request(
                op,
                upstream.resolve(up[1].get("requestBody")),
                ours.resolve(mine[1].get("requestBody")),
            )
            _compare_responses(op, up[1].get("responses"), mine[1].get("responses"))
    return found


_Entry = tuple[str, Json, Json]  # (path, operation, path item)


def _operation_name(method: str, path: str, ours: _Entry | None, up: _Entry | None) -> str:
    for entry in (ours, up):
        if entry is not None and isinstance(entry[1].get("operationId"), str):
            return str(entry[1]["operationId"])
    return f"{method.upper()} {path}"


def _parameters(doc: Document, entry: _Entry) -> dict[tuple[str, str], Json]:
    """Path-level then operation-level parameters, keyed by (in, name); headers ignore case."""
    params: dict[tuple[str, str], Json] = {}
    for raw in [*_as_list(entry[2].get("parameters")), *_as_list(entry[1].get("parameters"))]:
        param = doc.resolve(raw)
        if not isinstance(param, dict):
            continue
        name, where = param.get("name"), param.get("in")
        if not isinstance(name, str) or not isinstance(where, str):
            continue
        if where == "header" and name.lower() in _IGNORED_HEADERS:
            continue
        params[(where, name.lower() if where == "header" else name)] = param
    return params


def _param_schema(param: Any) -> Any:
    """A parameter's or header's schema, also when given as `content`."""
    if not isinstance(param, dict):
        return None
    if "schema" in param:
        return param["schema"]
    media = next(iter(_content(param).values()), None)
    return media.get("schema") if isinstance(media, dict) else None


def _style(param: Json) -> str:
    style = param.get("style")
    if not isinstance(style, str):
        style = "form" if param.get("in") in ("query", "cookie") else "simple"
    explode = param.get("explode")
    return f"{style} explode" if explode is True or (explode is None and style == "form") else style


def _required(param: Json) -> bool:
    return param.get("required") is True or param.get("in") == "path"


def _compare_parameters(
    op: _Op, up: dict[tuple[str, str], Json], ours: dict[tuple[str, str], Json]
) -> None:
    for key in [*up, *(k for k in ours if k not in up)]:
        up_param, our_param = up.get(key), ours.get(key)
        at = op.at(f"parameter {key[0]} {(up_param or our_param or {}).get('name', key[1])}")
        if our_param is None:
            at.add("parameter", "parameter only upstream", True, "clients may send it")
            continue
        if up_param is None:
            required = _required(our_param)
            at.add(
                "parameter",
                f"parameter only ours{', required' if required else ''}",
                required,
                "clients written against upstream do not send it" if required else "",
            )
            continue
        up_req, our_req = _required(up_param), _required(our_param)
        if up_req != our_req:
            at.widened("required", f"required: {_pair(up_req, our_req)}", up_req)
        up_schema, our_schema = _param_schema(up_param), _param_schema(our_param)
        kinds = _types(op.up.flatten(up_schema))[0] or set()
        kinds |= _types(op.ours.flatten(our_schema))[0] or set()
        if kinds & {"array", "object"} and _style(up_param) != _style(our_param):
            message = f"serialization: upstream {_style(up_param)}, ours {_style(our_param)}"
            at.add("style", message, True, "clients encode the value another way")
        _compare_schema(at, up_schema, our_schema, frozenset())


def _pair(up: bool, ours: bool) -> str:
    return f"upstream {'yes' if up else 'no'}, ours {'yes' if ours else 'no'}"


def _content(node: Any) -> dict[str, Any]:
    content = node.get("content") if isinstance(node, dict) else None
    return content if isinstance(content, dict) else {}


def _compare_request(op: _Op, up: Any, ours: Any) -> None:
    at = op.at("request")
    up_content, our_content = _content(up), _content(ours)
    up_req = isinstance(up, dict) and up.get("required") is True
    our_req = isinstance(ours, dict) and ours.get("required") is True
    if not up_content and not our_content:
        return
    if not our_content:
        at.add("body", "body only upstream", True, "clients send a body we do not describe")
    elif not up_content:
        note = "clients written against upstream send none" if our_req else ""
        at.add("body", f"body only ours{', required' if our_req else ''}", our_req, note)
    else:
        if up_req != our_req:
            at.widened("required", f"required: {_pair(up_req, our_req)}", up_req)
        _compare_media(at, up_content, our_content)


def _compare_media(at: _At, up: dict[str, Any], ours: dict[str, Any]) -> None:
    """Bodies by media type: clients must be able to send (or read) each upstream one."""
    for media in up:
        if media not in ours:
            at.add("media-type", f"media type {media} only upstream", True)
    for media in ours:
        if media not in up:
            at.add("media-type", f"media type {media} only ours", False)
    for media in (m for m in up if m in ours):
        up_schema = up[media].get("schema") if isinstance(up[media], dict) else None
        our_schema = ours[media].get("schema") if isinstance(ours[media], dict) else None
        if up_schema is None and our_schema is None:
            continue
        place = at if "json" in media else _At(at.op, f"{at.where} {media}", "", at.direction)
        _compare_schema(place, up_schema, our_schema, frozenset())


def _status_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (999, code)


def _compare_responses(op: _Op, up: Any, ours: Any) -> None:
    up = {str(k): v for k, v in up.items()} if isinstance(up, dict) else {}
    ours = {str(k): v for k, v in ours.items()} if isinstance(ours, dict) else {}
    for code in sorted({*up, *ours}, key=_status_key):
        at = op.at(f"response {code}", Direction.RESPONSE)
        up_resp, our_resp = op.up.resolve(up.get(code)), op.ours.resolve(ours.get(code))
        success = code.startswith("2")
        if not isinstance(our_resp, dict) and not isinstance(up_resp, dict):
            continue
        if not isinstance(our_resp, dict):
            note = "a success clients expect; we never send it" if success else ""
            at.add("status", "status only upstream", success, note)
            continue
        if not isinstance(up_resp, dict):
            note = "a success clients do not expect" if success else ""
            at.add("status", "status only ours", success, note)
            continue
        _compare_response_headers(at, up_resp, our_resp)
        up_content, our_content = _content(up_resp), _content(our_resp)
        if up_content and not our_content:
            at.add("body", "body only upstream", True, "clients read a body we never send")
        elif our_content and not up_content:
            at.add("body", "body only ours", False)
        else:
            _compare_media(at, up_content, our_content)


def _compare_response_headers(at: _At, up: Json, ours: Json) -> None:
    def headers(doc: Document, response: Json) -> dict[str, tuple[str, Any]]:
        raw = response.get("headers")
        found = raw if isinstance(raw, dict) else {}
        return {str(name).lower(): (str(name), doc.resolve(h)) for name, h in found.items()}

    up_h, our_h = headers(at.op.up, up), headers(at.op.ours, ours)
    for key in [*up_h, *(k for k in our_h if k not in up_h)]:
        place = _At(
            at.op, f"{at.where} header {(up_h.get(key) or our_h[key])[0]}", "", at.direction
        )
        if key not in our_h:
            place.add("header", "header only upstream", True, "clients may read it")
        elif key not in up_h:
            place.add("header", "header only ours", False)
        else:
            up_schema, our_schema = _param_schema(up_h[key][1]), _param_schema(our_h[key][1])
            _compare_schema(place, up_schema, our_schema, frozenset())


def _compare_schema(at: _At, up_raw: Any, our_raw: Any, stack: frozenset[tuple[int, int]]) -> None:
    pair = (id(at.op.up.resolve(up_raw)), id(at.op.ours.resolve(our_raw)))
    if pair in stack or len(stack) > _MAX_DEPTH:
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
            "nullable", f"nullable: {_pair(up.nullable, ours.nullable)}", ours.nullable, note
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
        _compare_schema(at.child("[]"), up.items, ours.items, stack)


def _widen(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def _compare_types(at: _At, up: _View, ours: _View) -> bool:
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


def _compare_enum(at: _At, up: _View, ours: _View) -> None:
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


def _compare_properties(at: _At, up: _View, ours: _View, stack: frozenset[tuple[int, int]]) -> None:
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
                place.widened("required", f"required: {_pair(up_req, our_req)}", up_req, at_note)
            _compare_schema(place, up.properties.get(name), ours.properties.get(name), stack)
    if isinstance(up.additional, dict) and isinstance(ours.additional, dict):
        _compare_schema(at.child("{}"), up.additional, ours.additional, stack)


# --- acceptance ---------------------------------------------------------------------------

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


# --- command line -------------------------------------------------------------------------


def diff_documents(upstream: Path, ours: Path, accepted: Acceptance) -> Report:
    """Read both documents and compare them. Raises DocumentError if one is unreadable."""
    up_doc, our_doc = Document.load(upstream), Document.load(ours)
    return Report(
        ours=f"{ours} (OpenAPI {our_doc.version})",
        upstream=f"{upstream} (OpenAPI {up_doc.version})",
        differences=compare(up_doc, our_doc),
        acceptance=accepted,
    )


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="compare our contract with an upstream OpenAPI document",
        description="Compare contracts/orders-api.json with an upstream OpenAPI document for "
        "the order operations and the token call. Exit 1 if a breaking difference is not "
        f"accepted in {DEVIATIONS_FILE}.",
    )
    parser.add_argument("upstream", type=Path, help="upstream OpenAPI 3.0/3.1 JSON document")
    parser.add_argument("--ours", type=Path, default=None, help=f"our contract ({CONTRACT_FILE})")
    parser.add_argument(
        "--accepted",
        type=Path,
        default=None,
        help=f"markdown file listing accepted differences (default: {DEVIATIONS_FILE})",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--breaking-only", action="store_true", help="leave informational differences out"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        ours: Path = args.ours or contracts_dir() / CONTRACT_FILE
        if args.accepted is not None:
            acceptance = load_acceptance(args.accepted, required=True)
        else:
            acceptance = load_acceptance(contracts_dir() / DEVIATIONS_FILE, required=False)
        report = diff_documents(args.upstream, ours, acceptance)
    except (DocumentError, FileNotFoundError) as exc:
        print(f"ingram-mock contracts diff: {exc}", file=sys.stderr)
        return 2
    if args.json:
        output = render_json(report)
        if args.breaking_only:
            output["differences"] = [
                d for d in output["differences"] if d["severity"] == Severity.BREAKING
            ]
        print(json.dumps(output, indent=2, ensure_ascii=False))
    else:
        print(render_text(report, show_info=not args.breaking_only))
    return report.exit_code
