"""v7 create: confirmed at once, created (or refused) later, the outcome told by webhook.

The app runs without background threads, so each test decides when the intake works
(`services.intake.drain()`); the outcome is read the way a partner reads it, from the
event POSTed to its receiver (kept by a recording sender) and from search/details.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from xi.sdk.resellers.models import OrderCreateV7Response

from mock_server.app import create_app
from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.webhooks import RetryPolicy
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, order_headers
from tests.fakes import Endpoint, RecordingSender
from tests.receiver import Received

FAST = RetryPolicy(first_backoff=0.01, max_backoff=0.05, max_attempts=4, timeout=2)
SECRET = "v7-shared-secret"
CONFIRMATION = re.compile(r"^US-I-T-\d{20}$")
FAILED = "im::async_order_create_failed"
CREATED = "im::async_order_create"

READY_QUOTE = "QUO-45341653-R2R9M6"  # any customer: 2GZ200 x12 @128.89, 1C6094 x12 @72.53
LIMITED_QUOTE = "QUO-93159648-L4B6J0"  # 20-222222 only
EXPIRED_QUOTE = "QUO-52223957-T5M9Y9"
UNKNOWN_QUOTE = "QUO-00000000-NOPE00"

CONTRACT = load_contract()
CONFIRMATION_SCHEMA = CONTRACT.validator("OrderCreateV7Confirmation")
ERROR_SCHEMA = CONTRACT.validator("V7ErrorResponse")
OUTCOME_SCHEMA = CONTRACT.validator("OrderCreateV7Outcome")
DETAIL_SCHEMA = CONTRACT.validator("OrderDetail")


def assert_valid(validator: Any, body: Any) -> None:
    errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors


@dataclass
class Mock:
    client: FlaskClient
    services: MockServices
    token: str
    hook: Endpoint

    def submit(self, body: Any, customer: str = CUSTOMER) -> TestResponse:
        return self.client.post(
            "/resellers/v7/orders", json=body, headers=order_headers(self.token, customer)
        )

    def confirm(self, body: dict[str, Any], customer: str = CUSTOMER) -> dict[str, Any]:
        answer = self.submit(body, customer)
        assert answer.status_code == 200, answer.get_json()
        confirmation: dict[str, Any] = answer.get_json()
        assert_valid(CONFIRMATION_SCHEMA, confirmation)
        return confirmation

    def drain(self) -> int:
        processed = self.services.intake.drain()
        assert self.services.webhooks.flush(5.0), "webhook deliveries still pending after 5 s"
        return processed

    def outcome(self, confirmation_number: str) -> dict[str, Any]:
        """The one event that answers a confirmation number, signature and shape checked."""
        matching = [
            r
            for r in self.hook.accepted()
            if r.event_type in (CREATED, FAILED)
            and r.json()["resource"]["confirmationNumber"] == confirmation_number
        ]
        assert len(matching) == 1, [r.json() for r in matching]
        return check_outcome(matching[0])

    def search(self, customer: str = CUSTOMER, **params: str) -> TestResponse:
        return self.client.get(
            "/resellers/v6/orders/search",
            query_string=params,
            headers=order_headers(self.token, customer),
        )

    def details(self, number: str, customer: str = CUSTOMER) -> TestResponse:
        return self.client.get(
            f"/resellers/v6.1/orders/{number}", headers=order_headers(self.token, customer)
        )

    def order_count(self) -> int:
        return int(self.client.get("/__admin/health").get_json()["orders"])


def check_outcome(received: Received) -> dict[str, Any]:
    """A v7 outcome: signed, valid against our contract, and read by the official SDK's
    strict model of the published v7 "201" payload without a type error."""
    assert received.signed_by(SECRET)
    body: dict[str, Any] = received.json()
    assert_valid(OUTCOME_SCHEMA, body)
    assert (body["event"], body["eventType"]) == ("im::created", body["resource"]["eventType"])
    model = OrderCreateV7Response.from_dict(body)
    assert model is not None and model.resource is not None
    assert model.resource.customer_order_number == body["resource"]["customerOrderNumber"]
    seen_orders = body["resource"].get("orders", [])
    for order, seen in zip(model.resource.orders or [], seen_orders, strict=True):
        assert order.ingram_order_number == seen["ingramOrderNumber"]
        assert order.order_total == seen["orderTotal"]
    resource: dict[str, Any] = body["resource"]
    return resource


def placed(outcome: dict[str, Any]) -> dict[str, Any]:
    """The one order a successful outcome created."""
    orders: list[dict[str, Any]] = outcome["orders"]
    assert len(orders) == 1, outcome
    return orders[0]


@pytest.fixture
def mock() -> Iterator[Mock]:
    clock = AdjustableClock(FrozenClock())
    settings = Settings()
    sender = RecordingSender()
    services = build_services(settings, clock=clock, webhook_sender=sender, retry_policy=FAST)
    client = create_app(settings, clock=clock, services=services).test_client()
    token = issue_token(client)
    hook = sender.endpoint("http://partner.test/hooks/v7")
    answer = client.put("/__admin/webhooks", json={"url": hook.url, "secret": SECRET})
    assert answer.status_code == 200
    yield Mock(client, services, str(token), hook)
    services.webhooks.clear_registrations()
    services.webhooks.reset()


def line(part: str, quantity: Any, number: str = "1", **extra: Any) -> dict[str, Any]:
    return {"customerLineNumber": number, "ingramPartNumber": part, "quantity": quantity, **extra}


# -- the immediate answer -----------------------------------------------------------------


def test_confirms_at_once_and_creates_the_order_later(mock: Mock) -> None:
    first = mock.confirm({"customerOrderNumber": "PO-V7-A", "lines": [line("2GZ200", 2)]})
    second = mock.confirm({"customerOrderNumber": "PO-V7-B", "lines": [line("4U0212", 1)]})
    for confirmation in (first, second):
        assert CONFIRMATION.match(confirmation["confirmationNumber"]), confirmation
        assert confirmation["quoteNumber"] is None
        assert confirmation["message"]
    assert first["confirmationNumber"] != second["confirmationNumber"]

    # Nothing exists until the intake has worked.
    assert mock.search(customerOrderNumber="PO-V7-A").status_code == 204
    assert mock.hook.received == []

    assert mock.drain() == 2
    created = mock.outcome(first["confirmationNumber"])
    assert created["eventType"] == CREATED
    assert created["customerOrderNumber"] == "PO-V7-A"
    assert created["billToAddressId"] == "000" and created["processedPartially"] is False
    order = placed(created)
    number = order["ingramOrderNumber"]
    assert [(ln["ingramPartNumber"], ln["quantityOrdered"]) for ln in order["lines"]] == [
        ("2GZ200", 2)
    ]
    assert order["orderTotal"] == created["purchaseOrderTotal"] > 0
    assert order["lines"][0]["shipmentDetails"][0]["shipFromLocation"]  # warehouse named
    assert [c["chargeDescription"] for c in order["miscellaneousCharges"]] == [
        "FREIGHT-OUT CHARGE"
    ]
    assert mock.outcome(second["confirmationNumber"])["customerOrderNumber"] == "PO-V7-B"

    found = mock.search(customerOrderNumber="PO-V7-A")
    assert found.status_code == 200
    assert [o["ingramOrderNumber"] for o in found.get_json()["orders"]] == [number]
    detail = mock.details(number)
    assert detail.status_code == 200
    assert_valid(DETAIL_SCHEMA, detail.get_json())
    assert detail.get_json()["customerOrderNumber"] == "PO-V7-A"
    assert detail.get_json()["orderStatus"] == "Processing"

    # Another customer sees none of it.
    assert mock.details(number, OTHER_CUSTOMER).status_code == 404
    assert mock.search(OTHER_CUSTOMER, customerOrderNumber="PO-V7-A").status_code == 204
    assert mock.search(OTHER_CUSTOMER).status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customerOrderNumber": "PO-V7-BAD", "lines": "2GZ200"}, "lines"),
        ({"customerOrderNumber": "PO-V7-BAD", "lines": [line("2GZ200", "two")]}, "quantity"),
        ({"customerOrderNumber": "X" * 19, "lines": [line("2GZ200", 1)]}, "customerOrderNumber"),
        ({"customerOrderNumber": "PO-V7-BAD", "quoteNumber": 42}, "quoteNumber"),
    ],
    ids=["lines-not-a-list", "quantity-not-integer", "po-too-long", "quote-not-string"],
)
def test_a_bad_body_is_a_flat_400_naming_the_field(
    mock: Mock, body: dict[str, Any], field: str
) -> None:
    answer = mock.submit(body)
    assert answer.status_code == 400
    error = answer.get_json()
    assert_valid(ERROR_SCHEMA, error)
    assert "errors" not in error  # v7 errors are flat
    assert error["type"] and error["message"]
    named = [f["field"] for f in error.get("fields", [])]
    assert any(name.split(".")[-1].split("[")[0] == field for name in named), named
    assert mock.drain() == 0
    assert mock.order_count() == 0


def test_a_purchase_order_number_is_optional_in_v7(mock: Mock) -> None:
    first = mock.confirm({"lines": [line("2GZ200", 1)]})
    second = mock.confirm({"lines": [line("1C6094", 2)]})
    assert mock.drain() == 2
    numbers = []
    for confirmation in (first, second):
        created = mock.outcome(confirmation["confirmationNumber"])
        assert created["eventType"] == CREATED
        assert created["customerOrderNumber"] == ""
        numbers.append(placed(created)["ingramOrderNumber"])
    assert len(set(numbers)) == 2  # no PO: the duplicate-PO rule does not apply
    for number in numbers:
        detail = mock.details(number)
        assert detail.status_code == 200
        assert_valid(DETAIL_SCHEMA, detail.get_json())


def test_malformed_json_is_a_flat_400(mock: Mock) -> None:
    answer = mock.client.post(
        "/resellers/v7/orders",
        data=b'{"customerOrderNumber": ',
        headers={**order_headers(mock.token), "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    error = answer.get_json()
    assert_valid(ERROR_SCHEMA, error)
    assert [f["field"] for f in error["fields"]] == ["body"]
    assert mock.drain() == 0


def test_a_400_never_carries_a_null_value(mock: Mock) -> None:
    """The published schema types `fields[].value` as a string: a problem that has no
    value is named without one, never with `"value": null`."""
    malformed = mock.client.post(
        "/resellers/v7/orders",
        data=b"{",
        headers={**order_headers(mock.token), "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.get_json()["fields"][0].keys() == {"field", "message"}
    sent = mock.submit({"lines": [line("2GZ200", "two")]})
    assert sent.status_code == 400
    assert [f.get("value") for f in sent.get_json()["fields"]] == ["two"]


# -- quote-to-order -----------------------------------------------------------------------


def test_a_ready_quote_supplies_lines_and_prices(mock: Mock) -> None:
    confirmation = mock.confirm(
        {
            "customerOrderNumber": "PO-V7-QUOTE",
            "quoteNumber": READY_QUOTE,
            # Ignored for quote-to-order: the quote's lines and prices win.
            "lines": [line("4U0212", 99, unitPrice=1.0)],
        }
    )
    assert confirmation["quoteNumber"] == READY_QUOTE
    assert CONFIRMATION.match(confirmation["confirmationNumber"])
    assert mock.drain() == 1

    created = mock.outcome(confirmation["confirmationNumber"])
    assert created["eventType"] == CREATED
    detail = mock.details(placed(created)["ingramOrderNumber"])
    assert detail.status_code == 200
    body = detail.get_json()
    assert_valid(DETAIL_SCHEMA, body)
    got = {ln["ingramPartNumber"]: (ln["quantityOrdered"], ln["unitPrice"]) for ln in body["lines"]}
    assert got == {"2GZ200": (12, 128.89), "1C6094": (12, 72.53)}  # catalog: 139.00, 74.99
    assert body["orderSubTotal"] == pytest.approx(12 * 128.89 + 12 * 72.53, abs=0.01)


def test_a_customer_limited_quote_orders_for_its_customer_only(mock: Mock) -> None:
    own = mock.confirm({"customerOrderNumber": "PO-V7-OWN", "quoteNumber": LIMITED_QUOTE})
    foreign = mock.confirm(
        {"customerOrderNumber": "PO-V7-FOREIGN", "quoteNumber": LIMITED_QUOTE}, OTHER_CUSTOMER
    )
    assert mock.drain() == 2

    created = mock.outcome(own["confirmationNumber"])
    assert created["eventType"] == CREATED
    assert {ln["ingramPartNumber"] for ln in placed(created)["lines"]} == {
        "8RB884",
        "8RB881",
        "9YG948",
    }

    refused = mock.outcome(foreign["confirmationNumber"])
    assert refused["eventType"] == FAILED
    assert "orders" not in refused
    assert [e["field"] for e in refused["errors"]] == ["quoteNumber"]
    assert refused["errors"][0]["value"] == LIMITED_QUOTE
    assert mock.search(OTHER_CUSTOMER).status_code == 204
    assert mock.order_count() == 1


@pytest.mark.parametrize(
    "quote", [EXPIRED_QUOTE, UNKNOWN_QUOTE, LIMITED_QUOTE], ids=["expired", "unknown", "limited"]
)
def test_an_unorderable_quote_fails_by_webhook_and_creates_nothing(mock: Mock, quote: str) -> None:
    confirmation = mock.confirm(
        {
            "customerOrderNumber": "PO-V7-NOQUOTE",
            "quoteNumber": quote,
            "lines": [line("2GZ200", 1)],
        },
        OTHER_CUSTOMER,  # the limited quote belongs to someone else
    )
    assert confirmation["quoteNumber"] == quote
    assert mock.drain() == 1

    failed = mock.outcome(confirmation["confirmationNumber"])
    assert failed["eventType"] == FAILED
    assert failed["customerOrderNumber"] == "PO-V7-NOQUOTE"
    assert "orders" not in failed
    assert [e["field"] for e in failed["errors"]] == ["quoteNumber"]
    assert failed["errors"][0]["value"] == quote
    assert failed["errors"][0]["message"]
    assert mock.order_count() == 0
    assert mock.search(OTHER_CUSTOMER).status_code == 204
    assert len(mock.hook.received) == 1


def test_unknown_parts_only_fail_by_webhook(mock: Mock) -> None:
    confirmation = mock.confirm(
        {
            "customerOrderNumber": "PO-V7-NOPARTS",
            "lines": [line("XXXXXX", 1, "1"), line("DF41281", 2, "2")],
        }
    )
    assert mock.drain() == 1
    failed = mock.outcome(confirmation["confirmationNumber"])
    assert failed["eventType"] == FAILED
    assert "orders" not in failed
    assert failed["errors"] and {e["field"] for e in failed["errors"]} == {"lines"}
    assert {e.get("value") for e in failed["errors"]} == {"XXXXXX", "DF41281"}
    assert all("EN" in e["message"] for e in failed["errors"])
    assert mock.order_count() == 0
    assert mock.search(customerOrderNumber="PO-V7-NOPARTS").status_code == 204


def test_a_v7_order_on_customer_hold_is_announced_as_held(mock: Mock) -> None:
    confirmation = mock.confirm(
        {
            "customerOrderNumber": "PO-V7-HOLD",
            "lines": [line("2GZ200", 1)],
            "additionalAttributes": [
                {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
            ],
        }
    )
    assert mock.drain() == 1
    created = mock.outcome(confirmation["confirmationNumber"])
    number = placed(created)["ingramOrderNumber"]
    kinds = [r.event_type for r in mock.hook.accepted() if r.order_number == number]
    assert kinds == [CREATED, "im::order_hold"]
    assert mock.details(number).get_json()["orderStatus"] == "On Hold"
