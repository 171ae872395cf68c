"""`ingram-mock serve` on granian: the socket, the start banner and the console request log.

Granian binds its listening socket with SO_REUSEPORT, so a second mock started on a busy
port would quietly share it and the kernel would spread requests over two separate states.
Here the socket is bound once, without SO_REUSEPORT, before granian starts: a busy port
fails at once, `--port 0` learns its real port, and with the `fork` start method (Linux
before Python 3.14) the worker serves this very socket, so nothing can join it later.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any

from mock_server import __version__
from mock_server.config import Settings

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class PortInUse(OSError):
    """The address cannot be bound; the message says which and why."""


def bind_listener(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on host:port (0: a free port), without SO_REUSEPORT.

    Raises PortInUse when the address is taken or cannot be bound.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise PortInUse(f"cannot bind {host}:{port}: {error.strerror}") from None
    listener = socket.socket(family, kind, proto)
    try:
        # SO_REUSEADDR only lets a restart reuse a port held by closed connections (TIME_WAIT);
        # on Linux it never lets two listeners share one.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(backlog)
    except OSError as error:
        listener.close()
        in_use = error.errno == errno.EADDRINUSE
        reason = "already in use" if in_use else (error.strerror or str(error))
        raise PortInUse(f"cannot listen on {host}:{port}: {reason}") from None
    return listener


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(settings: Settings, port: int) -> list[str]:
    """The start banner. The first line is what tools parse: `ingram-mock serving on URL`."""
    url = base_url(settings.host, port)
    if settings.strict:
        mode = "strict (unknown request fields are refused with 400)"
    else:
        mode = "lenient (unknown request fields are served and recorded; --strict refuses them)"
    if not settings.require_auth:
        auth = "off (--no-auth: order calls need no token)"
    elif settings.client_id:
        auth = f"on (tokens for client id {settings.client_id!r} only)"
    else:
        auth = "on (any non-empty client id and secret get a token)"
    log = "on (--quiet turns it off)" if settings.request_log else "off"
    return [
        f"ingram-mock serving on {url}",
        f"  version {__version__}; sandbox paths under {url}/sandbox",
        f"  mode: {mode}",
        f"  auth: {auth}",
        f"  admin API: {url}/__admin (GET it for the list: reset, clock, state, requests, "
        "violations, webhooks, faults, maintenance)",
        f"  request log: {log}; Ctrl-C stops",
    ]


def load_app(target: str, settings: Settings) -> Any:
    """Granian's loader: builds the app inside the worker process (threads start there),
    behind the front that receives whole requests first and hands API requests to the door
    (front.py)."""
    from mock_server.app import DOOR_KEY, create_app
    from mock_server.server.front import Front

    app = create_app(settings)
    if settings.state_file is not None:
        _keep_state_file(app, settings)
    return Front(
        app,
        door=app.extensions[DOOR_KEY],
        read_timeout=settings.read_timeout_seconds,
        request_log=sys.stdout if settings.request_log else None,
    )


def _keep_state_file(app: Any, settings: Settings) -> None:
    """`--state-file`: restore now; save every interval and when the worker exits."""
    from multiprocessing import util

    from mock_server.http.flask_host import SERVICES_KEY
    from mock_server.rehearsal.snapshots import StateFile

    assert settings.state_file is not None
    control = app.extensions[SERVICES_KEY].control
    keeper = StateFile(settings.state_file, control.export_state, settings.state_save_interval)
    keeper.restore(control.state_holders())
    keeper.start()
    # Granian's worker leaves through multiprocessing's exit path after SIGINT/SIGTERM:
    # its finalizers run there (atexit would not, in a forked worker).
    util.Finalize(keeper, keeper.stop, exitpriority=10)


def serve_forever(
    settings: Settings, listener: socket.socket, *, threads: int, log_level: str
) -> None:
    """Run granian on `listener` until Ctrl-C: one worker process (the state lives in it),
    or `settings.workers` when the state is shared (Redis), all serving the one socket.

    Granian's RSGI interface, with front.py in front of the WSGI app: one event loop thread
    receives each request whole (headers, then body, each within the read timeout) and
    runs the app; a slow client only waits on the loop. `threads` is ignored (kept for the
    `--threads` flag): the app is CPU-bound and holds the GIL, so more threads only add
    switching."""
    from functools import partial

    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    port = int(listener.getsockname()[1])
    header_ms = max(1, round(settings.read_timeout_seconds * 1000))
    options: dict[str, Any] = {
        "address": settings.host,
        "port": port,
        "interface": Interfaces.RSGI,
        "workers": settings.workers,
        "runtime_threads": 1,
        "loop": event_loop(),
        "log_level": LogLevels(log_level),
        "log_access": False,
        "http": HTTPModes.http1,  # clients speak HTTP/1.1 here; skipping detection is cheaper
        # Headers that do not arrive in time: hyper closes the connection itself.
        "http1_settings": HTTP1Settings(header_read_timeout=header_ms),
    }
    if settings.workers > 1:
        # A forked worker still loading the app has the supervisor's signal handlers and
        # would miss the stop; stop waiting for it after a while (its state is in Redis).
        options["workers_kill_timeout"] = 5
    if multiprocessing.get_start_method() == "fork":
        server: Any = _on_socket(Server, listener)("mock_server.server.serving:load_app", **options)
    else:
        # A spawned worker cannot inherit our socket: granian binds the port itself (with
        # SO_REUSEPORT), so the banner comes a moment before the port answers. The check
        # above still refused a busy port.
        listener.close()
        server = Server("mock_server.server.serving:load_app", **options)
    server.serve(target_loader=partial(load_app, settings=settings))


def event_loop() -> Any:
    """The worker's event loop: rloop (granian's loop, written in Rust) where it is installed.

    The front awaits each request body on the loop, and that wake-up is far cheaper on
    rloop: paired runs served 43-51 % more POST creates and 8 % more GET details than on
    asyncio's loop (benchmarks/RESULTS.md). Where rloop has no build (Windows), asyncio's
    loop serves."""
    from importlib.util import find_spec

    from granian.constants import Loops

    return Loops.rloop if find_spec("rloop") is not None else Loops.asyncio


def _on_socket(server_class: Any, listener: socket.socket) -> Any:
    """A granian server class whose worker serves `listener` instead of binding its own
    (granian's shared-socket path, as it runs on platforms without SO_REUSEPORT)."""
    from granian import net

    holder: Any = net.SocketHolder  # type: ignore[attr-defined]  # (fd, is_uds, backlog)

    class OnSocket(server_class):  # type: ignore[misc]
        def _init_shared_socket(self) -> None:
            self._ssp = None
            # The holder owns a duplicate descriptor; `_sso` (closed at shutdown) owns ours.
            self._shd = holder(os.dup(listener.fileno()), False, self.backlog)
            self._sfd = listener.fileno()
            self._sso = listener

    return OnSocket
