"""The package installs as the README says and serves from the install alone.

A wheel is built from this tree (offline: hatchling from the dev environment, no build
isolation) and installed into a fresh virtualenv. Its dependencies come from this
environment, but only those the wheel declares (and theirs): each one's installed files are
linked into the new virtualenv, so a dependency the wheel forgot to declare, or a file it
forgot to bundle (the contract, the fixtures, the docs page's template), fails here. The
server then runs from that virtualenv, in a folder outside the tree, and must answer.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
import requests
from packaging.requirements import Requirement

from tests.conftest import new_order, order_headers
from tests.live import REPO

pytestmark = pytest.mark.live

_BANNER = re.compile(r"^ingram-mock serving on (http://\S+)$")


def _run(*command: str | Path, cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH or virtualenv of ours leaks into the installed one's processes."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _requirements(requires: list[str] | None, extras: set[str]) -> list[Requirement]:
    chosen = []
    for text in requires or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras | {""}):
            chosen.append(requirement)
    return chosen


def _link_dependencies(wheel: Path, site: Path) -> list[str]:
    """Link the files of every distribution the wheel needs (transitively, extras of a
    requirement included) from this environment into `site`. Returns their names."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode()
    declared = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:")
    ]
    pending = _requirements(declared, set())
    linked: dict[str, None] = {}
    while pending:
        requirement = pending.pop()
        key = requirement.name.lower().replace("_", "-")
        if key in linked:
            continue
        dist = metadata.distribution(requirement.name)
        assert dist.version in requirement.specifier or not requirement.specifier, (
            f"{requirement} but {dist.version} is installed"
        )
        linked[key] = None
        root = Path(str(dist.locate_file("")))
        for file in dist.files or []:
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue  # scripts in bin/, and bytecode
            source, target = root / file, site / file
            if not source.exists() or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
        pending += _requirements(dist.requires, set(requirement.extras))
    return list(linked)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtualenv holding the wheel built from this tree; yields its bin/ folder."""
    work = tmp_path_factory.mktemp("install")
    dist = work / "dist"
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", REPO, "--no-deps", "--no-build-isolation", "-q", "-w", dist, cwd=work)
    (wheel,) = dist.glob("ingram_orders_mock-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for bundled in (
        "mock_server/_data/contracts/orders-api.json",
        "mock_server/_data/fixtures/catalog.json",
        "mock_server/http/templates/docs.html",
        "mock_server/__main__.py",
    ):
        assert bundled in names, f"{bundled} is not in the wheel"
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=work)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(python, "-c", purelib, cwd=work).strip())
    linked = _link_dependencies(wheel, site)
    assert "flask" in linked and "granian" in linked
    assert "pytest" not in linked and "ruff" not in linked and "redis" not in linked
    yield venv / "bin"


def test_the_installed_package_is_the_wheels_not_the_tree(installed: Path, tmp_path: Path) -> None:
    where = _run(
        installed / "python", "-c", "import mock_server; print(mock_server.__file__)", cwd=tmp_path
    )
    assert where.startswith(str(installed.parent)), where
    assert _run(installed / "ingram-mock", "--version", cwd=tmp_path).startswith("ingram-mock ")
    assert _run(installed / "python", "-m", "mock_server", "--version", cwd=tmp_path).startswith(
        "ingram-mock "
    )


def test_the_installed_command_serves_with_the_bundled_contract_and_fixtures(
    installed: Path, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [str(installed / "ingram-mock"), "serve", "--host", "127.0.0.1", "--port", "0", "--quiet"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**_clean_env(), "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        found = _BANNER.match(first)
        assert found, first
        url = found.group(1)
        assert requests.get(f"{url}/__admin/health", timeout=5).json()["status"] == "ok"
        token = requests.get(
            f"{url}/oauth/oauth20/token",
            params={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
            timeout=5,
        ).json()["access_token"]
        created = requests.post(
            f"{url}/resellers/v6/orders",
            json=new_order(po="PO-FROM-WHEEL"),
            headers=order_headers(token),
            timeout=5,
        )
        assert created.status_code == 201, created.text  # the catalog and the contract
        assert requests.get(f"{url}/docs", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def _make_plan(target: str, venv: Path) -> list[str]:
    """The commands `make TARGET` would run on a machine without the virtualenv yet."""
    done = subprocess.run(
        ["make", "-n", "-B", "-C", str(REPO), target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if "pip install" in line]


def test_make_run_installs_what_serving_needs_and_make_test_the_toolchain(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run = _make_plan("run", venv)
    assert any(line.endswith("pip install --quiet -e .") for line in run), run
    assert not any("[dev]" in line for line in run), run
    test = _make_plan("test", venv)
    assert any(line.endswith("pip install --quiet -e '.[dev]'") for line in test), test
