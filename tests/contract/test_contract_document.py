"""Static checks of our OpenAPI contract, contracts/orders-api.json.

Nothing here starts a server: the document is checked for validity, for examples that
match their schemas, for fixed names that other code relies on, against the field names
and strict types of the official Python SDK models, and (when the reference copy is
present) against the parameter names of Ingram's published spec.
"""

from __future__ import annotations

import copy
import datetime
import json
import types
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import quote

import pytest
import xi.sdk.resellers.models as sdk_models
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from pydantic import BaseModel
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mock_server.domain.events import EventKind
from mock_server.domain.status import SearchStatus

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_PATH = REPO_ROOT / "contracts" / "orders-api.json"
REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference"
UPSTREAM_SPEC = REFERENCE_DIR / "XI-Resellers-API-Spec.json"
DOC_URI = "urn:orders-contract"
SCHEMA_REF = "#/components/schemas/"

Json = dict[str, Any]

EXPECTED_OPERATIONS: dict[str, tuple[str, str]] = {
    "getAccessToken": ("get", "/oauth/oauth20/token"),
    "createAccessToken": ("post", "/oauth/oauth20/token"),
    "createOrderV6": ("post", "/resellers/v6/orders"),
    "createOrderV7": ("post", "/resellers/v7/orders"),
    "getOrderDetails": ("get", "/resellers/v6.1/orders/{ordernumber}"),
    "searchOrders": ("get", "/resellers/v6/orders/search"),
    "modifyOrder": ("put", "/resellers/v6/orders/{orderNumber}"),
    "cancelOrder": ("delete", "/resellers/v6/orders/{OrderNumber}"),
    # The route before v6.1, which production clients still call (FACTS, Clients round 3).
    "getOrderDetailsV6": ("get", "/resellers/v6/orders/{ordernumber}"),
}
PATH_PARAMS: dict[str, str] = {
    "getOrderDetails": "ordernumber",
    "getOrderDetailsV6": "ordernumber",
    "modifyOrder": "orderNumber",
    "cancelOrder": "OrderNumber",
}
ORDER_NUMBER_PATTERN = "^[A-Za-z0-9]{2}-[A-Za-z0-9]{5}(-[A-Za-z0-9]{2})?$"

# (operationId, status) -> schema name of the JSON body, or None for "no body".
EXPECTED_RESPONSES: dict[tuple[str, str], str | None] = {
    ("getAccessToken", "200"): "AccessToken",
    ("getAccessToken", "400"): "TokenError",
    ("getAccessToken", "401"): "TokenError",
    ("createAccessToken", "200"): "AccessToken",
    ("createAccessToken", "400"): "TokenError",
    ("createAccessToken", "401"): "TokenError",
    ("createOrderV6", "201"): "OrderCreateResponse",
    ("createOrderV6", "207"): "OrderCreateResponse",
    ("createOrderV6", "400"): "ErrorResponse",
    ("createOrderV6", "401"): "ErrorResponse",
    ("createOrderV6", "500"): "ErrorResponse",
    ("createOrderV7", "200"): "OrderCreateV7Confirmation",
    ("createOrderV7", "400"): "V7ErrorResponse",
    ("createOrderV7", "401"): "ErrorResponse",
    ("createOrderV7", "500"): "V7ErrorResponse",
    ("getOrderDetails", "200"): "OrderDetail",
    ("getOrderDetails", "400"): "ErrorResponse",
    ("getOrderDetails", "401"): "ErrorResponse",
    ("getOrderDetails", "404"): "ErrorResponse",
    ("getOrderDetails", "429"): "RateLimitError",
    ("getOrderDetails", "500"): "ErrorResponse",
    ("getOrderDetailsV6", "200"): "OrderDetail",
    ("getOrderDetailsV6", "400"): "ErrorResponse",
    ("getOrderDetailsV6", "401"): "ErrorResponse",
    ("getOrderDetailsV6", "404"): "ErrorResponse",
    ("getOrderDetailsV6", "429"): "RateLimitError",
    ("getOrderDetailsV6", "500"): "ErrorResponse",
    ("searchOrders", "200"): "OrderSearchResponse",
    ("searchOrders", "204"): None,
    ("searchOrders", "400"): "ErrorResponse",
    ("searchOrders", "401"): "ErrorResponse",
    ("searchOrders", "429"): "RateLimitError",
    ("searchOrders", "500"): "ErrorResponse",
    ("modifyOrder", "200"): "OrderModifyResponse",
    ("modifyOrder", "201"): "OrderModifyResponse",
    ("modifyOrder", "207"): "OrderModifyResponse",
    ("modifyOrder", "400"): "ErrorResponse",
    ("modifyOrder", "401"): "ErrorResponse",
    ("modifyOrder", "404"): "ErrorResponse",
    ("modifyOrder", "500"): "ErrorResponse",
    ("cancelOrder", "200"): None,
    ("cancelOrder", "400"): "ErrorResponse",
    ("cancelOrder", "401"): "ErrorResponse",
    ("cancelOrder", "404"): "ErrorResponse",
    ("cancelOrder", "405"): "ErrorResponse",
    ("cancelOrder", "500"): "ErrorResponse",
}

REQUIRED_SCHEMAS = {
    "AccessToken",
    "TokenError",
    "ErrorResponse",
    "V7ErrorResponse",
    "OrderCreateRequest",
    "OrderCreateResponse",
    "OrderCreateV7Request",
    "OrderCreateV7Confirmation",
    "OrderDetail",
    "OrderSearchResponse",
    "OrderModifyRequest",
    "OrderModifyResponse",
    "OrderEvent",
}

# Our schema name -> SDK model class name (xi.sdk.resellers.models).
RESPONSE_MODELS: dict[str, str] = {
    "AccessToken": "AccesstokenResponse",
    "TokenError": "GetAccesstoken400Response",
    "ErrorResponse": "ErrorResponse",
    "V7ErrorResponse": "PostCreateorderV7400Response",
    "OrderCreateResponse": "OrderCreateResponse",
    "OrderCreateV7Confirmation": "OrderCreateV7Response201",
    "OrderDetail": "OrderDetailB2B",
    "OrderSearchResponse": "OrderSearchResponse",
    "OrderModifyResponse": "OrderModifyResponse",
    "OrderEvent": "OrderStatusAsyncNotificationRequest",
}
REQUEST_MODELS: dict[str, str] = {
    "OrderCreateRequest": "OrderCreateRequest",
    "OrderCreateV7Request": "OrderCreateV7Request",
    "OrderModifyRequest": "OrderModifyRequest",
}

# The six order operations of the published spec, keyed by (path, method).
UPSTREAM_ORDER_OPERATIONS: dict[tuple[str, str], str] = {
    ("/resellers/v6/orders", "post"): "createOrderV6",
    ("/resellers/v7/orders", "post"): "createOrderV7",
    ("/resellers/v6.1/orders/{ordernumber}", "get"): "getOrderDetails",
    ("/resellers/v6/orders/search", "get"): "searchOrders",
    ("/resellers/v6/orders/{orderNumber}", "put"): "modifyOrder",
    ("/resellers/v6/orders/{OrderNumber}", "delete"): "cancelOrder",
}

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# --------------------------------------------------------------------------- helpers


@cache
def _raw_text() -> str:
    return CONTRACT_PATH.read_text(encoding="utf-8")


@cache
def _doc_cached() -> Json:
    loaded: Json = json.loads(_raw_text())
    return loaded


def _doc() -> Json:
    """A fresh deep copy, so no test can disturb another."""
    return copy.deepcopy(_doc_cached())


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(doc: Json, node: Any) -> Any:
    """Follow local `$ref`s until a non-reference node is reached."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        pointer = node["$ref"]
        assert pointer.startswith("#/"), f"only local refs are used, got {pointer}"
        for part in pointer[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _operations(doc: Json) -> Iterator[tuple[str, str, Json]]:
    for path, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def _operation(doc: Json, operation_id: str) -> Json:
    method, path = EXPECTED_OPERATIONS[operation_id]
    op: Json = doc["paths"][path][method]
    return op


def _parameters(doc: Json, op: Json, path_item: Json | None = None) -> list[Json]:
    params = list((path_item or {}).get("parameters", [])) + list(op.get("parameters", []))
    return [_resolve(doc, p) for p in params]


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_SINGLE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")

Example = tuple[str, str, Any]  # (where the example sits, pointer to its schema, value)


def _schema_examples(node: Any, ptr: str, out: list[Example]) -> None:
    if not isinstance(node, dict):
        return
    if "example" in node:
        out.append((f"{ptr}/example", ptr, node["example"]))
    for i, value in enumerate(node.get("examples", [])):
        out.append((f"{ptr}/examples/{i}", ptr, value))
    for key in _SCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            _schema_examples(sub, f"{ptr}/{key}/{_esc(name)}", out)
    for key in _SCHEMA_SINGLE:
        if isinstance(node.get(key), dict):
            _schema_examples(node[key], f"{ptr}/{key}", out)
    for key in _SCHEMA_LISTS:
        for i, sub in enumerate(node.get(key, [])):
            _schema_examples(sub, f"{ptr}/{key}/{i}", out)


def _document_examples(doc: Json, node: Any, ptr: str, out: list[Example]) -> None:
    """Collect examples of media types, parameters and headers, and of their schemas."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _document_examples(doc, item, f"{ptr}/{i}", out)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("schema"), dict):
        schema_ptr = f"{ptr}/schema"
        if "example" in node:
            out.append((f"{ptr}/example", schema_ptr, node["example"]))
        for name, example in node.get("examples", {}).items():
            example = _resolve(doc, example)
            assert "value" in example, f"{ptr}/examples/{name} has no inline value"
            out.append((f"{ptr}/examples/{name}", schema_ptr, example["value"]))
        _schema_examples(node["schema"], schema_ptr, out)
    for key, value in node.items():
        if key in ("schema", "example", "examples"):
            continue
        if ptr == "/components" and key == "schemas":
            continue
        _document_examples(doc, value, f"{ptr}/{_esc(key)}", out)


@cache
def _all_examples() -> tuple[Example, ...]:
    doc = _doc_cached()
    out: list[Example] = []
    _document_examples(doc, doc, "", out)
    for name, schema in doc["components"]["schemas"].items():
        _schema_examples(schema, f"/components/schemas/{_esc(name)}", out)
    return tuple(out)


@cache
def _registry() -> Registry[Any]:
    resource = DRAFT202012.create_resource(_doc_cached())
    registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
    return registry


def _validator_for(schema_ptr: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{DOC_URI}#{quote(schema_ptr, safe='/~')}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


# ---- SDK model comparison


def _sdk_model(name: str) -> type[BaseModel]:
    model = getattr(sdk_models, name)
    assert isinstance(model, type), name
    assert issubclass(model, BaseModel), name
    return model


def _sdk_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Wire names (aliases) of a model's fields, mapped to their annotations."""
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def _sdk_kind(annotation: Any) -> tuple[str, Any]:
    """JSON type the SDK accepts for an annotation, plus the nested type to descend into."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _sdk_kind(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        members = [a for a in get_args(annotation) if a is not type(None)]
        kinds = {_sdk_kind(m)[0] for m in members}
        if kinds == {"integer", "number"}:
            return "number", None
        assert len(members) == 1, f"unexpected union {annotation!r}"
        return _sdk_kind(members[0])
    if origin is list:
        return "array", get_args(annotation)[0]
    if origin is dict:
        return "object", None
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "object", annotation
        if annotation is bool:
            return "boolean", None
        if annotation is int:
            return "integer", None
        if annotation is float:
            return "number", None
        if annotation is str or issubclass(annotation, (datetime.date, datetime.datetime)):
            return "string", None
    raise AssertionError(f"unhandled SDK annotation {annotation!r}")


def _schema_kind(schema: Json) -> str:
    declared = schema.get("type")
    assert declared is not None, f"schema without a type: {schema!r}"
    kinds = {declared} if isinstance(declared, str) else set(declared)
    kinds.discard("null")
    assert len(kinds) == 1, f"ambiguous type {declared!r}"
    return kinds.pop()


def _compare_with_sdk(
    doc: Json,
    schema: Json,
    model: type[BaseModel],
    where: str,
    problems: list[str],
    *,
    response: bool,
) -> None:
    """Record every property that the SDK model lacks or types differently.

    For responses also record SDK fields that we do not describe, and objects that are
    left open (responses are closed so that a stray field is caught).
    """
    schema = _resolve(doc, schema)
    ours: Json = schema.get("properties", {})
    theirs = _sdk_fields(model)
    if response and schema.get("additionalProperties") is not False:
        problems.append(f"{where}: response object must set additionalProperties: false")
    for name, prop in ours.items():
        here = f"{where}.{name}"
        if prop.get("x-mock-extension") is True:
            continue  # our documented addition (see DEVIATIONS.md); the SDK cannot know it
        if name not in theirs:
            problems.append(f"{here}: no field {name!r} in SDK model {model.__name__}")
            continue
        _compare_value(doc, _resolve(doc, prop), theirs[name], here, problems, response=response)
    if response:
        for name in sorted(set(theirs) - set(ours)):
            problems.append(f"{where}.{name}: SDK model {model.__name__} has it, we do not")


def _compare_value(
    doc: Json,
    schema: Json,
    annotation: Any,
    where: str,
    problems: list[str],
    *,
    response: bool,
) -> None:
    sdk_kind, inner = _sdk_kind(annotation)
    our_kind = _schema_kind(schema)
    if sdk_kind != our_kind:
        problems.append(f"{where}: we say {our_kind}, SDK says {sdk_kind}")
        return
    if our_kind == "object" and isinstance(inner, type):
        _compare_with_sdk(doc, schema, inner, where, problems, response=response)
    elif our_kind == "array":
        items = _resolve(doc, schema.get("items", {}))
        _compare_value(doc, items, inner, f"{where}[]", problems, response=response)


def _sdk_problems(doc: Json, schema_name: str, model_name: str, *, response: bool) -> list[str]:
    problems: list[str] = []
    schema = doc["components"]["schemas"][schema_name]
    _compare_with_sdk(doc, schema, _sdk_model(model_name), schema_name, problems, response=response)
    return problems


# --------------------------------------------------------------------------- tests


def test_document_is_valid_openapi_31() -> None:
    doc = _doc()
    assert doc["openapi"] == "3.1.0"
    validate(doc, cls=OpenAPIV31SpecValidator)


def test_document_is_pretty_printed_with_two_spaces() -> None:
    expected = json.dumps(_doc_cached(), indent=2, ensure_ascii=False) + "\n"
    assert _raw_text() == expected


def test_no_upstream_boilerplate_strings() -> None:
    text = _raw_text()
    # Split so that this file does not itself carry the upstream phrases it looks for.
    upstream_phrases = ("Nightly system " + "unavailability", "XI Sdk " + "Resellers")
    for banned in (*upstream_phrases, '"nullable"'):
        assert banned not in text


def test_info_servers_and_security_scheme() -> None:
    doc = _doc()
    assert doc["info"]["title"] == "Reseller Orders API — mock contract"
    assert "/sandbox/resellers/" in doc["info"]["description"]
    assert doc["servers"] == [{"url": "/"}]
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_required_schema_names_exist() -> None:
    assert set(_doc()["components"]["schemas"]) >= REQUIRED_SCHEMAS


def test_operation_ids_are_exactly_the_expected_set() -> None:
    doc = _doc()
    found = {op["operationId"]: (method, path) for path, method, op in _operations(doc)}
    assert found == EXPECTED_OPERATIONS


def test_the_v6_read_is_deprecated_and_answers_as_the_v6_1_read() -> None:
    doc = _doc()
    old, current = _operation(doc, "getOrderDetailsV6"), _operation(doc, "getOrderDetails")
    assert old["deprecated"] is True and not current.get("deprecated")
    assert old["parameters"] == current["parameters"]
    current["responses"]["200"].pop("links")
    assert old["responses"] == current["responses"]


def test_security_per_operation() -> None:
    doc = _doc()
    for path, method, op in _operations(doc):
        if path.startswith("/resellers/"):
            assert op.get("security") == [{"bearerAuth": []}], (method, path)
        else:
            assert op.get("security") == [], (method, path)


def test_order_number_path_parameters_are_spelled_as_upstream() -> None:
    doc = _doc()
    for operation_id, name in PATH_PARAMS.items():
        method, path = EXPECTED_OPERATIONS[operation_id]
        assert "{" + name + "}" in path
        params = _parameters(doc, doc["paths"][path][method], doc["paths"][path])
        path_params = [p for p in params if p["in"] == "path"]
        assert [p["name"] for p in path_params] == [name], operation_id
        assert path_params[0]["required"] is True
        assert path_params[0]["schema"]["pattern"] == ORDER_NUMBER_PATTERN


def test_reseller_operations_take_the_im_headers() -> None:
    doc = _doc()
    expected_required = {
        "IM-CustomerNumber": True,
        "IM-CountryCode": True,
        "IM-CorrelationID": True,
        "IM-SenderID": False,
    }
    for path, method, op in _operations(doc):
        if not path.startswith("/resellers/"):
            continue
        headers = {
            p["name"]: bool(p.get("required")) for p in _parameters(doc, op) if p["in"] == "header"
        }
        assert headers == expected_required, (method, path)


def test_every_reseller_response_carries_the_correlation_header() -> None:
    doc = _doc()
    for path, method, op in _operations(doc):
        if not path.startswith("/resellers/"):
            continue
        for status, response in op["responses"].items():
            response = _resolve(doc, response)
            headers = response.get("headers", {})
            assert "IM-CorrelationID" in headers, (method, path, status)
            assert "IM-SenderID" in headers, (method, path, status)
            correlation = _resolve(doc, headers["IM-CorrelationID"])
            assert correlation["required"] is True
            assert correlation["schema"]["type"] == "string"


def test_every_reseller_response_carries_the_rate_limit_headers() -> None:
    doc = _doc()
    for path, method, op in _operations(doc):
        if not path.startswith("/resellers/"):
            continue
        for status, response in _resolve(doc, op["responses"]).items():
            headers = _resolve(doc, response).get("headers", {})
            for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                header = _resolve(doc, headers[name])
                assert header["required"] is True, (method, path, status, name)
                assert header["schema"]["type"] == "integer"
            assert ("Retry-After" in headers) == (status == "429"), (method, path, status)


def test_responses_use_the_expected_schemas() -> None:
    doc = _doc()
    seen: dict[tuple[str, str], str | None] = {}
    for _path, _method, op in _operations(doc):
        for status, response in op["responses"].items():
            content = _resolve(doc, response).get("content")
            if content is None:
                seen[(op["operationId"], status)] = None
                continue
            assert list(content) == ["application/json"], (op["operationId"], status)
            ref = content["application/json"]["schema"]["$ref"]
            assert ref.startswith(SCHEMA_REF)
            seen[(op["operationId"], status)] = ref.removeprefix(SCHEMA_REF)
    assert seen == EXPECTED_RESPONSES


def test_search_range_parameters_are_repeated_date_pairs() -> None:
    doc = _doc()
    params = {p["name"]: p for p in _parameters(doc, _operation(doc, "searchOrders"))}
    ranges = [name for name in params if name.endswith(("-bt", "_bt"))]
    assert sorted(ranges) == sorted(
        ["ingramOrderDate-bt", "invoiceDate_bt", "shipDate_bt", "deliveryDate_bt"]
    )
    for name in ranges:
        param = params[name]
        assert (param.get("style"), param.get("explode")) == ("form", True), name
        schema = param["schema"]
        assert schema["type"] == "array"
        assert (schema["minItems"], schema["maxItems"]) == (2, 2)
        assert schema["items"] == {"type": "string", "format": "date"}
    page_size = params["pageSize"]["schema"]
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 100, 25)
    assert (
        params["orderStatus-in"]["schema"]["items"]["enum"]
        == (params["orderStatus"]["schema"]["enum"])
    )


def test_links_point_at_real_operations_and_parameters() -> None:
    doc = _doc()
    by_id = {op["operationId"]: (path, op) for path, _method, op in _operations(doc)}
    expected_links = {
        ("createOrderV6", "201"): {
            "GetOrderDetails",
            "ModifyOrder",
            "ReleaseOrder",
            "CancelOrder",
            "SearchOrders",
        },
        ("createOrderV6", "207"): {
            "GetOrderDetails",
            "ModifyOrder",
            "ReleaseOrder",
            "CancelOrder",
            "SearchOrders",
        },
        # The v7 answer has no order number yet: its PO finds the order once it is created.
        ("createOrderV7", "200"): {"SearchOrders"},
        ("getOrderDetails", "200"): {"ModifyOrder", "CancelOrder"},
        ("modifyOrder", "200"): {"GetOrderDetails"},
    }
    found: dict[tuple[str, str], set[str]] = {}
    for _path, _method, op in _operations(doc):
        for status, response in op["responses"].items():
            links = _resolve(doc, response).get("links")
            if not links:
                continue
            found[(op["operationId"], status)] = set(links)
            for link_name, link in links.items():
                target_path, target = by_id[link["operationId"]]
                declared = {
                    (p["in"], p["name"])
                    for p in _parameters(doc, target, doc["paths"][target_path])
                }
                for key in link["parameters"]:
                    location, _, name = key.partition(".")
                    assert (location, name) in declared, (link_name, key)
                if link_name == "ReleaseOrder":
                    assert link["parameters"]["query.actionCode"] == "release"
    assert found == expected_links
    create_links = doc["paths"]["/resellers/v6/orders"]["post"]["responses"]["201"]["links"]
    assert create_links["GetOrderDetails"]["parameters"]["path.ordernumber"] == (
        "$response.body#/orders/0/ingramOrderNumber"
    )
    assert create_links["CancelOrder"]["parameters"]["path.OrderNumber"] == (
        "$response.body#/orders/0/ingramOrderNumber"
    )


def test_webhook_is_described() -> None:
    doc = _doc()
    schemas = doc["components"]["schemas"]
    v7_kinds = {EventKind.ASYNC_CREATED.value, EventKind.ASYNC_CREATE_FAILED.value}
    for name, schema in (
        ("orderStatusEvent", "OrderEvent"),
        ("v7OrderOutcome", "OrderCreateV7Outcome"),
    ):
        post = doc["webhooks"][name]["post"]
        body = post["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": SCHEMA_REF + schema}
        signed = [p for p in post["parameters"] if p["name"] == "x-hub-signature"]
        assert signed and signed[0]["in"] == "header"
        assert schemas[schema]["properties"]["topic"]["const"] == "resellers/orders"
    # Every event the domain can raise is named, each by the webhook that carries it.
    resource = schemas["OrderEvent"]["properties"]["resource"]["items"]["properties"]
    status_kinds = set(resource["eventType"]["enum"])
    assert status_kinds == {k.value for k in EventKind} - v7_kinds
    outcome = schemas["OrderCreateV7Outcome"]["properties"]
    assert set(outcome["eventType"]["enum"]) == v7_kinds
    assert set(outcome["resource"]["properties"]["eventType"]["enum"]) == v7_kinds
    # The published order-status names, not the mock's old spelling of the hold event.
    for published in ("im::order_hold", "im::order_invoiced", "im::order_backordered"):
        assert published in status_kinds
    assert "im::order_on_hold" not in status_kinds
    # The v7 outcome shows the order exactly as the create answer does.
    created = schemas["OrderCreateResponse"]["properties"]
    for name in created:
        assert outcome["resource"]["properties"][name] == {
            "$ref": f"{SCHEMA_REF}OrderCreateResponse/properties/{name}"
        }


def test_every_body_and_success_response_has_an_example() -> None:
    doc = _doc()
    located = {where.rsplit("/example", 1)[0] for where, _ptr, _value in _all_examples()}
    media_types: list[str] = []
    for path, method, op in _operations(doc):
        base = f"/paths/{_esc(path)}/{method}"
        for media in op.get("requestBody", {}).get("content", {}):
            media_types.append(f"{base}/requestBody/content/{_esc(media)}")
        for status, response in op["responses"].items():
            if status.startswith("2"):
                for media in response.get("content", {}):
                    media_types.append(f"{base}/responses/{status}/content/{_esc(media)}")
    assert media_types
    missing = [m for m in media_types if m not in located]
    assert not missing, missing


def test_examples_were_collected() -> None:
    # A guard against the collector silently finding nothing.
    assert len(_all_examples()) >= 30


@pytest.mark.parametrize(
    ("where", "schema_ptr", "value"),
    _all_examples(),
    ids=[where for where, _ptr, _value in _all_examples()],
)
def test_example_matches_its_schema(where: str, schema_ptr: str, value: Any) -> None:
    errors = sorted(_validator_for(schema_ptr).iter_errors(value), key=str)
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def test_example_validation_rejects_a_bad_value() -> None:
    # Proves the $ref wiring really validates (an unresolved ref would raise instead).
    validator = _validator_for("/components/schemas/OrderDetail")
    assert not validator.is_valid({"ingramOrderNumber": "20-RD3QV"})
    search_ptr = (
        "/paths/~1resellers~1v6~1orders~1search/get/responses/200/content/application~1json/schema"
    )
    assert not _validator_for(search_ptr).is_valid(
        {"recordsFound": "1", "pageSize": 25, "pageNumber": 1, "orders": []}
    )


@pytest.mark.parametrize(("schema_name", "model_name"), sorted(RESPONSE_MODELS.items()))
def test_response_schema_matches_sdk_model(schema_name: str, model_name: str) -> None:
    problems = _sdk_problems(_doc(), schema_name, model_name, response=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("schema_name", "model_name"), sorted(REQUEST_MODELS.items()))
def test_request_schema_fields_exist_in_sdk_model(schema_name: str, model_name: str) -> None:
    problems = _sdk_problems(_doc(), schema_name, model_name, response=False)
    assert not problems, "\n".join(problems)


def test_sdk_comparison_catches_a_typo_and_a_wrong_type() -> None:
    doc = _doc()
    detail = doc["components"]["schemas"]["OrderDetail"]["properties"]
    detail["ordertotal"] = detail.pop("orderTotal")
    line = doc["components"]["schemas"]["OrderDetailLine"]["properties"]
    line["quantityOrdered"] = {"type": "string"}
    problems = _sdk_problems(doc, "OrderDetail", "OrderDetailB2B", response=True)
    assert any("OrderDetail.ordertotal" in p for p in problems), problems
    assert any("lines[].quantityOrdered: we say string, SDK says integer" in p for p in problems), (
        problems
    )


def test_required_fields_the_mock_always_sends() -> None:
    schemas = _doc()["components"]["schemas"]
    doc = _doc()

    def required(name: str, *path: str) -> set[str]:
        node: Any = schemas[name]
        for step in path:
            node = _resolve(doc, node)[step] if step != "[]" else _resolve(doc, node)["items"]
        return set(_resolve(doc, node).get("required", []))

    assert required("ErrorResponse") == {"errors"}
    assert required("ErrorResponse", "properties", "errors", "[]") == {"id", "type", "message"}
    assert schemas["ErrorResponse"]["properties"]["errors"]["minItems"] == 1
    assert required("OrderCreateResponse") == {"customerOrderNumber", "orders"}
    assert required("OrderCreateResponse", "properties", "orders", "[]") == {
        "ingramOrderNumber",
        "ingramOrderDate",
        "orderTotal",
        "currencyCode",
        "lines",
    }
    assert required("OrderDetail") == {
        "ingramOrderNumber",
        "ingramOrderDate",
        "orderStatus",
        "orderTotal",
        "orderSubTotal",
        "currencyCode",
        "lines",
    }
    assert required("OrderDetail", "properties", "lines", "[]") == {
        "ingramOrderLineNumber",
        "lineStatus",
        "ingramPartNumber",
        "quantityOrdered",
        "unitPrice",
        "extendedPrice",
    }
    assert required("OrderSearchResponse") == {"recordsFound", "pageSize", "pageNumber", "orders"}
    assert required("OrderSearchResponse", "properties", "orders", "[]") == {
        "ingramOrderNumber",
        "orderStatus",
    }
    assert required("OrderModifyResponse") == {"ingramOrderNumber", "orderStatus"}
    assert required("AccessToken") == {"access_token", "token_type", "expires_in"}
    assert required("OrderCreateV7Confirmation") == {"confirmationNumber", "message"}
    assert required("OrderCreateRequest") == {"customerOrderNumber", "lines"}
    assert "customerOrderNumber" not in required("OrderCreateV7Request")  # optional upstream too


def test_status_enums() -> None:
    schemas = _doc()["components"]["schemas"]
    header = ["Processing", "On Hold", "Backordered", "Shipped", "Delivered", "Canceled", "Voided"]
    line = ["In Progress", "On Hold", "Backordered", "Shipped", "Delivered", "Canceled", "Voided"]
    assert schemas["OrderDetail"]["properties"]["orderStatus"]["enum"] == header
    assert schemas["OrderDetailLine"]["properties"]["lineStatus"]["enum"] == line
    # Search rows speak the upper-case dialect: every word the domain can produce is listed.
    search_order = schemas["OrderSearchResponse"]["properties"]["orders"]["items"]
    row_status = search_order["properties"]["orderStatus"]
    assert row_status == {"$ref": "#/components/schemas/SearchStatus"}
    row_words = schemas["SearchStatus"]["enum"]
    assert {w.value for w in SearchStatus} <= set(row_words)
    assert all(w == w.upper() for w in row_words)
    sub_order = search_order["properties"]["subOrders"]["items"]["properties"]
    assert sub_order["subOrderStatus"]["enum"] == [*row_words, "REJECTED"]


def test_upstream_parameter_names_are_all_present() -> None:
    if not UPSTREAM_SPEC.is_file():
        pytest.skip(f"reference spec not found at {UPSTREAM_SPEC}")
    upstream: Json = json.loads(UPSTREAM_SPEC.read_text(encoding="utf-8"))
    doc = _doc()
    missing: list[str] = []
    for (path, method), operation_id in UPSTREAM_ORDER_OPERATIONS.items():
        theirs_item = upstream["paths"][path]
        theirs = _parameters(upstream, theirs_item[method], theirs_item)
        our_method, our_path = EXPECTED_OPERATIONS[operation_id]
        assert (our_method, our_path) == (method, path)
        ours = {
            (p["in"], p["name"])
            for p in _parameters(doc, doc["paths"][our_path][our_method], doc["paths"][our_path])
        }
        missing.extend(
            f"{operation_id}: {param['in']} {param['name']}"
            for param in theirs
            if param["in"] in ("query", "path", "header")
            and (param["in"], param["name"]) not in ours
        )
    assert not missing, missing
