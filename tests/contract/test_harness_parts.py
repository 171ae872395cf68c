"""The harness's parts on their own: what a server is held to, redaction, shapes, links."""

from __future__ import annotations

import json

import pytest

from mock_server.contract.document import load_contract
from mock_server.harness.exchange import (
    REDACTED,
    ContractView,
    redact_headers,
    redact_json,
    redact_query,
)
from mock_server.harness.progress import contract_links
from mock_server.harness.suite import SuiteOptions, default_contract, suite_config
from mock_server.harness.tolerance import coercing_operations, is_coercible, tolerated_by_the_api
from mock_server.harness.traffic import shape_differences

ORDER = {"customerOrderNumber": "PO-1", "lines": [{"ingramPartNumber": "2GZ200", "quantity": 2}]}


def _order(**line: object) -> dict[str, object]:
    return {**ORDER, "lines": [{**ORDER["lines"][0], **line}]}  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("body", "tolerated"),
    [
        (_order(quantity="2"), True),  # a numeric string for an integer
        (_order(customerLineNumber=1), True),  # a number for a string
        (_order(quantity="2", customerLineNumber=7), True),
        (_order(quantity="two"), False),  # not a number: the real API refuses it
        (_order(quantity=2.5), False),
        (_order(quantity="2.0"), True),  # an integral number, as the real API reads it
        (_order(quantity=True), False),
        ({**_order(quantity="2"), "unknownField": 1}, True),  # unknown fields are ignored
        (_order(quantity="2", customerLineNumber="1234"), False),  # too long: refused
        ({"lines": [{"quantity": "2"}]}, False),  # a missing required field
    ],
)
def test_v6_tolerates_only_coercible_scalars(body: object, tolerated: bool) -> None:
    assert is_coercible("createOrderV6", body) is tolerated


def test_tolerance_is_the_contracts_own() -> None:
    headers = {"IM-CustomerNumber": "20-222222", "IM-CountryCode": "US"}
    long_id = {**headers, "IM-CorrelationID": "c" * 45}  # tolerated: x-mock-tolerated
    assert tolerated_by_the_api("searchOrders", headers=long_id)
    assert not tolerated_by_the_api("searchOrders", headers={**long_id, "IM-CountryCode": "USA"})
    assert not tolerated_by_the_api("searchOrders", headers=headers, query={"pageSize": "x"})
    line = {"customerLineNumber": 1, "ingramPartNumber": "2GZ200", "quantity": 2}
    v7 = {"customerOrderNumber": "PO-1", "lines": [line]}
    assert not tolerated_by_the_api(
        "createOrderV7", headers={**headers, "IM-CorrelationID": "c"}, body=v7
    )  # v7 stays strictly typed outside the fields official SDKs send loosely
    assert tolerated_by_the_api(
        "createOrderV6", headers={**headers, "IM-CorrelationID": "c"}, body=v7
    )
    go_sdk = {"customerOrderNumber": "PO-1", "lines": [{**line, "customerLineNumber": "1"}]}
    go_sdk["lines"][0]["quantity"] = "2"  # Ingram's Go and Java SDKs
    assert tolerated_by_the_api(
        "createOrderV7", headers={**headers, "IM-CorrelationID": "c"}, body=go_sdk
    )


def test_v7_is_lenient_only_where_listed_and_the_config_says_so() -> None:
    assert coercing_operations() == {"createOrderV6", "modifyOrder", "createOrderV7"}
    listed = load_contract().operation("createOrderV7").coerce_only
    assert listed is not None and ("lines", "*", "quantity") in listed
    assert load_contract().operation("createOrderV6").coerce_only is None  # every scalar
    config = suite_config(SuiteOptions(token="t"))
    assert config["generation"]["allow-extra-parameters"] is False
    # Our check judges negative data instead, by the contract's own tolerance marks.
    assert config["checks"] == {"negative_data_rejection": {"enabled": False}}
    stateful = config["phases"]["stateful"]
    assert stateful["generation"]["mode"] == "positive"
    assert stateful["inference"] == {"algorithms": []}


def test_redaction() -> None:
    query = redact_query("grant_type=client_credentials&client_id=me&client_secret=pw")
    assert query == f"grant_type=client_credentials&client_id=me&client_secret={REDACTED}"
    assert redact_headers({"Authorization": "Bearer x", "IM-CountryCode": "US"}) == {
        "Authorization": REDACTED,
        "IM-CountryCode": "US",
    }
    answer = {"access_token": "s3cr3t-1", "token_type": "Bearer", "nested": [{"token": "s3cr3t-2"}]}
    assert json.dumps(redact_json(answer)).count(REDACTED) == 2
    assert "s3cr3t" not in json.dumps(redact_json(answer))


def test_shape_differences_name_each_field() -> None:
    recorded = {"recordsFound": 1, "orders": [{"ingramOrderNumber": "20-AAAAA", "lines": []}]}
    replayed = {"recordsFound": "1", "orders": [{"ingramOrderNumber": "20-BBBBB"}], "x": None}
    assert shape_differences(recorded, replayed) == [
        "body.recordsFound: number recorded, string now",
        "body.orders[0].lines: missing now",
        "body.x: extra now",
    ]
    assert shape_differences(recorded, {**recorded, "orders": []}) == []  # values may differ


def test_every_link_names_an_operation_of_the_contract() -> None:
    document = json.loads(default_contract().read_text(encoding="utf-8"))
    links = contract_links(document)
    assert len(links) == 14
    assert any(link.startswith("POST /resellers/v7/orders -> [200]") for link in links)


def test_answers_are_held_to_the_contract() -> None:
    view = ContractView()
    assert view.match("GET", "/sandbox/resellers/v6.1/orders/20-ABCDE") == (
        "getOrderDetails",
        "/resellers/v6.1/orders/{ordernumber}",
        {"ordernumber": "20-ABCDE"},
    )
    headers = {
        "IM-CorrelationID": "c-1",
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "59",
        "X-RateLimit-Reset": "1800000000",
    }
    page = b'{"recordsFound": 0, "pageSize": 25, "pageNumber": 1, "orders": []}'
    assert view.response_findings("GET", "/resellers/v6/orders/search", 200, headers, page) == []
    without_echo = {k: v for k, v in headers.items() if k != "IM-CorrelationID"}
    bad = view.response_findings("GET", "/resellers/v6/orders/search", 200, without_echo, page[:-1])
    assert [(f.side, f.field) for f in bad] == [
        ("server", "header IM-CorrelationID"),
        ("server", "body"),
    ]
    teapot = view.response_findings("DELETE", "/resellers/v6/orders/20-ABCDE", 418, headers, b"")
    assert [f.field for f in teapot] == ["status"]
