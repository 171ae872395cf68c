"""Per-request plumbing shared by the blueprints: the wired services, contract checks, caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from mock_server.bootstrap import MockServices
from mock_server.contract.document import MISSING, CheckedRequest, Violation
from mock_server.domain.commands import Caller
from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.rehearsal.journal import ViolationRecord

EXTENSION_KEY = "ingram_mock"
# Request headers the answer repeats, as the real API does (besides IM-CorrelationID).
ECHOED_HEADERS = (("HTTP_IM_COUNTRYCODE", "IM-CountryCode"), ("HTTP_IM_SENDERID", "IM-SenderID"))
MAX_BODY_BYTES = 1024 * 1024  # also Flask's MAX_CONTENT_LENGTH (see app.py)


def services() -> MockServices:
    svc: MockServices = current_app.extensions[EXTENSION_KEY]
    return svc


_UNTYPED = "ingram_mock.untyped_body"  # environ flag: a JSON body came without Content-Type


def is_json_media_type(mimetype: str) -> bool:
    """`application/json` or a `+json` type (parameters such as charset already stripped)."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def json_body() -> Any:
    """The parsed JSON body, MISSING when there is none. Malformed JSON is a 400, a body
    whose media type is not JSON a 415, one over MAX_BODY_BYTES a 413."""
    length = request.content_length
    if length == 0:
        return MISSING
    mimetype = request.mimetype
    if mimetype and not is_json_media_type(mimetype):
        raise UnsupportedMediaType(
            f"Content-Type {mimetype} is not accepted: send the body as application/json"
        )
    stream = request.environ["wsgi.input"]
    if length is None:
        # No declared length (chunked, behind a WSGI server that passes it through): read
        # one byte past the limit to tell a full body from a cut one.
        raw = stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise RequestEntityTooLarge()
    elif length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    else:
        # Exactly Content-Length from the server's stream: no 64 KiB read buffer per create.
        raw = stream.read(length)
    if not raw.strip():
        return MISSING
    if not mimetype:
        request.environ[_UNTYPED] = True
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValidationFailed([FieldProblem("body", f"Malformed JSON: {error}")]) from None


def _untyped_body(operation_id: str, strict: bool) -> ViolationRecord | None:
    """A JSON body sent without Content-Type: served (the real API's gateway is not known
    to refuse it, and every SDK sends application/json), recorded, and a 415 in --strict."""
    if not request.environ.get(_UNTYPED):
        return None
    return ViolationRecord(
        at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        operation=operation_id,
        location="header",
        field="Content-Type",
        message="Missing: the API takes request bodies as application/json",
        value=None,
        correlation_id=request.headers.get("IM-CorrelationID", ""),
        refused=strict,
    )


def check_request(
    operation_id: str, path: dict[str, str] | None = None, body: Any = MISSING
) -> CheckedRequest:
    """Check the request against the contract; record every violation.

    Type, format and required-field violations are refused with 400, as the real API does.
    Unknown fields, coerced scalars and constraints the real API does not enforce are
    recorded and served in lenient mode, refused in strict mode.
    """
    svc = services()
    untyped = _untyped_body(operation_id, svc.settings.strict)
    if untyped is not None:
        svc.violations.extend([untyped])
        if untyped.refused:
            raise UnsupportedMediaType("Content-Type is missing: send application/json")
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
