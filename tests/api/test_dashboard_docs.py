"""The dashboard (/__admin/ui) and the docs page (/docs, /openapi.json) on the test client.
What a person sees in a browser is in tests/browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.models import Order
from mock_server.rehearsal.clock import AdjustableClock
from mock_server.rehearsal.timelines import OrderTimelines
from mock_server.store.memory import InMemoryOrderStore
from tests.conftest import CUSTOMER, issue_token, new_order, order_headers
from tests.fakes import RecordingSink


def rows(html: bytes, attribute: str = "data-order") -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html.decode())


# -- the dashboard ----------------------------------------------------------------------


def test_the_overview_lists_orders_newest_first_in_pages(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    numbers = []
    for i in range(30):
        answer = client.post("/resellers/v6/orders", json=new_order(po=f"PO-{i}"), headers=headers)
        numbers.append(answer.get_json()["orders"][0]["ingramOrderNumber"])
    first = client.get("/__admin/ui", query_string={"customer": CUSTOMER})
    assert first.status_code == 200
    assert rows(first.data) == list(reversed(numbers))[:25]
    assert b"page 1 of 2" in first.data
    second = client.get("/__admin/ui", query_string={"customer": CUSTOMER, "page": 2})
    assert rows(second.data) == list(reversed(numbers))[25:]
    assert b"PO-0" in second.data and b"ship at" in second.data


def test_the_overview_shows_faults_violations_and_the_clock(
    client: FlaskClient, headers: dict[str, str], clock: AdjustableClock
) -> None:
    client.post("/__admin/faults", json={"operationId": "searchOrders", "status": 429})
    client.post("/resellers/v6/orders", json={**new_order(), "giftWrap": True}, headers=headers)
    clock.advance(3600)
    page = client.get("/__admin/ui").data.decode()
    assert "searchOrders" in page and "status 429" in page
    assert "giftWrap" in page
    assert clock.now().isoformat(timespec="seconds") in page
    assert "+3600" in page


def test_an_order_page_shows_its_timeline_and_deliveries(
    client: FlaskClient, place: Callable[..., str], events: RecordingSink
) -> None:
    number = place()
    client.post("/__admin/clock", json={"advanceSeconds": 4 * 3600})
    page = client.get(f"/__admin/ui/orders/{number}")
    assert page.status_code == 200
    timeline = rows(page.data, "data-event")
    assert timeline == [kind.value for kind in events.kinds(number)]
    assert timeline[0] == EventKind.CREATED and EventKind.SHIPPED in timeline
    assert b"Shipped" in page.data
    assert client.get("/__admin/ui/orders/20-NOPE1").status_code == 404


def test_reset_forgets_the_timelines(client: FlaskClient, place: Callable[..., str]) -> None:
    number = place()
    client.post("/__admin/reset")
    assert client.get(f"/__admin/ui/orders/{number}").status_code == 404
    assert number not in client.get("/__admin/ui").data.decode()


class CountingOrders(Sequence[Order]):
    """A customer's order list that counts how many orders a reader takes."""

    def __init__(self, orders: Sequence[Order]) -> None:
        self._orders = orders
        self.taken = 0

    def __len__(self) -> int:
        return len(self._orders)

    def __getitem__(self, index: Any) -> Any:
        taken = self._orders[index]
        self.taken += len(taken) if isinstance(index, slice) else 1
        return taken


class CountingStore(InMemoryOrderStore):
    def __init__(self) -> None:
        super().__init__()
        self.lists: list[CountingOrders] = []

    def for_customer(self, customer_number: str) -> Sequence[Order]:
        counted = CountingOrders(super().for_customer(customer_number))
        self.lists.append(counted)
        return counted


def test_a_page_reads_one_page_of_orders_however_many_are_stored(
    clock: AdjustableClock,
) -> None:
    store = CountingStore()
    app = create_app(Settings(), clock=clock, store=store)
    client = app.test_client()
    headers = order_headers(issue_token(client))
    for i in range(120):
        body = new_order(po=f"PO-{i}")
        assert client.post("/resellers/v6/orders", json=body, headers=headers).status_code == 201
    store.lists.clear()
    page = client.get("/__admin/ui", query_string={"customer": CUSTOMER, "page": 3})
    assert len(rows(page.data)) == 25
    assert [c.taken for c in store.lists] == [25]


def test_customers_are_paged_by_the_store() -> None:
    store = InMemoryOrderStore()
    assert store.customer_page(0, 10) == (0, [])


def test_timelines_are_bounded_per_order_and_in_orders() -> None:
    timelines = OrderTimelines(max_orders=2, max_events=3)
    orders = {n: Order.__new__(Order) for n in ("20-A", "20-B", "20-C")}
    for number, order in orders.items():
        object.__setattr__(order, "number", number)
    at = datetime(2026, 1, 5, 9, 0)

    def publish(number: str, kind: EventKind) -> None:
        timelines.publish(
            OrderEvent(kind=kind, at=at, customer_number=CUSTOMER, order=orders[number])
        )

    for kind in (EventKind.CREATED, EventKind.ON_HOLD, EventKind.MODIFIED, EventKind.RELEASED):
        publish("20-A", kind)
    entries = timelines.for_order("20-A")
    assert entries is not None
    assert [e.kind for e in entries] == [EventKind.ON_HOLD, EventKind.MODIFIED, EventKind.RELEASED]
    publish("20-B", EventKind.CREATED)
    publish("20-A", EventKind.SHIPPED)  # A is the most recently active now
    publish("20-C", EventKind.CREATED)
    assert timelines.for_order("20-B") is None
    assert timelines.for_order("20-A") is not None and len(timelines) == 2


# -- the docs page ----------------------------------------------------------------------


def test_openapi_json_points_its_servers_at_this_mock(client: FlaskClient) -> None:
    document = client.get("/openapi.json", base_url="http://mock.test:8123").get_json()
    assert document["servers"][0]["url"] == "http://mock.test:8123"
    assert document["servers"][1]["url"] == "http://mock.test:8123/sandbox"
    assert "/resellers/v6/orders" in document["paths"]


def test_the_docs_page_uses_only_local_assets(client: FlaskClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.data.decode())
    assert sources and all(s.startswith("/") for s in sources)
    for source in sources:
        if source.startswith("/docs/assets/"):
            answer = client.get(source)
            assert answer.status_code == 200, source
            answer.close()
    assert client.get("/docs/assets/../pyproject.toml").status_code == 404
    assert client.get("/docs/assets/swagger-editor.js").status_code == 404


def test_the_token_bar_calls_the_token_endpoint_the_contract_names(client: FlaskClient) -> None:
    page = client.get("/docs").data.decode()
    document = client.get("/openapi.json").get_json()
    assert "/oauth/oauth20/token" in document["paths"]
    assert 'fetch("/oauth/oauth20/token?' in page
    assert "bearerAuth" in document["components"]["securitySchemes"]
    assert 'preauthorizeApiKey("bearerAuth"' in page


def test_each_timeline_event_lists_the_deliveries_it_caused() -> None:
    from tests.api.test_webhooks import HOOK_URL, mock_with
    from tests.fakes import RecordingSender

    for mock in mock_with(RecordingSender()):
        mock.register(HOOK_URL)
        lines = [
            {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1},
            {"customerLineNumber": "2", "ingramPartNumber": "DF4128", "quantity": 1},  # backordered
        ]
        number = mock.create(lines=lines)
        mock.advance(4 * 3600)  # the stocked line ships
        mock.advance(72 * 3600)  # the backordered one arrives and ships
        mock.flush()
        page = mock.client.get(f"/__admin/ui/orders/{number}").data.decode()
        timeline = page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
        cells = re.findall(r'<tr data-event="([^"]+)">(.*?)</tr>', timeline, re.S)
        by_time = sorted(mock.deliveries(), key=lambda d: str(d["created_at"]))
        sent = [d["event_type"] for d in by_time]  # oldest first
        assert [kind for kind, _ in cells] == sent
        assert sent.count(EventKind.SHIPPED) == 2  # one event type, twice: told apart
        assert [cell.count("1 attempt(s)") for _, cell in cells] == [1] * len(cells)


# -- the dashboard and the fault API keep /__admin's exposure rules ------------------------


def test_a_rebound_host_gets_neither_the_dashboard_nor_the_fault_api(client: FlaskClient) -> None:
    for path in ("/__admin/ui", "/__admin/faults"):
        assert client.get(path, base_url="http://evil.example").status_code == 403
    written = client.post(
        "/__admin/faults",
        json={"operationId": "*", "status": 503},
        headers={"Origin": "http://evil.example"},
    )
    assert written.status_code == 403
    assert client.get("/__admin/faults").get_json()["faults"] == []


def test_with_an_admin_token_the_dashboard_signs_in_once_by_cookie(clock: AdjustableClock) -> None:
    client = create_app(Settings(admin_token="s3cret"), clock=clock).test_client()
    assert client.get("/__admin/ui").status_code == 401
    assert client.get("/__admin/ui?adminToken=wrong").status_code == 401
    signed = client.get("/__admin/ui?adminToken=s3cret&customer=20-1")
    assert signed.status_code == 303
    assert signed.headers["Location"].endswith("/__admin/ui?customer=20-1")
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/__admin" in cookie
    # The cookie now opens the pages and lets the buttons call /__admin.
    assert client.get("/__admin/ui").status_code == 200
    moved = client.post("/__admin/clock", json={"advanceSeconds": 60})
    assert moved.status_code == 200
