"""Mock-only controls under /__admin: reset, the clock, journals. Not part of the real API."""

from __future__ import annotations

import math
from typing import Any, NoReturn
from urllib.parse import urlsplit

import orjson
from flask import Blueprint, Response, request

from mock_server.config import is_loopback_name
from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.gateway.tokens import same_secret
from mock_server.http.flask_host import empty_response, error_response, json_response, services
from mock_server.http.messages import is_json_media_type
from mock_server.rehearsal.snapshots import SnapshotRefused
from mock_server.webhooks import Registration

admin = Blueprint("admin", __name__, url_prefix="/__admin")
_MAX_SNAPSHOT_BYTES = 1024**3


def _bad_request(message: str, field: str, value: Any = None) -> NoReturn:
    raise ValidationFailed([FieldProblem(field, message, None if value is None else str(value))])


# The admin API's own index (the start banner points here): every route under /__admin, one
# entry per method (tests/api/test_admin_index.py holds it to the app's url_map);
# README "Admin endpoints" has more.
_INDEX = [
    ("GET", "/__admin", "this list"),
    ("GET", "/__admin/health", "readiness (503 while a Redis store is unreachable)"),
    ("POST", "/__admin/reset", "empty state: orders, deliveries, journals, mock-time offset"),
    ("GET", "/__admin/state", "the whole state as one snapshot document (a credential: "
     "it holds webhook secrets and the token-signing key)"),
    ("PUT", "/__admin/state", "replace the state with a snapshot document (refused whole "
     "when a part is missing)"),
    ("GET", "/__admin/clock", "mock time now and its offset"),
    ("POST", "/__admin/clock", 'move mock time forward: {"advanceSeconds": N}'),
    ("GET", "/__admin/requests", "the request journal with bodies; filters ?operation=&status="
     "&customerNumber=&correlationId=&since=&limit= list newest first"),
    ("GET", "/__admin/requests/{id}", "one journal entry"),
    ("DELETE", "/__admin/requests", "clear the request journal"),
    ("GET", "/__admin/violations", "client contract violations"),
    ("DELETE", "/__admin/violations", "clear the violations"),
    ("GET", "/__admin/maintenance", "is a maintenance window open; v7 submissions waiting"),
    ("PUT", "/__admin/maintenance", "begin a maintenance window"),
    ("DELETE", "/__admin/maintenance", "end it: the waiting v7 submissions are worked"),
    ("PUT", "/__admin/webhooks", '{"url", "secret", "customerNumber"?}: register a receiver '
     "(answers its id)"),
    ("GET", "/__admin/webhooks", "registrations, each with its id"),
    ("DELETE", "/__admin/webhooks", "remove every registration"),
    ("DELETE", "/__admin/webhooks/{id}", "remove one registration by its id"),
    ("GET", "/__admin/webhooks/deliveries", "delivery log, ?state=pending|delivered|dead"),
    ("POST", "/__admin/webhooks/deliveries/{id}/redeliver", "send a dead letter again"),
    ("POST", "/__admin/faults", "add a fault rule (answers its id)"),
    ("GET", "/__admin/faults", "the fault rules, with how often each fired"),
    ("DELETE", "/__admin/faults", "remove every fault rule"),
    ("DELETE", "/__admin/faults/{id}", "remove one fault rule by its id"),
    ("POST", "/__admin/overrides", "make one answer different: respond or patch (answers its id)"),
    ("GET", "/__admin/overrides", "the override rules, with how often each fired"),
    ("DELETE", "/__admin/overrides", "remove every override rule"),
    ("DELETE", "/__admin/overrides/{id}", "remove one override rule by its id"),
    ("GET", "/__admin/ui", "the dashboard (HTML); /docs: the contract in Swagger UI"),
    ("GET", "/__admin/ui/orders/{number}", "one order: its lines, details answer and timeline "
     "(HTML)"),
    ("GET", "/__admin/ui/requests", "the request journal, live, with its filters (HTML)"),
    ("GET", "/__admin/ui/requests/newer", "the journal's rows after ?since=ID (an HTML fragment "
     "the request log page polls)"),
]


@admin.get("/", strict_slashes=False)
def index() -> Response:
    return json_response(
        {"endpoints": [{"method": m, "path": p, "what": w} for m, p, w in _INDEX]}
    )


# -- exposure: a mock on a developer's laptop is a target for any web page they open ---------


# The dashboard's sign-in (http/dashboard.py) keeps the admin token in this cookie, so its
# pages and buttons work in a browser; SameSite=Strict keeps it off cross-site requests.
ADMIN_COOKIE = "ingram_mock_admin_token"


def token_matches(expected: str, sent: str = "") -> bool:
    sent = sent or request.headers.get("X-Admin-Token", "")
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if not sent and scheme.lower() == "bearer":
        sent = credentials.strip()
    sent = sent or request.cookies.get(ADMIN_COOKIE, "")
    return same_secret(sent, expected)


@admin.before_request
def guard() -> Response | None:
    """Who may use /__admin: DNS rebinding (a page on a name that resolves to 127.0.0.1) is
    stopped by the Host check, blind cross-site writes by the Origin and media type checks,
    anyone else by the optional admin token."""
    settings = services().settings
    if is_loopback_name(settings.host) and not is_loopback_name(request.host):
        return error_response(
            403, "/errors/forbidden", f"Host {request.host} is not a loopback name: /__admin "
            "answers only to localhost, 127.0.0.1 or [::1] while the mock listens on loopback"
        )
    if settings.admin_token and not token_matches(settings.admin_token):
        response = error_response(
            401, "/errors/unauthorized", "/__admin needs the admin token (Bearer or X-Admin-Token)"
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("Origin")
    if origin is not None:
        netloc = urlsplit(origin).netloc
        if not netloc or (netloc != request.host and not is_loopback_name(netloc)):
            return error_response(
                403, "/errors/forbidden", f"Writes to /__admin from {origin} are refused"
            )
    mimetype = request.mimetype
    if mimetype and not is_json_media_type(mimetype):
        return error_response(
            415, "/errors/http-415", f"/__admin takes application/json, not {mimetype}"
        )
    return None


@admin.get("/health")
def health() -> Response:
    svc = services()
    return json_response({"status": "ok", "orders": len(svc.store)})


@admin.post("/reset")
def reset() -> Response:
    services().reset()
    return json_response({"status": "reset"})


@admin.get("/state")
def export_state() -> Response:
    return json_response(services().control.export_state())


@admin.put("/state")
def import_state() -> Response:
    # A snapshot is as big as the state: the 1 MiB limit of API bodies does not apply.
    request.max_content_length = _MAX_SNAPSHOT_BYTES
    try:
        body = orjson.loads(request.get_data())
    except orjson.JSONDecodeError as error:
        _bad_request(f"Malformed JSON: {error}", "body")
    try:
        count = services().control.import_state(body)
    except SnapshotRefused as error:
        problem = FieldProblem(error.part, str(error))
        return error_response(400, "/errors/validation-failed", "Snapshot refused", [problem])
    return json_response({"status": "imported", "orders": count})


@admin.get("/clock")
def read_clock() -> Response:
    svc = services()
    return json_response(
        {"now": svc.clock.now().isoformat(), "offsetSeconds": svc.clock.offset_seconds}
    )


@admin.post("/clock")
def move_clock() -> Response:
    body = request.get_json(silent=True)
    seconds = body.get("advanceSeconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        _bad_request("advanceSeconds must be a number of seconds", "advanceSeconds", seconds)
    if not math.isfinite(seconds) or not 0 <= seconds <= 10 * 365 * 86400:
        _bad_request(
            "advanceSeconds must be between 0 and ten years", "advanceSeconds", seconds
        )
    svc = services()
    settled = svc.control.advance(float(seconds))
    return json_response(
        {
            "now": svc.clock.now().isoformat(),
            "offsetSeconds": svc.clock.offset_seconds,
            "ordersSettled": settled,
        }
    )


@admin.get("/violations")
def list_violations() -> Response:
    log = services().violations
    return json_response({"total": log.total, "violations": log.as_json()})


@admin.delete("/violations")
def clear_violations() -> Response:
    services().violations.clear()
    return empty_response(204)


@admin.get("/maintenance")
def read_maintenance() -> Response:
    svc = services()
    return json_response(
        {"inMaintenance": svc.control.in_maintenance, "waitingV7Submissions": svc.intake.waiting}
    )


@admin.put("/maintenance")
def begin_maintenance() -> Response:
    """A maintenance window begins: v6 create answers 500, v7 submissions wait."""
    svc = services()
    svc.control.begin_maintenance()
    return json_response({"inMaintenance": True, "waitingV7Submissions": svc.intake.waiting})


@admin.delete("/maintenance")
def end_maintenance() -> Response:
    """The window ends: the waiting v7 submissions are worked, their outcomes sent."""
    released = services().control.end_maintenance()
    return json_response({"inMaintenance": False, "releasedV7Submissions": released})


@admin.put("/webhooks")
def register_webhook() -> Response:
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    url, secret = body.get("url"), body.get("secret", "")
    customer = body.get("customerNumber")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        _bad_request("url must be an http(s) URL", "url", url)
    if not isinstance(secret, str):
        _bad_request("secret must be a string", "secret", secret)
    if customer is not None and not isinstance(customer, str):
        _bad_request("customerNumber must be a string", "customerNumber", customer)
    registration = services().webhooks.register(url, secret, customer)
    return json_response(_registration_json(registration))


@admin.get("/webhooks")
def list_webhooks() -> Response:
    registrations = services().webhooks.registrations()
    return json_response({"registrations": [_registration_json(r) for r in registrations]})


@admin.delete("/webhooks")
def clear_webhooks() -> Response:
    services().webhooks.clear_registrations()
    return empty_response(204)


@admin.delete("/webhooks/<registration_id>")
def remove_webhook(registration_id: str) -> Response:
    if not services().webhooks.remove_registration(registration_id):
        return error_response(404, "/errors/not-found", "No webhook registration with that id")
    return empty_response(204)


@admin.get("/webhooks/deliveries")
def list_deliveries() -> Response:
    state = request.args.get("state")
    deliveries = [
        d.as_json() for d in services().webhooks.deliveries() if state is None or d.state == state
    ]
    return json_response({"deliveries": deliveries})


@admin.post("/webhooks/deliveries/<delivery_id>/redeliver")
def redeliver(delivery_id: str) -> Response:
    delivery = services().webhooks.redeliver(delivery_id)
    if delivery is None:
        return error_response(404, "/errors/not-found", "No dead letter with that id")
    return json_response(delivery.as_json(), 202)


def _registration_json(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.id,
        "url": registration.url,
        "customerNumber": registration.customer_number,
        "hasSecret": bool(registration.secret),
    }
