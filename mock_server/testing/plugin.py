"""pytest plugin: a real Ingram orders mock for a test suite, as the `ingram_mock` fixture.

One `ingram-mock serve` process per session (per xdist worker) on a free port of
127.0.0.1, started the first time a test asks for it and reset before each test that
does. With `--ingram-mock-strict` (or `ingram_mock_strict = true` in the ini file) the
server refuses unknown request fields and a test fails if its client broke the contract.

    def test_search(ingram_mock):
        answer = requests.get(f"{ingram_mock.url}/resellers/v6/orders/search",
                              headers=ingram_mock.headers())

Ingram's official SDK (`xi.sdk.resellers`) points at it with
`ApiClient(Configuration(host=ingram_mock.url, access_token=ingram_mock.token()))`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mock_server.testing.mock import IngramMock

ALLOW_MARKER = "ingram_mock_allow_violations"
_REPORTED = pytest.StashKey[int]()  # violations already reported for this test


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ingram-mock", "Ingram Micro orders mock (ingram_mock fixture)")
    group.addoption(
        "--ingram-mock-strict",
        action="store_true",
        default=False,
        help="serve with --strict and fail a test whose client broke the contract",
    )
    parser.addini("ingram_mock_strict", type="bool", default=False, help="as --ingram-mock-strict")
    parser.addini(
        "ingram_mock_args",
        type="args",
        default=[],
        help="more `ingram-mock serve` options for the session's server",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{ALLOW_MARKER}: in strict mode, do not fail this test for its client's contract "
        "violations (a test of error handling, for example)",
    )


@pytest.fixture(scope="session")
def ingram_mock_session(pytestconfig: pytest.Config) -> Iterator[IngramMock]:
    """The session's mock, never reset by the plugin (for module- or session-scoped
    fixtures of your own); most tests want `ingram_mock`."""
    from mock_server.testing.mock import IngramMock

    strict = bool(
        pytestconfig.getoption("ingram_mock_strict") or pytestconfig.getini("ingram_mock_strict")
    )
    with IngramMock(strict=strict, args=pytestconfig.getini("ingram_mock_args")) as mock:
        yield mock


@pytest.fixture
def ingram_mock(
    ingram_mock_session: IngramMock, request: pytest.FixtureRequest
) -> Iterator[IngramMock]:
    """The session's mock, reset for this test: `url`, `sandbox_url`, `token()`,
    `headers()`, `reset()`, `advance(seconds)`, `now()`, `webhooks`, `requests(...)`,
    `violations()`, `fault(...)`, `override(...)`, `strict`."""
    ingram_mock_session.reset()
    request.node.stash[_REPORTED] = 0
    yield ingram_mock_session
    # The test's override rules end with it, even for a next test that skips the reset.
    ingram_mock_session.remove_overrides()
    # Teardown catches what the test's own fixtures sent after the test body ran.
    _fail_on_violations(request.node, ingram_mock_session, "at teardown")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """In strict mode, a test whose client broke the contract fails, listing each breach."""
    result = yield
    mock = getattr(item, "funcargs", {}).get("ingram_mock")
    if mock is not None:
        _fail_on_violations(item, mock, "")
    return result


def _fail_on_violations(item: pytest.Item, mock: IngramMock, when: str) -> None:
    if not mock.strict or item.get_closest_marker(ALLOW_MARKER) is not None:
        return
    violations = mock.violations()
    new = violations[item.stash.get(_REPORTED, 0) :]
    item.stash[_REPORTED] = len(violations)
    if not new:
        return
    lines = [
        f"  {v['operation']}: {v['location']} {v['field']}: {v['message']}"
        + (f" (correlation id {v['correlation_id']})" if v.get("correlation_id") else "")
        for v in new
    ]
    where = f" {when}" if when else ""
    pytest.fail(
        f"ingram-mock (strict): the client broke the contract{where}, "
        f"{len(new)} violation(s):\n" + "\n".join(lines),
        pytrace=False,
    )
