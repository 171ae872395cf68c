"""Bearer tokens: OAuth2 client-credentials grants, issued and checked without storage.

A token is `<expiry>.<client>.<signature>`, signed with a per-process secret, so issuing
any number of tokens costs no memory. Expiry is measured on the wall clock, not mock
time: moving the mock clock a day ahead to void an order must not log the client out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from mock_server.domain.errors import Unauthorized

_VERIFIED_CACHE_SIZE = 4096


class InvalidClient(Exception):
    """The client id/secret pair is not the configured one."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    token_type: str
    expires_in: int


class TokenAuthority:
    def __init__(
        self,
        *,
        client_id: str = "",
        client_secret: str = "",
        ttl_seconds: int = 86_399,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._ttl = ttl_seconds
        self._now = wall_clock
        self._key = secrets.token_bytes(32)
        # Tokens already verified -> their expiry: clients reuse one token for thousands of
        # calls, so skip the HMAC for those. Bounded: cleared when it fills up.
        self._verified: dict[str, int] = {}

    def issue(self, client_id: str, client_secret: str) -> IssuedToken:
        """A token for these credentials. Raises InvalidClient."""
        if self._client_id or self._client_secret:
            id_ok = hmac.compare_digest(client_id, self._client_id)
            secret_ok = hmac.compare_digest(client_secret, self._client_secret)
            if not (id_ok and secret_ok):
                raise InvalidClient()
        expiry = int(self._now()) + self._ttl
        client = base64.urlsafe_b64encode(client_id.encode()).decode().rstrip("=")[:32]
        payload = f"{expiry}.{client}"
        return IssuedToken(f"{payload}.{self._sign(payload)}", "Bearer", self._ttl)

    def verify(self, authorization: str | None) -> None:
        """Accept `Bearer <valid, unexpired token>`. Raises Unauthorized."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("A bearer token is required")
        token = authorization[7:].strip()
        expiry_seen = self._verified.get(token)
        if expiry_seen is not None:
            if expiry_seen <= self._now():
                raise Unauthorized("Access token expired")
            return
        payload, _, signature = token.rpartition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            raise Unauthorized("Invalid access token")
        expiry = payload.split(".", 1)[0]
        if not expiry.isdigit() or int(expiry) <= self._now():
            raise Unauthorized("Access token expired")
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = int(expiry)

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
