"""Every request example the published spec gives for the six order operations, replayed.

Each must be accepted (2xx, or the business refusal it was written to show: a 207 whose
rejected lines name a part the catalog deliberately lacks), and each answer must validate
against the published response schema of its status as well as against our contract. The
examples' headers are the spec's own parameter examples. Reads the spec from
`../shared/reference/` and skips without it.

Examples that carry no body (details, search, cancel, release) are replayed from their
parameter examples, with the order number replaced by one of ours: the example numbers name
orders that no fresh mock holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.contract.document import load_contract

SPEC_PATH = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "XI-Resellers-API-Spec.json"
)
SPEC: dict[str, Any] = (
    json.loads(SPEC_PATH.read_text(encoding="utf-8")) if SPEC_PATH.is_file() else {}
)
pytestmark = pytest.mark.skipif(not SPEC, reason=f"published spec not found at {SPEC_PATH}")

CREATE_V6 = ("/resellers/v6/orders", "post")
CREATE_V7 = ("/resellers/v7/orders", "post")
DETAILS = ("/resellers/v6.1/orders/{ordernumber}", "get")
SEARCH = ("/resellers/v6/orders/search", "get")
MODIFY = ("/resellers/v6/orders/{orderNumber}", "put")
CANCEL = ("/resellers/v6/orders/{OrderNumber}", "delete")
OPERATIONS = (CREATE_V6, CREATE_V7, DETAILS, SEARCH, MODIFY, CANCEL)
# Parts the examples use to show an unknown-part rejection (fixtures/README.md).
ABSENT_PARTS = {"DF4128MW", "XXXXXX", "2GZ2000001", "DF41281"}
OURS = load_contract()


def _operation(key: tuple[str, str]) -> dict[str, Any]:
    path, method = key
    operation: dict[str, Any] = SPEC["paths"][path][method]
    return operation


def _cases(key: tuple[str, str]) -> list[Any]:
    return [pytest.param(name, body, id=name) for name, body in _body_examples(key)]


def _body_examples(key: tuple[str, str]) -> list[tuple[str, Any]]:
    if not SPEC:
        return []
    content = (_operation(key).get("requestBody") or {}).get("content", {})
    found = []
    for media in content.values():
        found.extend((name, ex["value"]) for name, ex in (media.get("examples") or {}).items())
        if "example" in media:
            found.append(("example", media["example"]))
    return found


def _parameter_examples(key: tuple[str, str], where: str) -> dict[str, str]:
    values = {}
    for param in _operation(key).get("parameters", []):
        example = param.get("example", (param.get("schema") or {}).get("example"))
        if param["in"] == where and example is not None:
            values[param["name"]] = str(example)
    return values


def _published(key: tuple[str, str], status: int) -> Any:
    """A validator for the published answer schema of this status (OpenAPI 3.0 read as JSON
    Schema: `nullable` is left aside, our answers leave absent fields out)."""
    response = _operation(key)["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**schema, "components": SPEC["components"]})


def _assert_valid(key: tuple[str, str], status: int, body: Any, ours: str) -> None:
    published = [
        f"{list(e.instance_path)}: {e.message}" for e in _published(key, status).iter_errors(body)
    ]
    assert not published, published
    contract = [e.message for e in OURS.validator(ours).iter_errors(body)]
    assert not contract, contract


@pytest.fixture
def client() -> Iterator[FlaskClient]:
    client = create_app(Settings()).test_client()
    yield client


@pytest.fixture
def headers(client: FlaskClient) -> dict[str, str]:
    token = client.get(
        "/oauth/oauth20/token",
        query_string={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    ).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}", **_parameter_examples(CREATE_V6, "header")}


def test_the_spec_gives_examples_and_headers() -> None:
    assert len(_body_examples(CREATE_V6)) == 17
    assert len(_body_examples(MODIFY)) == 14
    assert _body_examples(CREATE_V7) == []  # v7 is described by its schema alone
    assert set(_parameter_examples(CREATE_V6, "header")) == {
        "IM-CustomerNumber",
        "IM-CountryCode",
        "IM-CorrelationID",
        "IM-SenderID",
    }


@pytest.mark.parametrize(("name", "body"), _cases(CREATE_V6))
def test_every_published_create_example_is_accepted(
    client: FlaskClient, headers: dict[str, str], name: str, body: Any
) -> None:
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code in (201, 207), (name, answer.get_json())
    created = answer.get_json()
    _assert_valid(CREATE_V6, answer.status_code, created, "OrderCreateResponse")
    rejected = created["orders"][0].get("rejectedLineItems", [])
    assert (answer.status_code == 207) == bool(rejected)
    assert all(r["rejectCode"] == "EN" and r["ingramPartNumber"] in ABSENT_PARTS for r in rejected)
    requested = [line.get("ingramPartNumber") for line in body["lines"]]
    placed = created["orders"][0]["lines"]
    assert len(placed) + len(rejected) == len(requested)


def _held_order(client: FlaskClient, headers: dict[str, str], lines: int = 12) -> str:
    """A held order whose lines 001..012 are there for the modify examples to name."""
    parts = ["1C6094", "TXSLM3", "2GZ200", "DF4128"]
    body = {
        "customerOrderNumber": "REPLAY-MODIFY",
        "lines": [
            {"customerLineNumber": f"{100 + i}", "ingramPartNumber": parts[i % 4], "quantity": 1}
            for i in range(1, lines + 1)
        ],
        "additionalAttributes": [
            {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"},
            {"attributeName": "allowDuplicateCustomerOrderNumber", "attributeValue": "true"},
        ],
    }
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["orders"][0]["ingramOrderNumber"])


@pytest.mark.parametrize(("name", "body"), _cases(MODIFY))
def test_every_published_modify_example_is_accepted(
    client: FlaskClient, headers: dict[str, str], name: str, body: Any
) -> None:
    number = _held_order(client, headers)
    query = {k: v for k, v in _parameter_examples(MODIFY, "query").items() if k != "actionCode"}
    answer = client.put(
        f"/resellers/v6/orders/{number}", json=body, headers=headers, query_string=query
    )
    assert answer.status_code == 200, (name, answer.get_json())
    modified = answer.get_json()
    _assert_valid(MODIFY, 200, modified, "OrderModifyResponse")
    assert "rejectedLineItems" not in modified, modified["rejectedLineItems"]
    details = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
    assert details.status_code == 200


def test_the_release_example_is_accepted(client: FlaskClient, headers: dict[str, str]) -> None:
    number = _held_order(client, headers)
    query = _parameter_examples(MODIFY, "query")
    assert query == {"actionCode": "release", "regionCode": "CS"}
    answer = client.put(
        f"/resellers/v6/orders/{number}", json={}, headers=headers, query_string=query
    )
    assert answer.status_code == 200, answer.get_json()
    _assert_valid(MODIFY, 200, answer.get_json(), "OrderModifyResponse")


def test_the_details_example_is_accepted(client: FlaskClient, headers: dict[str, str]) -> None:
    number = _held_order(client, headers, lines=2)
    query = _parameter_examples(DETAILS, "query")
    answer = client.get(f"/resellers/v6.1/orders/{number}", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    _assert_valid(DETAILS, 200, answer.get_json(), "OrderDetail")


def test_the_search_example_is_accepted(client: FlaskClient, headers: dict[str, str]) -> None:
    _held_order(client, headers, lines=2)
    query = _parameter_examples(SEARCH, "query")
    assert query  # the example order date
    empty = client.get("/resellers/v6/orders/search", headers=headers, query_string=query)
    assert empty.status_code == 204  # the example date is years before any mock order
    everything = client.get("/resellers/v6/orders/search", headers=headers)
    assert everything.status_code == 200
    _assert_valid(SEARCH, 200, everything.get_json(), "OrderSearchResponse")


def test_the_cancel_example_is_accepted(client: FlaskClient, headers: dict[str, str]) -> None:
    number = _held_order(client, headers, lines=2)
    query = _parameter_examples(CANCEL, "query")
    answer = client.delete(f"/resellers/v6/orders/{number}", headers=headers, query_string=query)
    assert answer.status_code == 200
