"""An OpenAPI document read without validation, and schemas folded into one for comparing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mock_server.contract.refs import pointer, resolve
from mock_server.harness.diff.model import DocumentError, Json

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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

    def resolve(self, node: Any) -> Any:
        """`node` with its `$ref`s followed; None when they lead nowhere."""
        return resolve(self.raw, node)

    def flatten(self, node: Any, refs: frozenset[str] = frozenset()) -> Json:
        """One schema with `$ref`, `allOf`, `oneOf` and `anyOf` folded in (not its children)."""
        if not isinstance(node, dict):
            return {}
        schema: Json = dict(node)
        ref = schema.pop("$ref", None)
        if isinstance(ref, str):
            base = {} if ref in refs else self.flatten(pointer(self.raw, ref), refs | {ref})
            schema = _merge(base, schema)  # 3.1 allows keywords beside $ref: they apply too
        for part in as_list(schema.pop("allOf", None)):
            schema = _merge(schema, self.flatten(part, refs))
        variants = [self.flatten(v, refs) for v in as_list(schema.pop("oneOf", None))]
        variants += [self.flatten(v, refs) for v in as_list(schema.pop("anyOf", None))]
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
                    found[(method, template(path))] = (path, operation, item)
        return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _merge(base: Json, extra: Json) -> Json:
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(value, dict):
            merged[key] = {**(base.get(key) or {}), **value}
        elif key == "required" and isinstance(value, list):
            merged[key] = [*as_list(base.get(key)), *value]
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
        kinds, null = schema_types(variant)
        nullable = nullable or null
        if kinds is None:
            untyped = True
        else:
            types |= kinds
        properties.update(variant.get("properties") or {})
        names = {r for r in as_list(variant.get("required")) if isinstance(r, str)}
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


def schema_types(schema: Json) -> tuple[set[str] | None, bool]:
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
