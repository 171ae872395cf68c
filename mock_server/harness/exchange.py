"""One HTTP exchange held to the contract: which operation it is, what the client and the
server each did wrong, and the same exchange with its secrets taken out.

Shared by the validating proxy, the traffic replay and the link walk. Requests are checked by
`mock_server.contract.document` (the very checker the mock uses), answers here: a documented status,
a JSON body that validates against the documented schema, the documented required headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

import jsonschema_rs
from werkzeug.datastructures import MultiDict

from mock_server.contract.document import MISSING, load_contract
from mock_server.contract.refs import resolve

SANDBOX_PREFIX = "/sandbox"
REDACTED = "[redacted]"
# Query and form fields, headers and JSON keys whose values are secrets.
SECRET_FIELDS = frozenset({"client_secret", "access_token", "refresh_token", "password", "token"})
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True, slots=True)
class Finding:
    """One way an exchange broke the contract, and who broke it."""

    side: str  # "client" (the request) or "server" (the answer)
    operation: str
    method: str
    path: str
    field: str
    message: str
    status: int | None = None
    # invalid: the real API refuses it; unknown / coerced: the real API tolerates it (a smell)
    kind: str = "invalid"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def redact_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{k}={REDACTED if k in SECRET_FIELDS else v}" for k, v in pairs)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k in SECRET_FIELDS else redact_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def redact_text(text: str, secrets: set[str]) -> str:
    """`text` with every known secret value replaced (for bodies that are not JSON)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


class ContractView:
    """Our contract as a router and a checker of requests and answers."""

    def __init__(self, document: Mapping[str, Any] | None = None) -> None:
        contract = load_contract()
        self.document = document or contract.document
        self.contract = contract
        self.routes: list[tuple[str, re.Pattern[str], str, Mapping[str, Any]]] = []
        for path, item in (self.document.get("paths") or {}).items():
            pattern = re.compile("^" + re.sub(r"\{([^}]+)\}", r"(?P<\1>[^/]+)", path) + "$")
            for method in _METHODS:
                operation = item.get(method)
                if isinstance(operation, Mapping) and "operationId" in operation:
                    self.routes.append((method.upper(), pattern, path, operation))
        self._validators: dict[tuple[str, str], Any] = {}

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        """(operationId, path template, path parameters) for a request, or None."""
        if path.startswith(SANDBOX_PREFIX + "/"):
            path = path[len(SANDBOX_PREFIX) :]
        for route_method, pattern, template, operation in self.routes:
            found = pattern.match(path)
            if found and route_method == method.upper():
                return str(operation["operationId"]), template, found.groupdict()
        return None

    def operation(self, operation_id: str) -> Mapping[str, Any]:
        for _, _, _, operation in self.routes:
            if operation["operationId"] == operation_id:
                return operation
        raise KeyError(operation_id)

    def request_findings(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> list[Finding]:
        """What the client did wrong in this request (an unknown operation included)."""
        matched = self.match(method, path)
        if matched is None:
            return [Finding("client", "", method, path, "path", "not an operation of the contract")]
        operation_id, template, params = matched
        findings: list[Finding] = []

        def note(field: str, message: str, kind: str = "invalid") -> None:
            findings.append(
                Finding("client", operation_id, method, template, field, message, kind=kind)
            )

        operation = self.operation(operation_id)
        lowered = {k.lower(): v for k, v in headers.items()}
        if operation.get("security", None) != [] and not lowered.get(
            "authorization", ""
        ).lower().startswith("bearer "):
            note("Authorization", "a bearer token is required")
        payload: Any = MISSING
        content_type = lowered.get("content-type", "application/json")
        if body and "form-urlencoded" in content_type:
            payload = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif body:
            try:
                payload = json.loads(body)
            except ValueError:
                note("body", "the body is not JSON")
        checked = self.contract.operation(operation_id).check(
            headers=lowered,
            path=params,
            query=MultiDict(parse_qsl(query, keep_blank_values=True)),
            body=payload,
        )
        for violation in checked.violations:
            note(violation.field, violation.message, violation.kind)
        return findings

    def response_findings(
        self,
        method: str,
        path: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> list[Finding]:
        """What the server did wrong in this answer, for the request `method path`."""
        matched = self.match(method, path)
        if matched is None:
            return []
        operation_id, template, _ = matched
        findings: list[Finding] = []

        def note(field: str, message: str) -> None:
            findings.append(
                Finding("server", operation_id, method, template, field, message, status)
            )

        responses = self.operation(operation_id).get("responses") or {}
        key = next(
            (k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None
        )
        if key is None:
            note("status", f"{status} is not a documented status ({', '.join(responses)})")
            return findings
        answer = resolve(self.document, responses[key]) or {}
        lowered = {k.lower() for k in headers}
        for name, header in (answer.get("headers") or {}).items():
            header = resolve(self.document, header) or {}
            if header.get("required") and name.lower() not in lowered:
                note(f"header {name}", "a documented required header is missing")
        content = answer.get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        if schema is None:
            return findings
        try:
            payload = json.loads(body)
        except ValueError:
            note("body", "the body is not JSON")
            return findings
        validator = self._validator(operation_id, key, schema)
        for error in validator.iter_errors(payload):
            where = "/".join(str(p) for p in error.instance_path) or "body"
            note(where, error.message)
        return findings

    def _validator(self, operation_id: str, key: str, schema: Any) -> Any:
        cached = self._validators.get((operation_id, key))
        if cached is None:
            cached = jsonschema_rs.validator_for(
                {**schema, "components": self.document.get("components", {})},
                validate_formats=True,
            )
            self._validators[(operation_id, key)] = cached
        return cached
