"""The README's fault rehearsal pastes into bash and does what its comments say."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request

import pytest

from mock_server.testing import IngramMock
from tests.docs.test_readme import block, run_block

pytestmark = pytest.mark.live


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="bash and curl")
def test_the_fault_rehearsal_runs_as_its_comments_say() -> None:
    script = block("faults")
    promised = re.findall(r"^create \S+ +# -> (\d{3})", script, re.M)
    assert promised == ["503", "201", "502", "400"]
    with IngramMock() as mock:
        stdout = run_block(script, mock.url)
        statuses = [line[3:] for line in stdout.splitlines() if line.startswith("-> ")]
        assert statuses == promised, stdout
        listing = next(line for line in stdout.splitlines() if '"faults"' in line)
        listed = json.loads(listing)
        assert [r["fired"] for r in listed["faults"]] == [1, 1, 0, 0]
        with urllib.request.urlopen(f"{mock.url}/__admin/faults", timeout=5) as answer:
            assert json.load(answer)["faults"] == []  # the last line removed them all
