"""Per-request plumbing shared by the blueprints: the wired services, contract checks, caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from mock_server.bootstrap import MockServices
from mock_server.contract import MISSING, CheckedRequest, Violation
from mock_server.domain.commands import Caller
from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.journal import ViolationRecord

EXTENSION_KEY = "ingram_mock"
MAX_BODY_BYTES = 1024 * 1024  # also Flask's MAX_CONTENT_LENGTH (see app.py)


def services() -> MockServices:
    svc: MockServices = current_app.extensions[EXTENSION_KEY]
    return svc


def json_body() -> Any:
    """The parsed JSON body, MISSING when there is none. Malformed JSON is a 400."""
    length = request.content_length
    if length is None:
        raw = request.get_data()  # chunked: let Werkzeug apply the size limit
    elif length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    else:
        # Exactly Content-Length from the server's stream: no 64 KiB read buffer per create.
        raw = request.environ["wsgi.input"].read(length)
    if not raw.strip():
        return MISSING
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValidationFailed([FieldProblem("body", f"Malformed JSON: {error}")]) from None


def check_request(
    operation_id: str, path: dict[str, str] | None = None, body: Any = MISSING
) -> CheckedRequest:
    """Check the request against the contract; record every violation.

    Type, format and required-field violations are refused with 400, as the real API does.
    Unknown fields, coerced scalars and constraints the real API does not enforce are
    recorded and served in lenient mode, refused in strict mode.
    """
    svc = services()
    checked = svc.contract.operation(operation_id).check(
        environ=request.environ, path=path or {}, query=request.args, body=body
    )
    if checked.violations:
        record_violations(operation_id, checked.violations)
    return checked


def record_violations(operation_id: str, violations: list[Violation]) -> None:
    """Record what a client got wrong; raise ValidationFailed (400) when any of it is
    refused: every violation in strict mode, the intolerable ones otherwise."""
    svc = services()
    refuse = svc.settings.strict or any(not v.tolerable for v in violations)
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    svc.violations.extend(
        [
            ViolationRecord(
                at=stamp,
                operation=operation_id,
                location=v.location,
                field=v.field,
                message=v.message,
                value=v.value,
                correlation_id=request.headers.get("IM-CorrelationID", ""),
                refused=refuse,
                kind=v.kind,
            )
            for v in violations
        ]
    )
    if refuse:
        raise ValidationFailed([FieldProblem(v.field, v.message, v.value) for v in violations])


def caller() -> Caller:
    return Caller(
        customer_number=request.headers.get("IM-CustomerNumber", "").strip(),
        country_code=request.headers.get("IM-CountryCode", "").strip().upper(),
    )
