"""`ingram-mock`: serve the mock, run the contract suite, compare contracts.

The command line is click throughout (it comes with Flask): `serve`'s options are defined
once in `mock_server.config.options`, each with its flag, its `INGRAM_MOCK_*` variable, one
validator and one help line; the harness commands are click commands of their own modules,
loaded only when named, so `serve` never pays for them. Every usage error is one line and
exit code 2; `--help` works everywhere. `main(argv) -> int` is the entry point.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from mock_server import __version__
from mock_server.config import ConfigError, Settings
from mock_server.config.options import read_environment, serve_options, settings_from
from mock_server.config.values import CLI_CONTEXT

PROG = "ingram-mock"
# The harness commands, loaded only when named (or listed by --help): (module, attribute).
_TOOLS = {
    "contract-test": ("mock_server.harness.suite", "command"),
    "proxy": ("mock_server.harness.proxy", "command"),
    "traffic": ("mock_server.harness.traffic", "group"),
    "contracts": ("mock_server.harness.diff.command", "group"),
}


class _Tools(click.Group):
    """`serve` at hand, the harness commands imported when named (or listed by --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_TOOLS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _TOOLS:
            module, attribute = _TOOLS[name]
            command: click.Command = getattr(import_module(module), attribute)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_Tools, context_settings=CLI_CONTEXT)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """Offline Ingram Micro Reseller Orders API, and the tools that hold a server or a
    client to its contract."""


def _serve_callback(**params: Any) -> int:
    return serve(settings_from(params), threads=params["threads"], log_level=params["log_level"])


serve_command = click.Command(
    "serve",
    callback=_serve_callback,
    params=list(serve_options()),
    context_settings={**CLI_CONTEXT, "show_default": True},
    help="Serve the mock on granian (slow clients cannot stall it). Every option can also "
    "come from the INGRAM_MOCK_* variable named after it; a flag wins over its variable.",
    short_help="serve the mock on granian",
)
cli.add_command(serve_command)


def serve_settings(args: Sequence[str] = ()) -> Settings:
    """The Settings `ingram-mock serve ARGS` runs with: flags, then INGRAM_MOCK_* variables
    (old names too), then defaults. Raises click.UsageError or ConfigError."""
    environment = read_environment(os.environ)
    with serve_command.make_context(
        "serve", list(args), default_map=environment.deprecated
    ) as ctx:
        return settings_from(ctx.params)


def serve(settings: Settings, *, threads: int = 1, log_level: str = "warning") -> int:
    """Check every setting, then serve until Ctrl-C. Raises ConfigError before serving."""
    from mock_server.server.front import startup_warnings
    from mock_server.server.preflight import check_settings
    from mock_server.server.serving import PortInUse, banner, bind_listener, serve_forever

    check_settings(settings)
    try:
        listener = bind_listener(settings.host, settings.port)
    except PortInUse as error:
        raise ConfigError(str(error)) from None
    report, start = settings.violations_report, 0
    if settings.fail_on_violations:
        if report is None:
            handle, name = tempfile.mkstemp(prefix="ingram-mock-violations-", suffix=".jsonl")
            os.close(handle)
            report = Path(name)
            settings = settings.with_overrides(violations_report=report)
        elif report.exists():
            start = report.stat().st_size  # count what this run appends
    print("\n".join(banner(settings, listener.getsockname()[1])), flush=True)
    for warning in startup_warnings(settings):
        print(f"{PROG}: warning: {warning}", file=sys.stderr, flush=True)
    serve_forever(settings, listener, threads=threads, log_level=log_level)
    if not settings.fail_on_violations or report is None:
        return 0
    return _report_violations(report, start, keep=report == settings.violations_report)


def _report_violations(report: Path, start: int, keep: bool) -> int:
    lines: list[str] = []
    if report.exists():
        with report.open("rb") as handle:
            handle.seek(start)
            lines = handle.read().decode("utf-8").splitlines()
    if not keep:
        report.unlink(missing_ok=True)
    if not lines:
        print(f"{PROG}: no contract violations recorded", flush=True)
        return 0
    print(f"{PROG}: {len(lines)} contract violation(s) recorded:", file=sys.stderr)
    for line in lines[:50]:
        v = json.loads(line)
        print(f"  {v['operation']}: {v['field']}: {v['message']}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run `ingram-mock ARGS`; returns the exit code (2: a usage or settings error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    default_map: dict[str, Any] = {}
    environment = None
    try:
        if args[:1] == ["serve"]:
            environment = read_environment(os.environ)
            for warning in environment.warnings:
                print(f"{PROG}: warning: {warning}", file=sys.stderr, flush=True)
            default_map["serve"] = environment.deprecated
        result = cli.main(
            args=args, prog_name=PROG, standalone_mode=False, default_map=default_map
        )
    except click.exceptions.NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else error.format_message(), file=sys.stderr)
        return 2
    except click.UsageError as error:
        print(_one_line(error, environment), file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except click.ClickException as error:
        print(f"{PROG}: {error.format_message()}", file=sys.stderr)
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


def _one_line(error: click.UsageError, environment: Any) -> str:
    """`ingram-mock serve: error: --port: 70000 is not a port number (see ... --help)`,
    naming the variable instead of the flag when the value came from one."""
    ctx = error.ctx
    where = ctx.command_path if ctx is not None else PROG
    message = error.format_message()
    missing = isinstance(error, click.MissingParameter)
    if isinstance(error, click.BadParameter) and error.param is not None and not missing:
        param = error.param
        source = ctx.get_parameter_source(param.name) if ctx and param.name else None
        named = param.opts[0] if param.opts else param.human_readable_name
        if source is ParameterSource.ENVIRONMENT and isinstance(param, click.Option):
            named = str(param.envvar)
        elif source is ParameterSource.DEFAULT_MAP and environment is not None:
            named = environment.used_names.get(param.name, named)
        message = f"{named}: {error.message}"
    return f"{where}: error: {message} (see {where} --help)".replace("\n", " ")


if __name__ == "__main__":
    sys.exit(main())
