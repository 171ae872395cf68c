"""The pytest plugin as a user's suite meets it: `pytester` writes a suite that asks for the
`ingram_mock` fixture and runs it; the plugin comes from the installed `pytest11` entry
point, so nothing in the suite loads it. Each run starts (and stops) one real server on
127.0.0.1."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live

ORDER = """
ORDER = {
    "customerOrderNumber": "PO-1",
    "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2}],
}
HOLD = [{"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}]
"""


def suite(body: str) -> str:
    """A test module: the order above, the `call` helper below, then `body`."""
    return "import json\nimport urllib.request\n" + ORDER + CALL + textwrap.dedent(body)


# A user's helper: urllib, so the suite needs nothing beyond the base install.
CALL = """
def call(mock, method, path, body=None, **headers):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        mock.url + path, data=data, method=method,
        headers={**mock.headers(**headers), "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
"""


def test_the_official_sdk_drives_the_mock_through_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_sdk="""
        from xi.sdk.resellers import AccesstokenApi, ApiClient, Configuration, OrdersApi
        from xi.sdk.resellers.models import OrderCreateRequest, OrderCreateRequestLinesInner

        def test_place_and_read(ingram_mock):
            client = ApiClient(Configuration(host=ingram_mock.url))
            token = AccesstokenApi(client).get_accesstoken("client_credentials", "id", "pw")
            client.configuration.access_token = token.access_token
            orders = OrdersApi(client)
            caller = {"im_customer_number": "20-222222", "im_country_code": "US",
                      "im_correlation_id": "sdk-through-plugin"}
            created = orders.post_createorder_v6(
                order_create_request=OrderCreateRequest(
                    customer_order_number="PO-SDK-1",
                    lines=[OrderCreateRequestLinesInner(
                        customer_line_number="1", ingram_part_number="2GZ200", quantity=1)],
                ),
                **caller,
            )
            number = created.orders[0].ingram_order_number
            details = orders.get_orderdetails_v6_1(ordernumber=number, **caller)
            assert details.ingram_order_number == number
            assert details.customer_order_number == "PO-SDK-1"
            journal = [(r["method"], r["path"].split("?")[0], r["status"])
                       for r in ingram_mock.requests()]
            assert journal == [
                ("GET", "/oauth/oauth20/token", 200),
                ("POST", "/resellers/v6/orders", 201),
                ("GET", f"/resellers/v6.1/orders/{number}", 200),
            ]
            client.rest_client.pool_manager.clear()

        def test_the_sandbox_prefix_too(ingram_mock):
            config = Configuration(host=ingram_mock.sandbox_url, access_token=ingram_mock.token())
            orders = OrdersApi(ApiClient(config))
            found = orders.get_resellers_v6_ordersearch(
                im_customer_number="20-222222", im_country_code="US", im_correlation_id="c-1")
            assert found is None  # 204: the order of the first test is gone (reset)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)


def test_webhooks_time_travel_and_the_reset_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_lifecycle=suite(
            """
            def test_a_released_order_ships_when_mock_time_moves(ingram_mock):
                status, body = call(ingram_mock, "POST", "/resellers/v6/orders",
                                    {**ORDER, "additionalAttributes": HOLD})
                assert status == 201
                number = body["orders"][0]["ingramOrderNumber"]
                held = ingram_mock.webhooks.wait_for("im::order_hold", order_number=number)
                assert held.registration is None  # the default registration
                assert held.headers["x-hub-signature"]
                status, _ = call(ingram_mock, "PUT",
                                 f"/resellers/v6/orders/{number}?actionCode=release", {})
                assert status == 200
                ingram_mock.webhooks.wait_for("im::order_released", order_number=number)

                before = ingram_mock.now()
                after = ingram_mock.advance(4 * 3600)
                assert 4 * 3600 <= (after - before).total_seconds() < 4 * 3600 + 60
                shipped = ingram_mock.webhooks.wait_for("im::order_shipped", order_number=number)
                assert shipped.resource["lines"][0]["lineStatus"] == "IM::shipped"
                status, details = call(ingram_mock, "GET", f"/resellers/v6.1/orders/{number}")
                assert (status, details["orderStatus"]) == (200, "Shipped")

            def test_the_next_test_starts_from_nothing(ingram_mock):
                assert ingram_mock.webhooks.events == []
                assert ingram_mock.requests() == []
                status, _ = call(ingram_mock, "GET", "/resellers/v6/orders/search")
                assert status == 204  # no orders
                assert abs(ingram_mock.now().timestamp() - __import__("time").time()) < 60

            def test_a_per_customer_registration(ingram_mock):
                ingram_mock.webhooks.register("20-333333")
                _, theirs = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER,
                                 customer_number="20-333333")
                _, ours = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                numbers = [b["orders"][0]["ingramOrderNumber"] for b in (theirs, ours)]
                events = [ingram_mock.webhooks.wait_for("im::order_created", order_number=n)
                          for n in numbers]
                assert [e.registration for e in events] == ["20-333333", None]

            def test_waiting_for_an_event_that_never_comes_fails_clearly(ingram_mock):
                call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
                ingram_mock.webhooks.wait_for("im::order_shipped", timeout=0.3)
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: no im::order_shipped webhook within 0.3s; "
            "received: ['im::order_created*"
        ]
    )


STRICT_SUITE = """
import pytest

def test_a_client_that_sends_an_unknown_field(ingram_mock):
    status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", {**ORDER, "colour": "red"})
    assert status in (201, 400)  # the test itself does not notice

def test_a_well_behaved_client(ingram_mock):
    status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", ORDER)
    assert status == 201

@pytest.mark.ingram_mock_allow_violations
def test_breaking_the_contract_on_purpose(ingram_mock):
    status, _ = call(ingram_mock, "POST", "/resellers/v6/orders", {**ORDER, "colour": "red"})
    assert status == (400 if ingram_mock.strict else 201)

@pytest.fixture
def sloppy_cleanup(ingram_mock):
    yield
    call(ingram_mock, "GET", "/resellers/v6/orders/search", country_code="USA")

def test_a_fixture_breaks_it_after_the_test(sloppy_cleanup):
    pass
"""


def test_strict_mode_fails_the_test_whose_client_broke_the_contract(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_strict=suite(STRICT_SUITE))
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error", "--ingram-mock-strict")
    result.assert_outcomes(passed=3, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_client_that_sends_an_unknown_field*",
            "*ingram-mock (strict): the client broke the contract, 1 violation(s):",
            "*createOrderV6: body colour: *(correlation id *)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_a_fixture_breaks_it_after_the_test*",
            "*the client broke the contract at teardown, 1 violation(s):",
            "*searchOrders: header IM-CountryCode: *",
        ]
    )


def test_without_the_flag_violations_are_recorded_and_tests_pass(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_lenient=suite(
            STRICT_SUITE
            + """
def test_violations_are_listed(ingram_mock):
    assert ingram_mock.strict is False
    call(ingram_mock, "POST", "/resellers/v6/orders", {**ORDER, "colour": "red"})
    assert [(v["field"], v["refused"]) for v in ingram_mock.violations()] == [("colour", False)]
"""
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=5)


def test_strict_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ningram_mock_strict = true\n")
    pytester.makepyfile(
        test_ini="""
        def test_it_is_strict(ingram_mock):
            assert ingram_mock.strict is True
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "-W", "error").assert_outcomes(passed=1)
