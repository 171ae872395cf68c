"""The journal and overrides as a test suite meets them through `IngramMock` (a real
`ingram-mock serve` on a loopback port) and through the `ingram_mock` fixture."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
import requests

from mock_server.testing import IngramMock
from mock_server.testing.mock import MockError

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live

ORDER = {
    "customerOrderNumber": "PO-W1",
    "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2}],
}


@pytest.fixture(scope="module")
def running() -> Iterator[IngramMock]:
    with IngramMock() as mock:
        yield mock


@pytest.fixture
def mock(running: IngramMock) -> IngramMock:
    running.reset()
    return running


def test_requests_filters_and_reads_both_bodies(mock: IngramMock) -> None:
    orders = f"{mock.url}/resellers/v6/orders"
    headers = mock.headers()
    created = requests.post(orders, json=ORDER, headers=headers, timeout=5)
    assert created.status_code == 201
    search = f"{orders}/search"
    assert requests.get(search, headers=mock.headers(), timeout=5).status_code == 200

    everything = mock.requests()
    assert [e["operationId"] for e in everything] == [
        "getAccessToken", "createOrderV6", "searchOrders"
    ]  # fmt: skip
    (entry,) = mock.requests(operation="createOrderV6")
    assert entry["request"]["body"] == ORDER
    assert entry["response"]["body"] == created.json()
    assert entry["request"]["headers"]["authorization"] == "Bearer ***"
    assert mock.requests(correlation_id=headers["IM-CorrelationID"]) == [entry]
    assert mock.requests(status=201) == [entry]
    assert [e["operationId"] for e in mock.requests(status="2xx")] == [
        "searchOrders", "createOrderV6", "getAccessToken"
    ]  # fmt: skip
    assert [e["operationId"] for e in mock.requests(since=entry["id"])] == ["searchOrders"]
    assert mock.requests(customer_number="20-999999") == []
    assert mock.request(entry["id"]) == entry
    with pytest.raises(MockError, match="404"):
        mock.request(entry["id"] + 100)


def test_override_respond_and_patch_then_remove(mock: IngramMock) -> None:
    orders = f"{mock.url}/resellers/v6/orders"
    down = mock.override(
        "createOrderV6",
        match={"customerOrderNumber": "PO-W1"},
        respond={"status": 503, "body": {"errors": [{"type": "/x", "message": "later"}]}},
        times=1,
    )
    refused = requests.post(orders, json=ORDER, headers=mock.headers(), timeout=5)
    assert (refused.status_code, refused.headers["X-Mock-Override"]) == (503, down)
    assert requests.get(f"{mock.url}/__admin/health", timeout=5).json()["orders"] == 0
    renamed = mock.override("createOrderV6", patch={"purchaseOrderTotal": None, "note": "x"})
    placed = requests.post(orders, json=ORDER, headers=mock.headers(), timeout=5)
    assert placed.status_code == 201
    assert placed.json()["note"] == "x" and "purchaseOrderTotal" not in placed.json()
    journal = mock.requests(operation="createOrderV6")
    assert [(e["status"], e["override"]) for e in journal] == [(201, renamed), (503, down)]
    assert journal[0]["warnings"]  # an unknown field: the contract does not allow it
    assert {r["id"]: r["fired"] for r in mock.overrides()} == {renamed: 1, down: 1}
    mock.remove_overrides()
    assert mock.overrides() == []


def test_the_fixture_s_overrides_last_one_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_overrides=textwrap.dedent(
            """
            import urllib.request

            def search(mock):
                request = urllib.request.Request(
                    mock.url + "/resellers/v6/orders/search", headers=mock.headers())
                try:
                    with urllib.request.urlopen(request, timeout=5) as answer:
                        return answer.status
                except urllib.error.HTTPError as error:
                    return error.code

            def test_one_search_fails(ingram_mock):
                ingram_mock.override("searchOrders", respond={"status": 503})
                assert search(ingram_mock) == 503
                assert ingram_mock.requests(status=503)[0]["override"] == "o1"

            def test_the_next_test_without_a_reset_has_no_override(ingram_mock_session):
                assert ingram_mock_session.overrides() == []
                assert search(ingram_mock_session) == 204
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)
