"""The dashboard as a workbench, on the test client: the request log page and its live
updates, an order's lines and details answer, the page for an unknown order, the sign-in
page, and what every page is sent with. What a person sees in a browser is in
tests/browser/test_workbench.py."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import orjson
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock
from tests.conftest import OTHER_CUSTOMER, issue_token, new_order, order_headers

HOSTILE = '</script><img src=x onerror="alert(1)"><script>alert(2)</script>'


def entry_ids(page: bytes) -> list[int]:
    return [int(n) for n in re.findall(r'data-entry="(\d+)"', page.decode())]


def pre(page: bytes, css_class: str) -> list[str]:
    """The text of each `<pre class="... css_class">`, unescaped as a browser would."""
    found = re.findall(rf'<pre class="[^"]*\b{css_class}\b[^"]*">(.*?)</pre>', page.decode(), re.S)
    return [html.unescape(text) for text in found]


# -- the request log -----------------------------------------------------------------------


def test_the_request_log_shows_each_exchange_formatted_and_escaped(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = {**new_order(po="PO-HOSTILE"), "notes": HOSTILE}
    placed = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert placed.status_code == 201
    page = client.get("/__admin/ui/requests")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.data.decode()
    # Escaped wherever it is shown: the raw markup never reaches the page.
    assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;/script&gt;&lt;img src=x onerror=" in text
    # Newest first: the create, then the token request before it.
    ids = entry_ids(page.data)
    assert len(ids) == 2 and ids[0] > ids[1]
    asked, answered = pre(page.data, "request-body")[0], pre(page.data, "response-body")[0]
    assert orjson.loads(asked) == body
    assert asked.startswith('{\n  "customerOrderNumber": "PO-HOSTILE",\n')  # indented, in order
    assert orjson.loads(answered) == placed.get_json()
    headers_shown = pre(page.data, "headers")[0]
    assert "authorization: Bearer ***" in headers_shown and headers["Authorization"] not in text
    # Both clocks, each labelled.
    assert "<span>wall time</span><span>mock time</span>" in text


def test_the_filters_narrow_the_log_and_a_bad_one_is_named(
    client: FlaskClient, headers: dict[str, str], token: str
) -> None:
    client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    other = order_headers(token, OTHER_CUSTOMER, **{"IM-CorrelationID": "other-1"})
    client.get("/resellers/v6.1/orders/20-NOPE1", headers=other)
    log = "/__admin/ui/requests"
    everything = entry_ids(client.get(log).data)
    assert len(everything) == 3  # token, create, the failed read
    by_status = client.get(log, query_string={"status": "4xx"})
    by_customer = client.get(log, query_string={"customerNumber": OTHER_CUSTOMER})
    by_correlation = client.get(log, query_string={"correlationId": "other-1"})
    by_operation = client.get(log, query_string={"operation": "createOrderV6", "status": ""})
    assert entry_ids(by_status.data) == [everything[0]]
    assert entry_ids(by_customer.data) == entry_ids(by_correlation.data) == [everything[0]]
    assert entry_ids(by_operation.data) == [everything[1]]
    assert b'<option selected>createOrderV6</option>' in by_operation.data  # the form keeps it
    assert b"no requests match" in client.get(log, query_string={"status": "302"}).data
    refused = client.get(log, query_string={"status": "teapot"})
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert b'id="problem"' in refused.data and b"status:" in refused.data


def test_live_updates_bring_only_what_is_newer_and_matches(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    page = client.get("/__admin/ui/requests", query_string={"operation": "createOrderV6"})
    last = re.search(rb'data-last="(\d+)"', page.data)
    assert last is not None and last.group(1) == b"0"  # nothing matched yet
    newer = "/__admin/ui/requests/newer"
    assert client.get(newer, query_string={"since": 0, "operation": "createOrderV6"}).data == b""
    client.post("/resellers/v6/orders", json=new_order(po="PO-LIVE"), headers=headers)
    client.get("/resellers/v6/orders/search", headers=headers)
    update = client.get(newer, query_string={"since": 0, "operation": "createOrderV6"})
    assert update.status_code == 200 and update.mimetype == "text/html"
    (created,) = entry_ids(update.data)
    # the token request, the create, the search
    assert update.headers["X-Journal-Kept"] == update.headers["X-Journal-Total"] == "3"
    assert "PO-LIVE" in pre(update.data, "request-body")[0]
    after = client.get(newer, query_string={"since": created, "operation": "createOrderV6"})
    assert entry_ids(after.data) == []
    assert entry_ids(client.get(newer, query_string={"since": created}).data) == [created + 1]
    assert client.get(newer).status_code == 400
    assert client.get(newer, query_string={"since": 0, "status": "x"}).status_code == 400


def test_a_page_of_the_log_formats_at_most_fifty_entries(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    for _ in range(60):
        client.get("/resellers/v6.1/orders/20-NOPE1", headers=headers)
    ids = entry_ids(client.get("/__admin/ui/requests").data)
    assert len(ids) == 50 and ids == sorted(ids, reverse=True) and ids[0] == 61
    update = client.get("/__admin/ui/requests/newer", query_string={"since": 1})
    assert len(entry_ids(update.data)) == 50


def test_with_bodies_off_the_log_says_so(clock: AdjustableClock) -> None:
    client = create_app(Settings(journal_bodies=False), clock=clock).test_client()
    headers = order_headers(issue_token(client))
    client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    page = client.get("/__admin/ui/requests")
    assert len(entry_ids(page.data)) == 2
    assert b"Bodies are not kept" in page.data and pre(page.data, "request-body") == []


# -- an order's page -----------------------------------------------------------------------


def test_an_order_page_shows_its_lines_and_the_details_answer_a_client_gets(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2},
        {"customerLineNumber": "2", "ingramPartNumber": "DF4128", "quantity": 1},  # backordered
    ]
    body = {**new_order(lines=lines), "notes": HOSTILE}
    placed = client.post("/resellers/v6/orders", json=body, headers=headers)
    number = placed.get_json()["orders"][0]["ingramOrderNumber"]
    page = client.get(f"/__admin/ui/orders/{number}")
    assert page.status_code == 200
    assert re.findall(r'data-line="(\d+)"', page.data.decode()) == ["001", "002"]
    assert re.findall(r'class="line-status">([^<]+)<', page.data.decode()) == [
        "In Progress",
        "Backordered",
    ]
    shown = re.search(rb'<pre id="details-json">(.*?)</pre>', page.data, re.S)
    assert shown is not None
    assert b"<img" not in page.data
    api = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
    assert orjson.loads(html.unescape(shown.group(1).decode())) == api
    # A sub-order's number opens its order.
    assert client.get(f"/__admin/ui/orders/{number.lower()}-11").status_code == 200


def test_an_unknown_order_gets_a_page_that_says_so(client: FlaskClient) -> None:
    page = client.get("/__admin/ui/orders/20-NOPE1")
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = page.data.decode()
    assert 'id="missing-number">20-NOPE1<' in text and 'href="/__admin/ui"' in text
    hostile = client.get("/__admin/ui/orders/%3Cimg%20src=x%3E")
    assert hostile.status_code == 404 and b"<img" not in hostile.data


# -- what every page carries ---------------------------------------------------------------


def test_every_page_has_the_reset_step_labelled_clocks_and_a_script_policy(
    client: FlaskClient, place: Callable[..., str], clock: AdjustableClock
) -> None:
    number = place()
    clock.advance(90)
    for path in ("/__admin/ui", "/__admin/ui/requests", f"/__admin/ui/orders/{number}"):
        page = client.get(path)
        text = page.data.decode()
        assert 'data-action="reset-ask"' in text and 'id="reset-confirm" hidden' in text
        assert "+90</span> s ahead of wall time" in text
        policy = page.headers["Content-Security-Policy"]
        nonce = re.search(r"script-src 'nonce-([\w-]+)'", policy)
        assert nonce is not None and "frame-ancestors 'none'" in policy
        scripts = re.findall(r"<script([^>]*)>", text)
        assert scripts and all(f'nonce="{nonce.group(1)}"' in s for s in scripts)
    overview = client.get("/__admin/ui").data.decode()
    for label in ("placed (mock time)", "attempts (wall time)", "at (wall time)"):
        assert label in overview
    a, b = (client.get("/__admin/ui").headers["Content-Security-Policy"] for _ in range(2))
    assert a != b  # a fresh nonce each time


def test_without_the_admin_token_the_dashboard_answers_a_sign_in_page(
    clock: AdjustableClock,
) -> None:
    client = create_app(Settings(admin_token="s3cret"), clock=clock).test_client()
    for path in ("/__admin/ui", "/__admin/ui/requests", "/__admin/ui/orders/20-ABCDE"):
        page = client.get(path)
        assert page.status_code == 401 and page.mimetype == "text/html", path
        assert page.headers["WWW-Authenticate"] == "Bearer"
        text = page.data.decode()
        assert f"{path}?adminToken=" in text and f'action="{path}"' in text
        assert "X-Admin-Token" in text and "Authorization: Bearer" in text
        assert "s3cret" not in text and "mock time" not in text  # no state before sign-in
        assert "wrong-token" not in text
    wrong = client.get("/__admin/ui?adminToken=guess")
    assert wrong.status_code == 401 and b'id="wrong-token"' in wrong.data
    # The admin API itself still answers a script in JSON.
    assert client.get("/__admin/requests").get_json()["errors"]
    assert client.get("/__admin/ui", headers={"X-Admin-Token": "s3cret"}).status_code == 200
