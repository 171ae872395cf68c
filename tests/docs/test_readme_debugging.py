"""The README's "Debugging an integration" examples run as shown: the bash block against a
live mock (and again on the same mock), the pytest example as a user's own suite."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request

import pytest

from mock_server.testing import IngramMock
from tests.docs.test_readme import block, run_block

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live


@pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="bash and curl")
def test_the_debugging_walkthrough_does_what_its_comments_say() -> None:
    script = block("debugging")
    promised = re.findall(r"^create \S+ +# -> (\d{3})", script, re.M)
    assert promised == ["201", "500", "201"]
    with IngramMock() as mock:
        out = run_block(script, mock.url)
        lines = out.splitlines()
        assert [line[3:] for line in lines if line.startswith("-> ")] == promised, out
        # 1. what the client sent: its PO, the answer's status, then the whole entry by id
        sent = re.search(r"^(PO-A-\S+) 201$", out, re.M)
        assert sent, out
        start, end = lines.index("{"), lines.index("}")
        entry = json.loads("\n".join(lines[start : end + 1]))
        assert entry["operationId"] == "createOrderV6"
        assert entry["request"]["body"]["customerOrderNumber"] == sent[1]
        assert entry["request"]["headers"]["authorization"] == "Bearer ***"
        # 2. the rules' ids, the patched answer, the journal naming the rule with its warning
        after = lines[end + 1 :]
        assert after[0] == "o1" and after[3] == "o2", out
        assert after[4] == "Lost in transit"
        assert after[5].startswith("o2 ['override o2: body.orderStatus: ")
        assert after[6] == "[('o2', 1), ('o1', 1)]"
        with urllib.request.urlopen(f"{mock.url}/__admin/overrides", timeout=5) as answer:
            assert json.load(answer)["overrides"] == []  # the last line removed them
        # It pastes again into the same mock: fresh POs, new rule ids.
        again = run_block(script, mock.url)
        assert [line[3:] for line in again.splitlines() if line.startswith("-> ")] == promised


def test_the_debugging_pytest_example_runs_as_shown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_retry=block("debugging-pytest"))
    others = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:faker"]
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *others, timeout=120)
    result.assert_outcomes(passed=1)
