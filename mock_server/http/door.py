"""The one door: every API and token request passes `Door.handle` once.

The steps, in the order `handle` and `_through` take them:

1. route: the operation table (`operations.py`) finds the operation, or answers 404/405;
2. the gateway counts the call against its client's rate limit (429 past an enforced one);
3. faults: a fault rule may answer instead, decided before anything else runs;
4. caller and token: a valid bearer token, bound tokens only for their customer number;
5. maintenance: a window answers v6 create with a server error;
6. body: JSON, parsed here (415, 400); the host read it under the one size limit
   (`MAX_BODY_BYTES`) and says when it stopped (413, step 2);
7. the contract check: refused (400) or recorded as a client violation;
8. overrides (`overriding.py`): a matching `respond` rule answers instead, and the
   operation does not run (skipped when a fault rule fired in step 3);
9. parse, 10. the use case, 11. render;
12. an `afterCommit` fault loses the answer the use case produced;
13. echoed headers and rate-limit headers; then the override's second half: a `patch`
    rule merges into the answer's JSON body, a `respond` rule's headers replace the
    door's, `X-Mock-Override` names the rule, contract breaches become journal warnings;
14. the journal, and the violations the request caused.

No step is done anywhere else: the RSGI front and the WSGI mount only turn their
framework's request into an `ApiRequest` and the `Answer` back into bytes.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from mock_server.contract.document import MISSING, Violation, may_hold_floats
from mock_server.domain.commands import Caller
from mock_server.domain.errors import (
    DomainError,
    FieldProblem,
    NotHonoured,
    ValidationFailed,
)
from mock_server.domain.ports import StoreUnavailable
from mock_server.gateway.tokens import CustomerNotRegistered, InvalidClient
from mock_server.http import overriding
from mock_server.http.calls import Call, Operation, TokenRequestRefused
from mock_server.http.messages import (
    Answer,
    ApiRequest,
    Break,
    ConnectionFault,
    is_json_media_type,
)
from mock_server.http.operations import GATEWAY_PREFIXES, OPERATIONS, Router
from mock_server.rehearsal.faults import CONNECTION_KINDS, TIMEOUT_SECONDS, FaultRule
from mock_server.rehearsal.violations import ViolationRecord
from mock_server.wire.errors import (
    BODY_TOO_LARGE,
    CUSTOMER_MISMATCH_FAULT,
    CUSTOMER_MISMATCH_STATUS,
    SERVER_ERROR,
    STORE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    UNEXPECTED,
    ErrorFormat,
    domain_error,
    error_body,
    http_error,
    injected_message,
    oauth_error_body,
)

if TYPE_CHECKING:
    from mock_server.bootstrap import MockServices

log = logging.getLogger(__name__)

_JSON = "application/json"
RETRY_AFTER_SECONDS = 1  # an injected 429's Retry-After
RATE_LIMIT = 60  # the published limit for GET calls, per minute per endpoint
_MAINTENANCE = (
    "The order system is in its scheduled maintenance window; try again when it ends, or "
    "place the order with v7, which queues it"
)
# Request headers the answer repeats, as the real API does (IM-CorrelationID always).
_ECHOED = (("im-countrycode", "IM-CountryCode"), ("im-senderid", "IM-SenderID"))


class Refused(Exception):
    """A step answers instead of the operation: `answer` is what the client gets."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


class Door:
    """The pipeline (see the module docstring). Built once per app, from its services."""

    def __init__(self, services: MockServices) -> None:
        self.svc = services
        self.router = Router(OPERATIONS)
        self._strict = services.settings.strict
        self._require_auth = services.settings.require_auth
        self._callers: dict[tuple[str, str], Caller] = {}  # raw header values -> the caller

    # -- the pipeline -----------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Answer:
        """The answer to one request; never raises."""
        started = time.perf_counter()
        self.svc.clock.new_request()  # a shared clock offset: read once per request
        call = Call(request, None, self._strict)
        try:
            answer = self._through(call)
        except Refused as refused:
            answer = refused.answer
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            answer = self._server_error(call)
        if call.operation is not None and call.operation.orders_api:
            self._echo_headers(call, answer)
        if call.verdict is not None:
            answer.headers.extend(call.verdict.headers())
            if call.verdict.refused:
                answer.headers.append(("Retry-After", str(call.verdict.retry_after)))
        if call.override is not None:
            overriding.finish(call, answer, self.svc.contract)
        if call.delay and answer.connection is None:
            answer.connection = ConnectionFault(call.delay)
        if request.method == "HEAD":
            answer.body = b""
        self._journal(call, answer, started)
        return answer

    def _through(self, call: Call) -> Answer:
        request = call.request
        resource = self.router.find(request.path)
        operation = None
        if resource is not None:
            method = "GET" if request.method == "HEAD" else request.method
            operation = resource.methods.get(method)
            if request.method == "OPTIONS":  # describes the resource: reads and changes nothing
                call.operation = next(iter(resource.methods.values()))
            call.operation = operation or call.operation
        if request.path.startswith(GATEWAY_PREFIXES):
            self._count(call, resource.route if resource is not None else "unrouted")
        if request.body_too_large:  # the host stopped reading at the one size limit
            raise Refused(_http_error(413, BODY_TOO_LARGE))
        if resource is None:
            raise Refused(_http_error(404, f"No such resource: {request.path}"))
        if request.method == "OPTIONS":
            return Answer(200, [("Allow", resource.allow())])
        if operation is None:
            answer = _http_error(405, f"Method {request.method} is not allowed on {request.path}")
            answer.headers.append(("Allow", resource.allow()))
            raise Refused(answer)
        call.params = resource.params
        try:
            return self._operate(call, operation)
        except DomainError as error:
            return self._refusal(call, error)
        except CustomerNotRegistered:
            return _json_answer(CUSTOMER_MISMATCH_STATUS, CUSTOMER_MISMATCH_FAULT)
        except InvalidClient:
            return _json_answer(401, oauth_error_body("Invalid client credentials"))
        except TokenRequestRefused as refused:
            return _json_answer(refused.status, oauth_error_body(str(refused)))
        except StoreUnavailable:
            # Logged where it happened (store.connection); the client may simply retry.
            answer = _json_answer(
                503, error_body("/errors/service-unavailable", STORE_UNAVAILABLE)
            )
            answer.headers.append(("Retry-After", "1"))
            return answer

    def _operate(self, call: Call, operation: Operation) -> Answer:
        svc = self.svc
        fault = self._fault(call, operation)
        if fault is not None and not fault.after_commit:
            return fault_answer(call, fault)
        if operation.orders_api:
            call.caller = self._authorized(call.request)
            if operation.down_in_maintenance and svc.control.in_maintenance:
                return _json_answer(500, error_body(SERVER_ERROR, _MAINTENANCE))
            if operation.json_body:
                call.body = self._json_body(call)
            self._check_contract(call, operation)
        # Overrides come after every check a real request passes (token, maintenance, body,
        # contract), so a client must still send a valid request to get a made-up answer,
        # and after faults, which win: a call a fault rule took is not overridden.
        if fault is None and svc.overrides.active:
            made_up = overriding.decide(call, svc.overrides)
            if made_up is not None:
                return made_up  # `respond`: the operation does not run
        command = operation.parse(call)
        result = operation.use_case(svc, call, command)
        status, body = operation.render(call, result)
        answer = _json_answer(status, body) if body is not None else Answer(status, [])
        if fault is not None:  # afterCommit: the order exists, the client never hears
            return fault_answer(call, fault)  # echoed headers: added by `handle`, as to all
        return answer

    # -- the steps ----------------------------------------------------------------------------

    def _count(self, call: Call, route: str) -> None:
        """The gateway counts every call under /resellers, before looking at it."""
        request = call.request
        verdict = self.svc.limits.take(
            client_of(request.header("authorization")), request.method, route
        )
        call.verdict = verdict
        if verdict.refused:
            raise Refused(_json_answer(429, TOO_MANY_REQUESTS))

    def _fault(self, call: Call, operation: Operation) -> FaultRule | None:
        book = self.svc.faults
        if not book.active:  # the usual case: one attribute read
            return None
        customer = call.request.header("im-customernumber").strip()
        rule = book.decide(operation.operation_id, customer)
        if rule is None:
            return None
        call.fault = rule.id
        if rule.kind == "status" and rule.status is None:
            call.delay = rule.delay_seconds  # only a delay: the real answer, late
            return None
        return rule

    def _authorized(self, request: ApiRequest) -> Caller:
        """The caller: a valid bearer token (unless --no-auth), and a token bound to a
        customer number only for that number. Raises Unauthorized, CustomerNotRegistered."""
        headers = request.headers
        customer = headers.get("im-customernumber", "")
        country = headers.get("im-countrycode", "")
        caller = self._callers.get((customer, country))
        if caller is None:
            caller = self._caller(customer, country)
        if self._require_auth:
            grant = self.svc.tokens.verify(headers.get("authorization"))
            if not grant.allows(caller.customer_number):
                raise CustomerNotRegistered()
        return caller

    def _caller(self, customer: str, country: str) -> Caller:
        """The caller those two headers name, kept for the next request that sends them
        (clients send the same two on every call). Interned: every stored order keeps these
        two strings, and each request brings its own copy of them (memory per order,
        benchmarks/memory.py)."""
        caller = Caller(sys.intern(customer.strip()), sys.intern(country.strip().upper()))
        if len(self._callers) >= 1024:  # bounded: made-up numbers must not grow it for ever
            self._callers.clear()
        self._callers[(customer, country)] = caller
        return caller

    def _json_body(self, call: Call) -> Any:
        """The parsed JSON body, MISSING when there is none. Malformed JSON is a 400, a body
        whose media type is not JSON a 415. A JSON body sent without Content-Type is served
        and recorded (the SDKs always send it; nothing shows the real API refusing its
        absence), and a 415 in strict mode."""
        request = call.request
        raw = request.body
        if not raw or not raw.strip():
            return MISSING
        mimetype = request.header("content-type").split(";", 1)[0].strip().lower()
        if not mimetype:
            message = f"Missing: the API takes request bodies as {_JSON}"
            missing = Violation("header", "Content-Type", message)
            call.violations.append((missing, self._strict))
            if self._strict:
                raise Refused(_http_error(415, "Content-Type is missing: send application/json"))
        elif not is_json_media_type(mimetype):
            raise Refused(
                _http_error(
                    415, f"Content-Type {mimetype} is not accepted: send the body as {_JSON}"
                )
            )
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise ValidationFailed([FieldProblem("body", f"Malformed JSON: {error}")]) from None

    def _check_contract(self, call: Call, operation: Operation) -> None:
        """Type, format and required-field violations are refused with 400, as the real API
        does. Unknown fields, coerced scalars and constraints the real API does not enforce
        are recorded and served in lenient mode, refused in strict mode."""
        request = call.request
        query = request.query() if request.query_string else {}
        checked = self.svc.contract.operation(operation.operation_id).check(
            headers=request.headers,
            path=call.params,
            query=query,
            body=call.body,
            floats_possible=call.body is not MISSING and may_hold_floats(request.body),
        )
        call.query = checked.query
        if not checked.violations:
            return
        refuse = self._strict or any(not v.tolerable for v in checked.violations)
        call.violations.extend((v, refuse) for v in checked.violations)
        if refuse:
            raise ValidationFailed(
                [FieldProblem(v.field, v.message, v.value) for v in checked.violations]
            )

    def _refusal(self, call: Call, error: DomainError) -> Answer:
        """A broken rule, in the operation's error format."""
        if isinstance(error, NotHonoured):
            call.note_ignored(error.problems, refused=True)
        assert call.operation is not None
        status, body = domain_error(error, call.operation.errors)
        return _json_answer(status, body)

    def _server_error(self, call: Call) -> Answer:
        fmt = call.operation.errors if call.operation is not None else ErrorFormat.API
        if fmt is ErrorFormat.OAUTH:
            fmt = ErrorFormat.API
        return _json_answer(500, http_error(500, UNEXPECTED, fmt))

    def _echo_headers(self, call: Call, answer: Answer) -> None:
        answer.headers.extend(_echoed(call))

    def _journal(self, call: Call, answer: Answer, started: float) -> None:
        """References only: the journal formats an entry when someone reads it."""
        operation = call.operation
        try:
            mock_time: datetime | None = self.svc.clock.now()  # read by most use cases already
        except StoreUnavailable:  # a shared clock out of reach: the answer says so already
            mock_time = None
        self.svc.journal.record(
            time.time(),
            mock_time,
            operation.operation_id if operation is not None else "",
            call.request,
            answer,
            time.perf_counter() - started,
            call.fault,
            call.override.id if call.override is not None else "",
            call.violations,
            call.warnings,
        )
        if call.violations:
            self._record_violations(call)

    def _record_violations(self, call: Call) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        operation = call.operation.operation_id if call.operation is not None else ""
        correlation = call.request.header("im-correlationid")
        self.svc.violations.extend(
            [
                ViolationRecord(
                    at=stamp,
                    operation=operation,
                    location=v.location,
                    field=v.field,
                    message=v.message,
                    value=v.value,
                    correlation_id=correlation,
                    refused=refused,
                    kind=v.kind,
                )
                for v, refused in call.violations
            ]
        )


# -- answers ----------------------------------------------------------------------------------


def _json_answer(status: int, body: Any) -> Answer:
    return Answer(status, [("Content-Type", _JSON)], orjson.dumps(body))


def _http_error(status: int, message: str) -> Answer:
    return _json_answer(status, http_error(status, message))


def _echoed(call: Call) -> list[tuple[str, str]]:
    headers = call.request.headers
    echoed = [("IM-CorrelationID", headers.get("im-correlationid") or uuid.uuid4().hex)]
    for key, name in _ECHOED:
        value = headers.get(key)
        if value:
            echoed.append((name, value))
    return echoed


def fault_answer(call: Call, rule: FaultRule) -> Answer:
    """What a fault rule makes of this call: an error status in the operation's format, or
    a broken connection (the connection kinds; a timeout sends nothing, then closes without
    a byte), which the front carries out; a host without the front (Flask's test client)
    answers a stand-in 503 that says so."""
    assert call.operation is not None
    if rule.kind in CONNECTION_KINDS:
        answer = _stand_in(rule)
        answer.connection = ConnectionFault(rule.delay_seconds, Break(rule.kind))
    elif rule.kind == "timeout":
        answer = _stand_in(rule)
        answer.connection = ConnectionFault(rule.delay_seconds or TIMEOUT_SECONDS, Break.EMPTY)
    else:
        answer = _injected_status(call, rule.status or 503)
        if rule.delay_ms:
            answer.connection = ConnectionFault(rule.delay_seconds)
    answer.headers.append(("X-Mock-Fault", rule.id))
    return answer


def _injected_status(call: Call, status: int) -> Answer:
    assert call.operation is not None
    if status == 429:
        # The published body of a rate-limited call, with the headers clients throttle on:
        # the gateway writes them for the order calls it counted, this for the others.
        answer = _json_answer(429, TOO_MANY_REQUESTS)
        verdict = call.verdict
        if verdict is not None:
            call.verdict = verdict._replace(
                remaining=0, refused=True, retry_after=RETRY_AFTER_SECONDS
            )
        else:
            answer.headers.extend(
                [
                    ("Retry-After", str(RETRY_AFTER_SECONDS)),
                    ("X-RateLimit-Limit", str(RATE_LIMIT)),
                    ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", str(int(time.time()) + RETRY_AFTER_SECONDS)),
                ]
            )
        return answer
    message = injected_message(status)
    return _json_answer(status, http_error(status, message, call.operation.errors))


def _stand_in(rule: FaultRule) -> Answer:
    message = (
        f"Injected {rule.kind} fault: served without the mock's front, so the connection "
        "could not be broken"
    )
    return _json_answer(503, error_body(SERVER_ERROR, message))


def client_of(authorization: str | None) -> str:
    """The API app a call comes from: the client segment of its bearer token
    (`<expiry>.<client>...`, see `gateway/tokens.py`), the token itself if it has none."""
    if not authorization:
        return ""
    token = authorization.partition(" ")[2].strip()
    parts = token.split(".", 2)
    return parts[1] if len(parts) > 1 else token
