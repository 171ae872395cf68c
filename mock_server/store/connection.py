"""The Redis client the shared state uses, and the one translation of its failures.

Every Redis error becomes `StoreUnavailable`, which the HTTP layer answers with a 503 in
the API's error format. Timeouts are short and retries few, so a request never waits
long on a Redis that is gone; the connection pool reconnects by itself once it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from mock_server.domain.ports import StoreUnavailable

log = logging.getLogger(__name__)

_T = TypeVar("_T")
DEFAULT_NAMESPACE = "ingram-mock"
_LOG_EVERY = 5.0  # seconds: one log line per outage burst, not one per request


def connect(url: str) -> Any:
    """A client for `url` (redis://HOST:PORT/DB). Raises StoreUnavailable when the `redis`
    package is missing (it is the `redis` extra)."""
    try:
        import redis
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry
    except ImportError as error:  # pragma: no cover - the dev install has it
        raise StoreUnavailable(
            "--store redis:// needs the Python redis client: "
            "install the project with its redis extra (pip install '.[redis]')"
        ) from error
    return redis.Redis.from_url(
        url,
        socket_timeout=2.0,
        socket_connect_timeout=1.0,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
        health_check_interval=15,
        client_name="ingram-mock",
    )


class _Outages:
    down = False
    last_logged = 0.0


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Redis errors inside become StoreUnavailable, with a log line: the first of an outage,
    then one every few seconds while it lasts, and one when Redis answers again."""
    import redis

    try:
        yield
    except redis.RedisError as error:
        now = time.monotonic()
        if not _Outages.down or now - _Outages.last_logged > _LOG_EVERY:
            _Outages.last_logged = now
            log.error("shared state unavailable (%s): %s: %s", what, type(error).__name__, error)
        _Outages.down = True
        raise StoreUnavailable(f"Redis unavailable: {type(error).__name__}: {error}") from error
    if _Outages.down:
        _Outages.down = False
        log.warning("shared state reachable again")


def call(what: str, action: Callable[[], _T]) -> _T:
    with guarded(what):
        return action()


def delete_namespace(client: Any, namespace: str) -> int:
    """Delete every key of `namespace` (tests and `reset` of the non-order parts)."""
    removed = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{namespace}:*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            removed += int(client.unlink(*batch))
            batch.clear()
    if batch:
        removed += int(client.unlink(*batch))
    return removed
