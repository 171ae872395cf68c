"""`/__admin/ui`: the mock's state for a person. Server-rendered pages, a little JavaScript
for the buttons (which call the same /__admin endpoints a script would) and for the request
log's live updates.

Every page is sent with a Content-Security-Policy whose nonce only the page's own scripts
carry, and which no other site may frame: what a client sent is shown escaped, and even a
body that slipped through could run nothing."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, g, redirect, render_template, request
from werkzeug.wrappers import Response

from mock_server.domain.errors import OrderNotFound
from mock_server.domain.numbers import base_order_number
from mock_server.http.admin import ADMIN_COOKIE, guard, token_matches
from mock_server.http.flask_host import services
from mock_server.rehearsal import browse
from mock_server.rehearsal.faults import OPERATIONS
from mock_server.rehearsal.journal_view import InvalidQuery
from mock_server.wire.answers import order_detail

dashboard = Blueprint("dashboard", __name__, url_prefix="/__admin/ui", template_folder="templates")


@dashboard.before_request
def sign_in() -> Response | None:
    """With `--admin-token`, open `/__admin/ui?adminToken=T` once: the token goes into a
    cookie (HttpOnly, SameSite=Strict, path /__admin) and the address bar loses it."""
    expected = services().settings.admin_token
    given = request.args.get("adminToken", "")
    if not expected or not given or not token_matches(expected, given):
        return None
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "adminToken"]
    answer = redirect(request.path + (f"?{urlencode(rest)}" if rest else ""), 303)
    answer.set_cookie(ADMIN_COOKIE, expected, path="/__admin", httponly=True, samesite="Strict")
    return answer


@dashboard.before_request
def admitted() -> Response | None:
    """The same exposure rules as the rest of /__admin (`guard`); a person without the
    admin token gets a page saying how to give it instead of the API's JSON (still 401)."""
    refused = guard()
    if refused is None or refused.status_code != 401:
        return refused
    tried = bool(request.args.get("adminToken"))
    page = _page("sign_in.html", 401, header=False, tried=tried)
    page.headers["WWW-Authenticate"] = "Bearer"
    return page


@dashboard.app_template_global()
def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


@dashboard.after_request
def confine(response: Response) -> Response:
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


PAGE_SIZE = 25
RECENT = 50  # deliveries and violations shown
REQUESTS_SHOWN = 50  # request log entries a page (and a live update) formats at most


def _page_arg(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _page(template: str, status: int = 200, *, header: bool = True, **context: object) -> Response:
    """A rendered page; with `header`, the clock's reading the header shows."""
    if header:
        clock = services().clock
        context.setdefault("now", clock.now())
        context["offset"] = clock.offset_seconds
    return Response(render_template(template, **context), status, mimetype="text/html")


@dashboard.get("")
@dashboard.get("/")
def overview() -> Response:
    svc = services()
    now = svc.clock.now()
    customer_page, customers = browse.customers(svc.store, _page_arg("cpage"), PAGE_SIZE)
    customer = request.args.get("customer") or (customers[0][0] if customers else "")
    order_page, orders = browse.customer_orders(
        svc.store, customer, _page_arg("page"), PAGE_SIZE, now, svc.orders.pace
    )
    state = request.args.get("state") or None
    deliveries = sorted(
        (d for d in svc.webhooks.deliveries() if state is None or d.state == state),
        key=lambda d: d.created_at,
        reverse=True,
    )
    violations = svc.violations.items()[-RECENT:]
    return _page(
        "dashboard.html",
        now=now,
        faults=[rule.as_json() for rule in svc.faults.rules()],
        customers=customers,
        customer_page=customer_page,
        customer=customer,
        orders=orders,
        order_page=order_page,
        deliveries=deliveries[:RECENT],
        deliveries_total=len(deliveries),
        state=state or "",
        violations=list(reversed(violations)),
        violations_total=svc.violations.total,
        stored=len(svc.store),
    )


@dashboard.get("/orders/<number>")
def order(number: str) -> Response:
    """The order as the dashboard keeps it (row, timeline, deliveries), its lines, and the
    details answer its customer gets now: read through the same use case and renderer as
    `GET /resellers/v6.1/orders/{n}`, which also brings it up to date with mock time."""
    svc = services()
    asked, number = number, base_order_number(number)  # a sub-order's number opens its order
    caller = browse.owner(svc.store, number)
    try:
        if caller is None:
            raise OrderNotFound()
        details = svc.orders.read(caller, number)
    except OrderNotFound:
        return _page("missing.html", 404, number=asked)
    view = browse.order_view(
        svc.store, number, details.at, svc.orders.pace, svc.timelines, svc.webhooks.deliveries()
    )
    if view is None:  # reset between the two reads
        return _page("missing.html", 404, number=asked)
    return _page(
        "order.html",
        now=details.at,
        view=view,
        row=view.row,
        lines=browse.line_rows(details),
        answer=browse.pretty(order_detail(details)),
    )


# -- the request log -----------------------------------------------------------------------


@dashboard.get("/requests")
def requests_page() -> Response:
    """The request journal, newest first, narrowed by the filters `/__admin/requests`
    takes; the page asks `/requests/newer` for what arrives while it is open."""
    filters = {name: request.args.get(name, "") for name in browse.FILTERS}
    page: dict[str, Any] = {
        "filters": filters, "operations": sorted(OPERATIONS), "size": REQUESTS_SHOWN
    }
    try:
        shown = browse.journal_page(services().journal, filters, REQUESTS_SHOWN)
    except InvalidQuery as error:
        return _page("requests.html", 400, problem=error, **page)
    last = shown.entries[0].entry["id"] if shown.entries else 0
    return _page("requests.html", shown=shown, last=last, **page)


@dashboard.get("/requests/newer")
def newer_requests() -> Response:
    """The entries after `since` that pass the page's filters, as the page's HTML (the
    same template, so escaped the same way); empty when there is nothing new."""
    since = request.args.get("since", "")
    if not since.isdigit():
        return Response("since: the id of the newest entry shown", 400, mimetype="text/plain")
    try:
        shown = browse.journal_page(
            services().journal, request.args, REQUESTS_SHOWN, since=int(since)
        )
    except InvalidQuery as error:
        return Response(f"{error.field}: {error.message}", 400, mimetype="text/plain")
    answer = Response(render_template("_request_entries.html", shown=shown), mimetype="text/html")
    answer.headers["X-Journal-Kept"] = str(shown.kept)
    answer.headers["X-Journal-Total"] = str(shown.total)
    return answer
