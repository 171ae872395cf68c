"""Settings: what the app is built from. `config.options` defines every `ingram-mock serve`
option once (flag, environment variable, validator, help) and fills Settings from them;
`config.values` holds the validators."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    fixtures_dir: Path = field(default_factory=lambda: _data_dir("fixtures"))
    contract_path: Path | None = None  # None: the bundled contracts/orders-api.json
    # Credentials: when both are empty, any non-empty client id/secret gets a token.
    client_id: str = ""
    client_secret: str = ""
    # Apps bound to a customer number, each `ID:SECRET:CUSTOMER` (`--client`, repeatable).
    # Their tokens act for that customer only.
    clients: tuple[str, ...] = ()
    require_auth: bool = True
    token_ttl_seconds: int = 86_399
    strict: bool = False  # answer unknown request fields with 400 instead of recording them
    fail_on_violations: bool = False
    ship_after_seconds: int = 4 * 3600
    deliver_after_seconds: int = 20 * 3600
    restock_after_seconds: int = 72 * 3600
    webhook_url: str = ""
    webhook_secret: str = ""
    # Webhook retry pacing: attempts per event, first backoff (doubling) and its cap, and the
    # whole of one attempt (connect, send, answer), in seconds.
    webhook_attempts: int = 6
    webhook_backoff: float = 0.5
    webhook_max_backoff: float = 8.0
    webhook_timeout: float = 3.0
    # The request journal (/__admin/requests): at most this many entries and this many bytes
    # (bodies plus ~2 KB an entry), the oldest going first; bodies off for load work.
    journal_size: int = 1000
    journal_bytes: int = 32 * 1024 * 1024
    journal_bodies: bool = True
    # Threads for timed settling and v7 intake. `serve` turns them on; tests drive them.
    background_workers: bool = False
    violations_report: Path | None = None  # JSON lines, appended as violations are recorded
    # One console line per request. `serve` turns it on (off with --quiet); tests keep it off.
    request_log: bool = False
    # Robustness (issue 9): a request's headers, and then its body, must arrive within this.
    # 30 s: granian's own header deadline, which also closes idle keep-alive connections.
    read_timeout_seconds: float = 30.0
    admin_token: str = ""  # when set, /__admin needs it (Bearer or X-Admin-Token)
    # Gateway behaviour (gateway/rate_limits.py, the door): `count` reports X-RateLimit-* and
    # never refuses; `real` enforces 60 GETs a minute per endpoint per client; `N`, N.
    rate_limit: str = "count"
    maintenance: bool = False  # start inside a maintenance window (/__admin/maintenance ends it)
    # Fault injection (issue 13): the seed of the one random source probabilistic rules
    # draw from, and rules loaded at start.
    seed: int = 0
    faults_file: Path | None = None
    # Override rules (issue 21) loaded at start: a reset keeps them.
    overrides_file: Path | None = None
    # -- where the state lives (issue 14) --
    store: str = "memory"  # "memory", or redis://HOST:PORT/DB: one state for many processes
    store_namespace: str = "ingram-mock"  # Redis key prefix: several mocks on one Redis
    workers: int = 1  # server processes; more than one needs a shared (Redis) store
    # A process that claimed shared work (a v7 submission) and died: others retry it after.
    shared_claim_seconds: float = 30.0
    state_file: Path | None = None  # restore at start, save periodically and at shutdown
    state_save_interval: float = 30.0  # seconds between periodic saves (0: only at shutdown)

    def with_overrides(self, **overrides: Any) -> Settings:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in overrides.items() if k in known and v is not None})


ENV_PREFIX = "INGRAM_MOCK_"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and says what is expected."""


def port_number(raw: str) -> int:
    """A TCP port, 0 (pick a free one) to 65535. Raises ConfigError."""
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{raw!r} is not a port number (0-65535)") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{port} is not a port number (0-65535)")
    return port


def is_loopback_name(host: str) -> bool:
    """`localhost` (and `*.localhost`), 127.x.x.x or ::1, with or without a port: names
    that only ever reach this machine, so a web page cannot rebind them to itself."""
    if host.startswith("["):
        name = host[1 : host.find("]")]
    elif host.count(":") == 1:
        name = host.rsplit(":", 1)[0]
    else:
        name = host
    name = name.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
