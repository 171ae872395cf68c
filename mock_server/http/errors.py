"""The one place where errors become HTTP answers in the API's own error format."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mock_server.domain.errors import (
    CancellationRefused,
    DomainError,
    FieldProblem,
    ModificationRefused,
    NothingAccepted,
    OrderNotFound,
    Unauthorized,
    ValidationFailed,
)
from mock_server.domain.ports import StoreUnavailable
from mock_server.gateway.tokens import CustomerNotRegistered

log = logging.getLogger(__name__)

# Domain error -> (HTTP status, error type). The domain knows nothing of HTTP.
_STATUS: dict[type[DomainError], tuple[int, str]] = {
    ValidationFailed: (400, "/errors/validation-failed"),
    NothingAccepted: (400, "/errors/validation-failed"),
    ModificationRefused: (400, "/errors/validation-failed"),
    OrderNotFound: (404, "/errors/validation-error"),
    CancellationRefused: (405, "/errors/validation-error"),
    Unauthorized: (401, "/errors/unauthorized"),
}


V7_CREATE_PATH = "/resellers/v7/orders"


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def empty_response(status: int) -> Response:
    """A bodiless answer (204, cancel's 200) without Flask's default text/html type."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


def error_id() -> str:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    return f"{uuid.uuid4().hex[:12]}-{stamp}"


def error_body(error_type: str, message: str, fields: list[FieldProblem] | None = None) -> Any:
    entry: dict[str, Any] = {"id": error_id(), "type": error_type, "message": message}
    if fields:
        entry["fields"] = [
            {k: v for k, v in (("field", f.field), ("value", f.value), ("message", f.message)) if v}
            for f in fields
        ]
    return {"errors": [entry]}


def error_response(
    status: int, error_type: str, message: str, fields: list[FieldProblem] | None = None
) -> Response:
    """An answer in the API's `{"errors": [...]}` format."""
    return json_response(error_body(error_type, message, fields), status)


def token_error_response(message: str, status: int) -> Response:
    """The token endpoint answers OAuth-style: a flat `{"message": ...}`."""
    return json_response({"message": message}, status)


def problems_of(error: DomainError) -> list[FieldProblem]:
    if isinstance(error, ValidationFailed | NothingAccepted):
        return error.problems
    if isinstance(error, ModificationRefused):
        return [FieldProblem("orderNumber", error.message)]
    return []


def domain_error_response(error: DomainError) -> Response:
    status, error_type = _STATUS.get(type(error), (400, "/errors/validation-failed"))
    message = error.message
    if isinstance(error, ValidationFailed | NothingAccepted | ModificationRefused):
        message = "Validation failed"
    return error_response(status, error_type, message, problems_of(error))


def v7_error_response(error: DomainError) -> Response:
    """v7 create answers 400 with a flat body: {traceid, type, message, fields}."""
    return json_response(
        v7_error_body("/errors/validation-failed", error.message, problems_of(error)), 400
    )


def v7_error_body(error_type: str, message: str, fields: list[FieldProblem] | None = None) -> Any:
    """The flat v7 body. A field's `value` is a string when there is one and left out
    when there is none: the published schema types it as a string, never null."""
    return {
        "traceid": error_id(),
        "type": error_type,
        "message": message,
        "fields": [_v7_field(f) for f in fields or ()],
    }


def _v7_field(problem: FieldProblem) -> dict[str, str]:
    entry = {"field": problem.field, "message": problem.message}
    if problem.value is not None:
        entry["value"] = problem.value
    return entry


# The real API's answer when an app's token names another customer number. It comes from
# the gateway, not the Orders API, hence its own shape; the status is 500 because the fault
# says "Server" and the gateway's only documented fault (bad credentials) is a 500.
CUSTOMER_MISMATCH_STATUS = 500
CUSTOMER_MISMATCH_FAULT = {
    "faultcode": "Server",
    "faultstring": (
        "Invalid customer number. The customer number provided on the API call does not "
        "match the registered customer number."
    ),
}


def customer_mismatch_response(_: CustomerNotRegistered) -> Response:
    return json_response(CUSTOMER_MISMATCH_FAULT, CUSTOMER_MISMATCH_STATUS)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error_response)
    app.register_error_handler(CustomerNotRegistered, customer_mismatch_response)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 404:
            message = f"No such resource: {request.path}"
        elif status == 405:
            message = f"Method {request.method} is not allowed on {request.path}"
        else:
            message = error.description or error.name
        response = error_response(status, f"/errors/http-{status}", message)
        if status == 405 and error.get_response().headers.get("Allow"):
            response.headers["Allow"] = error.get_response().headers["Allow"]
        return response

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable) -> Response:
        # Logged where it happened (shared.connection); the client may simply retry.
        response = error_response(
            503,
            "/errors/service-unavailable",
            "The mock's shared state is unreachable right now; retry shortly",
        )
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = "Unexpected error in the mock: see its log"
        if request.path.endswith(V7_CREATE_PATH):  # v7 create answers in its flat format
            return json_response(v7_error_body("/errors/server-error", message), 500)
        return error_response(500, "/errors/server-error", message)
