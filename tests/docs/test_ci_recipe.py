"""The README's CI recipe runs as shown: a mock, contract-test against it, a client through the
validating proxy with its traffic recorded, and that traffic replayed and compared. The block
is pasted into bash as it stands; only its two ports are swapped for free loopback ones."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.test_readme import block
from tests.live import free_port

pytestmark = pytest.mark.live

RECIPE_TIMEOUT = 300.0  # seconds; contract-test takes 40 to 60 of them on 2 busy cores


def test_the_ci_recipe_runs_as_written(tmp_path: Path) -> None:
    script = block("ci-recipe")
    mock_port, proxy_port = free_port(), free_port()
    script = script.replace(":8080", f":{mock_port}").replace("--port 8080", f"--port {mock_port}")
    script = script.replace(":8081", f":{proxy_port}").replace(
        "--port 8081", f"--port {proxy_port}"
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # the recipe's background servers share its process group
    )
    try:
        output, _ = process.communicate(timeout=RECIPE_TIMEOUT)
    finally:
        # Whatever the recipe left running (it kills its own servers when it gets that far).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    assert process.returncode == 0, output[-6000:]
    assert "links walked with usable data: 15 / 15" in output, output[-6000:]
    assert "2 exchange(s); 0 client violation(s), 0 server violation(s)" in output, output[-3000:]
    assert "every answer has the recorded shape" in output, output[-3000:]
    assert (tmp_path / "reports" / "contract.xml").is_file()
    assert (tmp_path / "reports" / "proxy.xml").is_file()
    assert len(list((tmp_path / "traffic").glob("*.json"))) == 2
