"""How v6 scalars of the wrong JSON type are read (`contract.coercion`), one rule a case."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from mock_server.contract.coercion import fix_type_error, integer_paths, integral_floats

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
