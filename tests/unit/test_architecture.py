"""The import rules ARCHITECTURE.md states, checked on the source: a rule that is not
checked erodes with the next hurried change. The layers are read off the folders of
`mock_server/`, not listed by hand: a new concern folder is checked the day it appears."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mock_server"
IO_LIBRARIES = {"flask", "werkzeug", "granian", "urllib", "requests", "socket", "http", "orjson"}

DOMAIN = "domain"
EDGE = "http"
HOSTS = ("server",)
TOOLS = ("harness", "testing")
WIRING = ("config", "bootstrap")  # the settings (a folder) and the wiring (a module)
TOP_LEVEL = {"app", "bootstrap", "cli"}  # besides __init__ and __main__
# Every other folder is a concern: its memory and Redis versions side by side.
FOLDERS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
CONCERNS = [f for f in FOLDERS if f not in (DOMAIN, EDGE, *HOSTS, *TOOLS, *WIRING)]


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
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def _pkg(name: str) -> str:
    return f"mock_server.{name}"


def offenders(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    result = {}
    for name, deps in MODULES.items():
        if name == layer or name.startswith(layer + "."):
            bad = sorted(
                d for d in deps if any(d == f or d.startswith(f + ".") for f in forbidden)
            )
            if bad:
                result[name] = bad
    return result


def test_the_tree_is_what_the_layers_say() -> None:
    assert {DOMAIN, EDGE, *HOSTS, *TOOLS, "config"} <= set(FOLDERS)
    assert len(CONCERNS) >= 5, CONCERNS
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert top == TOP_LEVEL, "only the app, its wiring, the CLI and settings sit at the top"


def test_the_domain_imports_only_the_domain_and_no_io() -> None:
    for name, deps in MODULES.items():
        if not name.startswith(_pkg(DOMAIN)):
            continue
        inner = {d for d in deps if d.startswith("mock_server")}
        assert all(d.startswith(_pkg(DOMAIN)) for d in inner), (name, inner)
        assert not {d.split(".")[0] for d in deps} & IO_LIBRARIES, (name, deps)


@pytest.mark.parametrize("concern", CONCERNS)
def test_concerns_never_import_the_edge_the_hosts_or_the_wiring(concern: str) -> None:
    forbidden = tuple(_pkg(n) for n in (EDGE, *HOSTS, "app", "cli", "bootstrap"))
    assert offenders(_pkg(concern), forbidden) == {}


def test_wiring_never_imports_the_edge_or_the_hosts() -> None:
    forbidden = tuple(_pkg(n) for n in (EDGE, *HOSTS, "app", "cli"))
    for wiring in WIRING:
        assert offenders(_pkg(wiring), forbidden) == {}


def test_the_edge_never_imports_the_hosts() -> None:
    assert offenders(_pkg(EDGE), tuple(_pkg(n) for n in (*HOSTS, "app", "cli"))) == {}


def test_the_server_never_imports_the_tools() -> None:
    tools = tuple(_pkg(t) for t in TOOLS)
    for name, deps in MODULES.items():
        if name.startswith(tools) or name == _pkg("cli"):
            continue  # the CLI loads the tools lazily, by design
        assert not [d for d in deps if d.startswith(tools)], name


# What the tools may use from inside: the contract, and the one signature function a
# receiver checks events with.
TOOLS_MAY_USE = ("mock_server.contract", "mock_server.config", "mock_server.webhooks.signing")


def test_the_tools_never_import_the_inside() -> None:
    inside = (DOMAIN, EDGE, *HOSTS, "app", "bootstrap", "config", *CONCERNS)
    for tool in TOOLS:
        found = offenders(_pkg(tool), tuple(_pkg(n) for n in inside))
        allowed = {
            name: bad
            for name, deps in found.items()
            if (bad := [d for d in deps if not d.startswith(TOOLS_MAY_USE)])
        }
        assert allowed == {}


def test_architecture_md_names_every_folder_and_top_level_module() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)/`", text)) | set(re.findall(r"`([a-z_]+)\.py`", text))
    assert set(FOLDERS) <= named, set(FOLDERS) - named
    assert named >= TOP_LEVEL, TOP_LEVEL - named


def test_the_readme_layout_names_every_folder() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    named = set(re.findall(r"^\s+([a-z_]+)/", layout, re.MULTILINE))
    assert set(FOLDERS) <= named, set(FOLDERS) - named
