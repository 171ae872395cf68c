"""`ingram-mock` as a person meets it: --version, one-line errors with exit 2, a busy port,
--port 0, the start banner and the request log. Servers bind 127.0.0.1 and are always
stopped; every wait is bounded."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest

from mock_server import __version__
from mock_server.config import Settings
from mock_server.rehearsal.journal_view import mask_secrets
from mock_server.server.serving import banner

CLI = [sys.executable, "-m", "mock_server.cli"]


def run(args: Sequence[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


class Serving:
    """A running `ingram-mock serve`, its output read line by line on a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 20.0) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line starting {prefix!r} in {self.seen}") from None
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def get(self, url: str, headers: dict[str, str] | None = None) -> int:
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


@contextmanager
def serving(*args: str, cli: Sequence[str] = CLI) -> Iterator[Serving]:
    process = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield Serving(process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def test_version() -> None:
    done = run(["--version"])
    assert (done.returncode, done.stdout.strip()) == (0, f"ingram-mock {__version__}")


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["serve"], {"INGRAM_MOCK_PORT": "abc"}, "INGRAM_MOCK_PORT: 'abc' is not a port number"),
        (["serve"], {"INGRAM_MOCK_STRICT": "maybe"}, "INGRAM_MOCK_STRICT: 'maybe' is not a yes/no"),
        (["serve"], {"INGRAM_MOCK_SHIP_AFTER": "soon"}, "INGRAM_MOCK_SHIP_AFTER: 'soon' is not"),
        (["serve"], {"INGRAM_MOCK_SHIP_AFTER": "-5"}, "INGRAM_MOCK_SHIP_AFTER: -5 is not 0 or"),
        (["serve", "--ship-after", "-5"], {}, "--ship-after: -5 is not 0 or more"),
        (["serve", "--log-level", "nonsense"], {}, "--log-level: 'nonsense' is not one of"),
        (["serve", "--port", "70000"], {}, "--port: 70000 is not a port number"),
        (["serve", "--threads", "many"], {}, "--threads: 'many' is not a whole number"),
        (["serve", "--bogus"], {}, "No such option '--bogus'"),
        (["bogus"], {}, "No such command 'bogus'"),
        (["contract-test"], {}, "Missing option '--base-url'"),
        (["proxy", "--upstream", "http://x", "--port", "-1"], {}, "--port: -1 is not in the"),
        (["contracts", "diff"], {}, "Missing argument 'UPSTREAM'"),
        (["traffic", "compare", "d", "--base-url", "u", "--token", "t", "--client-id", "c"], {},
         "--token or --client-id, not both"),
    ],
)
def test_a_bad_flag_or_variable_is_one_line_and_exit_2(
    args: list[str], env: dict[str, str], named: str
) -> None:
    done = run(args, env)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]
    assert lines[0].startswith("ingram-mock")


@pytest.mark.live
def test_a_port_held_by_another_program_fails_at_once() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run(["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert done.returncode == 2
    assert done.stderr.strip() == f"ingram-mock: cannot listen on 127.0.0.1:{port}: already in use"


@pytest.mark.live
def test_a_second_mock_on_the_same_port_is_refused_and_the_first_keeps_serving() -> None:
    with serving("--port", "0", "--quiet") as first:
        url = first.wait_for("ingram-mock serving on ").rsplit(" ", 1)[1]
        assert first.get(f"{url}/__admin/health") == 200
        port = url.rsplit(":", 1)[1]
        second = run(["serve", "--host", "127.0.0.1", "--port", port])
        assert second.returncode == 2
        assert "already in use" in second.stderr
        assert "Traceback" not in second.stderr
        # granian's own SO_REUSEPORT bind would join the port too: ours was bound without it.
        with socket.socket() as joiner:
            joiner.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            with pytest.raises(OSError):
                joiner.bind(("127.0.0.1", int(port)))
        assert first.get(f"{url}/__admin/health") == 200


# Python 3.14 makes granian spawn its worker, which cannot inherit our socket: granian then
# binds the port itself, after our check refused a busy one.
SPAWNING_CLI = [
    sys.executable,
    "-c",
    "import multiprocessing, sys; multiprocessing.set_start_method('spawn'); "
    "from mock_server.cli import main; sys.exit(main(sys.argv[1:]))",
]


@pytest.mark.live
def test_with_a_spawned_worker_port_0_and_the_busy_port_check_still_work() -> None:
    with serving("--port", "0", "--quiet", cli=SPAWNING_CLI) as mock:
        url = mock.wait_for("ingram-mock serving on ").rsplit(" ", 1)[1]
        # Here the banner comes before granian has bound the port: the first calls may fail.
        deadline = time.monotonic() + 20
        while True:
            try:
                assert mock.get(f"{url}/__admin/health") == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the spawned worker never answered"
                time.sleep(0.05)
        second = run(["serve", "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]])
        assert second.returncode == 2
        assert "already in use" in second.stderr


@pytest.mark.live
def test_port_0_prints_the_real_port_the_banner_and_one_log_line_per_request() -> None:
    with serving("--port", "0") as mock:
        first = mock.wait_for("ingram-mock serving on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1]
        assert int(url.rsplit(":", 1)[1]) > 0
        mock.wait_for("  request log: on")
        banner_text = "\n".join(mock.seen)
        assert "mode: lenient" in banner_text
        assert "auth: on" in banner_text
        assert f"admin API: {url}/__admin" in banner_text
        assert mock.get(f"{url}/__admin") == 200
        token_call = "/oauth/oauth20/token?grant_type=client_credentials&client_id=me"
        assert mock.get(f"{url}{token_call}&client_secret=hush-hush") == 200
        headers = {
            "IM-CustomerNumber": "20-222222",
            "IM-CountryCode": "US",
            "IM-CorrelationID": "cli-test-1",
        }
        assert mock.get(f"{url}/resellers/v6/orders/search", headers) == 401  # no token
        admin = mock.wait_for("")
        token = mock.wait_for("")
        search = mock.wait_for("")
    assert admin.split()[1:4] == ["GET", "/__admin", "200"]
    assert token.split()[1:4] == ["GET", f"{token_call}&client_secret=***", "200"]
    assert "hush-hush" not in "\n".join(mock.seen)
    fields = search.split()
    assert fields[1:4] == ["GET", "/resellers/v6/orders/search", "401"]
    assert fields[4].endswith("ms")
    assert fields[5:] == ["customer=20-222222", "correlation=cli-test-1"]


@pytest.mark.live
def test_quiet_logs_no_requests() -> None:
    with serving("--port", "0", "--quiet") as mock:
        url = mock.wait_for("ingram-mock serving on ").rsplit(" ", 1)[1]
        mock.wait_for("  request log: off")
        assert mock.get(f"{url}/__admin/health") == 200
        with pytest.raises(AssertionError):
            mock.wait_for("", timeout=0.5)


def test_the_banner_names_the_mode_and_auth() -> None:
    lines = banner(Settings(host="127.0.0.1", strict=True, require_auth=False), 8123)
    assert lines[0] == "ingram-mock serving on http://127.0.0.1:8123"
    assert any(line.startswith("  mode: strict") for line in lines)
    assert any(line.startswith("  auth: off") for line in lines)
    pinned = banner(Settings(client_id="me", client_secret="pw"), 1)
    assert any("client id 'me' only" in line for line in pinned)
    assert not any("pw" in line for line in pinned)


def test_secrets_are_masked_in_logged_queries() -> None:
    assert mask_secrets("a=1&client_secret=x%26y&b=2") == "a=1&client_secret=***&b=2"
    assert mask_secrets("a=1&b=%20") == "a=1&b=%20"  # untouched when there is no secret


# -- the contract-test harness -------------------------------------------------------------


def test_contract_test_names_the_missing_extra() -> None:
    script = (
        "import sys; sys.modules['requests'] = None\n"
        "from mock_server.cli import main\n"
        "sys.exit(main(['contract-test', '--base-url', 'http://127.0.0.1:9']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "No module named" not in done.stderr
    assert "pip install '.[harness]'" in done.stderr
    assert "requests is not installed" in done.stderr


def test_contract_test_never_shows_the_client_secret() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens once this closes
    base = f"http://127.0.0.1:{port}"
    for extra in (
        ["--client-id", "me", "--client-secret", "s3cr3t-value"],
        ["--token-url", f"{base}/token?client_secret=s3cr3t-value"],
    ):
        done = run(["contract-test", "--base-url", base, *extra])
        assert done.returncode == 2
        assert "s3cr3t-value" not in done.stdout + done.stderr
        assert "token request to http://127.0.0.1:" in done.stderr
        assert "cannot connect" in done.stderr
