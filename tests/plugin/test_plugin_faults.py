"""Faults from a user's pytest suite: `ingram_mock.fault(...)` lasts one test, and
`ingram_mock_args = --faults FILE` sets standing rules for the whole session."""

from __future__ import annotations

import json

import pytest

from tests.plugin.test_pytest_plugin import suite

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live


def test_a_fault_lasts_one_test_and_file_rules_the_session(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        rules=json.dumps(
            [{"operationId": "searchOrders", "customerNumber": "20-999999", "status": 429}]
        ),
    )
    pytester.makeini("[pytest]\ningram_mock_args = --faults rules.json\n")
    pytester.makepyfile(
        test_faults=suite(
            """
            def test_a_lost_answer(ingram_mock):
                rule = ingram_mock.fault(operationId="createOrderV6", status=503, times=1)
                status, body = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                assert status == 503
                assert body["errors"][0]["type"] == "/errors/server-error"
                status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                assert status == 201  # the refused create left nothing behind: same PO
                fired = {r["id"]: r["fired"] for r in ingram_mock.faults()}
                assert fired[rule] == 1

            def test_the_next_test_has_no_fault_of_the_last(ingram_mock):
                assert [r["source"] for r in ingram_mock.faults()] == ["file"]
                status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                assert status == 201

            def test_the_file_rule_holds_for_every_test(ingram_mock):
                status, _ = call(ingram_mock, "GET", "/resellers/v6/orders/search",
                                 customer_number="20-999999")
                assert status == 429
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=3)


def test_a_suite_rehearses_a_real_connection_reset_through_the_fixture(
    pytester: pytest.Pytester,
) -> None:
    """Retry logic keyed on connection errors meets a real TCP reset: no byte of an answer,
    and (decided before the use case) no order; the retry then places it."""
    pytester.makepyfile(
        test_reset=suite(
            """
            import urllib.error

            import pytest

            def test_a_reset_create_is_retried(ingram_mock):
                ingram_mock.fault(operationId="createOrderV6", kind="reset", times=1)
                with pytest.raises((ConnectionResetError, urllib.error.URLError)) as broken:
                    call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                reason = getattr(broken.value, "reason", broken.value)
                assert isinstance(reason, ConnectionResetError), repr(reason)
                status, _ = call(ingram_mock, "GET", "/resellers/v6/orders/search")
                assert status == 204  # reset before the use case ran: nothing was placed
                status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                assert status == 201
                (entry,) = ingram_mock.requests(operation="createOrderV6", status="201")
                sent = entry["request"]["body"]
                assert sent["customerOrderNumber"] == ORDER["customerOrderNumber"]
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=1)
