"""A real `ingram-mock serve` process for a test suite or a script.

    with IngramMock() as mock:
        requests.get(f"{mock.url}/resellers/v6/orders/search", headers=mock.headers())

The server runs on a free port of 127.0.0.1 (`--port 0 --quiet`) in a child process of
this interpreter, and stops when the block ends. Everything here uses the standard
library only, so it works with the base install of the package. Ingram's official SDK
points at it with `Configuration(host=mock.url, access_token=mock.token())`.
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

from mock_server.testing.webhooks import WebhookReceiver

DEFAULT_CUSTOMER = "20-222222"
DEFAULT_COUNTRY = "US"
_BANNER = re.compile(r"^ingram-mock serving on (http://\S+)$")
_TOKEN_PATH = "/oauth/oauth20/token"


class MockError(RuntimeError):
    """The mock could not start, or answered an admin call unexpectedly."""


class IngramMock:
    """An `ingram-mock serve` process with helpers for tests.

    `strict=True` runs the server with `--strict` (unknown request fields are refused);
    `args` are more `ingram-mock serve` options, e.g. `("--ship-after", "60")`.
    """

    def __init__(
        self,
        *,
        strict: bool = False,
        args: Sequence[str] = (),
        client_id: str = "ingram-mock-tests",
        client_secret: str = "ingram-mock-tests",
        ready_timeout: float = 20.0,
    ) -> None:
        self.strict = strict
        self._args = list(args)
        self._client_id = client_id
        self._client_secret = client_secret
        self._ready_timeout = ready_timeout
        self._process: subprocess.Popen[str] | None = None
        self._output: deque[str] = deque(maxlen=200)
        self._url = ""
        self._token: str | None = None
        self._added_overrides: list[str] = []
        self.webhooks = WebhookReceiver(secrets.token_hex(16), self._register_webhook)

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> IngramMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> IngramMock:
        """Start the server and the webhook receiver; returns when the mock answers.

        Raises MockError (with the server's output) when it exits or does not answer.
        """
        if self._process is not None:
            return self
        command = [sys.executable, "-m", "mock_server.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", "0", "--quiet", *(["--strict"] if self.strict else []), *self._args]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        atexit.register(self.stop)  # also when a test run ends without its teardown
        announced = threading.Event()
        threading.Thread(
            target=self._drain,
            args=(self._process, announced),
            name="ingram-mock-output",
            daemon=True,
        ).start()
        try:
            deadline = time.monotonic() + self._ready_timeout
            if not announced.wait(self._ready_timeout) or not self._url:
                raise MockError(f"ingram-mock did not start:\n{self.output()}")
            self._wait_ready(deadline)
            self.webhooks.start()
            self.reset()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (Ctrl-C, then kill after 5 s) and the webhook receiver."""
        self.webhooks.stop()
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    def output(self) -> str:
        """The server's recent console output (errors, tracebacks)."""
        return "".join(self._output)

    def _drain(self, process: subprocess.Popen[str], announced: threading.Event) -> None:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                self._output.append(line)
                found = _BANNER.match(line.rstrip())
                if found and not announced.is_set():
                    self._url = found.group(1)
                    announced.set()
        except (OSError, ValueError):
            pass  # the pipe was closed by stop()
        announced.set()  # it exited: let start() report it

    def _wait_ready(self, deadline: float) -> None:
        while True:
            process = self._process
            if process is None or process.poll() is not None:
                raise MockError(f"ingram-mock exited early:\n{self.output()}")
            try:
                status, _ = self._call("GET", "/__admin/health", timeout=1.0)
                if status == 200:
                    return
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise MockError(f"ingram-mock did not answer in time:\n{self.output()}")
            time.sleep(0.02)

    # -- where it is --------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash: http://127.0.0.1:PORT."""
        if not self._url:
            raise MockError("the mock is not running: use `with IngramMock() as mock:`")
        return self._url

    @property
    def sandbox_url(self) -> str:
        """The same API under the sandbox prefix."""
        return f"{self.url}/sandbox"

    # -- calling it ---------------------------------------------------------------------

    def token(self) -> str:
        """A bearer token from the mock's token endpoint (fetched once; tokens outlive
        resets and mock time)."""
        if self._token is None:
            query = urlencode(
                {
                    "grant_type": "client_credentials",
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                }
            )
            self._token = str(self._json("GET", f"{_TOKEN_PATH}?{query}")["access_token"])
        return self._token

    def headers(
        self, customer_number: str = DEFAULT_CUSTOMER, country_code: str = DEFAULT_COUNTRY
    ) -> dict[str, str]:
        """Authorization and IM-* headers for one order call, with a fresh correlation id."""
        return {
            "Authorization": f"Bearer {self.token()}",
            "IM-CustomerNumber": customer_number,
            "IM-CountryCode": country_code,
            "IM-CorrelationID": uuid.uuid4().hex,  # 32 characters, the most allowed
        }

    # -- admin --------------------------------------------------------------------------

    def reset(self) -> None:
        """Empty state (orders, deliveries, journals, violations, mock time; fault and
        override rules added through the API) and webhook registrations back to this mock's
        receiver alone, with its events forgotten."""
        self._json("POST", "/__admin/reset")
        self._added_overrides = []  # the reset removed them
        self._json("DELETE", "/__admin/webhooks")
        self.webhooks.next_generation()
        self.webhooks.register()

    def advance(self, seconds: float) -> datetime:
        """Move mock time forward; orders that fall due settle (and send events) at once.
        Returns the new mock time."""
        return datetime.fromisoformat(
            self._json("POST", "/__admin/clock", {"advanceSeconds": seconds})["now"]
        )

    def now(self) -> datetime:
        """The mock's current time (wall clock plus what `advance` added)."""
        return datetime.fromisoformat(self._json("GET", "/__admin/clock")["now"])

    def requests(
        self,
        *,
        operation: str | None = None,
        status: int | str | None = None,
        customer_number: str | None = None,
        correlation_id: str | None = None,
        since: int | None = None,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        """The request journal (`GET /__admin/requests`), each entry a dict: `id`,
        `operationId`, `status`, `request` and `response` (each with `headers` and `body`,
        JSON decoded), `fault`, `override`, `violations`, `warnings`, ...

        Without arguments: every kept request, oldest first. With a filter (`operation`, an
        operationId; `status`, 404 or "4xx"; `customer_number`; `correlation_id`; `since`, an
        entry id; `limit`): newest first, unless `order="oldest"`."""
        asked = {
            "operation": operation,
            "status": status,
            "customerNumber": customer_number,
            "correlationId": correlation_id,
            "since": since,
            "limit": limit,
            "order": order,
        }
        query = urlencode({k: v for k, v in asked.items() if v is not None})
        path = f"/__admin/requests?{query}" if query else "/__admin/requests"
        return list(self._json("GET", path)["requests"])

    def request(self, entry_id: int) -> dict[str, Any]:
        """One journal entry by its id; MockError when it is gone."""
        return dict(self._json("GET", f"/__admin/requests/{int(entry_id)}"))

    def violations(self) -> list[dict[str, Any]]:
        """Contract violations recorded from clients since the last reset."""
        return list(self._json("GET", "/__admin/violations")["violations"])

    def fault(self, **rule: Any) -> str:
        """Add a fault rule, e.g. `fault(operationId="createOrderV6", status=503, times=1)`
        (the README's faults section lists the fields). It lasts until the next reset: with
        the `ingram_mock` fixture, until the test ends. Returns the rule's id."""
        return str(self._json("POST", "/__admin/faults", rule)["id"])

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules in force, each with how often it fired (`fired`)."""
        return list(self._json("GET", "/__admin/faults")["faults"])

    def override(
        self,
        operation: str,
        *,
        match: dict[str, Any] | None = None,
        respond: dict[str, Any] | None = None,
        patch: dict[str, Any] | None = None,
        times: int | None = None,
        priority: int | None = None,
    ) -> str:
        """Make one answer different (`POST /__admin/overrides`): `respond={"status": 503,
        "body": {...}}` answers as given and runs nothing; `patch={...}` merges into the real
        answer's JSON body (RFC 7396: null removes). `match` narrows it (`orderNumber`,
        `customerNumber`, `customerOrderNumber`, `headers`, `query`, `body` by JSON pointer).
        With the `ingram_mock` fixture it lasts one test. Returns the rule's id."""
        rule: dict[str, Any] = {"operation": operation}
        for key, value in (
            ("match", match),
            ("respond", respond),
            ("patch", patch),
            ("times", times),
            ("priority", priority),
        ):
            if value is not None:
                rule[key] = value
        rule_id = str(self._json("POST", "/__admin/overrides", rule)["id"])
        self._added_overrides.append(rule_id)
        return rule_id

    def overrides(self) -> list[dict[str, Any]]:
        """The override rules in the order they are tried, each with `fired`."""
        return list(self._json("GET", "/__admin/overrides")["overrides"])

    def remove_overrides(self) -> None:
        """Remove the override rules `override()` added (those of `--overrides` stay)."""
        added, self._added_overrides = self._added_overrides, []
        for rule_id in added:
            status, raw = self._call("DELETE", f"/__admin/overrides/{rule_id}")
            if status not in (204, 404):  # 404: a reset removed it already
                raise MockError(f"DELETE /__admin/overrides/{rule_id} answered {status}: {raw!r}")

    def _register_webhook(self, url: str, secret: str, customer_number: str | None) -> None:
        body: dict[str, Any] = {"url": url, "secret": secret}
        if customer_number:
            body["customerNumber"] = customer_number
        self._json("PUT", "/__admin/webhooks", body)

    # -- HTTP ---------------------------------------------------------------------------

    def _json(self, method: str, path: str, body: Any = None) -> Any:
        status, raw = self._call(method, path, body)
        if not 200 <= status < 300:
            shown = path.split("?", 1)[0]  # never the token call's secret
            raise MockError(f"{method} {shown} answered {status}: {raw[:300]!r}")
        return json.loads(raw) if raw else None

    def _call(
        self, method: str, path: str, body: Any = None, timeout: float = 10.0
    ) -> tuple[int, bytes]:
        """One request on a connection of its own. Kept-alive connections were tried: now
        and then a call on one waited ~40 ms (delayed ACKs), which a reset cannot afford."""
        headers = {"Connection": "close"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        where = urlsplit(self.url)
        connection = http.client.HTTPConnection(
            where.hostname or "127.0.0.1", where.port, timeout=timeout
        )
        try:
            connection.request(method, path, body=data, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()
