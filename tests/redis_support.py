"""A real Redis for the shared-state tests: the one named by INGRAM_MOCK_TEST_REDIS, or a
`redis-server` started here on a free loopback port. Neither: the tests skip, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.live import free_port

ENV = "INGRAM_MOCK_TEST_REDIS"


class RedisMissing(Exception):
    """Why the Redis tests cannot run here."""


def client_for(url: str) -> Any:
    try:
        import redis
    except ImportError as error:
        raise RedisMissing(
            "the Python redis client is not installed (the 'redis' extra)"
        ) from error
    return redis.Redis.from_url(url, socket_timeout=5)


class RedisProcess:
    """A `redis-server` on a loopback port, stopped and started again by its PID."""

    def __init__(self, *, appendonly: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisMissing(f"no redis-server on PATH and {ENV} is not set")
        self.binary = binary
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="ingram-mock-redis-")
        self.appendonly = appendonly
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "yes" if self.appendonly else "no",
                "--dir", self.workdir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = client_for(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RedisMissing("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a Redis that answers; starts (and stops, by its PID) one when needed."""
    url = os.environ.get(ENV)
    if url:
        client_for(url).ping()
        yield url
        return
    server = RedisProcess()
    try:
        server.start()
        yield server.url
    finally:
        server.close()


def fresh_namespace() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def drop_namespace(url: str, namespace: str) -> None:
    from mock_server.store.connection import delete_namespace

    delete_namespace(client_for(url), namespace)
