"""The request journal with bodies (`/__admin/requests`), on the test client: what an entry
holds, what it masks, how long bodies are cut, the two caps, the bodies switch, the filters,
one entry by id, and clearing."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.rehearsal.journal import CUT_BYTES, ENTRY_OVERHEAD
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, issue_token, new_order, order_headers

TOKEN_PATH = "/oauth/oauth20/token"


def journal(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    answer = client.get(f"/__admin/requests{query}")
    assert answer.status_code == 200, answer.get_json()
    return list(answer.get_json()["requests"])


def last(client: FlaskClient) -> dict[str, Any]:
    return journal(client, "?limit=1")[0]


def refused_field(client: FlaskClient, query: str) -> str:
    answer = client.get(f"/__admin/requests{query}")
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["errors"][0]["type"] == "/errors/validation-failed"
    return str(body["errors"][0]["fields"][0]["field"])


# -- what an entry holds ---------------------------------------------------------------------


def test_an_entry_holds_the_exchange_with_both_bodies_and_both_clocks(
    client: FlaskClient, token: str, clock: AdjustableClock
) -> None:
    clock.advance(3600)  # mock time an hour ahead of the frozen base clock
    headers = order_headers(token, **{"IM-CorrelationID": "journal-bodies"})
    placed = client.post("/resellers/v6/orders", json=new_order(po="PO-JB"), headers=headers)
    assert placed.status_code == 201

    entry = last(client)
    assert entry["operationId"] == "createOrderV6"
    assert (entry["method"], entry["status"]) == ("POST", 201)
    assert entry["request"]["path"] == "/resellers/v6/orders"
    assert entry["request"]["body"] == new_order(po="PO-JB")  # JSON as JSON
    assert entry["request"]["headers"]["im-customernumber"] == CUSTOMER
    assert entry["response"]["status"] == 201
    assert entry["response"]["body"] == placed.get_json()
    assert entry["response"]["headers"]["IM-CorrelationID"] == "journal-bodies"
    assert entry["response"]["bodyBytes"] == len(placed.get_data())
    assert (entry["customer_number"], entry["correlation_id"]) == (CUSTOMER, "journal-bodies")
    assert entry["duration_ms"] >= 0
    # Mock time is the (frozen) base clock moved an hour; wall time is the machine's.
    assert entry["mockTime"] == "2026-01-05T10:00:00.000Z"
    assert entry["wallTime"] == entry["at"] and entry["wallTime"].startswith("20")
    assert entry["wallTime"] != entry["mockTime"]
    assert entry["fault"] is None and entry["override"] is None
    assert entry["violations"] == [] and entry["warnings"] == []
    assert client.get(f"/__admin/requests/{entry['id']}").get_json() == entry


def test_an_entry_names_the_fault_that_fired_and_the_violations_the_request_caused(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = {**new_order(po="PO-JV"), "surpriseField": 1}  # unknown: served, recorded
    assert client.post("/resellers/v6/orders", json=body, headers=headers).status_code == 201
    violations = last(client)["violations"]
    assert [(v["field"], v["kind"], v["refused"]) for v in violations] == [
        ("surpriseField", "unknown", False)
    ]
    added = client.post("/__admin/faults", json={"operationId": "searchOrders", "status": 503})
    rule = added.get_json()["id"]
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 503
    entry = last(client)
    assert (entry["operationId"], entry["status"], entry["fault"]) == ("searchOrders", 503, rule)


def test_a_path_no_operation_answers_is_recorded_without_an_operation(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    assert client.get("/resellers/v9/nothing?x=1", headers=headers).status_code == 404
    entry = last(client)
    assert entry["operationId"] is None
    assert entry["request"]["query"] == {"x": "1"}
    assert entry["response"]["body"]["errors"][0]["type"] == "/errors/http-404"


def test_a_body_that_is_not_json_is_kept_as_text(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    sent = client.post(
        "/resellers/v6/orders",
        data="PO=1; lines=none",
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert sent.status_code == 415
    assert last(client)["request"]["body"] == "PO=1; lines=none"


# -- secrets ---------------------------------------------------------------------------------


def test_credentials_are_masked_in_headers_query_form_and_token_answers(
    client: FlaskClient,
) -> None:
    secret = "s3cr3t-journal"
    query = f"grant_type=client_credentials&client_id=me&client_secret={secret}"
    by_query = client.get(f"{TOKEN_PATH}?{query}")
    assert by_query.status_code == 200
    token = by_query.get_json()["access_token"]
    basic = base64.b64encode(f"me:{secret}".encode()).decode()
    by_form = client.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials", "client_id": "me", "client_secret": secret},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert by_form.status_code == 200
    headers = order_headers(token, **{"X-Admin-Token": "admin-s3cr3t"})
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204

    text = client.get("/__admin/requests").get_data(as_text=True)
    for leaked in (secret, basic, token, by_form.get_json()["access_token"], "admin-s3cr3t"):
        assert leaked not in text
    query_entry, form_entry, search_entry = journal(client)
    assert query_entry["request"]["query"]["client_secret"] == "***"
    assert query_entry["request"]["query"]["client_id"] == "me"
    assert "client_secret=***" in query_entry["path"]
    assert query_entry["response"]["body"]["access_token"] == "***"
    assert query_entry["response"]["body"]["token_type"] == "Bearer"
    assert form_entry["request"]["headers"]["authorization"] == "Basic ***"
    assert "client_secret=***" in form_entry["request"]["body"]
    assert "client_id=me" in form_entry["request"]["body"]
    assert search_entry["request"]["headers"]["authorization"] == "Bearer ***"
    assert search_entry["request"]["headers"]["x-admin-token"] == "***"


# -- long bodies, the caps, the bodies switch ------------------------------------------------


def test_bodies_past_64_kb_are_cut_with_a_marker(client: FlaskClient, token: str) -> None:
    lines = [
        {"customerLineNumber": str(n), "ingramPartNumber": "2GZ200", "quantity": 1}
        for n in range(1, 301)
    ]
    # An unknown field is served (and recorded): it makes the request long.
    big = json.dumps({"customerOrderNumber": "PO-LONG", "lines": lines, "notes": "n" * CUT_BYTES})
    sent = client.post(
        "/resellers/v6/orders",
        data=big.encode(),
        headers={**order_headers(token), "Content-Type": "application/json"},
    )
    assert sent.status_code == 201 and len(sent.get_data()) > CUT_BYTES  # 300 lines answered

    entry = last(client)
    request, response = entry["request"], entry["response"]
    assert request["bodyCut"] is True and request["bodyBytes"] == len(big)
    marker = f"\n[cut by the mock's journal: {len(big)} bytes in all, the first {CUT_BYTES} shown]"
    assert request["body"] == big[:CUT_BYTES] + marker  # text: the cut JSON does not parse
    assert response["bodyCut"] is True and response["bodyBytes"] == len(sent.get_data())
    assert response["body"].startswith(sent.get_data(as_text=True)[:CUT_BYTES])
    journal_ = client.application.extensions["ingram_mock"].journal
    token_call = ENTRY_OVERHEAD + 512  # the fixture's token call: a small answer
    assert journal_.kept_bytes <= token_call + ENTRY_OVERHEAD + 2 * CUT_BYTES


def test_the_byte_cap_lets_the_oldest_entries_go(token: str) -> None:
    client = create_app(Settings(journal_bytes=3 * ENTRY_OVERHEAD + 1000)).test_client()
    token = issue_token(client)
    client.delete("/__admin/requests")
    for n in range(1, 6):
        headers = order_headers(token, **{"IM-CorrelationID": f"bytes-{n}"})
        client.get("/resellers/v6/orders/search", headers=headers)  # 204: no bodies
    kept = journal(client)
    assert [e["correlation_id"] for e in kept] == ["bytes-3", "bytes-4", "bytes-5"]
    assert client.get("/__admin/requests").get_json()["total"] == 5
    journal_ = client.application.extensions["ingram_mock"].journal
    assert journal_.kept_bytes == 3 * ENTRY_OVERHEAD

    # A body counts by its length: one create answer pushes out more than one bodiless entry.
    placed = client.post("/resellers/v6/orders", json=new_order(po="PO-CAP"), headers=headers)
    answer_bytes = len(placed.get_data())
    request_bytes = len(json.dumps(new_order(po="PO-CAP")).encode())
    assert answer_bytes + request_bytes > 1000
    kept = journal(client)
    assert [e["operationId"] for e in kept] == ["searchOrders", "createOrderV6"]
    assert journal_.kept_bytes == 2 * ENTRY_OVERHEAD + answer_bytes + kept[1]["request"][
        "bodyBytes"
    ]


def test_the_newest_entry_stays_even_when_it_alone_is_over_the_byte_cap(token: str) -> None:
    client = create_app(Settings(journal_bytes=100)).test_client()
    token = issue_token(client)
    client.post("/resellers/v6/orders", json=new_order(), headers=order_headers(token))
    assert [e["operationId"] for e in journal(client)] == ["createOrderV6"]


def test_with_bodies_off_entries_keep_sizes_and_no_bodies() -> None:
    client = create_app(Settings(journal_bodies=False)).test_client()
    token = issue_token(client)
    placed = client.post("/resellers/v6/orders", json=new_order(), headers=order_headers(token))
    entry = last(client)
    assert "body" not in entry["request"] and "body" not in entry["response"]
    assert entry["response"]["bodyBytes"] == len(placed.get_data())
    assert entry["request"]["bodyBytes"] > 0
    assert entry["request"]["headers"]["authorization"] == "Bearer ***"
    assert client.application.extensions["ingram_mock"].journal.kept_bytes == 2 * ENTRY_OVERHEAD


# -- filters, one entry, clearing ------------------------------------------------------------


@pytest.fixture
def traffic(client: FlaskClient, token: str) -> dict[str, Any]:
    """Four order calls: two creates (two customers), a search, a details that is a 404."""
    client.delete("/__admin/requests")
    ids = {}
    calls = [
        ("c1", CUSTOMER, "POST", "/resellers/v6/orders", new_order(po="PO-F1")),
        ("c2", OTHER_CUSTOMER, "POST", "/resellers/v6/orders", new_order(po="PO-F2")),
        ("c3", CUSTOMER, "GET", "/resellers/v6/orders/search", None),
        ("c4", CUSTOMER, "GET", "/resellers/v6.1/orders/20-NOPE1", None),
    ]
    for correlation, customer, method, path, body in calls:
        headers = order_headers(token, customer, **{"IM-CorrelationID": correlation})
        client.open(path, method=method, json=body, headers=headers)
        ids[correlation] = last(client)["id"]
    return ids


def correlations(entries: list[dict[str, Any]]) -> list[str]:
    return [e["correlation_id"] for e in entries]


def test_without_parameters_the_listing_is_oldest_first_as_it_always_was(
    client: FlaskClient, traffic: dict[str, Any]
) -> None:
    assert correlations(journal(client)) == ["c1", "c2", "c3", "c4"]
    assert correlations(journal(client, "?order=newest")) == ["c4", "c3", "c2", "c1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?operation=createOrderV6", ["c2", "c1"]),
        ("?status=201", ["c2", "c1"]),
        ("?status=4xx", ["c4"]),
        ("?status=404", ["c4"]),
        (f"?customerNumber={OTHER_CUSTOMER}", ["c2"]),
        ("?correlationId=c3", ["c3"]),
        ("?limit=2", ["c4", "c3"]),
        ("?operation=createOrderV6&customerNumber=20-222222", ["c1"]),
        ("?status=201&order=oldest", ["c1", "c2"]),
        ("?operation=cancelOrder", []),
    ],
)
def test_each_filter_narrows_the_listing_newest_first(
    client: FlaskClient, traffic: dict[str, Any], query: str, expected: list[str]
) -> None:
    assert correlations(journal(client, query)) == expected


def test_since_lists_what_came_after_an_entry(
    client: FlaskClient, traffic: dict[str, Any]
) -> None:
    assert correlations(journal(client, f"?since={traffic['c2']}")) == ["c4", "c3"]
    since = f"?since={traffic['c2']}&order=oldest&limit=1"
    assert correlations(journal(client, since)) == ["c3"]
    assert journal(client, f"?since={traffic['c4']}") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=abc", "status"),
        ("?status=700", "status"),
        ("?operation=createOrder", "operation"),
        ("?limit=0", "limit"),
        ("?since=-1", "since"),
        ("?order=sideways", "order"),
        ("?operationId=createOrderV6", "operationId"),
    ],
)
def test_a_filter_that_cannot_be_used_is_a_400_naming_it(
    client: FlaskClient, query: str, field: str
) -> None:
    assert refused_field(client, query) == field


def test_one_entry_by_id_and_a_404_once_it_is_gone(
    client: FlaskClient, traffic: dict[str, Any]
) -> None:
    one = client.get(f"/__admin/requests/{traffic['c3']}")
    assert one.status_code == 200
    assert one.get_json()["correlation_id"] == "c3"
    for missing in (str(traffic["c4"] + 1), "0", "not-a-number"):
        gone = client.get(f"/__admin/requests/{missing}")
        assert gone.status_code == 404
        assert gone.get_json()["errors"][0]["type"] == "/errors/not-found"

    assert client.delete("/__admin/requests").status_code == 204
    assert client.get(f"/__admin/requests/{traffic['c3']}").status_code == 404
    assert client.get("/__admin/requests").get_json() == {"total": 0, "requests": []}


def test_ids_keep_counting_after_a_clear_and_a_reset(
    client: FlaskClient, traffic: dict[str, Any], headers: dict[str, str]
) -> None:
    assert client.post("/__admin/reset").status_code == 200
    assert journal(client) == []
    client.get("/resellers/v6/orders/search", headers=headers)
    assert journal(client)[0]["id"] == traffic["c4"] + 1


def test_the_byte_cap_and_entry_cap_are_settings() -> None:
    frozen = AdjustableClock(FrozenClock())
    app = create_app(Settings(journal_size=7, journal_bytes=10**6), clock=frozen)
    described = app.extensions["ingram_mock"].journal.describe()
    assert described == {
        "entries": 0, "bytes": 0, "maxEntries": 7, "maxBytes": 10**6, "bodies": True
    }


def test_since_takes_ids_past_a_million(client: FlaskClient) -> None:
    """Ids grow for the life of the process: a long load run passes a million of them."""
    answer = client.get("/__admin/requests?since=1000001")
    assert answer.status_code == 200 and answer.get_json()["requests"] == []
    huge = client.get(f"/__admin/requests?since={10**20}")
    assert huge.status_code == 400
    assert huge.get_json()["errors"][0]["fields"][0]["field"] == "since"
