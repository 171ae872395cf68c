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
    """A token request that does not ask for a client-credentials grant properly (400)."""


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
        return TokenRequest.of(self.request)


_NO_CALLER = Caller("", "")


class TokenRequest:
    """A client-credentials grant request: query parameters, or a POSTed form."""

    __slots__ = ("client_id", "client_secret", "grant_type")

    def __init__(self, grant_type: str, client_id: str, client_secret: str) -> None:
        self.grant_type = grant_type
        self.client_id = client_id
        self.client_secret = client_secret

    @classmethod
    def of(cls, request: ApiRequest) -> TokenRequest:
        """Raises TokenRequestRefused naming what is missing or unsupported."""
        pairs = request.query_pairs
        content_type = request.header("content-type").split(";", 1)[0].strip().lower()
        if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
            form = parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            pairs = form or pairs
        values = dict(reversed(pairs))  # the first value of a repeated name
        asked = cls(*(values.get(n, "") for n in ("grant_type", "client_id", "client_secret")))
        missing = [n for n in ("grant_type", "client_id", "client_secret") if not values.get(n)]
        if missing:
            raise TokenRequestRefused(f"Missing required parameter(s): {', '.join(missing)}")
        if asked.grant_type != "client_credentials":
            raise TokenRequestRefused("Unsupported grant_type: use client_credentials")
        return asked
