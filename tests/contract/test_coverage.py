"""How much of the published spec our contract covers, for the six order operations.

A property path is a field's place in a body: `orders[].lines[].unitPrice`. We count, for
each operation, the paths of its request body and of each response status's body in the
published spec, and how many of them our contract has at the same place. The v7 "201"
is not an answer of the call (it answers 200 with a confirmation): it is the payload of
the outcome webhook, so its paths are looked for in our `webhooks.v7OrderOutcome` body.
Every upstream parameter must be ours too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.harness.diff.document import Document, template
from mock_server.harness.diff.operations import SCOPE

REPO = Path(__file__).resolve().parents[2]
UPSTREAM_SPEC = REPO.parent / "shared" / "reference" / "XI-Resellers-API-Spec.json"
CONTRACT = REPO / "contracts" / "orders-api.json"
THRESHOLD = 0.98
MAX_DEPTH = 24
ORDER_OPERATIONS = [op for op in SCOPE if op[1].startswith("/resellers/")]
V7_CREATE = ("post", "/resellers/v7/orders")

Json = dict[str, Any]


def property_paths(doc: Document, schema: Any, prefix: str = "", depth: int = 0) -> set[str]:
    """Every property path under `schema` (refs, allOf/oneOf/anyOf folded in)."""
    if depth > MAX_DEPTH:
        return set()
    flat = doc.flatten(schema)
    found: set[str] = set()
    properties = flat.get("properties")
    for name, sub in (properties if isinstance(properties, dict) else {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found.add(path)
        found |= property_paths(doc, sub, path, depth + 1)
    if isinstance(flat.get("items"), dict):
        found |= property_paths(doc, flat["items"], prefix + "[]", depth + 1)
    return found


def body_paths(doc: Document, holder: Any) -> set[str]:
    """The paths of every JSON body a request body or a response holds."""
    holder = doc.resolve(holder)
    content = holder.get("content") if isinstance(holder, dict) else None
    found: set[str] = set()
    for media in (content if isinstance(content, dict) else {}).values():
        if isinstance(media, dict):
            found |= property_paths(doc, media.get("schema"))
    return found


def places(doc: Document, operation: Json) -> Iterator[tuple[str, set[str]]]:
    yield "request", body_paths(doc, operation.get("requestBody"))
    for status, response in (operation.get("responses") or {}).items():
        yield f"response {status}", body_paths(doc, response)


def parameters(doc: Document, path_item: Json, operation: Json) -> set[tuple[str, str]]:
    found = set()
    for raw in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        param = doc.resolve(raw)
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            name = param["name"]
            found.add((param.get("in", ""), name.lower() if param.get("in") == "header" else name))
    return found


def coverage(upstream: Document, ours: Document) -> tuple[int, int, list[str], list[str]]:
    """(paths covered, paths upstream, the missing paths, the missing parameters)."""
    up_ops, our_ops = upstream.operations(), ours.operations()
    outcome = ours.raw["webhooks"]["v7OrderOutcome"]["post"]["requestBody"]
    covered = total = 0
    missing: list[str] = []
    missing_params: list[str] = []
    for method, path in ORDER_OPERATIONS:
        key = (method, template(path))
        _, up_op, up_item = up_ops[key]
        _, our_op, our_item = our_ops[key]
        mine = dict(places(ours, our_op))
        for where, paths in places(upstream, up_op):
            if (method, path) == V7_CREATE and where == "response 201":
                have = body_paths(ours, outcome)
            else:
                have = mine.get(where, set())
            total += len(paths)
            covered += len(paths & have)
            missing += [f"{method.upper()} {path} {where}: {p}" for p in sorted(paths - have)]
        absent = parameters(upstream, up_item, up_op) - parameters(ours, our_item, our_op)
        missing_params += [f"{method.upper()} {path}: {where} {name}" for where, name in absent]
    return covered, total, missing, missing_params


@pytest.fixture(scope="module")
def documents() -> tuple[Document, Document]:
    if not UPSTREAM_SPEC.is_file():
        pytest.skip(f"reference spec not found at {UPSTREAM_SPEC}")
    return Document.load(UPSTREAM_SPEC), Document.load(CONTRACT)


def test_the_contract_covers_the_published_order_operations(
    documents: tuple[Document, Document], record_property: Any
) -> None:
    covered, total, missing, missing_params = coverage(*documents)
    share = covered / total
    record_property("property_path_coverage", f"{covered}/{total} = {share:.2%}")
    print(f"\nproperty paths covered: {covered}/{total} = {share:.2%}")
    assert not missing_params, missing_params
    assert total > 800  # the six operations' bodies were found at all
    assert share >= THRESHOLD, "\n".join(missing)


def test_the_measure_sees_a_missing_field(documents: tuple[Document, Document]) -> None:
    """The count is not vacuous: a field dropped from our contract shows up as missing."""
    upstream, ours = documents
    raw = json.loads(json.dumps(ours.raw))
    del raw["components"]["schemas"]["OrderDetail"]["properties"]["billToInfo"]
    del raw["webhooks"]["v7OrderOutcome"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    covered, _, missing, _ = coverage(upstream, Document(raw, "edited"))
    assert "GET /resellers/v6.1/orders/{ordernumber} response 200: billToInfo.city" in missing
    assert "POST /resellers/v7/orders response 201: resource.orders[].lines" in missing
    assert covered < coverage(upstream, ours)[0]
