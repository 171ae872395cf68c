"""The hot path: POST create v6 and GET order details answered without Flask's machinery.

A contract test suite spends most of its calls on these two. Flask's request context,
routing, hooks and Response objects cost about a third of such a request, so a plain WSGI
layer in front of the app serves them when, and only when, they would succeed: a valid
token, no contract violation (not even a tolerated one), a JSON body, an order found.
Anything else (any other route, a refusal, a query string, a tolerated violation to record)
goes to Flask untouched, which answers it as before. The rules stay where they are: this
layer calls the same contract check, token check, parser, use case and renderer; it only
skips the framework around them, and writes the request journal entry Flask would write.
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from mock_server.bootstrap import MockServices
from mock_server.domain.commands import Caller
from mock_server.domain.errors import DomainError
from mock_server.gateway.rate_limits import Verdict
from mock_server.http.context import ECHOED_HEADERS, MAX_BODY_BYTES, is_json_media_type
from mock_server.http.errors import error_body
from mock_server.http.gateway import admit
from mock_server.http.parse import parse_create
from mock_server.rehearsal.journal import JournalEntry
from mock_server.wire import answers as render

log = logging.getLogger(__name__)

FAST_PATH_KEY = "ingram_mock.fast_path"  # app.extensions: the FastPath, to switch it off
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_CREATE = "/resellers/v6/orders"
_DETAILS = "/resellers/v6.1/orders/"
# The routes' rules as Flask names them: the rate limit counts per endpoint.
_CREATE_RULE = "/resellers/v6/orders"
_DETAILS_RULE = "/resellers/v6.1/orders/<ordernumber>"
_SANDBOX = "/sandbox"
_STATUS_LINES = {200: "200 OK", 201: "201 Created", 207: "207 Multi-Status", 500: "500 Error"}


class _Fallback(Exception):
    """Not a request this layer answers: Flask will."""


class FastPath:
    """WSGI middleware around the Flask app (see the module docstring).

    `active` switches it off: a layer that must see every request through Flask sets it to
    False while it needs to. Fault rules do so by existing: while any is kept, every request
    goes to Flask, where the fault hooks (http/faults.py) run."""

    def __init__(self, app: WSGIApp, services: MockServices) -> None:
        self.app = app
        self.svc = services
        self.active = True
        self._faults = services.faults
        self._create_contract = services.contract.operation("createOrderV6")
        self._details_contract = services.contract.operation("getOrderDetails")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.active or self._faults.active or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        started = time.perf_counter()
        self.svc.clock.new_request()  # a shared clock offset: read once per request
        method = environ["REQUEST_METHOD"]
        full_path = environ["PATH_INFO"]
        path = full_path.removeprefix(_SANDBOX) if full_path.startswith(_SANDBOX) else full_path
        prefix = _SANDBOX if path is not full_path else ""
        try:
            if method == "POST" and path == _CREATE:
                verdict = self._admit(environ, prefix + _CREATE_RULE)
                if self.svc.control.in_maintenance:
                    raise _Fallback()  # Flask answers the window's server error
                status, payload = self._create(environ)
            elif method == "GET" and path.startswith(_DETAILS):
                verdict = self._admit(environ, prefix + _DETAILS_RULE)
                status, payload = self._details(environ, path[len(_DETAILS) :])
            else:
                return self.app(environ, start_response)
        except _Fallback:
            return self.app(environ, start_response)
        except Exception:
            # Nothing was stored (a create stores last, and renders inside `_create`): Flask
            # runs it again and answers the failure in the API's format, with its log line.
            return self.app(environ, start_response)
        correlation_id = environ.get("HTTP_IM_CORRELATIONID", "")
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("IM-CorrelationID", correlation_id or uuid.uuid4().hex),
        ]
        for key, name in ECHOED_HEADERS:
            value = environ.get(key)
            if value:
                headers.append((name, value))
        headers.extend(verdict.headers())
        self.svc.journal.add(
            JournalEntry(
                at=time.time(),
                method=method,
                path=full_path,
                query="",
                status=status,
                correlation_id=correlation_id,
                customer_number=environ.get("HTTP_IM_CUSTOMERNUMBER", ""),
                seconds=time.perf_counter() - started,
            )
        )
        start_response(_STATUS_LINES[status], headers)
        return [payload]

    def _admit(self, environ: dict[str, Any], endpoint: str) -> Verdict:
        """The gateway's rate limit, as Flask's hook would apply it (counted once)."""
        verdict = admit(self.svc.limits, environ, endpoint)
        if verdict.refused:
            raise _Fallback()  # Flask answers the 429 with its Retry-After
        return verdict

    # -- the two routes -------------------------------------------------------------------

    def _authorized(self, environ: dict[str, Any]) -> None:
        """As the orders blueprint's `require_token`: a valid token, and a token bound to a
        customer number only for that number."""
        if self.svc.settings.require_auth:
            try:
                grant = self.svc.tokens.verify(environ.get("HTTP_AUTHORIZATION"))
            except DomainError:
                raise _Fallback() from None
            customer = environ.get("HTTP_IM_CUSTOMERNUMBER")
            if customer is not None and not grant.allows(customer.strip()):
                raise _Fallback()

    def _create(self, environ: dict[str, Any]) -> tuple[int, bytes]:
        self._authorized(environ)
        body = _json_body(environ)
        checked = self._create_contract.check(environ=environ, path={}, query={}, body=body)
        if checked.violations:
            raise _Fallback()
        svc = self.svc
        who, command = _caller(environ), parse_create(body)
        if svc.orders.unhonoured(who, command):
            raise _Fallback()  # Flask records what the order asks for and will not get
        try:
            result = svc.orders.create(who, command)
        except DomainError:
            raise _Fallback() from None  # refused before anything was stored
        # From here the order exists: a failure must not send the request round again.
        try:
            answer = render.create_response(result, svc.clock.now(), svc.catalog)
            return (207 if result.rejected else 201), orjson.dumps(answer)
        except Exception:
            log.exception("unhandled error rendering a create on the fast path")
            message = "Unexpected error in the mock: see its log"
            return 500, orjson.dumps(error_body("/errors/server-error", message))

    def _details(self, environ: dict[str, Any], number: str) -> tuple[int, bytes]:
        if not number or "/" in number:
            raise _Fallback()
        self._authorized(environ)
        path = {"ordernumber": number}
        if self._details_contract.check(environ=environ, path=path, query={}).violations:
            raise _Fallback()
        svc = self.svc
        try:
            order = svc.orders.get(_caller(environ), number)
        except DomainError:
            raise _Fallback() from None
        return 200, orjson.dumps(
            render.order_detail(order, svc.clock.now(), svc.catalog, svc.orders.pace)
        )


def _caller(environ: dict[str, Any]) -> Caller:
    return Caller(
        customer_number=environ.get("HTTP_IM_CUSTOMERNUMBER", "").strip(),
        country_code=environ.get("HTTP_IM_COUNTRYCODE", "").strip().upper(),
    )


def _json_body(environ: dict[str, Any]) -> Any:
    """The JSON body of a well-formed request; anything unusual is Flask's to answer."""
    mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    length = environ.get("CONTENT_LENGTH", "")
    if not is_json_media_type(mimetype) or not length.isdigit():
        raise _Fallback()
    size = int(length)
    if not 0 < size <= MAX_BODY_BYTES:
        raise _Fallback()
    raw = environ["wsgi.input"].read(size)
    environ["wsgi.input"] = io.BytesIO(raw)  # Flask reads it again if we fall back
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _Fallback() from None
