"""The import rules ARCHITECTURE.md states, checked on the source: a rule that is not
checked erodes with the next hurried change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mock_server"
IO_LIBRARIES = {"flask", "werkzeug", "granian", "urllib", "requests", "socket", "http", "orjson"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    name = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
    return found


MODULES = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def offenders(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    result = {}
    for name, deps in MODULES.items():
        if name == layer or name.startswith(layer + "."):
            bad = sorted(d for d in deps if d.startswith(forbidden))
            if bad:
                result[name] = bad
    return result


def test_the_package_was_found() -> None:
    assert "mock_server.domain.service" in MODULES and "mock_server.http.orders" in MODULES


def test_the_domain_imports_only_the_domain_and_no_io() -> None:
    for name, deps in MODULES.items():
        if not name.startswith("mock_server.domain"):
            continue
        inner = {d for d in deps if d.startswith("mock_server")}
        assert all(d.startswith("mock_server.domain") for d in inner), (name, inner)
        assert not {d.split(".")[0] for d in deps} & IO_LIBRARIES, (name, deps)


@pytest.mark.parametrize(
    "adapter",
    [
        "mock_server.store.memory",
        "mock_server.rehearsal.clock",
        "mock_server.webhooks",
        "mock_server.intake.service",
        "mock_server.rehearsal.journal",
        "mock_server.gateway.tokens",
        "mock_server.store.fixtures",
        "mock_server.contract.document",
        "mock_server.contract.refs",
        "mock_server.wire.conventions",
        "mock_server.wire.orders",
        "mock_server.gateway.rate_limits",
        "mock_server.config",
        "mock_server.rehearsal.control",
        "mock_server.rehearsal.faults",
        "mock_server.rehearsal.timelines",
        "mock_server.rehearsal.browse",
        "mock_server.store.codec",
        "mock_server.rehearsal.snapshots",
        "mock_server.shared",
    ],
)
def test_adapters_never_import_http_app_cli_or_wiring(adapter: str) -> None:
    forbidden = ("mock_server.http", "mock_server.app", "mock_server.cli", "mock_server.bootstrap")
    assert offenders(adapter, forbidden) == {}


def test_wiring_never_imports_http() -> None:
    assert offenders("mock_server.bootstrap", ("mock_server.http", "mock_server.app")) == {}


def test_http_never_imports_the_app_or_the_cli() -> None:
    assert offenders("mock_server.http", ("mock_server.app", "mock_server.cli")) == {}


def test_the_server_never_imports_the_tools() -> None:
    tools = ("mock_server.harness", "mock_server.testing")
    for name, deps in MODULES.items():
        if name.startswith(tools) or name == "mock_server.cli":
            continue  # the CLI loads the tools lazily, by design
        assert not [d for d in deps if d.startswith(tools)], name


def test_the_tools_never_import_the_domain_or_the_app() -> None:
    forbidden = ("mock_server.domain", "mock_server.app", "mock_server.http", "mock_server.store")
    assert offenders("mock_server.harness", forbidden) == {}
    assert offenders("mock_server.testing", forbidden) == {}
