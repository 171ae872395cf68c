"""Every error body the mock sends, and the one mapping of domain errors to HTTP statuses.

Three formats, as the real API answers:
- the Orders API's `{"errors": [{id, type, message, fields}]}` (most answers);
- v7 create's flat `{traceid, type, message, fields}`;
- the token endpoint's OAuth-style `{"message": ...}`;
and two bodies of the gateway in front of them (the rate limit's and the customer-number
fault's). The door (`http/door.py`) and the Flask error handlers (`http/errors.py`) both
render from here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

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
from mock_server.wire.conventions import Json


class ErrorFormat(Enum):
    """Which error body an operation answers with (the operation table names one)."""

    API = "api"  # {"errors": [...]}
    V7 = "v7"  # {traceid, type, message, fields}
    OAUTH = "oauth"  # {"message": ...}


SERVER_ERROR = "/errors/server-error"
VALIDATION_FAILED = "/errors/validation-failed"

# Domain error -> (HTTP status, error type). The domain knows nothing of HTTP.
_STATUS: dict[type[DomainError], tuple[int, str]] = {
    ValidationFailed: (400, VALIDATION_FAILED),
    NothingAccepted: (400, VALIDATION_FAILED),
    ModificationRefused: (400, VALIDATION_FAILED),
    OrderNotFound: (404, "/errors/validation-error"),
    CancellationRefused: (405, "/errors/validation-error"),
    Unauthorized: (401, "/errors/unauthorized"),
}

# The body the real API sends over the rate limit (its `field` is null there too).
TOO_MANY_REQUESTS: Json = {"errors": [{"field": None, "message": "too many requests"}]}

# The real API's answer when an app's token names another customer number. It comes from
# the gateway, not the Orders API, hence its own shape; the status is 500 because the fault
# says "Server" and the gateway's only documented fault (bad credentials) is a 500.
CUSTOMER_MISMATCH_STATUS = 500
CUSTOMER_MISMATCH_FAULT: Json = {
    "faultcode": "Server",
    "faultstring": (
        "Invalid customer number. The customer number provided on the API call does not "
        "match the registered customer number."
    ),
}

UNEXPECTED = "Unexpected error in the mock: see its log"
BODY_TOO_LARGE = "The request body is larger than 1 MiB"
STORE_UNAVAILABLE = "The mock's shared state is unreachable right now; retry shortly"


def error_id() -> str:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    return f"{uuid.uuid4().hex[:12]}-{stamp}"


def error_body(error_type: str, message: str, fields: list[FieldProblem] | None = None) -> Json:
    """The Orders API's `{"errors": [...]}` body."""
    entry: dict[str, Any] = {"id": error_id(), "type": error_type, "message": message}
    if fields:
        entry["fields"] = [
            {k: v for k, v in (("field", f.field), ("value", f.value), ("message", f.message)) if v}
            for f in fields
        ]
    return {"errors": [entry]}


def v7_error_body(error_type: str, message: str, fields: list[FieldProblem] | None = None) -> Json:
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


def oauth_error_body(message: str) -> Json:
    """The token endpoint answers OAuth-style: a flat `{"message": ...}`."""
    return {"message": message}


def problems_of(error: DomainError) -> list[FieldProblem]:
    if isinstance(error, ValidationFailed | NothingAccepted):
        return error.problems
    if isinstance(error, ModificationRefused):
        return [FieldProblem("orderNumber", error.message)]
    return []


def domain_error(error: DomainError, fmt: ErrorFormat = ErrorFormat.API) -> tuple[int, Json]:
    """The status and body a broken rule is answered with. v7 answers its validation
    failures flat; everything else (a bad token, say: the gateway's) in the API's format."""
    status, error_type = _STATUS.get(type(error), (400, VALIDATION_FAILED))
    message = error.message
    if isinstance(error, ValidationFailed | NothingAccepted | ModificationRefused):
        message = "Validation failed"
    if fmt is ErrorFormat.V7 and isinstance(error, ValidationFailed):
        return 400, v7_error_body(VALIDATION_FAILED, error.message, problems_of(error))
    return status, error_body(error_type, message, problems_of(error))


def http_error(status: int, message: str, fmt: ErrorFormat = ErrorFormat.API) -> Json:
    """An HTTP-level refusal (404, 405, 413, 415, 500, an injected status) in `fmt`."""
    error_type = SERVER_ERROR if status >= 500 else f"/errors/http-{status}"
    if fmt is ErrorFormat.V7:
        return v7_error_body(error_type, message)
    if fmt is ErrorFormat.OAUTH:
        return oauth_error_body(message)
    return error_body(error_type, message)


def injected_message(status: int) -> str:
    """What an injected error status says (a fault rule's answer)."""
    if status == 503:
        return "Service temporarily unavailable"
    if status >= 500:
        return "Internal server error"
    return f"Request failed with status {status}"
