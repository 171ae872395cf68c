"""The six order operations, and the v6 details route. Each handler: check, call, render."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from mock_server.contract.document import IGNORED, Violation
from mock_server.domain.commands import Caller, CreateOrder
from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.domain.simulate import SimulatedStatus
from mock_server.gateway.tokens import CustomerNotRegistered
from mock_server.http.context import (
    ECHOED_HEADERS,
    caller,
    check_request,
    json_body,
    record_violations,
    services,
)
from mock_server.http.errors import empty_response, json_response, v7_error_response
from mock_server.http.parse import parse_create, parse_modify, parse_search
from mock_server.wire import answers as render

orders = Blueprint("orders", __name__)


@orders.before_request
def require_token() -> None:
    svc = services()
    # OPTIONS only describes the resource (Allow); it reads and changes nothing.
    if svc.settings.require_auth and request.method != "OPTIONS":
        grant = svc.tokens.verify(request.headers.get("Authorization"))
        # A token of an app registered to a customer number acts for that number only.
        customer = request.environ.get("HTTP_IM_CUSTOMERNUMBER")
        if customer is not None and not grant.allows(customer.strip()):
            raise CustomerNotRegistered()


@orders.after_request
def echo_headers(response: Response) -> Response:
    response.headers["IM-CorrelationID"] = (
        request.environ.get("HTTP_IM_CORRELATIONID") or uuid.uuid4().hex
    )
    environ = request.environ
    for key, name in ECHOED_HEADERS:
        value = environ.get(key)
        if value:
            response.headers[name] = value
    return response


@orders.post("/resellers/v6/orders")
def create_order_v6() -> Response:
    body = json_body()
    check_request("createOrderV6", body=body)
    svc = services()
    who, command = caller(), parse_create(body)
    _review("createOrderV6", who, command)
    result = svc.orders.create(who, command)
    status = 207 if result.rejected else 201
    return json_response(render.create_response(result, svc.clock.now(), svc.catalog), status)


@orders.post("/resellers/v7/orders")
def create_order_v7() -> Response:
    try:
        body = json_body()
        check_request("createOrderV7", body=body)
        who, command = caller(), parse_create(body)
        _review("createOrderV7", who, command)
    except ValidationFailed as error:
        return v7_error_response(error)
    submission = services().intake.submit(who, command)
    quote = submission.command.quote_number
    return json_response(render.v7_confirmation(quote, submission.confirmation_number))


def _review(operation_id: str, who: Caller, command: CreateOrder) -> None:
    """Record what the order asks for and will not get (a warehouse or carrier its region
    lacks) before it is placed: served in lenient mode, refused in strict mode."""
    ignored: list[FieldProblem] = services().orders.unhonoured(who, command)
    if ignored:
        record_violations(
            operation_id,
            [Violation("body", p.field, p.message, p.value, kind=IGNORED) for p in ignored],
        )


@orders.get("/resellers/v6.1/orders/<ordernumber>")
def get_order_details(ordernumber: str) -> Response:
    return _order_details("getOrderDetails", ordernumber)


@orders.get("/resellers/v6/orders/<order:ordernumber>")
def get_order_details_v6(ordernumber: str) -> Response:
    """The details route before v6.1 (`get_orderdetails_v6`): still called, same answer."""
    return _order_details("getOrderDetailsV6", ordernumber)


def _order_details(operation_id: str, ordernumber: str) -> Response:
    checked = check_request(operation_id, {"ordernumber": ordernumber})
    svc = services()
    simulated = checked.query.get("simulateStatus")
    order = svc.orders.get(
        caller(),
        ordernumber,
        region_code=checked.query.get("regionCode"),
        simulate=SimulatedStatus(simulated) if simulated else None,
    )
    return json_response(
        render.order_detail(order, svc.clock.now(), svc.catalog, svc.orders.pace)
    )


@orders.get("/resellers/v6/orders/search")
def search_orders() -> Response:
    checked = check_request("searchOrders")
    svc = services()
    criteria = parse_search(checked.query)
    page = svc.orders.search(caller(), criteria)
    if page.records_found == 0:
        return empty_response(204)
    next_page = _page_link(page.page_number + 1) if page.has_next else None
    previous_page = _page_link(page.page_number - 1) if page.has_previous else None
    body = render.search_response(page, svc.clock.now(), next_page, previous_page)
    return json_response(body)


def _page_link(page_number: int) -> str:
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "pageNumber"]
    query.append(("pageNumber", str(page_number)))
    return f"{request.path}?{urlencode(query)}"


@orders.put("/resellers/v6/orders/<order:orderNumber>")
def modify_order(orderNumber: str) -> Response:
    body = json_body()
    checked = check_request("modifyOrder", {"orderNumber": orderNumber}, body=body)
    svc = services()
    release = checked.query.get("actionCode") == "release"
    change = parse_modify(body)
    result = svc.orders.modify(
        caller(),
        orderNumber,
        change,
        release=release,
        region_code=checked.query.get("regionCode"),
    )
    status = 207 if result.rejected else 200
    return json_response(render.modify_response(result, svc.clock.now()), status)


@orders.delete("/resellers/v6/orders/<order:OrderNumber>")
def cancel_order(OrderNumber: str) -> Response:
    checked = check_request("cancelOrder", {"OrderNumber": OrderNumber})
    services().orders.cancel(caller(), OrderNumber, region_code=checked.query.get("regionCode"))
    return empty_response(200)
