"""The API's operations, declared once: route, the contract's operationId, and for each the
parser, the use case, the renderer, its success statuses and its error format.

A row's three functions are the whole of what is particular to an operation; everything
every request needs (token, body, contract check, faults, gateway, echoed headers,
journal) is the door's (`http/door.py`), done once for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

from mock_server.contract.document import MISSING
from mock_server.domain.simulate import SimulatedStatus
from mock_server.http.calls import Call, Operation, Rendered
from mock_server.http.parse import parse_create, parse_modify, parse_search
from mock_server.wire import answers
from mock_server.wire.errors import ErrorFormat

if TYPE_CHECKING:
    from mock_server.bootstrap import MockServices

SANDBOX = "/sandbox"
# Under these every request is the door's; everything else is Flask's (admin, docs, UI).
API_PREFIXES = ("/resellers/", "/sandbox/resellers/", "/oauth/", "/sandbox/oauth/")
GATEWAY_PREFIXES = ("/resellers/", "/sandbox/resellers/")  # what the gateway counts

# -- parsers: the request, already checked against the contract, as a command ------------


def _create_command(call: Call) -> Any:
    return parse_create(call.body)


def _modify_command(call: Call) -> Any:
    return parse_modify(None if call.body is MISSING else call.body)


def _search_criteria(call: Call) -> Any:
    return parse_search(call.query)


def _nothing(call: Call) -> Any:
    return None


def _token_request(call: Call) -> Any:
    return call.token_request()


# -- use cases: one call into the application ---------------------------------------------


def _create(svc: MockServices, call: Call, command: Any) -> Any:
    return svc.orders.create(call.caller, command, refuse_not_honoured=call.strict)


def _submit(svc: MockServices, call: Call, command: Any) -> Any:
    return svc.intake.submit(call.caller, command, refuse_not_honoured=call.strict)


def _details(svc: MockServices, call: Call, _: Any) -> Any:
    simulated = call.query.get("simulateStatus")
    return svc.orders.read(
        call.caller,
        call.params["ordernumber"],
        region_code=call.query.get("regionCode"),
        simulate=SimulatedStatus(simulated) if simulated else None,
    )


def _search(svc: MockServices, call: Call, criteria: Any) -> Any:
    return svc.orders.search(call.caller, criteria)


def _modify(svc: MockServices, call: Call, change: Any) -> Any:
    return svc.orders.modify(
        call.caller,
        call.params["orderNumber"],
        change,
        release=call.query.get("actionCode") == "release",
        region_code=call.query.get("regionCode"),
    )


def _cancel(svc: MockServices, call: Call, _: Any) -> Any:
    return svc.orders.cancel(
        call.caller, call.params["OrderNumber"], region_code=call.query.get("regionCode")
    )


def _issue_token(svc: MockServices, call: Call, request: Any) -> Any:
    return svc.tokens.issue(request.client_id, request.client_secret)


# -- renderers: the result as status and body ---------------------------------------------


def _created(call: Call, result: Any) -> Rendered:
    call.note_ignored(result.ignored)
    return (207 if result.rejected else 201), answers.create_response(result)


def _confirmed(call: Call, submission: Any) -> Rendered:
    call.note_ignored(submission.ignored)
    quote = submission.command.quote_number
    return 200, answers.v7_confirmation(quote, submission.confirmation_number)


def _detailed(call: Call, details: Any) -> Rendered:
    return 200, answers.order_detail(details)


def _found(call: Call, page: Any) -> Rendered:
    if page.records_found == 0:
        return 204, None
    next_page = _page_link(call, page.page_number + 1) if page.has_next else None
    previous_page = _page_link(call, page.page_number - 1) if page.has_previous else None
    return 200, answers.search_response(page, next_page, previous_page)


def _page_link(call: Call, page_number: int) -> str:
    query = [(k, v) for k, v in call.request.query_pairs if k != "pageNumber"]
    query.append(("pageNumber", str(page_number)))
    return f"{call.request.path}?{urlencode(query)}"


def _modified(call: Call, result: Any) -> Rendered:
    return (207 if result.rejected else 200), answers.modify_response(result)


def _canceled(call: Call, _: Any) -> Rendered:
    return 200, None


def _token(call: Call, token: Any) -> Rendered:
    return 200, {
        "access_token": token.access_token,
        "token_type": token.token_type,
        "expires_in": str(token.expires_in),
    }


# -- the table ----------------------------------------------------------------------------

_TOKEN_ROUTES = ("/oauth/oauth20/token", "/oauth/oauth30/token")

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "createOrderV6", "POST", ("/resellers/v6/orders",),
        _create_command, _create, _created, (201, 207),
        json_body=True, down_in_maintenance=True,
    ),
    Operation(
        "createOrderV7", "POST", ("/resellers/v7/orders",),
        _create_command, _submit, _confirmed, (200,),
        errors=ErrorFormat.V7, json_body=True,
    ),
    Operation(
        "getOrderDetails", "GET", ("/resellers/v6.1/orders/{ordernumber}",),
        _nothing, _details, _detailed, (200,),
    ),
    Operation(  # the route before v6.1, which production clients still call
        "getOrderDetailsV6", "GET", ("/resellers/v6/orders/{ordernumber}",),
        _nothing, _details, _detailed, (200,),
    ),
    Operation(
        "searchOrders", "GET", ("/resellers/v6/orders/search",),
        _search_criteria, _search, _found, (200, 204),
    ),
    Operation(
        "modifyOrder", "PUT", ("/resellers/v6/orders/{orderNumber}",),
        _modify_command, _modify, _modified, (200, 207),
        json_body=True,
    ),
    Operation(
        "cancelOrder", "DELETE", ("/resellers/v6/orders/{OrderNumber}",),
        _nothing, _cancel, _canceled, (200,),
    ),
    Operation(
        "getAccessToken", "GET", _TOKEN_ROUTES,
        _token_request, _issue_token, _token, (200,),
        errors=ErrorFormat.OAUTH, orders_api=False,
    ),
    Operation(
        "createAccessToken", "POST", _TOKEN_ROUTES,
        _token_request, _issue_token, _token, (200,),
        errors=ErrorFormat.OAUTH, orders_api=False,
    ),
)  # fmt: skip


# -- routing ------------------------------------------------------------------------------


class Resource(NamedTuple):
    """What a path names: its operations by method, the route (as the rate limit counts
    it) and the path parameter's value."""

    methods: Mapping[str, Operation]
    route: str
    params: dict[str, str]

    def allow(self) -> str:
        """The `Allow` header: GET brings HEAD, every resource answers OPTIONS."""
        methods = set(self.methods) | {"OPTIONS"}
        if "GET" in methods:
            methods.add("HEAD")
        return ", ".join(sorted(methods))


class Router:
    """Finds an operation for a method and path: static routes first (`/orders/search` is
    the search resource, never an order called "search"), then one trailing parameter."""

    def __init__(self, operations: tuple[Operation, ...]) -> None:
        static: dict[str, dict[str, Operation]] = {}
        with_param: dict[str, dict[str, tuple[Operation, str]]] = {}
        templates: dict[str, str] = {}  # static path or parameter prefix -> route
        for operation in operations:
            for route in operation.routes:
                prefix, brace, name = route.partition("{")
                if brace:
                    methods = with_param.setdefault(prefix, {})
                    methods[operation.method] = (operation, name.rstrip("}"))
                else:
                    static.setdefault(route, {})[operation.method] = operation
                templates[prefix if brace else route] = route
        # Worked out once: every request is routed. Each path is known with and without
        # the sandbox prefix; a parameter's resource needs only its value added.
        self._static: dict[str, Resource] = {}
        self._with_param: dict[str, tuple[dict[str, Operation], str, tuple[str, ...]]] = {}
        for sandbox in ("", SANDBOX):
            for path, on_path in static.items():
                self._static[sandbox + path] = Resource(on_path, sandbox + templates[path], {})
            for prefix, named in with_param.items():
                ops = {method: operation for method, (operation, _) in named.items()}
                # Each method names the segment its own way (the contract's `orderNumber`,
                # `OrderNumber`, `ordernumber`): every name holds the value.
                names = tuple(dict.fromkeys(name for _, name in named.values()))
                route = sandbox + templates[prefix]
                self._with_param[sandbox + prefix] = (ops, route, names)

    def find(self, path: str) -> Resource | None:
        """The resource at `path` (with or without the /sandbox prefix), or None."""
        static = self._static.get(path)
        if static is not None:
            return Resource(static.methods, static.route, {})  # its own params: a call's
        head, slash, value = path.rpartition("/")
        found = self._with_param.get(head + slash) if value else None
        if found is None:
            return None
        methods, route, names = found
        return Resource(methods, route, {name: value for name in names})
