"""What a token request asks for: the grant type and the client's credentials, wherever the
client put them. Pure: no Flask, no I/O, so the HTTP edge (whichever it is) calls one function.

Clients authenticate in one of two ways (RFC 6749 §2.3.1); production clients use both
(FACTS, "Clients, round 3"):
- in the parameters: `client_id` and `client_secret` in the query (the documented
  `GET /oauth/oauth20/token?...`) or in a form body (`POST`, `client_secret_post`);
- with HTTP Basic (`client_secret_basic`): `Authorization: Basic base64(id:secret)`, each of id
  and secret form-urlencoded before the encoding, so they are percent-decoded after it
  (`+` is a space); Workato's connector does this and sends only `grant_type` (and `scope`).

Decisions where the RFC leaves the server a choice (README, DEVIATIONS.md):
- a form field wins over the same query field (a POST's body is where RFC 6749 puts them); a
  GET's form body, if any, is not read;
- an `Authorization` header that says Basic but cannot be read (not base64, not UTF-8, no
  colon, an empty id or secret) fails client authentication: 401, as wrong credentials do;
- Basic and parameter credentials together (RFC 6749 §2.3: a client MUST NOT use two
  methods): naming the same client they are served, with a tolerated violation (refused with
  `--strict`); naming different clients they are refused (400, RFC 6749 §5.2
  `invalid_request`): picking one would hand out a token, maybe bound to another customer
  number, for a client the caller may not have meant;
- another scheme in `Authorization` (a stale `Bearer`) is not client authentication: ignored.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from mock_server.contract.document import TOLERATED, Violation

PARAMETERS = ("grant_type", "client_id", "client_secret")


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """One token request, read. Answer in this order: `unreadable` (401), `conflict` (400),
    `missing` (400), then `violations` (record; refuse only with --strict)."""

    grant_type: str = ""
    client_id: str = ""
    client_secret: str = ""
    basic: bool = False  # the credentials came by HTTP Basic
    missing: tuple[str, ...] = ()  # required parameters nobody sent, in PARAMETERS order
    unreadable: str = ""  # why `Authorization: Basic ...` could not be read
    conflict: str = ""  # why two sets of credentials cannot be served
    violations: tuple[Violation, ...] = ()


def token_request(
    method: str,
    query: Mapping[str, str],
    form: Mapping[str, str],
    authorization: str | None,
) -> TokenRequest:
    """Read a token request from its method, query, form body and `Authorization` header.

    `form` is the parsed form body (empty without one; ignored for GET). Never raises: what
    is wrong is said in the result.
    """
    if method.upper() == "GET":
        form = {}  # a GET has no body to read parameters from
    sent = {name: _first(form, name) or _first(query, name) for name in PARAMETERS}
    grant_type = sent["grant_type"]
    basic = _basic(authorization)
    if basic is None:
        missing = tuple(name for name in PARAMETERS if not sent[name])
        return TokenRequest(grant_type, sent["client_id"], sent["client_secret"], missing=missing)
    if isinstance(basic, str):
        return TokenRequest(grant_type, basic=True, unreadable=basic)
    client_id, client_secret = basic
    missing = () if grant_type else ("grant_type",)
    if not (sent["client_id"] or sent["client_secret"]):
        return TokenRequest(grant_type, client_id, client_secret, basic=True, missing=missing)
    where = "body" if _first(form, "client_id") or _first(form, "client_secret") else "query"
    if (sent["client_id"] or client_id, sent["client_secret"] or client_secret) != basic:
        conflict = f"Two different client credentials (HTTP Basic and the {where}): use one way"
        return TokenRequest(grant_type, basic=True, conflict=conflict)
    twice = Violation(
        where,
        "client_id" if sent["client_id"] else "client_secret",
        "Client credentials sent twice (HTTP Basic and parameters): a client uses one way only",
        kind=TOLERATED,
    )
    return TokenRequest(
        grant_type, client_id, client_secret, basic=True, missing=missing, violations=(twice,)
    )


def _first(values: Mapping[str, str], name: str) -> str:
    value = values.get(name)
    return value if isinstance(value, str) else ""


def _basic(authorization: str | None) -> tuple[str, str] | str | None:
    """(id, secret) from `Basic <credentials>`; a reason when they cannot be read; None when
    the header is absent or names another scheme."""
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    encoded = encoded.strip()
    try:
        padded = encoded + "=" * (-len(encoded) % 4)  # some clients drop the padding
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "HTTP Basic credentials are not base64 of UTF-8 text"
    raw_id, colon, raw_secret = decoded.partition(":")
    client_id, client_secret = unquote_plus(raw_id), unquote_plus(raw_secret)
    if not colon or not client_id or not client_secret:
        return "HTTP Basic credentials must be client_id:client_secret, neither empty"
    return client_id, client_secret
