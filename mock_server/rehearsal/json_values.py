"""JSON values as rehearsal rules use them: the rules in a file, RFC 6901 pointers, JSON
equality, and the RFC 7396 merge patch. Plain Python on decoded JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ABSENT: Any = object()  # what a pointer finds where there is nothing


def rules_in_file(path: Path) -> list[Any] | None:
    """The rules a `--faults` or `--overrides` file holds: a list, or `{"rules": [...]}`;
    None when it holds neither. Raises OSError, ValueError (not JSON)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, Mapping):
        data = data.get("rules")
    return data if isinstance(data, list) else None


def pointed(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 JSON pointer, or ABSENT."""
    if pointer == "":
        return document
    value = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            if token not in value:
                return ABSENT
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return ABSENT
    return value



def same_json(found: Any, wanted: Any) -> bool:
    """JSON equality: `true` is not `1`; `1` is `1.0`."""
    if isinstance(found, bool) or isinstance(wanted, bool):
        return type(found) is type(wanted) and found == wanted
    if isinstance(found, dict) and isinstance(wanted, dict):
        return found.keys() == wanted.keys() and all(same_json(found[k], wanted[k]) for k in found)
    if isinstance(found, list) and isinstance(wanted, list):
        return len(found) == len(wanted) and all(map(same_json, found, wanted))
    if isinstance(found, int | float) and isinstance(wanted, int | float):
        return found == wanted
    return type(found) is type(wanted) and found == wanted


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge member by member, `null` removes a member, anything else
    (arrays included) replaces. `target` may be changed in place; use the result."""
    if not isinstance(patch, dict):
        return patch
    merged = target if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged
