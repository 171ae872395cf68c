"""How scalars of the wrong JSON type are read (`contract.coercion`), one rule a case, and
which fields an operation reads so (`x-mock-coerce-scalars`: all, or a list)."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from mock_server.contract.coercion import (
    field_path,
    fix_type_error,
    integer_paths,
    integral_floats,
    schema_at,
)
from mock_server.contract.document import Contract

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "x": {"type": "number"},
        "b": {"type": "boolean"},
        "s": {"type": "string"},
        "maybe": {"type": ["integer", "null"]},
        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
    },
    "components": {"schemas": {"Line": {"properties": {"q": {"type": "integer"}}}}},
}
VALIDATOR = jsonschema_rs.validator_for(SCHEMA)


def _fixed(field: str, value: Any) -> tuple[Any, str | None]:
    body = {field: value}
    [error] = list(VALIDATOR.iter_errors(body))
    fix = fix_type_error(body, error)
    return body[field], None if fix is None else fix.wanted


@pytest.mark.parametrize(
    ("field", "sent", "read"),
    [
        ("n", "2", 2),
        ("n", " 2 ", 2),
        ("n", "2.0", 2),
        ("n", "1,", 1),
        ("n", "-3", -3),
        ("x", "12.50", 12.5),
        ("x", "7", 7),
        ("b", "true", True),
        ("b", "FALSE", False),
        ("s", 1, "1"),
        ("s", 1.0, "1"),
        ("s", 1.5, "1.5"),
        ("s", True, "true"),
        ("maybe", "4", 4),
    ],
)
def test_what_is_read_and_as_what(field: str, sent: Any, read: Any) -> None:
    value, wanted = _fixed(field, sent)
    assert value == read and type(value) is type(read)
    assert wanted is not None


@pytest.mark.parametrize(
    ("field", "sent"),
    [("n", "two"), ("n", "2.5"), ("n", True), ("x", "1e999"), ("x", "NaN"), ("b", "yes"), ("b", 1)],
)
def test_what_is_left_for_a_400(field: str, sent: Any) -> None:
    assert _fixed(field, sent) == (sent, None)


def test_integral_floats_at_integer_paths_become_ints() -> None:
    paths = sorted(set(integer_paths(SCHEMA, SCHEMA)))
    assert paths == [("lines", "*", "q"), ("maybe",), ("n",)]
    body: dict[str, Any] = {"n": 2.0, "x": 2.0, "lines": [{"q": 3.0}, {"q": 2.5}, {"q": 1}]}
    fixes = integral_floats(body, paths)
    assert body == {"n": 2, "x": 2.0, "lines": [{"q": 3}, {"q": 2.5}, {"q": 1}]}
    assert [f.path for f in fixes] == [["lines", 0, "q"], ["n"]]
    assert all(type(v) is int for v in (body["n"], body["lines"][0]["q"]))


def test_a_null_text_field_is_taken_out_and_a_null_elsewhere_is_left_for_a_400() -> None:
    body: dict[str, Any] = {"s": None}
    [error] = list(VALIDATOR.iter_errors(body))
    fix = fix_type_error(body, error)
    assert body == {} and fix is not None and fix.absent and fix.wanted == "string"
    assert _fixed("n", None) == (None, None)
    assert _fixed("b", None) == (None, None)


def test_field_paths_and_the_schema_they_name() -> None:
    path = field_path("lines[*].endUserInfo[*].phoneNumber")
    assert path == ("lines", "*", "endUserInfo", "*", "phoneNumber")
    assert field_path("customerOrderNumber") == ("customerOrderNumber",)
    assert schema_at(SCHEMA, SCHEMA, field_path("lines[*].q")) == {"type": "integer"}
    assert schema_at(SCHEMA, SCHEMA, field_path("lines[*].nope")) is None
    assert schema_at(SCHEMA, SCHEMA, field_path("n.deeper")) is None


def _document(coerce: Any) -> dict[str, Any]:
    line = {
        "type": "object",
        "properties": {"q": {"type": "integer"}, "label": {"type": "string"}},
    }
    body = {"type": "object", "properties": {"lines": {"type": "array", "items": line}}}
    operation = {
        "operationId": "place",
        "x-mock-coerce-scalars": coerce,
        "requestBody": {"content": {"application/json": {"schema": body}}},
    }
    return {"openapi": "3.1.0", "paths": {"/p": {"post": operation}}}


def _check(coerce: Any, body: Any) -> list[tuple[str, str]]:
    checked = Contract(_document(coerce)).operation("place").check(
        headers={}, path={}, query={}, body=body
    )
    return [(v.field, v.kind) for v in checked.violations]


def test_a_listed_operation_reads_only_the_listed_fields() -> None:
    body = {"lines": [{"q": "2", "label": 7}, {"q": 3.0}]}
    assert _check(["lines[*].q"], body) == [
        ("lines[1].q", "coerced"),
        ("lines[0].q", "coerced"),
        ("lines[0].label", "invalid"),
    ]
    assert body == {"lines": [{"q": 2, "label": 7}, {"q": 3}]}
    everything = {"lines": [{"q": "2", "label": 7}]}
    assert _check(True, everything) == [("lines[0].q", "coerced"), ("lines[0].label", "coerced")]
    assert everything == {"lines": [{"q": 2, "label": "7"}]}
    assert _check(None, {"lines": [{"q": "2"}]}) == [("lines[0].q", "invalid")]


@pytest.mark.parametrize("listed", ["lines[*].qq", "lines", "lines[*]"])
def test_a_listed_path_that_names_no_scalar_field_is_an_error_at_load(listed: str) -> None:
    with pytest.raises(ValueError, match="x-mock-coerce-scalars"):
        Contract(_document([listed]))
