"""The README's "Rehearse a reset" pastes into bash, against a live mock, and prints what its
`# -> ...` comments promise: the resets as curl and Python's http.client see them, the
order absent after a reset before the use case and present after an afterCommit one."""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.request

import pytest

from mock_server.testing import IngramMock
from tests.docs.test_readme import block, run_block

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(sys.platform != "linux", reason="connection faults are Linux-only"),
]


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="bash and curl")
def test_the_reset_rehearsal_runs_as_its_comments_say() -> None:
    script = block("reset")
    promised = re.findall(r"# -> (.+)$", script, re.M)
    assert promised == [
        "curl exit 56",
        "204",
        "ConnectionResetError",
        "200",
        "curl exit 52",
        "curl exit 1",
        "curl exit 18",
    ]
    with IngramMock() as mock:
        stdout = run_block(script, mock.url)
        assert stdout.splitlines() == promised
        with urllib.request.urlopen(f"{mock.url}/__admin/health", timeout=5) as answer:
            assert json.load(answer)["orders"] == 1  # only the afterCommit create stored one
        with urllib.request.urlopen(f"{mock.url}/__admin/faults", timeout=5) as answer:
            assert json.load(answer)["faults"] == []  # the last line removed them all
