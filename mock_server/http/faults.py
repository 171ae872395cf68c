"""Fault injection at the HTTP edge: decided before any use case runs, so an injected
failure never changes stored state (`afterCommit` rules run the use case and lose its
answer instead).

Error statuses are answered here, in the API's own error format. Delays, resets and
timeouts cannot be done by a WSGI app: the app asks the server front for them through the
environ key `ingram_mock.fault` (`{"delay": seconds}` and/or `{"drop": True}`). Without a
front that honours it (the test client) a reset or timeout answers a stand-in 503 that
says so.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from mock_server.http.errors import (
    error_id,
    error_response,
    json_response,
    token_error_response,
)
from mock_server.http.gateway import TOO_MANY_REQUESTS, report_refused
from mock_server.rehearsal.faults import TIMEOUT_SECONDS, FaultBook, FaultRule

FAULT_KEY = "ingram_mock.fault"
RETRY_AFTER_SECONDS = 1
RATE_LIMIT = 60  # the published limit for GET calls, per minute per endpoint

# View function name -> the contract's operationId (the sandbox blueprint shares the names).
_OPERATIONS = {
    "create_order_v6": "createOrderV6",
    "create_order_v7": "createOrderV7",
    "get_order_details": "getOrderDetails",
    "get_order_details_v6": "getOrderDetailsV6",
    "search_orders": "searchOrders",
    "modify_order": "modifyOrder",
    "cancel_order": "cancelOrder",
}
_ECHOED = ("IM-CorrelationID", "IM-SenderID")


def install(app: Flask, book: FaultBook) -> None:
    """Register the hooks. Call after the request journal's hook, so that the journal
    (which runs later, hooks being called in reverse) records the answer a client got."""

    @app.before_request
    def inject_fault() -> Response | None:
        if not book.active:  # the hot path: one attribute read when no rule exists
            return None
        operation = operation_of_request()
        if operation is None:
            return None
        rule = book.decide(operation, request.headers.get("IM-CustomerNumber", "").strip())
        if rule is None:
            return None
        if rule.kind == "status" and rule.status is None:
            _instruct(delay=rule.delay_seconds)  # only a delay: the real answer, late
            return None
        if rule.after_commit:
            g.fault_after_commit = (rule, operation)
            return None
        return fault_answer(rule, operation)

    @app.after_request
    def lose_answer(response: Response) -> Response:
        pending: tuple[FaultRule, str] | None = g.pop("fault_after_commit", None)
        if pending is None:
            return response
        answer = fault_answer(*pending)
        for name in _ECHOED:
            if name in response.headers:
                answer.headers[name] = response.headers[name]
        return answer


def operation_of_request() -> str | None:
    blueprint, _, view = (request.endpoint or "").rpartition(".")
    if blueprint in ("tokens", "sandbox_tokens") and view == "issue_token":
        return "createAccessToken" if request.method == "POST" else "getAccessToken"
    if blueprint not in ("orders", "sandbox_orders"):
        return None
    return _OPERATIONS.get(view)


def fault_answer(rule: FaultRule, operation: str) -> Response:
    """What the client is sent (or, for reset and timeout, what the front throws away)."""
    if rule.kind == "reset":
        _instruct(delay=rule.delay_seconds, drop=True)
        answer = _stand_in(rule)
    elif rule.kind == "timeout":
        _instruct(delay=rule.delay_seconds or TIMEOUT_SECONDS, drop=True)
        answer = _stand_in(rule)
    else:
        if rule.delay_ms:
            _instruct(delay=rule.delay_seconds)
        answer = status_answer(rule.status or 503, operation)
    answer.headers["X-Mock-Fault"] = rule.id
    return answer


def status_answer(status: int, operation: str) -> Response:
    """An injected error status in the format the real API uses for it."""
    if status == 429:
        # The published body of a rate-limited call, with the headers clients throttle on:
        # the gateway writes them for the order calls it counts, this for the others.
        answer = json_response(TOO_MANY_REQUESTS, 429)
        if not report_refused(request.environ, RETRY_AFTER_SECONDS):
            answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            answer.headers["X-RateLimit-Limit"] = str(RATE_LIMIT)
            answer.headers["X-RateLimit-Remaining"] = "0"
            answer.headers["X-RateLimit-Reset"] = str(int(time.time()) + RETRY_AFTER_SECONDS)
        return answer
    if operation in ("getAccessToken", "createAccessToken"):
        return token_error_response(_message(status), status)
    if operation == "createOrderV7":  # v7 answers errors flat: {traceid, type, message, fields}
        kind = "/errors/server-error" if status >= 500 else f"/errors/http-{status}"
        body = {"traceid": error_id(), "type": kind, "message": _message(status), "fields": []}
        return json_response(body, status)
    if status >= 500:
        return error_response(status, "/errors/server-error", _message(status))
    return error_response(status, f"/errors/http-{status}", _message(status))


def _message(status: int) -> str:
    if status == 503:
        return "Service temporarily unavailable"
    if status >= 500:
        return "Internal server error"
    return f"Request failed with status {status}"


def _stand_in(rule: FaultRule) -> Response:
    return error_response(
        503,
        "/errors/server-error",
        f"Injected {rule.kind} fault: served without the mock's front, so the connection "
        "could not be broken",
    )


def _instruct(*, delay: float = 0.0, drop: bool = False) -> None:
    fault: dict[str, float | bool] = {}
    if delay > 0:
        fault["delay"] = delay
    if drop:
        fault["drop"] = True
    if fault:
        request.environ[FAULT_KEY] = fault
