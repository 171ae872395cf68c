"""What the API's gateway does around the order calls, before a handler runs and after:

- rate limits (`mock_server.gateway.rate_limits`): every answer under `/resellers` carries
  `X-RateLimit-Limit/-Remaining/-Reset`; over an enforced limit a GET gets 429 with
  `Retry-After` and the real error body;
- maintenance windows (`MockControl.begin_maintenance`): v6 create fails with a server
  error, while v7 create is still confirmed and its submission waits for the window's end.

Kept out of the handlers: neither is a rule of the Orders API itself.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from mock_server.bootstrap import MockServices
from mock_server.gateway.rate_limits import RateLimiter, Verdict
from mock_server.http.errors import error_response, json_response

_API_PREFIXES = ("/resellers/", "/sandbox/resellers/")
_VERDICT = "ingram_mock.rate_limit"  # the environ key the answer's headers are read from
# The body the real API sends over the limit (its `field` is null there too).
TOO_MANY_REQUESTS = {"errors": [{"field": None, "message": "too many requests"}]}
_V6_CREATE = frozenset({"orders.create_order_v6", "sandbox_orders.create_order_v6"})


def client_of(authorization: str | None) -> str:
    """The API app a call comes from: the client segment of its bearer token
    (`<expiry>.<client>...`, see `mock_server.gateway.tokens`), the token itself if it has none."""
    if not authorization:
        return ""
    token = authorization.partition(" ")[2].strip()
    parts = token.split(".", 2)
    return parts[1] if len(parts) > 1 else token


def admit(limiter: RateLimiter, environ: dict[str, Any], endpoint: str) -> Verdict:
    """Count one call against its client's limit, once per request: a request the fast
    path counted and then handed to Flask is not counted again."""
    verdict: Verdict | None = environ.get(_VERDICT)
    if verdict is None:
        verdict = limiter.take(
            client_of(environ.get("HTTP_AUTHORIZATION")), environ["REQUEST_METHOD"], endpoint
        )
        environ[_VERDICT] = verdict
    return verdict


def report_refused(environ: dict[str, Any], retry_after: int) -> bool:
    """Make this call's answer report an exhausted limit (an injected 429, http/faults.py),
    so the headers are written once, here. False when the gateway did not count the call."""
    verdict: Verdict | None = environ.get(_VERDICT)
    if verdict is None:
        return False
    environ[_VERDICT] = verdict._replace(remaining=0, refused=True, retry_after=retry_after)
    return True


def install(app: Flask, services: MockServices) -> None:
    """Register the gateway's hooks on `app` (after its blueprints)."""
    limiter = services.limits
    control = services.control

    @app.before_request
    def count_the_call() -> Response | None:
        # App-level, so it runs before the blueprints' token check: a gateway counts (and
        # refuses) calls before the backend looks at them. The request object is taken out
        # of its proxy once: this runs on every call.
        current = request._get_current_object()  # type: ignore[attr-defined]
        environ = current.environ
        if not environ.get("PATH_INFO", "").startswith(_API_PREFIXES):
            return None
        rule = current.url_rule
        verdict = admit(limiter, environ, rule.rule if rule is not None else "unrouted")
        if verdict.refused:
            return json_response(TOO_MANY_REQUESTS, 429)
        return None

    @app.after_request
    def rate_limit_headers(response: Response) -> Response:
        verdict: Verdict | None = request.environ.get(_VERDICT)
        if verdict is not None:
            headers = response.headers
            # add, not set: nothing else writes these, and set scans for a previous value.
            for name, value in verdict.headers():
                headers.add(name, value)
            if verdict.refused:
                headers.add("Retry-After", str(verdict.retry_after))
        return response

    def maintenance_window() -> Response | None:
        # Blueprint-level, after the token check: the backend is what is down.
        if control.in_maintenance and request.endpoint in _V6_CREATE:
            return error_response(
                500,
                "/errors/server-error",
                "The order system is in its scheduled maintenance window; try again when "
                "it ends, or place the order with v7, which queues it",
            )
        return None

    for blueprint in ("orders", "sandbox_orders"):
        app.before_request_funcs.setdefault(blueprint, []).append(maintenance_window)
