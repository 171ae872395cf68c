"""What the door (`door.py`) and the operation table (`operations.py`) share: an operation's
declaration, and one request's call on its way through the door."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from mock_server.contract.document import IGNORED, MISSING, Violation
from mock_server.domain.commands import Caller
from mock_server.domain.errors import FieldProblem
from mock_server.gateway.oauth import TokenRequest, token_request
from mock_server.gateway.rate_limits import Verdict
from mock_server.http.messages import ApiRequest
from mock_server.rehearsal.overrides import OverrideRule
from mock_server.wire.conventions import Json
from mock_server.wire.errors import ErrorFormat

if TYPE_CHECKING:
    from mock_server.bootstrap import MockServices


Parser = Callable[["Call"], Any]
UseCase = Callable[["MockServices", "Call", Any], Any]
Rendered = tuple[int, Json | None]  # status, and the JSON body (None: no body)
Renderer = Callable[["Call", Any], Rendered]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str  # as our contract names it
    method: str
    routes: tuple[str, ...]  # API paths; `{name}` is a path parameter (one segment)
    parse: Parser  # request -> what the use case takes
    use_case: UseCase
    render: Renderer  # result -> status and body
    success: tuple[int, ...]
    errors: ErrorFormat = ErrorFormat.API
    # The Orders API proper: behind the gateway (rate limits, bearer token, customer binding),
    # its answers echo the IM-* headers, and its requests are held to the contract.
    orders_api: bool = True
    json_body: bool = False  # reads its request body as JSON
    down_in_maintenance: bool = False  # a maintenance window answers it with a server error



class TokenRequestRefused(ValueError):
    """A token request that does not ask for a client-credentials grant properly."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Call:
    """One request on its way through the door: what each step learned."""

    __slots__ = (
        "body",
        "caller",
        "delay",
        "fault",
        "operation",
        "override",
        "params",
        "query",
        "request",
        "strict",
        "verdict",
        "violations",
        "warnings",
    )

    def __init__(self, request: ApiRequest, operation: Operation | None, strict: bool) -> None:
        self.request = request
        self.operation = operation
        self.strict = strict
        self.params: dict[str, str] = {}
        self.caller = _NO_CALLER
        self.body: Any = MISSING
        self.query: dict[str, Any] = {}
        self.verdict: Verdict | None = None
        self.delay = 0.0  # a delay-only fault: the real answer, this many seconds late
        self.fault = ""  # the id of the fault rule that fired, for the journal
        self.override: OverrideRule | None = None  # the override rule that applies
        self.warnings: Sequence[str] = ()  # about the answer (an override breaking the contract)
        self.violations: list[tuple[Violation, bool]] = []  # each with: was it refused?

    def note_ignored(self, problems: list[FieldProblem], *, refused: bool = False) -> None:
        """What the request asked for and will not get (a warehouse its region lacks)."""
        for p in problems:
            self.violations.append(
                (Violation("body", p.field, p.message, p.value, kind=IGNORED), refused)
            )

    def token_request(self) -> TokenRequest:
        """The grant a token request asks for, its client credentials read wherever the
        client put them (`gateway/oauth.py`). Raises TokenRequestRefused; records what a
        client should not have sent (refused with --strict)."""
        request = self.request
        query = dict(reversed(request.query_pairs))  # the first value of a repeated name
        form: dict[str, str] = {}
        content_type = request.header("content-type").split(";", 1)[0].strip().lower()
        if content_type == _FORM and request.body:
            pairs = parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            form = dict(reversed(pairs))
        asked = token_request(request.method, query, form, request.headers.get("authorization"))
        if asked.unreadable:
            raise TokenRequestRefused(f"Invalid client credentials: {asked.unreadable}", 401)
        if asked.conflict:
            raise TokenRequestRefused(asked.conflict)
        if asked.missing:
            raise TokenRequestRefused(f"Missing required parameter(s): {', '.join(asked.missing)}")
        if asked.violations:
            self.violations.extend((v, self.strict) for v in asked.violations)
            if self.strict:
                raise TokenRequestRefused(asked.violations[0].message)
        if asked.grant_type != "client_credentials":
            raise TokenRequestRefused("Unsupported grant_type: use client_credentials")
        return asked


_NO_CALLER = Caller("", "")
_FORM = "application/x-www-form-urlencoded"
