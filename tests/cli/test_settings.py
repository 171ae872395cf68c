"""Settings as CI configures them: every option has one flag and one INGRAM_MOCK_* variable
named after it, both read by the same validator; old variable names still work with a
warning; an unknown one is reported with the closest real name; and every setting is
checked before anything is served (one line, exit 2, never a traceback after "serving on").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import click.testing
import pytest
import requests

from mock_server.cli import main, serve_settings
from mock_server.config import Settings
from mock_server.config.options import NOT_OPTIONS, Setting, read_environment, serve_options
from mock_server.config.values import (
    ClientSpec,
    Port,
    RateLimit,
    Seconds,
    Store,
    Text,
    Url,
    Whole,
)
from tests.conftest import new_order, order_headers
from tests.live import REPO, start_server

OPTIONS = serve_options()


def sample(option: Setting) -> str:
    """A valid value of the option's kind, other than its default."""
    kind = option.type
    if isinstance(kind, Port):
        return "9001"
    if isinstance(kind, Whole):
        return str(kind.minimum + 7)
    if isinstance(kind, Seconds):
        return "2.5"
    if isinstance(kind, Url):
        return "http://hooks.test/orders"
    if isinstance(kind, Store):
        return "redis://127.0.0.1:1/0"
    if isinstance(kind, RateLimit):
        return "real"
    if isinstance(kind, ClientSpec):
        return "app:secret:20-111111"
    if isinstance(kind, click.Choice):
        return "debug"
    if isinstance(kind, click.Path):
        return "/tmp/ingram-mock-sample"
    assert isinstance(kind, Text | click.types.StringParamType), (option.flag, kind)
    return "sample-text"


def parsed(args: list[str]) -> dict[str, Any]:
    """What `serve ARGS` reads, the serving knobs that are not Settings included."""
    from mock_server.cli import serve_command

    with serve_command.make_context("serve", args) as ctx:
        return dict(ctx.params)


def clear_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith("INGRAM_MOCK_"):
            monkeypatch.delenv(name)


# -- one definition: flag, variable, validator, help ---------------------------------------


def test_every_option_has_the_variable_named_after_its_flag_and_help_naming_both() -> None:
    from mock_server.cli import cli

    runner = click.testing.CliRunner()
    help_text = " ".join(runner.invoke(cli, ["serve", "--help"], terminal_width=400).output.split())
    for option in OPTIONS:
        assert option.variable == "INGRAM_MOCK_" + option.flag[2:].upper().replace("-", "_")
        # The flag's help line, then its variable, before the next option's.
        line = rf"{re.escape(option.flag)}\b(?:(?!\[env var:).)*\[env var: {option.variable}[;\]]"
        assert option.help and re.search(line, help_text), option.flag


def test_every_setting_is_filled_by_exactly_one_option() -> None:
    filled = [option.field for option in OPTIONS if option.field is not None]
    assert len(filled) == len(set(filled))
    assert set(filled) | NOT_OPTIONS == {f.name for f in fields(Settings)}


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.flag)
def test_the_variable_sets_what_the_flag_sets(
    option: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_environment(monkeypatch)
    value = "1" if option.is_flag else sample(option)
    by_flag = parsed([option.flag] if option.is_flag else [option.flag, value])
    monkeypatch.setenv(option.variable, value)
    by_variable = parsed([])
    assert by_variable == by_flag
    assert by_variable != parsed_without(option, monkeypatch)


def parsed_without(option: Setting, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv(option.variable)
    return parsed([])


def test_a_flag_wins_over_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_environment(monkeypatch)
    monkeypatch.setenv("INGRAM_MOCK_SHIP_AFTER", "60")
    assert serve_settings().ship_after_seconds == 60
    assert serve_settings(["--ship-after", "5"]).ship_after_seconds == 5


@pytest.mark.parametrize(
    "option", [o for o in OPTIONS if o.old_variable], ids=lambda o: str(o.old_variable)
)
def test_old_variable_names_are_still_read_with_a_warning_naming_the_new(
    option: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_environment(monkeypatch)
    assert option.old_variable is not None
    if option.invert:  # INGRAM_MOCK_REQUIRE_AUTH=0 is INGRAM_MOCK_NO_AUTH=1
        old_value, new_args = "0", [option.flag]
    else:
        old_value = sample(option)
        new_args = [option.flag, old_value]
    monkeypatch.setenv(option.old_variable, old_value)
    environment = read_environment(os.environ)
    assert environment.warnings == [
        f"{option.old_variable} is deprecated: use {option.variable}"
        + (" (yes/no the other way round)" if option.invert else "")
    ]
    assert serve_settings() == serve_settings(new_args)
    # The new name wins, and the old one is said to be ignored.
    monkeypatch.setenv(option.variable, "0" if option.is_flag else sample(option))
    assert "ignored" in read_environment(os.environ).warnings[0]


def test_an_unknown_variable_is_reported_with_the_closest_real_name() -> None:
    warnings = read_environment(
        {
            "INGRAM_MOCK_SHIP_AFTR": "60",
            "INGRAM_MOCK_WEBHOK_URL": "http://x",
            "INGRAM_MOCK_NONSENSE_ENTIRELY": "1",
            "INGRAM_MOCK_TEST_REDIS": "redis://x",  # the project's own test suite's
            "INGRAM_MOCK_PORT": "1",
            "OTHER": "x",
        }
    ).warnings
    assert warnings == [
        "INGRAM_MOCK_NONSENSE_ENTIRELY is not a setting and is ignored",
        "INGRAM_MOCK_SHIP_AFTR is not a setting and is ignored; "
        "did you mean INGRAM_MOCK_SHIP_AFTER?",
        "INGRAM_MOCK_WEBHOK_URL is not a setting and is ignored; "
        "did you mean INGRAM_MOCK_WEBHOOK_URL?",
    ]


@pytest.mark.live
def test_ci_style_configuration_by_environment_is_honoured_and_said(tmp_path: Path) -> None:
    env = {
        "INGRAM_MOCK_SHIP_AFTER": "60",  # the flag's name: once silently ignored
        "INGRAM_MOCK_NO_AUTH": "1",
        "INGRAM_MOCK_DELIVER_AFTER_SECONDS": "30",  # an old name, with a warning
        "INGRAM_MOCK_RESTOCK_AFTR": "5",  # a typo, reported
    }
    server = start_server(env=env)
    try:
        headers = order_headers("not-needed")
        del headers["Authorization"]
        created = requests.post(
            f"{server.base_url}/resellers/v6/orders", json=new_order(), headers=headers, timeout=5
        )
        assert created.status_code == 201, created.text
        number = created.json()["orders"][0]["ingramOrderNumber"]
        assert requests.post(
            f"{server.base_url}/__admin/clock", json={"advanceSeconds": 61}, timeout=5
        ).ok
        details = requests.get(
            f"{server.base_url}/resellers/v6.1/orders/{number}", headers=headers, timeout=5
        ).json()
        assert details["orderStatus"] == "Shipped"
        assert requests.post(
            f"{server.base_url}/__admin/clock", json={"advanceSeconds": 31}, timeout=5
        ).ok
        details = requests.get(
            f"{server.base_url}/resellers/v6.1/orders/{number}", headers=headers, timeout=5
        ).json()
        assert details["orderStatus"] == "Delivered"
    finally:
        code, output = server.stop()
    assert code == 0, output
    assert (
        "ingram-mock: warning: INGRAM_MOCK_DELIVER_AFTER_SECONDS is deprecated: "
        "use INGRAM_MOCK_DELIVER_AFTER" in output
    )
    assert (
        "ingram-mock: warning: INGRAM_MOCK_RESTOCK_AFTR is not a setting and is ignored; "
        "did you mean INGRAM_MOCK_RESTOCK_AFTER?" in output
    )


# -- every setting checked before anything is served ---------------------------------------


def refused(args: list[str], env: dict[str, str] | None = None, code: str = "") -> str:
    """Run `serve ARGS`; it must stop before serving: exit 2, one line. Returns the line."""
    command = [sys.executable, "-m", "mock_server.cli"] if not code else [
        sys.executable,
        "-c",
        code + "\nfrom mock_server.cli import main\nsys.exit(main(sys.argv[1:]))",
    ]
    done = subprocess.run(
        [*command, "serve", "--host", "127.0.0.1", "--port", "0", "--quiet", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, **(env or {})},
    )
    assert "serving on" not in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INGRAM_MOCK_WEBHOOK_ATTEMPTS", "0"),
        ("INGRAM_MOCK_WEBHOOK_TIMEOUT", "0"),
        ("INGRAM_MOCK_WEBHOOK_TIMEOUT", "-1"),
        ("INGRAM_MOCK_WEBHOOK_BACKOFF", "-0.5"),
        ("INGRAM_MOCK_SHIP_AFTER", "-5"),
        ("INGRAM_MOCK_READ_TIMEOUT", "inf"),
    ],
)
def test_a_bad_value_from_the_environment_is_refused_before_serving(
    variable: str, value: str
) -> None:
    assert refused([], {variable: value}).startswith(f"ingram-mock serve: error: {variable}: ")


def test_ship_after_below_zero_is_refused() -> None:
    assert "--ship-after: -5 is not 0 or more" in refused(["--ship-after", "-5"])


def test_a_missing_fixtures_folder_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-fixtures"
    assert refused(["--fixtures-dir", str(missing)]) == (
        f"ingram-mock: --fixtures-dir {missing}: no such folder"
    )
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "catalog.json").write_text("{not json")
    line = refused(["--fixtures-dir", str(broken)])
    assert line.startswith(f"ingram-mock: --fixtures-dir {broken}: ")


def test_a_redis_store_without_the_redis_package_is_refused() -> None:
    line = refused(
        ["--store", "redis://127.0.0.1:1/0"], code="import sys; sys.modules['redis'] = None"
    )
    assert "--store redis://... needs the redis package" in line
    assert "pip install '.[redis]'" in line


def test_a_state_file_that_could_not_be_saved_or_restored_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "state.json"
    assert f"--state-file {missing}: no folder" in refused(["--state-file", str(missing)])
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    under_a_file = a_file / "state.json"
    line = refused(["--state-file", str(under_a_file)])
    assert f"--state-file {under_a_file}: no folder" in line
    # sysfs takes no new file, not even from root: an unwritable folder wherever tests run.
    unwritable = Path("/sys/ingram-mock-state.json")
    assert "cannot write in /sys" in refused(["--state-file", str(unwritable)])
    not_a_snapshot = tmp_path / "notes.json"
    not_a_snapshot.write_text('{"kind": "something-else"}')
    line = refused(["--state-file", str(not_a_snapshot)])
    assert f"--state-file {not_a_snapshot}: cannot restore it: not an ingram-mock" in line


def test_a_missing_contract_or_faults_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    line = refused(["--contract", str(missing)])
    assert line == f"ingram-mock: --contract {missing}: no such file"
    assert refused(["--faults", str(missing)]).startswith(f"ingram-mock: --faults {missing}: ")


def test_main_returns_2_for_a_setting_that_cannot_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--client", "a:b:20-1", "--client", "a:c:20-2"]) == 2
    assert "client 'a' is registered twice" in capsys.readouterr().err
