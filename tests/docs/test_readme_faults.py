"""The README's fault rehearsal pastes into bash and does what its comments say."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request

import pytest

from mock_server.testing import IngramMock
from tests.docs.test_readme import block

pytestmark = pytest.mark.live


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="bash and curl")
def test_the_fault_rehearsal_runs_as_its_comments_say() -> None:
    script = block("faults")
    promised = re.findall(r"^create \S+ +# -> (\d{3})", script, re.M)
    assert promised == ["503", "201", "502", "400"]
    with IngramMock() as mock:
        done = subprocess.run(
            ["bash", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "BASE": mock.url},
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        statuses = [line[3:] for line in done.stdout.splitlines() if line.startswith("-> ")]
        assert statuses == promised, done.stdout
        listing = next(line for line in done.stdout.splitlines() if '"faults"' in line)
        listed = json.loads(listing)
        assert [r["fired"] for r in listed["faults"]] == [1, 1, 0, 0]
        with urllib.request.urlopen(f"{mock.url}/__admin/faults", timeout=5) as answer:
            assert json.load(answer)["faults"] == []  # the last line removed them all
