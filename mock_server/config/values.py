"""The validators of `serve` options: one click parameter type per kind of value. Each
refuses a bad value with one line saying what is expected; the CLI names the flag or the
environment variable it came from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import click

from mock_server.config import ConfigError, port_number

if TYPE_CHECKING:  # generic in click's type hints only since 8.5
    _Type: TypeAlias = click.ParamType[Any]
else:
    _Type = click.ParamType

# Every command's help: -h too, and lines as wide as the code's.
CLI_CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Port(_Type):
    name = "port"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            value = str(value)
        try:
            return port_number(str(value).strip())
        except ConfigError as error:
            self.fail(str(error), param, ctx)


class Whole(_Type):
    """A whole number, at least `minimum`."""

    name = "integer"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        try:
            number = value if type(value) is int else int(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a whole number", param, ctx)
        if number < self.minimum:
            self.fail(f"{number} is not {self.minimum} or more", param, ctx)
        return number


class Seconds(_Type):
    """A finite number of seconds: above 0, or 0 and more."""

    name = "seconds"

    def __init__(self, *, zero: bool) -> None:
        self.zero = zero

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or number < 0 or (number == 0 and not self.zero):
            expected = "0 or more" if self.zero else "above 0"
            self.fail(f"{value!r} is not a number of seconds {expected}", param, ctx)
        return number


class YesNo(click.types.BoolParamType):
    """A flag's variable: 1/0, true/false, yes/no, on/off."""

    def convert(self, value: Any, param: Any, ctx: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off", ""):
            return False
        self.fail(f"{value!r} is not a yes/no value (1/0, true/false, yes/no, on/off)", param, ctx)


class RateLimit(_Type):
    name = "count|real|N"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from mock_server.gateway.rate_limits import RatePolicy

        try:
            RatePolicy.parse(str(value))
        except ValueError:
            self.fail(f"takes count, real or a positive number, not {value!r}", param, ctx)
        return str(value).strip()


class ClientSpec(_Type):
    """`ID:SECRET:CUSTOMER`; the variable lists several, separated by commas or spaces."""

    name = "ID:SECRET:CUSTOMER"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from mock_server.gateway.tokens import ClientApp

        try:
            ClientApp.parse(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return str(value).strip()

    def split_envvar_value(self, rv: str) -> Sequence[str]:
        return [item for item in rv.replace(",", " ").split() if item]


class Url(_Type):
    name = "URL"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value).strip()
        if text and not text.startswith(("http://", "https://")):
            self.fail(f"{text!r} is not an http(s) URL", param, ctx)
        return text


class Store(_Type):
    name = "memory|redis://HOST:PORT/DB"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value).strip()
        if text != "memory" and not text.startswith(("redis://", "rediss://", "unix://")):
            self.fail(f"must be 'memory' or a redis:// URL, not {text!r}", param, ctx)
        return text


class Text(_Type):
    name = "text"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value)
        if not text.strip():
            self.fail("must not be empty", param, ctx)
        return text


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def metavar(kind: _Type) -> str:
    """How `--help` and the README show a value of this kind."""
    if isinstance(kind, click.Path):
        return "DIR" if not kind.file_okay else "FILE"
    if isinstance(kind, click.Choice):
        return "|".join(str(choice) for choice in kind.choices)
    return kind.name if not kind.name.isalpha() else kind.name.upper()
