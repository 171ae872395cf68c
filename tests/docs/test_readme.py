"""The README's examples run as shown: the curl walkthrough pasted into bash (twice in a row,
against a live mock on 127.0.0.1), and the pytest examples as a user's own suite."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.testing import IngramMock

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live

README = Path(__file__).resolve().parents[2] / "README.md"


def block(name: str) -> str:
    """The fenced code between `<!-- name:start -->` and `<!-- name:end -->`."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name}:start -->\n```\w+\n(.*?)```\n<!-- {name}:end -->", text, re.S)
    assert found, f"README has no {name} block"
    return found.group(1)


@pytest.fixture(scope="module")
def mock() -> Iterator[IngramMock]:
    with IngramMock() as running:
        yield running


STEPS = [
    "201 POST /resellers/v6/orders",
    "200 GET /resellers/v6.1/orders/{order}",
    "200 GET /resellers/v6/orders/search?orderStatus=ON%20HOLD&customerOrderNumber={po}",
    "200 PUT /resellers/v6/orders/{order}",
    "200 PUT /resellers/v6/orders/{order}?actionCode=release",
    "200 POST /__admin/clock",
    "200 GET /resellers/v6.1/orders/{order}",
    "405 DELETE /resellers/v6/orders/{order}",
]



def run_block(script: str, base_url: str) -> str:
    """Run a README bash block against the mock at `base_url` (as `$BASE`): it must end
    well and print nothing on stderr. Its standard output."""
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BASE": base_url},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout

@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="bash and curl")
def test_the_curl_walkthrough_pastes_into_bash_and_runs_twice(mock: IngramMock) -> None:
    script = block("walkthrough")
    orders, pos = [], []
    for _ in range(2):
        stdout = run_block(script, mock.url)
        order = re.search(r"^ORDER=(\S+)$", stdout, re.M)
        po = re.search(r'"customerOrderNumber":"(PO-[^"]+)"', stdout)
        assert order and po, stdout
        statuses = [line[3:] for line in stdout.splitlines() if line.startswith("-> ")]
        assert statuses == [s.format(order=order[1], po=po[1]) for s in STEPS], stdout
        orders.append(order[1])
        pos.append(po[1])
    assert len(set(orders)) == len(set(pos)) == 2  # a fresh PO and a new order each run


def test_the_pytest_examples_run_as_shown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_orders=block("pytest-example"), test_sdk=block("sdk-example"))
    # A subprocess, as a user runs it: the plugin arrives through its entry point alone.
    # Plugins of this venv that a user would not have stay out (they cost seconds to load).
    others = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:faker"]
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *others, timeout=120)
    result.assert_outcomes(passed=3)
