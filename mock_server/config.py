"""Settings, read from CLI flags and the environment in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


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
    journal_size: int = 1000
    # Threads for timed settling and v7 intake. `serve` turns them on; tests drive them.
    background_workers: bool = False
    violations_report: Path | None = None  # JSON lines, appended as violations are recorded

    def with_overrides(self, **overrides: Any) -> Settings:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in overrides.items() if k in known and v is not None})


_ENV_PREFIX = "INGRAM_MOCK_"


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Overrides from INGRAM_MOCK_* variables (e.g. INGRAM_MOCK_STRICT=1)."""
    env = os.environ if env is None else env
    defaults = Settings()
    overrides: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(_ENV_PREFIX + f.name.upper())
        if raw is None:
            continue
        current = getattr(defaults, f.name)
        if isinstance(current, bool):
            overrides[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(current, int):
            overrides[f.name] = int(raw)
        elif isinstance(current, float):
            overrides[f.name] = float(raw)
        elif f.name in ("fixtures_dir", "contract_path", "violations_report"):
            overrides[f.name] = Path(raw)
        else:
            overrides[f.name] = raw
    return overrides
