"""Local `$ref`s of an OpenAPI document (`#/components/...`), followed tolerantly.

One resolver for the contract checker and the contract diff. Upstream documents are not always
valid OpenAPI, so a reference that points nowhere, leaves the document or loops comes back as
None instead of raising; callers treat None as "absent".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64  # longest `$ref` chain followed; a longer one is a loop


def pointer(document: Any, ref: Any) -> Any:
    """The node a local JSON pointer (`#/components/schemas/Order`) names, or None."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None  # external references are not followed
    target: Any = document
    for part in ref[1:].lstrip("/").split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, Mapping) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return None
    return target


def resolve(document: Any, node: Any) -> Any:
    """`node` with its chain of `$ref`s followed (parameters, bodies, responses, headers)."""
    for _ in range(MAX_DEPTH):
        if not (isinstance(node, Mapping) and "$ref" in node):
            return node
        node = pointer(document, node["$ref"])
    return None
