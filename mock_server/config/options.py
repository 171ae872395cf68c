"""The one definition of every `ingram-mock serve` option, and the Settings they fill.

Each option is defined once, in `serve_options()`, as a click option: its flag, the
environment variable named after the flag (`--ship-after` and `INGRAM_MOCK_SHIP_AFTER`),
one validator (`config.values`) and one help line, which `--help` shows with the variable
and the default. The README's table of serving options is generated from the same
definition (`options_table`; tests/docs/test_readme_options.py holds the two equal).
Variable names that followed the internal field names before (`INGRAM_MOCK_SHIP_AFTER_SECONDS`,
`INGRAM_MOCK_REQUIRE_AUTH=0`) are still read, with a warning naming the new one; any other
unknown `INGRAM_MOCK_*` variable is reported at start with the closest real name.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click

from mock_server.config import ENV_PREFIX, ConfigError, Settings
from mock_server.config.values import (
    LOG_LEVELS,
    ClientSpec,
    Port,
    RateLimit,
    Seconds,
    Store,
    Text,
    Url,
    Whole,
    YesNo,
    metavar,
)

# Variables under this prefix belong to the project's own test suite (tests/redis_support.py).
_TEST_PREFIX = "INGRAM_MOCK_TEST_"
# Settings no option sets: `serve` always runs its background threads.
NOT_OPTIONS = frozenset({"background_workers"})


class Setting(click.Option):
    """A `serve` option: its flag, the variable named after the flag, the Settings field it
    fills (`invert`: a flag that turns the field off), one validator and one help line."""

    def __init__(
        self,
        flag: str,
        *,
        field: str | None,
        help: str,
        invert: bool = False,
        default: Any = None,
        show_default: str | bool = True,
        **kwargs: Any,
    ) -> None:
        name = flag.lstrip("-").replace("-", "_")
        self.field = field
        self.invert = invert
        if field is not None and default is None:
            default = False if invert else _SETTINGS_DEFAULTS[field]
        if kwargs.get("is_flag"):
            kwargs["type"] = YesNo()
        super().__init__(
            [flag, field if field is not None and not invert else name],
            envvar=ENV_PREFIX + name.upper(),
            show_envvar=True,
            help=help,
            default=default,
            show_default=show_default,
            **kwargs,
        )
        if self.metavar is None and not self.is_flag:
            self.metavar = metavar(self.type)

    @property
    def flag(self) -> str:
        return self.opts[0]

    @property
    def variable(self) -> str:
        return str(self.envvar)

    @property
    def old_variable(self) -> str | None:
        """The name the variable had when names followed the Settings fields, if different."""
        if self.field is None:
            return None
        old = ENV_PREFIX + self.field.upper()
        return None if old == self.variable else old


_SETTINGS_DEFAULTS: dict[str, Any] = {
    f.name: getattr(Settings(), f.name) for f in fields(Settings)
}


def serve_options() -> list[Setting]:
    """Every `ingram-mock serve` option, in the order `--help` and the README list them."""
    seconds, seconds_or_zero = Seconds(zero=False), Seconds(zero=True)
    return [
        Setting("--host", field="host", type=Text(), help="address to listen on"),
        Setting("--port", field="port", type=Port(), help="port; 0 picks a free one"),
        Setting(
            "--strict",
            field="strict",
            is_flag=True,
            help="refuse requests with unknown fields (400) instead of recording them",
        ),
        Setting(
            "--fail-on-violations",
            field="fail_on_violations",
            is_flag=True,
            help="exit 1 at shutdown if any contract violation was recorded",
        ),
        Setting(
            "--violations-report",
            field="violations_report",
            type=click.Path(dir_okay=False, path_type=Path),
            show_default="none",
            help="append each contract violation to this file as a JSON line",
        ),
        Setting(
            "--no-auth",
            field="require_auth",
            invert=True,
            is_flag=True,
            help="accept order calls without a bearer token",
        ),
        Setting(
            "--client-id",
            field="client_id",
            show_default="any",
            help="only this client id gets tokens (with --client-secret)",
        ),
        Setting(
            "--client-secret",
            field="client_secret",
            show_default="any",
            help="the secret --client-id must send",
        ),
        Setting(
            "--client",
            field="clients",
            type=ClientSpec(),
            multiple=True,
            show_default="none",
            help="credentials registered to a customer number, whose tokens act for it only "
            "(repeatable; the variable lists several, comma separated)",
        ),
        Setting(
            "--token-ttl",
            field="token_ttl_seconds",
            type=Whole(1),
            help="seconds a token lasts (the real API's 24 h)",
        ),
        Setting(
            "--admin-token",
            field="admin_token",
            show_default="none",
            help="/__admin requires this token (Bearer or X-Admin-Token)",
        ),
        Setting(
            "--ship-after",
            field="ship_after_seconds",
            type=Whole(0),
            help="mock seconds from release to shipment",
        ),
        Setting(
            "--deliver-after",
            field="deliver_after_seconds",
            type=Whole(0),
            help="mock seconds from shipment to delivery",
        ),
        Setting(
            "--restock-after",
            field="restock_after_seconds",
            type=Whole(0),
            help="mock seconds until backordered stock arrives",
        ),
        Setting(
            "--webhook-url",
            field="webhook_url",
            type=Url(),
            show_default="none",
            help="receiver of every customer's order events",
        ),
        Setting(
            "--webhook-secret",
            field="webhook_secret",
            show_default="none",
            help="shared secret of its x-hub-signature",
        ),
        Setting(
            "--webhook-attempts",
            field="webhook_attempts",
            type=Whole(1),
            help="attempts per event before it is a dead letter",
        ),
        Setting(
            "--webhook-backoff",
            field="webhook_backoff",
            type=seconds_or_zero,
            help="seconds before the first retry, doubling after each failure",
        ),
        Setting(
            "--webhook-max-backoff",
            field="webhook_max_backoff",
            type=seconds_or_zero,
            help="longest wait between two attempts, in seconds",
        ),
        Setting(
            "--webhook-timeout",
            field="webhook_timeout",
            type=seconds,
            help="seconds for the whole of one attempt: connect, send, answer",
        ),
        Setting(
            "--fixtures-dir",
            field="fixtures_dir",
            type=click.Path(file_okay=False, path_type=Path),
            show_default="the bundled fixtures/",
            help="folder of catalog, regions, quotes and accounts",
        ),
        Setting(
            "--contract",
            field="contract_path",
            type=click.Path(dir_okay=False, path_type=Path),
            show_default="the bundled contracts/orders-api.json",
            help="OpenAPI document requests are checked against",
        ),
        Setting(
            "--journal-size",
            field="journal_size",
            type=Whole(1),
            help="requests and violations kept for /__admin (the oldest go first)",
        ),
        Setting(
            "--journal-bytes",
            field="journal_bytes",
            type=Whole(256 * 1024),
            help="bytes the request journal may keep: bodies plus ~2 KiB an entry",
        ),
        Setting(
            "--no-journal-bodies",
            field="journal_bodies",
            invert=True,
            is_flag=True,
            help="keep no request and response bodies in the journal (load work)",
        ),
        Setting(
            "--quiet",
            field="request_log",
            invert=True,
            is_flag=True,
            help="no console line per request",
        ),
        Setting(
            "--log-level",
            field=None,
            type=click.Choice(LOG_LEVELS, case_sensitive=False),
            default="warning",
            help="granian's log level",
        ),
        Setting(
            "--threads",
            field=None,
            type=Whole(1),
            default=1,
            help="ignored (the front reads bodies on the event loop); kept for old scripts",
        ),
        Setting(
            "--read-timeout",
            field="read_timeout_seconds",
            type=seconds,
            help="seconds a request's headers, then its body, may take to arrive (408)",
        ),
        Setting(
            "--rate-limit",
            field="rate_limit",
            type=RateLimit(),
            help="count (X-RateLimit-* headers, never refused), real (60 GETs a minute per "
            "endpoint per client, then 429) or N calls a minute, enforced",
        ),
        Setting(
            "--maintenance",
            field="maintenance",
            is_flag=True,
            help="start inside a maintenance window (DELETE /__admin/maintenance ends it)",
        ),
        Setting(
            "--faults",
            field="faults_file",
            type=click.Path(dir_okay=False, path_type=Path),
            show_default="none",
            help='JSON file of fault rules to start with (a list, or {"rules": [...]})',
        ),
        Setting(
            "--overrides",
            field="overrides_file",
            type=click.Path(dir_okay=False, path_type=Path),
            show_default="none",
            help="JSON file of override rules to start with; a reset keeps them",
        ),
        Setting(
            "--seed",
            field="seed",
            type=Whole(0),
            help="seed of the random source fault probabilities draw from",
        ),
        Setting(
            "--store",
            field="store",
            type=Store(),
            help="memory, or redis://HOST:PORT/DB: one state for every process naming it",
        ),
        Setting(
            "--store-namespace",
            field="store_namespace",
            type=Text(),
            help="Redis key prefix: several mocks on one Redis",
        ),
        Setting(
            "--workers",
            field="workers",
            type=Whole(1),
            help="server processes (above 1 needs --store redis://...)",
        ),
        Setting(
            "--shared-claim-seconds",
            field="shared_claim_seconds",
            type=seconds,
            help="seconds before another process takes over a v7 submission whose process died",
        ),
        Setting(
            "--state-file",
            field="state_file",
            type=click.Path(dir_okay=False, path_type=Path),
            show_default="none",
            help="restore the state from this file at start; save it there while serving",
        ),
        Setting(
            "--state-save-interval",
            field="state_save_interval",
            type=seconds_or_zero,
            help="seconds between saves of --state-file (0: only at exit)",
        ),
    ]


def settings_from(params: Mapping[str, Any]) -> Settings:
    """The Settings that parsed `serve` options give (the request log is on unless --quiet;
    the background threads always are)."""
    values: dict[str, Any] = {"background_workers": True}
    for option in serve_options():
        if option.field is None or option.name is None:
            continue
        value = params[option.name]
        if option.invert:
            value = not value
        elif option.multiple:
            value = tuple(value)
        values[option.field] = value
    return Settings(**values)


# -- the environment ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Environment:
    """What the INGRAM_MOCK_* variables say beyond what click reads by itself."""

    # Values of the old variable names, by option name (they go in as click's default_map,
    # so a variable of the new name, or a flag, wins over them).
    deprecated: dict[str, Any]
    used_names: dict[str, str]  # option name -> the old variable its value came from
    warnings: list[str]


def read_environment(env: Mapping[str, str]) -> Environment:
    """Old variable names (read, with a warning naming the new one) and unknown ones (a
    warning naming the closest real one). Raises ConfigError for an old flag variable that
    is not a yes/no value."""
    options = serve_options()
    current = {option.variable for option in options}
    old = {option.old_variable: option for option in options if option.old_variable}
    deprecated: dict[str, Any] = {}
    used: dict[str, str] = {}
    warnings: list[str] = []
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in current or name.startswith(_TEST_PREFIX):
            continue
        option = old.get(name)
        if option is None:
            # Compared without the prefix every name shares, which would make all look alike.
            known = {known[len(ENV_PREFIX) :]: known for known in current | set(old)}
            close = difflib.get_close_matches(name[len(ENV_PREFIX) :], sorted(known), n=1)
            hint = f"; did you mean {_current_name(known[close[0]], old)}?" if close else ""
            warnings.append(f"{name} is not a setting and is ignored{hint}")
            continue
        raw = env[name]
        ignored = option.variable in env
        instead = option.variable + (" (yes/no the other way round)" if option.invert else "")
        warnings.append(
            f"{name} is deprecated: use {instead}"
            + (f"; ignored: {option.variable} is set" if ignored else "")
        )
        if ignored or option.name is None:
            continue
        value: Any = raw
        if option.invert:  # INGRAM_MOCK_REQUIRE_AUTH=0 is --no-auth
            try:
                value = not YesNo().convert(raw, None, None)
            except click.BadParameter as error:
                raise ConfigError(f"{name}: {error.message}") from None
        elif option.multiple:
            value = list(ClientSpec().split_envvar_value(raw))
        deprecated[option.name] = value
        used[option.name] = name
    return Environment(deprecated, used, warnings)


def _current_name(name: str, old: Mapping[str, Setting]) -> str:
    option = old.get(name)
    return option.variable if option is not None else name


def options_table() -> str:
    """The README's table of serving options, generated from the one definition."""
    rows = ["| flag | variable | default | what |", "|---|---|---|---|"]
    for option in serve_options():
        flag = option.flag if option.is_flag else f"{option.flag} {option.metavar}"
        flag = flag.replace("|", "\\|")  # a table cell, code span or not
        variable = f"`{option.variable}`"
        if option.old_variable:
            variable += f" (formerly `{option.old_variable}`)"
        what = (option.help or "").replace("|", "\\|")
        rows.append(f"| `{flag}` | {variable} | {_default_text(option)} | {what} |")
    return "\n".join(rows)


def _default_text(option: Setting) -> str:
    if isinstance(option.show_default, str):
        return option.show_default
    if option.is_flag:
        return "off"
    return f"`{option.default}`"
