"""Shared plumbing for the benchmark scripts: start/stop servers, talk to them, run wrk.

Everything here binds to or talks to 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LUA_DIR = HERE / "lua"
HOST = "127.0.0.1"
CUSTOMER = "20-222222"
COUNTRY = "US"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def mock_command(port: int, threads: int = 1, extra: Sequence[str] = ()) -> list[str]:
    """`ingram-mock serve` from the running virtualenv (falls back to `python -m`)."""
    script = Path(sys.executable).parent / "ingram-mock"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "mock_server.cli"]
    # --quiet: the console request log is for people; figures are taken without it.
    args = ["serve", "--quiet", "--host", HOST, "--port", str(port), "--threads", str(threads)]
    return [*base, *args, *extra]


# -- processes --------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, from /proc (granian runs the app in a child)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or parentheses: fields start after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; PSS splits shared pages fairly between processes."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


@dataclass
class Server:
    """A server process we started; `stop()` ends it and whatever it spawned, by pid."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float
    known_children: set[int] = field(default_factory=set)

    @property
    def pid(self) -> int:
        return self.process.pid

    def tree(self) -> list[int]:
        pids = [self.pid, *descendants(self.pid)] if self.process.poll() is None else []
        self.known_children.update(pids[1:])
        return pids

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        self.tree()  # remember children before the parent goes
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # the server's own clean shutdown
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        for pid in sorted(self.known_children):
            _kill_if_alive(pid)
        self.log_path.unlink(missing_ok=True)  # errors quote its tail before stopping


def _kill_if_alive(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def spawn(
    name: str,
    command: Sequence[str],
    *,
    cwd: Path = REPO,
    port: int,
    env: dict[str, str] | None = None,
) -> Server:
    """Start a server with its output in a temp log file (a full pipe would stall it)."""
    handle, log_name = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")
    with os.fdopen(handle, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    return Server(name, f"http://{HOST}:{port}", process, Path(log_name), started)


def wait_until(server: Server, ready: Callable[[], bool], timeout: float = 30.0) -> float:
    """Poll `ready` until it holds; returns seconds since spawn. Raises if the server dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            if ready():
                return time.perf_counter() - server.started_at
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def start_mock(
    threads: int = 1, extra: Sequence[str] = (), *, tree: Path | None = None
) -> Server:
    """`ingram-mock serve` on a free loopback port; `tree`: run another checkout's package
    (same virtualenv) instead, to measure before and after side by side in one run."""
    port = free_port()
    command = mock_command(port, threads, extra)
    if tree is not None:
        command = [sys.executable, "-m", "mock_server.cli", *command[1:]]
    env = {"PYTHONPATH": str(tree)} if tree is not None else None
    server = spawn("ingram-mock", command, port=port, env=env)
    try:
        wait_until(server, lambda: http("GET", f"{server.base_url}/__admin/health")[0] == 200)
    except BaseException:
        server.stop()
        raise
    return server


# -- HTTP -------------------------------------------------------------------------------


def http(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: Any = None,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    """One request; returns (status, parsed JSON or raw text). HTTP errors are answers too."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def get_token(base_url: str) -> str:
    query = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": "bench", "client_secret": "bench"}
    )
    status, body = http("GET", f"{base_url}/oauth/oauth20/token?{query}")
    if status != 200:
        raise RuntimeError(f"token request answered {status}: {body}")
    return str(body["access_token"])


def order_headers(token: str, customer: str = CUSTOMER) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": customer,
        "IM-CountryCode": COUNTRY,
        "IM-CorrelationID": "bench-setup",
    }


def create_body(po: str) -> dict[str, Any]:
    """The same one-line v6 body the wrk script sends (part 2GZ200 is in stock)."""
    return {
        "customerOrderNumber": po,
        "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
    }


def create_order(base_url: str, token: str, po: str) -> str:
    url = f"{base_url}/resellers/v6/orders"
    status, body = http("POST", url, headers=order_headers(token), body=create_body(po))
    if status != 201:
        raise RuntimeError(f"create answered {status}: {body}")
    return str(body["orders"][0]["ingramOrderNumber"])


# -- wrk --------------------------------------------------------------------------------


@dataclass
class WrkResult:
    label: str
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    first_bad: str
    other_cpu: float = 0.0  # share of all CPUs used by processes other than server and wrk

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "wrk is not installed. It is a Debian package:\n"
            "    apt-get update && apt-get install -y wrk\n"
            "then run this script again."
        )
    return path


def run_wrk(
    label: str,
    url: str,
    script: str,
    env: dict[str, str],
    *,
    threads: int = 2,
    connections: int = 32,
    duration: float = 10.0,
    server_pids: Sequence[int] = (),
) -> WrkResult:
    """One bounded wrk run with a script from benchmarks/lua (they print a BENCH line).

    With `server_pids`, also measures how much CPU everything else took meanwhile.
    """
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(LUA_DIR / script),
        url,
    ]
    before = _cpu_account(server_pids)
    completed = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH ")),
        None,
    )
    if completed.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    other_cpu = _others_share(before, _cpu_account(server_pids)) if server_pids else 0.0
    fields = dict(part.split("=", 1) for part in line[len("BENCH ") :].split(" ") if "=" in part)
    bad = next((ln for ln in completed.stdout.splitlines() if ln.startswith("FIRSTBAD ")), "")
    return WrkResult(
        label=label,
        requests=int(fields["requests"]),
        duration_s=int(fields["duration_us"]) / 1e6,
        p50_ms=int(fields["p50_us"]) / 1000,
        p99_ms=int(fields["p99_us"]) / 1000,
        max_ms=int(fields["max_us"]) / 1000,
        non_2xx=int(fields["non2xx"]),
        socket_errors=sum(
            int(fields[k]) for k in ("connect", "read", "write", "timeout") if k in fields
        ),
        first_bad=bad[len("FIRSTBAD ") :],
        other_cpu=other_cpu,
    )


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def _cpu_account(pids: Sequence[int]) -> tuple[float, float, float, float]:
    """(all CPUs busy s, all CPUs total s, given processes s, this process + children s)."""
    hz = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    mine = os.times()
    own = mine.user + mine.system + mine.children_user + mine.children_system
    return (
        (sum(values) - idle) / hz,
        sum(values) / hz,
        sum(_ticks(pid) for pid in pids) / hz,
        own,
    )


def _others_share(
    before: tuple[float, float, float, float], after: tuple[float, float, float, float]
) -> float:
    busy, total, watched, own = (a - b for a, b in zip(after, before, strict=True))
    return max(0.0, busy - watched - own) / total if total else 0.0


def print_results(results: Sequence[WrkResult]) -> None:
    print()
    print(
        f"{'target':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8} "
        f"{'other CPU':>9}"
    )
    for r in results:
        print(
            f"{r.label:<34} {r.rps:>9,.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
            f"{r.max_ms:>8.1f} {r.non_2xx:>8} {r.other_cpu:>9.0%}"
        )
    if any(r.other_cpu > 0.1 for r in results):
        print(
            "!!! other processes took over 10 % of the CPUs during a measured run "
            "(column 'other CPU'): those figures are low; run again on a quiet machine"
        )
    for r in results:
        if r.non_2xx or r.socket_errors:
            print()
            print("!" * 78)
            print(f"!!! {r.label}: {r.non_2xx} NON-2XX RESPONSES, {r.socket_errors} SOCKET ERRORS")
            if r.first_bad:
                print(f"!!! first bad answer: {r.first_bad[:300]}")
            print("!" * 78)


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over `seconds` (from /proc/stat), before our load starts."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


def check_quiet(max_busy: float = 0.15) -> float:
    """Warn loudly when other processes keep the CPUs busy: the figures would be low."""
    busy = cpu_busy()
    if busy > max_busy:
        print("!" * 78)
        print(
            f"!!! the machine is {busy:.0%} busy before the benchmark starts: other "
            "processes compete for the 2 cores and the figures will come out low"
        )
        print("!" * 78)
    return busy


def conditions() -> str:
    """One line about where and when the figures were taken."""
    wrk_version = "wrk absent"
    if shutil.which("wrk"):
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        wrk_version = (wrk.stdout or wrk.stderr or "wrk ?").splitlines()[0].split(" Copyright")[0]
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.machine()}, {wrk_version.strip()}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
