"""Bearer tokens: OAuth2 client-credentials grants, issued and checked without storage.

A token is `<expiry>.<client>.<customer>.<signature>`, signed with a per-process secret, so
issuing any number of tokens costs no memory. `<customer>` is the customer number the client
app is registered to (empty when it is not bound to one). A state snapshot keeps the secret
(so tokens survive a restart from `--state-file`); importing one adopts its key and keeps
accepting the keys used before, so tokens this process already issued stay good too.
Expiry is measured on the wall clock, not mock time: moving the mock clock a day ahead to
void an order must not log the client out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mock_server.domain.errors import Unauthorized
from mock_server.store.connection import guarded

_VERIFIED_CACHE_SIZE = 4096
_EARLIER_KEYS = 4  # keys replaced by imported snapshots, still accepted


class InvalidClient(Exception):
    """The client id/secret pair is not the configured one."""


class CustomerNotRegistered(Exception):
    """A bound token was used with another `IM-CustomerNumber` than its app's."""


@dataclass(frozen=True, slots=True)
class ClientApp:
    """Credentials registered to one customer number, as an API app is on the real API."""

    client_id: str
    client_secret: str
    customer_number: str

    @classmethod
    def parse(cls, spec: str) -> ClientApp:
        """`ID:SECRET:CUSTOMER`; the secret may itself hold colons. Raises ValueError."""
        client_id, sep, rest = spec.strip().partition(":")
        secret, sep2, customer = rest.rpartition(":")
        if not (sep and sep2 and client_id and secret and customer.strip()):
            raise ValueError(f"expected ID:SECRET:CUSTOMER, got {spec!r}")
        return cls(client_id, secret, customer.strip())


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of text: compare_digest takes str only when it is ASCII."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    token_type: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class Grant:
    """What a verified token allows: every customer number, or only the bound one."""

    customer_number: str = ""  # "" = not bound to a customer number

    def allows(self, customer_number: str) -> bool:
        return not self.customer_number or customer_number == self.customer_number


_UNBOUND = Grant()


class TokenAuthority:
    def __init__(
        self,
        *,
        client_id: str = "",
        client_secret: str = "",
        apps: Iterable[ClientApp] = (),
        ttl_seconds: int = 86_399,
        wall_clock: Callable[[], float] = time.time,
        key: Callable[[], bytes] | None = None,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._apps: dict[str, ClientApp] = {}
        for app in apps:
            known = self._apps.get(app.client_id)
            if known is not None and known != app:
                raise ValueError(f"client {app.client_id!r} is registered twice")
            self._apps[app.client_id] = app
        self._ttl = ttl_seconds
        self._now = wall_clock
        # Per process unless a source is given: processes sharing one state share one key,
        # fetched on first use (so a process starts while Redis is still down).
        self._key_source = key
        self._key = b"" if key else secrets.token_bytes(32)
        self._earlier_keys: tuple[bytes, ...] = ()
        # Tokens already verified -> (expiry, grant): clients reuse one token for thousands
        # of calls, so skip the HMAC for those. Bounded: cleared when it fills up.
        self._verified: dict[str, tuple[int, Grant]] = {}

    def issue(self, client_id: str, client_secret: str) -> IssuedToken:
        """A token for these credentials. Raises InvalidClient.

        With no credentials configured any pair gets an unbound token; otherwise only the
        `--client-id/--client-secret` pair (unbound) or a registered app (bound) does.
        """
        customer = ""
        if self._client_id or self._client_secret or self._apps:
            app = self._apps.get(client_id)
            if app is not None and same_secret(client_secret, app.client_secret):
                customer = app.customer_number
            elif not (
                (self._client_id or self._client_secret)
                and same_secret(client_id, self._client_id)
                & same_secret(client_secret, self._client_secret)
            ):
                raise InvalidClient()
        expiry = int(self._now()) + self._ttl
        payload = f"{expiry}.{_b64(client_id)[:32]}.{_b64(customer)}"
        return IssuedToken(f"{payload}.{self._sign(payload)}", "Bearer", self._ttl)

    def verify(self, authorization: str | None) -> Grant:
        """Accept `Bearer <valid, unexpired token>` (the scheme in any case, RFC 9110).

        Returns what the token allows. Raises Unauthorized.
        """
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("A bearer token is required")
        token = token.strip()
        seen = self._verified.get(token)
        if seen is not None:
            if seen[0] <= self._now():
                raise Unauthorized("Access token expired")
            return seen[1]
        payload, _, signature = token.rpartition(".")
        if not payload or not self._signed(payload, signature):
            raise Unauthorized("Invalid access token")
        expiry, _, rest = payload.partition(".")
        if not expiry.isdigit() or int(expiry) <= self._now():
            raise Unauthorized("Access token expired")
        bound = rest.rpartition(".")[2] if "." in rest else ""
        grant = Grant(_unb64(bound)) if bound else _UNBOUND
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (int(expiry), grant)
        return grant

    def signing_key(self) -> bytes:
        """The key tokens are signed with now (a state snapshot keeps it)."""
        if not self._key and self._key_source is not None:
            self._key = self._key_source()
        return self._key

    def adopt_key(self, key: bytes) -> None:
        """Sign with `key` (a restored snapshot's) from now on; tokens signed with the keys
        used before stay valid. A key shared through Redis stays as it is: every process
        signs with it, and Redis keeps it across restarts."""
        if self._key_source is not None or key == self._key:
            return
        earlier = (self._key, *self._earlier_keys) if self._key else self._earlier_keys
        self._earlier_keys = tuple(k for k in earlier if k != key)[:_EARLIER_KEYS]
        self._key = key

    def _signed(self, payload: str, signature: str) -> bool:
        if same_secret(signature, self._sign(payload)):
            return True
        return any(same_secret(signature, self._sign(payload, k)) for k in self._earlier_keys)

    def _sign(self, payload: str, key: bytes | None = None) -> str:
        digest = hmac.new(key or self.signing_key(), payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()


def shared_token_key(client: Any, namespace: str) -> bytes:
    """The token-signing key, created by the first process: a token any one issued is
    accepted by all."""
    key = f"{namespace}:token-key"
    with guarded("token key"):
        client.set(key, secrets.token_bytes(32), nx=True)
        value = client.get(key)
    return bytes(value)
