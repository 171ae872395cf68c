"""`/__admin/ui`: the mock's state for a person. Server-rendered pages, a little JavaScript
for the buttons (which call the same /__admin endpoints a script would)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response

from mock_server.http.admin import ADMIN_COOKIE, guard, token_matches
from mock_server.http.flask_host import services
from mock_server.rehearsal import browse

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


dashboard.before_request(guard)  # the same exposure rules as the rest of /__admin

PAGE_SIZE = 25
RECENT = 50  # deliveries and violations shown


def _page_arg(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


@dashboard.get("")
@dashboard.get("/")
def overview() -> str:
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
    return render_template(
        "dashboard.html",
        now=now,
        offset=svc.clock.offset_seconds,
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
def order(number: str) -> str:
    svc = services()
    now = svc.clock.now()
    view = browse.order_view(
        svc.store,
        number.upper(),
        now,
        svc.orders.pace,
        svc.timelines,
        svc.webhooks.deliveries(),
    )
    if view is None:
        abort(404)
    return render_template(
        "order.html", now=now, offset=svc.clock.offset_seconds, view=view, row=view.row
    )
