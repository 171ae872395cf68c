"""`ingram-mock`: serve the mock, run the contract suite, compare contracts."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from mock_server import __version__
from mock_server.config import (
    ConfigError,
    Settings,
    from_environment,
    port_number,
    rate_limit_setting,
)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (and exit 2), not a page of usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _port(raw: str) -> int:
    try:
        return port_number(raw)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _not_negative(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError("must be a number of seconds, 0 or more")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return value


def _serve_parser(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the mock on granian (slow clients cannot stall it)")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=None, help="port (default 8080; 0 picks a free one)"
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=1,
        help="ignored since the server front reads bodies on the event loop (kept for scripts)",
    )
    serve.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="refuse requests with unknown fields (400) instead of recording them",
    )
    serve.add_argument(
        "--fail-on-violations",
        action="store_true",
        default=None,
        help="exit non-zero at shutdown if any contract violation was recorded",
    )
    serve.add_argument("--client-id", default=None, help="only this client id gets tokens")
    serve.add_argument("--client-secret", default=None, help="... with this secret")
    # -- app binding (issue 10) --
    serve.add_argument(
        "--client",
        dest="clients",
        action="append",
        default=None,
        metavar="ID:SECRET:CUSTOMER",
        help="register credentials to a customer number; their tokens act for it only (repeatable)",
    )
    serve.add_argument(
        "--no-auth",
        dest="require_auth",
        action="store_false",
        default=None,
        help="accept order calls without a bearer token",
    )
    serve.add_argument("--webhook-url", default=None, help="default order-event receiver")
    serve.add_argument("--webhook-secret", default=None, help="secret for x-hub-signature")
    serve.add_argument(
        "--webhook-attempts",
        type=_at_least_one,
        default=None,
        help="attempts per event before it is a dead letter (default 6)",
    )
    serve.add_argument(
        "--webhook-backoff",
        type=_not_negative,
        default=None,
        help="seconds before the first retry, doubling after each failure (default 0.5)",
    )
    serve.add_argument(
        "--webhook-max-backoff",
        type=_not_negative,
        default=None,
        help="longest wait between two attempts, in seconds (default 8)",
    )
    serve.add_argument(
        "--webhook-timeout",
        type=_positive,
        default=None,
        help="seconds for the whole of one attempt: connect, send, answer (default 3)",
    )
    serve.add_argument(
        "--ship-after",
        dest="ship_after_seconds",
        type=int,
        default=None,
        help="mock seconds from release to shipment (default 14400)",
    )
    serve.add_argument(
        "--deliver-after",
        dest="deliver_after_seconds",
        type=int,
        default=None,
        help="mock seconds from shipment to delivery (default 72000)",
    )
    serve.add_argument(
        "--restock-after",
        dest="restock_after_seconds",
        type=int,
        default=None,
        help="mock seconds until backordered stock arrives (default 259200)",
    )
    serve.add_argument("--fixtures-dir", type=Path, default=None, help="catalog/quotes/regions")
    serve.add_argument(
        "--log-level", choices=LOG_LEVELS, default="warning", help="granian's log level"
    )
    serve.add_argument(
        "--quiet",
        dest="request_log",
        action="store_false",
        default=None,
        help="no console line per request",
    )
    # Robustness and admin exposure (issue 9).
    serve.add_argument(
        "--read-timeout",
        dest="read_timeout_seconds",
        type=_positive,
        default=None,
        help="seconds a request's headers, then its body, may take to arrive (default 30; 408)",
    )
    serve.add_argument(
        "--admin-token",
        default=None,
        help="token /__admin requires: Bearer or X-Admin-Token (env INGRAM_MOCK_ADMIN_TOKEN)",
    )
    # -- fault injection (issue 13) --
    serve.add_argument(
        "--faults",
        dest="faults_file",
        type=Path,
        default=None,
        help="JSON file of fault rules to start with (a list, or {\"rules\": [...]})",
    )
    serve.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of the random source fault probabilities draw from (default 0)",
    )
    _gateway_flags(serve)
    _state_flags(serve)


def _gateway_flags(serve: Any) -> None:
    """Rate limits and maintenance windows (mock_server.gateway.rate_limits, http/gateway.py)."""
    serve.add_argument(
        "--rate-limit",
        default=None,
        type=_rate_limit,
        metavar="count|real|N",
        help="count (default: X-RateLimit-* headers, never refused), real (60 GETs a minute "
        "per endpoint per client, then 429) or N calls a minute, enforced",
    )
    serve.add_argument(
        "--maintenance",
        action="store_true",
        default=None,
        help="start inside a maintenance window: v6 create answers 500, v7 submissions wait "
        "until DELETE /__admin/maintenance ends it",
    )


def _rate_limit(text: str) -> str:
    try:
        return rate_limit_setting(text)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# -- where the state lives: --store, --workers, --state-file (issue 14) ----------------


def _state_flags(serve: Any) -> None:
    serve.add_argument(
        "--store",
        default=None,
        help="'memory' (default) or redis://HOST:PORT/DB: one state shared by every process "
        "that names the same Redis (also INGRAM_MOCK_STORE)",
    )
    serve.add_argument(
        "--workers",
        type=_at_least_one,
        default=None,
        help="server processes (above 1 needs --store redis://...)",
    )
    serve.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="restore the state from this file at start; save it there periodically and at exit",
    )
    serve.add_argument(
        "--state-save-interval",
        type=_not_negative,
        default=None,
        help="seconds between periodic saves of --state-file (default 30; 0: only at exit)",
    )


def check_state_settings(settings: Settings) -> None:
    """Refuse store settings that cannot work together. Raises ConfigError."""
    shared = settings.store.startswith(("redis://", "rediss://", "unix://"))
    if not shared and settings.store != "memory":
        raise ConfigError(f"--store must be 'memory' or a redis:// URL, not {settings.store!r}")
    if settings.workers > 1 and not shared:
        raise ConfigError(
            "--workers above 1 needs --store redis://...: in memory, each process has its own"
        )
    if settings.state_file is not None and shared:
        raise ConfigError(
            "--state-file keeps an in-memory state; Redis keeps its own (RDB/AOF persistence)"
        )


def serve_settings(args: argparse.Namespace) -> Settings:
    """Defaults, then INGRAM_MOCK_* variables, then the flags given. Raises ConfigError.

    The request log is on by default here only: the app factory keeps it off for tests.
    """
    overrides = {k: v for k, v in vars(args).items() if v is not None}
    if "clients" in overrides:
        overrides["clients"] = tuple(overrides["clients"])
    settings = Settings(request_log=True).with_overrides(**from_environment())
    settings = settings.with_overrides(**overrides)
    _check_clients(settings.clients)
    return settings


def _check_clients(specs: Sequence[str]) -> None:
    from mock_server.gateway.tokens import ClientApp

    for spec in specs:
        try:
            ClientApp.parse(spec)
        except ValueError as error:
            raise ConfigError(f"--client: {error}") from None


def serve(args: argparse.Namespace) -> int:
    from mock_server.server.front import startup_warnings
    from mock_server.server.serving import PortInUse, banner, bind_listener, serve_forever

    settings = serve_settings(args).with_overrides(background_workers=True)
    problem = _check_faults_file(settings)
    if problem:
        print(f"ingram-mock: {problem}", file=sys.stderr)
        return 2
    check_state_settings(settings)
    try:
        listener = bind_listener(settings.host, settings.port)
    except PortInUse as error:
        print(f"ingram-mock: {error}", file=sys.stderr)
        return 2
    report: Path | None = None
    if settings.fail_on_violations:
        handle, name = tempfile.mkstemp(prefix="ingram-mock-violations-", suffix=".jsonl")
        os.close(handle)
        report = Path(name)
        settings = settings.with_overrides(violations_report=report)
    print("\n".join(banner(settings, listener.getsockname()[1])), flush=True)
    for warning in startup_warnings(settings):
        print(f"ingram-mock: warning: {warning}", file=sys.stderr, flush=True)
    serve_forever(settings, listener, threads=args.threads, log_level=args.log_level)
    if report is None:
        return 0
    return _report_violations(report)


def _check_faults_file(settings: Settings) -> str:
    """Read `--faults` once here, so a bad file fails the start with one clear line."""
    if settings.faults_file is None:
        return ""
    from mock_server.rehearsal.faults import FaultBook, InvalidRule, rules_from_file

    try:
        FaultBook().add_all(rules_from_file(settings.faults_file))
    except InvalidRule as error:
        return f"--faults {settings.faults_file}: {error.field}: {error.message}"
    except (OSError, ValueError) as error:
        return f"--faults {settings.faults_file}: {error}"
    return ""


def _report_violations(report: Path) -> int:
    lines = report.read_text(encoding="utf-8").splitlines() if report.exists() else []
    report.unlink(missing_ok=True)
    if not lines:
        print("ingram-mock: no contract violations recorded", flush=True)
        return 0
    print(f"ingram-mock: {len(lines)} contract violation(s) recorded:", file=sys.stderr)
    for line in lines[:50]:
        v = json.loads(line)
        print(f"  {v['operation']}: {v['field']}: {v['message']}", file=sys.stderr)
    return 1


def build_parser(*, with_harness: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(prog="ingram-mock", description="Offline Ingram Micro Reseller Orders API")
    parser.add_argument("--version", action="version", version=f"ingram-mock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _serve_parser(sub)
    if not with_harness:
        return parser
    from mock_server.harness import suite
    from mock_server.harness.diff import command as contracts_diff

    suite.add_parser(sub)  # `ingram-mock contract-test ...`
    # `ingram-mock proxy ...` and `ingram-mock traffic compare ...` (issue 11)
    from mock_server.harness import proxy, traffic

    proxy.add_parser(sub)
    traffic.add_parser(sub)
    contracts = sub.add_parser("contracts", help="work with the contract documents")
    contracts_diff.add_parser(contracts.add_subparsers(dest="contracts_command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `serve` never needs the harness: not importing it keeps granian's supervisor process
    # small and the start fast.
    args = build_parser(with_harness=argv[:1] != ["serve"]).parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
    except ConfigError as error:
        print(f"ingram-mock: {error}", file=sys.stderr)
        return 2
    # Harness subcommands set `run` to their entry point: (args) -> exit code.
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
