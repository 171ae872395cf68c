"""Override rules without HTTP: the merge patch, matching, the order rules are tried in,
`times`, reset, the file, and the operation sets checked against the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_server.contract.document import load_contract
from mock_server.contract.refs import resolve
from mock_server.rehearsal.faults import OPERATIONS
from mock_server.rehearsal.json_values import merge_patch
from mock_server.rehearsal.overrides import (
    BODY_OPERATIONS,
    ORDER_NUMBER_OPERATIONS,
    PO_OPERATIONS,
    TOKEN_OPERATIONS,
    Asked,
    InvalidOverride,
    OverrideBook,
    check_overrides_file,
    rules_from_file,
)


def asked(
    operation: str = "getOrderDetails",
    *,
    order: str = "20-AAAAA",
    customer: str = "20-222222",
    po: str = "",
    headers: dict[str, str] | None = None,
    query: list[tuple[str, str]] | None = None,
    body: Any = None,
) -> Asked:
    return Asked(operation, order, customer, po, headers or {}, query or [], body)


# -- RFC 7396 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # the examples of RFC 7396, appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, result: Any) -> None:
    assert merge_patch(target, patch) == result


def test_a_patch_never_changes_the_rule_it_came_from() -> None:
    patch = {"orders": [{"x": 1}], "nested": {"a": 1, "gone": None}}
    kept = json.loads(json.dumps(patch))
    merge_patch({"nested": {"b": 2}}, patch)
    merge_patch({}, patch)
    assert patch == kept


# -- matching ---------------------------------------------------------------------------------


def test_each_match_key_narrows_a_rule() -> None:
    book = OverrideBook()
    book.add({"operation": "getOrderDetails", "match": {"orderNumber": "20-BBBBB"}, "patch": {}})
    assert book.decide(asked(order="20-AAAAA")) is None
    assert book.decide(asked(order="20-BBBBB")) is not None
    book.clear()
    book.add({"operation": "searchOrders", "match": {"customerNumber": "20-333333"}, "patch": {}})
    assert book.decide(asked("searchOrders")) is None
    assert book.decide(asked("searchOrders", customer="20-333333")) is not None
    book.clear()
    book.add(
        {"operation": "createOrderV6", "match": {"customerOrderNumber": "PO-7"}, "patch": {}}
    )
    assert book.decide(asked("createOrderV6", po="PO-8")) is None
    assert book.decide(asked("createOrderV6", po="PO-7")) is not None
    book.clear()
    book.add(
        {"operation": "searchOrders", "match": {"headers": {"IM-SenderID": "erp"}}, "patch": {}}
    )
    assert book.decide(asked("searchOrders", headers={"im-senderid": "crm"})) is None
    assert book.decide(asked("searchOrders", headers={"im-senderid": "erp"})) is not None
    book.clear()
    book.add({"operation": "searchOrders", "match": {"query": {"pageNumber": "2"}}, "patch": {}})
    assert book.decide(asked("searchOrders", query=[("pageNumber", "1")])) is None
    assert book.decide(asked("searchOrders", query=[("pageNumber", "2")])) is not None


@pytest.mark.parametrize(
    ("wanted", "body", "matches"),
    [
        ({"/lines/0/quantity": 2}, {"lines": [{"quantity": 2}]}, True),
        ({"/lines/0/quantity": 2}, {"lines": [{"quantity": 2.0}]}, True),
        ({"/lines/0/quantity": 2}, {"lines": [{"quantity": "2"}]}, False),
        ({"/lines/1/quantity": 2}, {"lines": [{"quantity": 2}]}, False),
        ({"/flag": True}, {"flag": 1}, False),
        ({"/flag": 1}, {"flag": True}, False),
        ({"/a~1b/c~0d": "x"}, {"a/b": {"c~d": "x"}}, True),
        ({"/notes": None}, {"notes": None}, True),
        ({"/notes": None}, {}, False),
        ({"": {"a": [1]}}, {"a": [1]}, True),
        ({"/a": 1}, None, False),
    ],
)
def test_body_values_are_found_by_json_pointer_and_compared_as_json(
    wanted: dict[str, Any], body: Any, matches: bool
) -> None:
    book = OverrideBook()
    book.add({"operation": "createOrderV6", "match": {"body": wanted}, "patch": {}})
    assert (book.decide(asked("createOrderV6", body=body)) is not None) is matches


def test_higher_priority_first_then_the_newest_then_times() -> None:
    book = OverrideBook()
    low = book.add({"operation": "searchOrders", "patch": {}, "priority": -1})
    old = book.add({"operation": "searchOrders", "patch": {}})
    new = book.add({"operation": "searchOrders", "patch": {}, "times": 2})
    high = book.add({"operation": "searchOrders", "patch": {}, "priority": 5, "times": 1})
    assert [r.id for r in book.rules()] == [high.id, new.id, old.id, low.id]
    fired = [book.decide(asked("searchOrders")) for _ in range(5)]
    assert [r.id if r else None for r in fired] == [high.id, new.id, new.id, old.id, old.id]
    counts = {r.id: (r.fired, r.as_json()["remaining"]) for r in book.rules()}
    assert counts == {high.id: (1, 0), new.id: (2, 0), old.id: (2, None), low.id: (0, None)}
    assert book.decide(asked("getOrderDetails")) is None  # other operations: untouched


def test_reset_keeps_rules_from_a_file_with_their_counts_at_zero(tmp_path: Path) -> None:
    file = tmp_path / "overrides.json"
    file.write_text(json.dumps({"rules": [{"operation": "searchOrders", "patch": {"a": 1}}]}))
    book = OverrideBook()
    standing = book.add_all(rules_from_file(file), standing=True)[0]
    added = book.add({"operation": "searchOrders", "patch": {"b": 1}, "priority": -1})
    assert book.decide(asked("searchOrders")) is not None
    book.reset()
    assert [(r.id, r.fired, r.as_json()["source"]) for r in book.rules()] == [
        (standing.id, 0, "file")
    ]
    assert added.id not in {r.id for r in book.rules()}
    assert book.active
    book.clear()
    assert not book.active and book.rules() == []


def test_a_bad_file_is_one_line_naming_the_field(tmp_path: Path) -> None:
    file = tmp_path / "overrides.json"
    file.write_text(json.dumps([{"operation": "searchOrders", "patch": {}, "times": 0}]))
    expected = f"{file}: times: times is a whole number from 1 to 1000000000"
    assert check_overrides_file(file) == expected
    file.write_text("{not json")
    assert check_overrides_file(file).startswith(f"{file}: ")
    file.write_text(json.dumps({"rules": [{"operation": "searchOrders", "patch": {}}]}))
    assert check_overrides_file(file) == ""
    with pytest.raises(InvalidOverride) as raised:
        OverrideBook().add([])
    assert raised.value.field == "body"


# -- the operation sets, against the contract -----------------------------------------------


def _operations() -> dict[str, dict[str, Any]]:
    document = load_contract().document
    found = {}
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                params = [resolve(document, p) for p in operation.get("parameters", [])]
                found[operation["operationId"]] = {
                    "path": {p["name"] for p in params if p["in"] == "path"},
                    "query": {p["name"] for p in params if p["in"] == "query"},
                    "headers": {p["name"].lower() for p in params if p["in"] == "header"},
                    "body": "requestBody" in operation,
                    "schema": operation.get("requestBody", {}),
                }
    return found


def test_the_operation_sets_say_what_each_operation_s_requests_carry() -> None:
    operations = _operations()
    assert set(operations) == OPERATIONS
    assert {
        op for op, o in operations.items() if o["path"] or "ingramOrderNumber" in o["query"]
    } == ORDER_NUMBER_OPERATIONS
    json_bodies = {
        op
        for op, o in operations.items()
        if "application/json" in o["schema"].get("content", {})
    }
    assert json_bodies == BODY_OPERATIONS
    with_po = {op for op, o in operations.items() if "customerOrderNumber" in o["query"]}
    assert with_po | {"createOrderV6", "createOrderV7"} == PO_OPERATIONS
    assert {
        op for op, o in operations.items() if "im-customernumber" not in o["headers"]
    } == TOKEN_OPERATIONS
