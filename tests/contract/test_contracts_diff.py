"""`ingram-mock contracts diff`: each kind of difference is found and judged the right way.

Small hand-written documents (upstream in OpenAPI 3.0, ours in 3.1 unless a test says
otherwise) prove the comparison; the last tests run it on Ingram's published spec, when
the reference copy is present, and require every breaking difference to be accepted in
`contracts/DEVIATIONS.md`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mock_server.cli import main
from mock_server.contract.document import contracts_dir
from mock_server.harness.diff.document import Document
from mock_server.harness.diff.model import Difference, Report, Severity
from mock_server.harness.diff.operations import compare
from mock_server.harness.diff.report import parse_acceptance, render_json, render_text

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference"
UPSTREAM_SPEC = REFERENCE_DIR / "XI-Resellers-API-Spec.json"

Json = dict[str, Any]
B, N = Severity.BREAKING, Severity.INFO  # breaking, not breaking
CREATE = ("post", "/resellers/v6/orders")
DETAILS = ("get", "/resellers/v6.1/orders/{ordernumber}")
STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}


def document(
    version: str, operations: dict[tuple[str, str], Json], schemas: Json | None = None
) -> Json:
    paths: Json = {}
    for (method, path), operation in operations.items():
        paths.setdefault(path, {})[method] = operation
    return {"openapi": version, "paths": paths, "components": {"schemas": schemas or {}}}


def responding(version: str, body: Json) -> Json:
    """A document with one operation, create v6, answering 200 with `body`."""
    return document(version, {CREATE: operation(responses={"200": body})})


def operation(
    op_id: str = "createOrderV6",
    *,
    parameters: list[Json] | None = None,
    request: Json | None = None,
    responses: dict[str, Json] | None = None,
) -> Json:
    """An operation; `request` is the JSON body schema, `responses` status -> body schema."""
    op: Json = {"operationId": op_id, "parameters": parameters or []}
    if request is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
    op["responses"] = {
        code: {"description": "x"}
        | ({"content": {"application/json": {"schema": schema}}} if schema else {})
        for code, schema in (responses or {"200": {}}).items()
    }
    return op


def diff(
    up_op: Json,
    our_op: Json,
    up_schemas: Json | None = None,
    our_schemas: Json | None = None,
    key: tuple[str, str] = CREATE,
) -> dict[str, Severity]:
    """Differences of one operation, id -> severity (nothing outside it is in scope)."""
    up = Document(document("3.0.3", {key: up_op}, up_schemas), "up")
    ours = Document(document("3.1.0", {key: our_op}, our_schemas), "ours")
    return {d.id: d.severity for d in compare(up, ours, scope_ops=())}


def obj(properties: Json, required: list[str] | None = None, closed: bool = False) -> Json:
    schema: Json = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def response_diff(up_body: Json, our_body: Json, **kw: Any) -> dict[str, Severity]:
    return diff(operation(responses={"200": up_body}), operation(responses={"200": our_body}), **kw)


def request_diff(up_body: Json, our_body: Json, **kw: Any) -> dict[str, Severity]:
    return diff(operation(request=up_body), operation(request=our_body), **kw)


def param(name: str, where: str = "query", required: bool = False, **schema: Any) -> Json:
    return {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}


def param_diff(up: list[Json], ours: list[Json]) -> dict[str, Severity]:
    return diff(operation(parameters=up), operation(parameters=ours))


# --- operations -------------------------------------------------------------------------------


def test_identical_documents_have_no_differences() -> None:
    op = operation(
        parameters=[param("pageSize", type="integer")],
        request=obj({"a": {"type": "string"}}, ["a"]),
        responses={"201": obj({"b": {"type": "number"}})},
    )
    assert diff(op, copy.deepcopy(op)) == {}


def test_operations_on_one_side_only() -> None:
    up = Document(
        document(
            "3.0.0",
            {
                CREATE: operation("post-createorder_v6"),
                DETAILS: operation("get-orderdetails"),
                ("get", "/resellers/v6/quotes"): operation("quotes"),  # not ours to mirror
            },
        ),
        "up",
    )
    ours = Document(
        document(
            "3.1.0",
            {CREATE: operation(), ("post", "/resellers/v6/orders/{x}"): operation("extra")},
        ),
        "ours",
    )
    scope = [CREATE, DETAILS, ("delete", "/resellers/v6/orders/{OrderNumber}")]
    found = {d.id: d.severity for d in compare(up, ours, scope_ops=scope)}
    assert found == {
        "extra operation: operation only ours": N,
        "get-orderdetails operation: operation only upstream": B,
        "DELETE /resellers/v6/orders/{OrderNumber} operation: operation in neither document": N,
    }


def test_operations_match_whatever_their_path_parameters_are_called() -> None:
    key_up, key_ours = ("put", "/orders/{orderNumber}"), ("put", "/orders/{OrderNumber}")
    up = Document(
        document("3.0.0", {key_up: operation("m", parameters=[param("orderNumber", "path")])}), "u"
    )
    ours = Document(
        document("3.1.0", {key_ours: operation("m", parameters=[param("OrderNumber", "path")])}),
        "o",
    )
    found = {d.id: d.severity for d in compare(up, ours, scope_ops=())}
    assert found == {
        "m parameter path orderNumber: parameter only upstream": B,
        "m parameter path OrderNumber: parameter only ours, required": B,
    }


# --- parameters -------------------------------------------------------------------------------


def test_parameters_on_one_side_only() -> None:
    found = param_diff(
        [param("simulateStatus")],
        [param("regionCode"), param("IM-Extra", "header", required=True)],
    )
    assert found == {
        "createOrderV6 parameter query simulateStatus: parameter only upstream": B,
        "createOrderV6 parameter query regionCode: parameter only ours": N,
        "createOrderV6 parameter header IM-Extra: parameter only ours, required": B,
    }


def test_parameter_required_ness_is_judged_from_the_client_sending_it() -> None:
    found = param_diff(
        [param("a"), param("b", required=True)], [param("a", required=True), param("b")]
    )
    assert found == {
        "createOrderV6 parameter query a: required: upstream no, ours yes": B,
        "createOrderV6 parameter query b: required: upstream yes, ours no": N,
    }


def test_header_parameters_match_without_regard_to_case_and_location_counts() -> None:
    found = param_diff(
        [param("IM-CustomerNumber", "header", True), param("id", "query")],
        [param("im-customernumber", "header", True), param("id", "header")],
    )
    assert found == {
        "createOrderV6 parameter query id: parameter only upstream": B,
        "createOrderV6 parameter header id: parameter only ours": N,
    }


def test_parameter_types_and_enums() -> None:
    found = param_diff(
        [
            param("pageSize", type="string"),
            param("pageNumber", type="integer", format="int32"),
            param("count", type="number"),
            param("status", type="string", enum=["A", "B"]),
            param("action", type="string"),
            param("sort", type="string", enum=["asc"]),
        ],
        [
            param("pageSize", type="integer"),
            param("pageNumber", type="number"),  # accepts more than upstream: fine
            param("count", type="integer"),  # refuses 1.5: not fine
            param("status", type="string", enum=["A", "C"]),
            param("action", type="string", enum=["release"]),
            param("sort", type="string"),
        ],
    )
    assert found == {
        "createOrderV6 parameter query pageSize: type: upstream string, ours integer": B,
        "createOrderV6 parameter query pageNumber: type: upstream integer, ours number": N,
        "createOrderV6 parameter query pageNumber: format: upstream int32, ours none": N,
        "createOrderV6 parameter query count: type: upstream number, ours integer": B,
        'createOrderV6 parameter query status: enum: ours adds ["C"]': N,
        'createOrderV6 parameter query status: enum: ours lacks ["B"]': B,
        'createOrderV6 parameter query action: enum: ours only ["release"]': B,
        'createOrderV6 parameter query sort: enum: upstream only ["asc"]': N,
    }


def test_array_parameters_compare_items_and_serialization() -> None:
    array = {"type": "array", "items": {"type": "string"}}
    found = param_diff(
        [param("status-in", **array), param("ids", **array)],
        [
            param("status-in", type="array", items={"type": "string", "enum": ["X"]}),
            {**param("ids", **array), "explode": False},
        ],
    )
    assert found == {
        'createOrderV6 parameter query status-in []: enum: ours only ["X"]': B,
        "createOrderV6 parameter query ids: serialization: upstream form explode, ours form": B,
    }


def test_constraints_and_defaults_are_informational() -> None:
    found = param_diff(
        [param("q", type="string", maxLength=12, default="25")],
        [param("q", type="string", pattern="^[0-9]+$", default="10")],
    )
    assert found == {
        "createOrderV6 parameter query q: maxLength: upstream 12, ours none": N,
        'createOrderV6 parameter query q: pattern: upstream none, ours "^[0-9]+$"': N,
        'createOrderV6 parameter query q: default: upstream "25", ours "10"': N,
    }


# --- request bodies ---------------------------------------------------------------------------


def test_request_fields_we_reject_or_require_are_breaking() -> None:
    up = obj({"po": {"type": "string"}, "notes": {"type": "string"}, "qty": {"type": "integer"}})
    ours = obj(
        {
            "po": {"type": "string"},
            "qty": {"type": "integer"},
            "hold": {"type": "boolean"},
            "tag": {"type": "string"},
        },
        required=["po", "hold"],
        closed=True,
    )
    assert request_diff(up, ours) == {
        "createOrderV6 request notes: field only upstream": B,
        "createOrderV6 request po: required: upstream no, ours yes": B,
        "createOrderV6 request hold: field only ours, required": B,
        "createOrderV6 request tag: field only ours": N,
    }


def test_request_fields_we_do_not_describe_but_accept_are_informational() -> None:
    up = obj({"po": {"type": "string"}, "notes": {"type": "string"}}, ["po"])
    ours = obj({"po": {"type": "string"}})  # open: `notes` passes as an unknown field
    assert request_diff(up, ours) == {
        "createOrderV6 request notes: field only upstream": N,
        "createOrderV6 request po: required: upstream yes, ours no": N,
    }


def test_request_types_nullability_and_enums_are_judged_from_the_sender() -> None:
    up = obj(
        {
            "qty": {"type": "string"},
            "price": {"type": "number", "format": "decimal"},
            "note": {"type": "string", "nullable": True},
            "code": {"type": "string", "enum": ["EN", "EQ"]},
            "kind": {"type": "string"},
        }
    )
    ours = obj(
        {
            "qty": {"type": "integer"},
            "price": {"type": "number"},
            "note": {"type": "string"},
            "code": {"type": "string", "enum": ["EN"]},
            "kind": {"type": ["string", "null"]},
        }
    )
    assert request_diff(up, ours) == {
        "createOrderV6 request qty: type: upstream string, ours integer": B,
        "createOrderV6 request price: format: upstream decimal, ours none": N,
        "createOrderV6 request note: nullable: upstream yes, ours no": B,
        'createOrderV6 request code: enum: ours lacks ["EQ"]': B,
        "createOrderV6 request kind: nullable: upstream no, ours yes": N,
    }


def test_request_body_presence_and_required_ness() -> None:
    body = obj({"a": {"type": "string"}})
    optional = operation(request=body)
    optional["requestBody"]["required"] = False
    assert diff(operation(request=body), operation()) == {
        "createOrderV6 request: body only upstream": B
    }
    assert diff(operation(), operation(request=body)) == {
        "createOrderV6 request: body only ours, required": B
    }
    assert diff(optional, operation(request=body)) == {
        "createOrderV6 request: required: upstream no, ours yes": B
    }
    form = operation()
    form["requestBody"] = {"content": {"application/x-www-form-urlencoded": {"schema": body}}}
    assert diff(operation(request=body), form) == {
        "createOrderV6 request: media type application/json only upstream": B,
        "createOrderV6 request: media type application/x-www-form-urlencoded only ours": N,
        "createOrderV6 request: required: upstream yes, ours no": N,
    }


# --- responses --------------------------------------------------------------------------------


def test_response_fields_upstream_has_that_we_lack_are_breaking_extra_ones_are_not() -> None:
    up = obj({"orderNumber": {"type": "string"}, "total": {"type": "number"}})
    ours = obj({"orderNumber": {"type": "string"}, "voidedAt": {"type": "string"}}, closed=True)
    assert response_diff(up, ours) == {
        "createOrderV6 response 200 total: field only upstream": B,
        "createOrderV6 response 200 voidedAt: field only ours": N,
    }


def test_extra_response_fields_break_a_closed_upstream_object() -> None:
    up = obj({"a": {"type": "string"}}, closed=True)
    ours = obj({"a": {"type": "string"}, "b": {"type": "string"}})
    assert response_diff(up, ours) == {"createOrderV6 response 200 b: field only ours": B}


def test_response_required_ness_type_and_format() -> None:
    up = obj(
        {
            "id": {"type": "string"},
            "total": {"type": "number", "format": "double"},
            "count": {"type": "integer"},
            "qty": {"type": "number"},
            "size": {"type": "string"},
        },
        required=["id"],
    )
    ours = obj(
        {
            "id": {"type": "string"},
            "total": {"type": "number", "format": "decimal"},
            "count": {"type": "number"},  # may send 1.5
            "qty": {"type": "integer"},  # always a whole number: fine
            "size": {"type": "integer"},
        },
        required=["total"],
    )
    assert response_diff(up, ours) == {
        "createOrderV6 response 200 id: required: upstream yes, ours no": B,
        "createOrderV6 response 200 total: required: upstream no, ours yes": N,
        "createOrderV6 response 200 total: format: upstream double, ours decimal": N,
        "createOrderV6 response 200 count: type: upstream integer, ours number": B,
        "createOrderV6 response 200 qty: type: upstream number, ours integer": N,
        "createOrderV6 response 200 size: type: upstream string, ours integer": B,
    }


def test_response_enums_and_nullability_are_judged_from_the_reader() -> None:
    up = obj(
        {
            "status": {"type": "string", "enum": ["Shipped", "Canceled"]},
            "line": {"type": "string"},
            "code": {"type": "string", "enum": ["A"]},
            "value": {"type": "string"},
            "links": {"type": "array", "items": {"type": "string"}, "nullable": True},
        }
    )
    ours = obj(
        {
            "status": {"type": "string", "enum": ["Shipped", "Voided"]},
            "line": {"type": "string", "enum": ["In Progress"]},
            "code": {"type": "string"},
            "value": {"type": ["string", "null"]},
            "links": {"type": "array", "items": {"type": "string"}},
        }
    )
    assert response_diff(up, ours) == {
        'createOrderV6 response 200 status: enum: ours adds ["Voided"]': B,
        'createOrderV6 response 200 status: enum: ours lacks ["Canceled"]': N,
        'createOrderV6 response 200 line: enum: ours only ["In Progress"]': N,
        'createOrderV6 response 200 code: enum: upstream only ["A"]': B,
        "createOrderV6 response 200 value: nullable: upstream no, ours yes": B,
        "createOrderV6 response 200 links: nullable: upstream yes, ours no": N,
    }


def test_nullable_in_3_0_equals_a_null_type_in_3_1() -> None:
    up = obj({"a": {"type": "string", "nullable": True}, "b": {"enum": ["x", None]}})
    ours = obj(
        {"a": {"type": ["string", "null"]}, "b": {"enum": ["x"], "type": ["null", "string"]}}
    )
    found = response_diff(up, ours)
    assert not [k for k in found if "nullable" in k]


def test_nested_fields_through_refs_on_both_sides() -> None:
    up_schemas = {
        "Order": obj({"lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}}}),
        "Line": obj({"shipmentDetails": {"type": "array", "items": {"type": "object"}}}),
    }
    our_schemas = {
        "OrderDetail": {"$ref": "#/components/schemas/Base"},
        "Base": {
            "allOf": [
                obj({"lines": {"type": "array", "items": {"$ref": "#/components/schemas/L"}}}),
                {"required": ["lines"]},
            ]
        },
        "L": obj({"shipmentDetails": obj({"carrier": {"type": "string"}})}),
    }
    found = diff(
        operation(responses={"200": {"$ref": "#/components/schemas/Order"}}),
        operation(responses={"200": {"$ref": "#/components/schemas/OrderDetail"}}),
        up_schemas,
        our_schemas,
    )
    # A type change is reported once, not again for everything beneath it.
    assert found == {
        "createOrderV6 response 200 lines: required: upstream no, ours yes": N,
        "createOrderV6 response 200 lines[].shipmentDetails: type: upstream array, ours object": B,
    }


def test_recursive_schemas_terminate() -> None:
    node = {"$ref": "#/components/schemas/Node"}
    up_schemas = {
        "Node": obj({"children": {"type": "array", "items": node}, "n": {"type": "string"}})
    }
    our_schemas = {
        "Node": obj({"children": {"type": "array", "items": node}, "n": {"type": "integer"}})
    }
    found = response_diff(node, node, up_schemas=up_schemas, our_schemas=our_schemas)
    # Each pair of schemas is compared once: `children[]` would only repeat `n`.
    assert found == {"createOrderV6 response 200 n: type: upstream string, ours integer": B}


def test_status_codes_and_bodies_on_one_side_only() -> None:
    body = obj({"a": {"type": "string"}})
    up = operation(responses={"201": body, "204": {}, "207": body, "500": body})
    ours = operation(responses={"200": body, "201": {}, "207": body, "404": body})
    assert diff(up, ours) == {
        "createOrderV6 response 200: status only ours": B,
        "createOrderV6 response 201: body only upstream": B,
        "createOrderV6 response 204: status only upstream": B,
        "createOrderV6 response 404: status only ours": N,
        "createOrderV6 response 500: status only upstream": N,
    }
    assert diff(operation(responses={"200": {}}), operation(responses={"200": body})) == {
        "createOrderV6 response 200: body only ours": N
    }


def test_response_headers() -> None:
    up, ours = operation(), operation()
    up["responses"]["200"]["headers"] = {"IM-SenderID": {"schema": {"type": "string"}}}
    ours["responses"]["200"]["headers"] = {
        "im-senderid": {"schema": {"type": "integer"}},
        "IM-CorrelationID": {"schema": {"type": "string"}},
    }
    assert diff(up, ours) == {
        "createOrderV6 response 200 header IM-SenderID: type: upstream string, ours integer": B,
        "createOrderV6 response 200 header IM-CorrelationID: header only ours": N,
    }
    assert diff(ours, up) == {
        "createOrderV6 response 200 header im-senderid: type: upstream integer, ours string": B,
        "createOrderV6 response 200 header IM-CorrelationID: header only upstream": B,
    }


def test_upstream_is_read_tolerantly() -> None:
    """Ingram's spec is not valid OpenAPI: odd bits count as absent, or as what they mean."""
    up_schemas = {
        "Req": {
            "type": "object",
            "properties": {
                "po": {"type": "string", "required": True},  # not OpenAPI: read as required
                "q": {"1ype": "string"},  # a typo'd key: an untyped field
                "x": {"$ref": "#/components/schemas/Missing"},  # a dangling reference
                "y": {"$ref": "other.json#/Y"},  # external: not followed
                "z": "not a schema",
            },
        }
    }
    up = operation(
        parameters=[{"name": 3}, "junk", {"$ref": "#/nowhere"}],
        request={"$ref": "#/components/schemas/Req"},
    )
    up["responses"] = ["not", "a", "map"]
    ours = operation(
        request=obj(
            {"po": {"type": "string"}, "q": {}, "x": {}, "y": {}, "z": {}}, required=["po"]
        ),
        responses={"200": {}},
    )
    assert diff(up, ours, up_schemas=up_schemas) == {
        "createOrderV6 response 200: status only ours": B
    }


def test_every_difference_has_a_stable_readable_id() -> None:
    d = Difference(
        "getOrderDetails",
        "get",
        "/p",
        "response 200",
        "lines[].shipmentDetails",
        "type",
        "type: upstream array, ours object",
        Severity.BREAKING,
    )
    assert (
        d.id
        == "getOrderDetails response 200 lines[].shipmentDetails: type: upstream array, ours object"
    )
    assert Difference("op", "get", "/p", "response 404", "", "status", "x", N).id == (
        "op response 404: x"
    )


# --- acceptance -------------------------------------------------------------------------------

DEVIATIONS = """# Deviations

Prose that mentions `createOrderV6 response 200 total: field only upstream` in passing.

## Accepted differences

Some words first.

- `createOrderV6 response 200 total: field only upstream` — totals are computed later.
* `createOrderV6 response 200 gone: field only upstream`: no longer true.
- `createOrderV6 response 200 n: type: upstream string, ours integer`
- `createOrderV6 response 200 total: field only upstream` - twice.

### Sub-heading stays in the section

- `createOrderV6 response 200 sub: field only upstream` -- listed under a sub-heading.

## Next section

- `createOrderV6 response 200 other: field only upstream` — not in the section.
"""


def test_acceptance_list_is_read_from_its_section_only() -> None:
    acceptance = parse_acceptance(DEVIATIONS)
    assert {a.id: a.reason for a in acceptance.entries.values()} == {
        "createOrderV6 response 200 total: field only upstream": "totals are computed later.",
        "createOrderV6 response 200 gone: field only upstream": "no longer true.",
        "createOrderV6 response 200 sub: field only upstream": "listed under a sub-heading.",
    }
    assert acceptance.entries["createOrderV6 response 200 total: field only upstream"].line == 9
    assert [text.split(":")[0] for text in acceptance.invalid] == ["line 11", "line 12"]
    assert "has no reason" in acceptance.invalid[0]
    assert "listed twice" in acceptance.invalid[1]


def _report(acceptance_text: str) -> Report:
    up_body = obj({"total": NUMBER, "n": STRING, "note": STRING})
    ours_body = obj({"n": INTEGER, "note": STRING, "extra": {}})
    up = Document(responding("3.0.0", up_body), "u")
    ours = Document(responding("3.1.0", ours_body), "o")
    return Report("o", "u", compare(up, ours, scope_ops=()), parse_acceptance(acceptance_text))


def test_exit_code_stale_entries_and_text_report() -> None:
    report = _report(DEVIATIONS)
    assert [d.id for d in report.unaccepted] == [
        "createOrderV6 response 200 n: type: upstream string, ours integer"
    ]
    assert report.exit_code == 1
    assert [a.id for a in report.stale] == [
        "createOrderV6 response 200 gone: field only upstream",
        "createOrderV6 response 200 sub: field only upstream",
    ]
    text = render_text(report)
    assert "createOrderV6  POST /resellers/v6/orders  [1 breaking, 1 accepted, 1 info]" in text
    assert "  BREAKING  createOrderV6 response 200 n: type: upstream string, ours integer" in text
    assert "  accepted  createOrderV6 response 200 total: field only upstream" in text
    assert "reason: totals are computed later." in text
    assert "  info      createOrderV6 response 200 extra: field only ours" in text
    assert "Stale accepted entries" in text and "gone: field only upstream" in text
    assert "FAIL: 1 breaking difference(s) not accepted" in text
    assert "info " not in render_text(report, show_info=False).split("Summary")[0]

    fixed = DEVIATIONS.replace(
        "- `createOrderV6 response 200 n: type: upstream string, ours integer`\n",
        "- `createOrderV6 response 200 n: type: upstream string, ours integer` — on purpose.\n",
    )
    assert _report(fixed).exit_code == 0
    assert "OK: every breaking difference is accepted." in render_text(_report(fixed))


def test_json_report() -> None:
    output = render_json(_report(DEVIATIONS))
    assert output["summary"] == {
        "differences": 3,
        "breaking": 2,
        "accepted": 1,
        "not_accepted": 1,
        "info": 1,
        "stale": 2,
    }
    first = output["differences"][0]
    assert first == {
        "operation": "createOrderV6",
        "method": "post",
        "path": "/resellers/v6/orders",
        "where": "response 200",
        "field": "total",
        "kind": "property",
        "message": "field only upstream",
        "severity": "breaking",
        "note": first["note"],
        "id": "createOrderV6 response 200 total: field only upstream",
        "accepted": True,
        "reason": "totals are computed later.",
    }
    assert output["exit_code"] == 1
    json.dumps(output)  # serialisable as it stands


# --- command line -----------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, content: Json | str) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    up = _write(tmp_path, "up.json", responding("3.0.0", obj({"a": STRING, "b": STRING})))
    ours = _write(tmp_path, "ours.json", responding("3.1.0", obj({"a": STRING})))
    none = _write(tmp_path, "none.md", "# nothing accepted\n")
    accepted = _write(
        tmp_path,
        "accepted.md",
        "## Accepted differences\n- `createOrderV6 response 200 b: field only upstream` — ok\n",
    )
    base = ["contracts", "diff", str(up), "--ours", str(ours)]

    assert main([*base, "--accepted", str(none)]) == 1
    out = capsys.readouterr().out
    assert "BREAKING  createOrderV6 response 200 b: field only upstream" in out

    assert main([*base, "--accepted", str(accepted), "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["summary"]["accepted"] == 1 and output["exit_code"] == 0

    assert main(["contracts", "diff", str(tmp_path / "missing.json"), "--ours", str(ours)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main([*base, "--accepted", str(tmp_path / "missing.md")]) == 2


# --- against Ingram's published spec ----------------------------------------------------------


def _upstream_or_skip() -> Path:
    if not UPSTREAM_SPEC.is_file():
        pytest.skip(f"reference spec not present at {UPSTREAM_SPEC}")
    return UPSTREAM_SPEC


def test_every_breaking_difference_from_the_published_spec_is_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = _upstream_or_skip()
    code = main(["contracts", "diff", str(spec), "--breaking-only"])
    out = capsys.readouterr().out
    assert code == 0, out
    # The seven operations are all there on both sides.
    assert "operation only" not in out and "operation in neither" not in out


def test_accepted_list_has_no_stale_or_malformed_entries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = _upstream_or_skip()
    main(["contracts", "diff", str(spec), "--json"])
    output = json.loads(capsys.readouterr().out)
    assert output["accepted_file"] == str(contracts_dir() / "DEVIATIONS.md")
    assert output["stale"] == [], "delete these entries from DEVIATIONS.md"
    assert output["invalid_entries"] == []
    assert output["summary"]["accepted"] > 0
