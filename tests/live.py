"""Start the real `ingram-mock serve` on a free loopback port, for tests that need a socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[str]

    def stop(self, timeout: float = 10.0) -> tuple[int, str]:
        """Ctrl-C the server, as a person would; returns (exit code, combined output)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return self.process.returncode, output

    def token(self, client_id: str = "test-client", client_secret: str = "test-secret") -> str:
        answer = requests.get(
            f"{self.base_url}/oauth/oauth20/token",
            params={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
            timeout=5,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])


def start_server(
    args: Sequence[str] = (),
    *,
    ready_timeout: float = 15.0,
    env: dict[str, str] | None = None,
    admin_token: str = "",
) -> LiveServer:
    """Run `ingram-mock serve` bound to 127.0.0.1 and wait until it answers (with
    `admin_token`, started with `--admin-token` and asked with it)."""
    port = free_port()
    ready_headers = {"X-Admin-Token": admin_token} if admin_token else {}
    args = [*args, "--admin-token", admin_token] if admin_token else args
    # --quiet: no request log, which would fill the unread pipe and stall the server.
    command = [sys.executable, "-m", "mock_server.cli", "serve", "--quiet", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, output = server.stop()
            raise RuntimeError(f"ingram-mock exited early:\n{output}")
        try:
            if requests.get(
                f"{server.base_url}/__admin/health", headers=ready_headers, timeout=0.5
            ).ok:
                return server
        except (requests.ConnectionError, requests.Timeout):
            # The socket listens from the start; until the worker is up a call may time out.
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("ingram-mock did not become ready in time")


def add_fault(server: LiveServer, **rule: Any) -> str:
    """Add a fault rule to a live mock; its id."""
    answer = requests.post(f"{server.base_url}/__admin/faults", json=rule, timeout=5)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def orders_stored(server: LiveServer) -> int:
    return int(requests.get(f"{server.base_url}/__admin/health", timeout=5).json()["orders"])
