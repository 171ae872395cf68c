"""Comparing two documents operation by operation: parameters, request bodies, responses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mock_server.harness.diff.document import Document, as_list, schema_types, template
from mock_server.harness.diff.model import Difference, Direction, Json
from mock_server.harness.diff.schemas import OperationDiff, Place, compare_schema, yes_no

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
# OpenAPI says these header parameters are ignored: they come from the content and security.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def compare(
    upstream: Document, ours: Document, scope_ops: Iterable[tuple[str, str]] = SCOPE
) -> list[Difference]:
    """Every difference on our paths and on the `(method, path)` operations in scope."""
    up_ops, our_ops = upstream.operations(), ours.operations()
    named = list(scope_ops)
    scope = [(m, template(p)) for m, p in named]
    our_paths = {path for _, path in our_ops}
    keys = list(our_ops)
    keys += [k for k in up_ops if k not in our_ops and (k in scope or k[1] in our_paths)]
    keys += [k for k in scope if k not in up_ops and k not in our_ops]
    found: list[Difference] = []
    for key in keys:
        up, mine = up_ops.get(key), our_ops.get(key)
        method = key[0]
        path = (mine or up or (named[scope.index(key)][1], {}, {}))[0]
        op = OperationDiff(
            _operation_name(method, path, mine, up), method, path, upstream, ours, found
        )
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
    for raw in [*as_list(entry[2].get("parameters")), *as_list(entry[1].get("parameters"))]:
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
    op: OperationDiff, up: dict[tuple[str, str], Json], ours: dict[tuple[str, str], Json]
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
            at.widened("required", f"required: {yes_no(up_req, our_req)}", up_req)
        up_schema, our_schema = _param_schema(up_param), _param_schema(our_param)
        kinds = schema_types(op.up.flatten(up_schema))[0] or set()
        kinds |= schema_types(op.ours.flatten(our_schema))[0] or set()
        if kinds & {"array", "object"} and _style(up_param) != _style(our_param):
            message = f"serialization: upstream {_style(up_param)}, ours {_style(our_param)}"
            at.add("style", message, True, "clients encode the value another way")
        compare_schema(at, up_schema, our_schema, frozenset())


def _content(node: Any) -> dict[str, Any]:
    content = node.get("content") if isinstance(node, dict) else None
    return content if isinstance(content, dict) else {}


def _compare_request(op: OperationDiff, up: Any, ours: Any) -> None:
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
            at.widened("required", f"required: {yes_no(up_req, our_req)}", up_req)
        _compare_media(at, up_content, our_content)


def _compare_media(at: Place, up: dict[str, Any], ours: dict[str, Any]) -> None:
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
        place = at if "json" in media else Place(at.op, f"{at.where} {media}", "", at.direction)
        compare_schema(place, up_schema, our_schema, frozenset())


def _status_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (999, code)


def _compare_responses(op: OperationDiff, up: Any, ours: Any) -> None:
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


def _compare_response_headers(at: Place, up: Json, ours: Json) -> None:
    def headers(doc: Document, response: Json) -> dict[str, tuple[str, Any]]:
        raw = response.get("headers")
        found = raw if isinstance(raw, dict) else {}
        return {str(name).lower(): (str(name), doc.resolve(h)) for name, h in found.items()}

    up_h, our_h = headers(at.op.up, up), headers(at.op.ours, ours)
    for key in [*up_h, *(k for k in our_h if k not in up_h)]:
        place = Place(
            at.op, f"{at.where} header {(up_h.get(key) or our_h[key])[0]}", "", at.direction
        )
        if key not in our_h:
            place.add("header", "header only upstream", True, "clients may read it")
        elif key not in up_h:
            place.add("header", "header only ours", False)
        else:
            up_schema, our_schema = _param_schema(up_h[key][1]), _param_schema(our_h[key][1])
            compare_schema(place, up_schema, our_schema, frozenset())
