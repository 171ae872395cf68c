"""The dashboard as a workbench in a real browser against a real `ingram-mock serve`: the
request log updating itself, its bodies formatted and its filters, an order's lines and
details answer, the page for an unknown order, the Reset button's confirm step, and signing
in with the admin token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests

from tests.browser.conftest import keep_screenshot
from tests.browser.test_dashboard import wait
from tests.conftest import CUSTOMER, new_order
from tests.live import LiveServer, start_server

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOSTILE = "</script><img id=injected src=x onerror=window.pwned=1>"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server()
    try:
        yield live
    finally:
        live.stop()


def api_headers(server: LiveServer, correlation: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {server.token()}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": correlation,
    }


def place(server: LiveServer, correlation: str, body: dict[str, Any] | None = None) -> str:
    answer = requests.post(
        f"{server.base_url}/resellers/v6/orders",
        json=body or new_order(po=f"PO-{correlation}"),
        headers=api_headers(server, correlation),
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["orders"][0]["ingramOrderNumber"])


def shown_entries(browser: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(browser.find_elements(By.CSS_SELECTOR, "#requests details.entry"))


def test_the_request_log_shows_a_new_request_formatted_without_a_reload(
    browser: Any, server: LiveServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{server.base_url}/__admin/ui/requests")
    browser.execute_script("window.sameDocument = true")  # gone if the page reloads
    correlation = f"live-{uuid4().hex[:8]}"
    body = {**new_order(po=f"PO-{correlation}"), "notes": HOSTILE}
    number = place(server, correlation, body)

    def arrived(b: Any) -> Any:
        entries = shown_entries(b)
        return entries[0] if entries and correlation in entries[0].text else None

    entry = wait(browser, arrived)
    assert browser.execute_script("return window.sameDocument") is True
    kept = int(browser.find_element(By.ID, "kept").text)
    assert kept >= 2 and kept == len(shown_entries(browser))  # the counts follow
    assert "createOrderV6" in entry.text and "201" in entry.text
    entry.find_element(By.TAG_NAME, "summary").click()
    asked = entry.find_element(By.CSS_SELECTOR, "pre.request-body").text
    answered = entry.find_element(By.CSS_SELECTOR, "pre.response-body").text
    assert json.loads(asked) == body and '\n  "customerOrderNumber": "PO-' in asked
    assert json.loads(answered)["orders"][0]["ingramOrderNumber"] == number
    # The hostile notes are text on the page, never markup.
    assert HOSTILE in asked
    assert browser.find_elements(By.ID, "injected") == []
    assert browser.execute_script("return window.pwned") is None
    keep_screenshot(browser.get_screenshot_as_png(), "requests.png", tmp_path)


def test_the_filters_narrow_the_request_log(browser: Any, server: LiveServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    correlation = f"filter-{uuid4().hex[:8]}"
    place(server, correlation)
    requests.get(
        f"{server.base_url}/resellers/v6.1/orders/20-NOPE1",
        headers=api_headers(server, correlation),
        timeout=5,
    )
    browser.get(f"{server.base_url}/__admin/ui/requests")
    assert len(shown_entries(browser)) >= 4  # two tokens, the create, the read (at least)
    browser.find_element(By.ID, "filter-correlation").send_keys(correlation)
    browser.find_element(By.CSS_SELECTOR, "#request-filters button[type=submit]").click()
    wait(browser, lambda b: "correlationId=" in b.current_url)
    entries = shown_entries(browser)
    assert len(entries) == 2 and all(correlation in e.text for e in entries)
    Select(browser.find_element(By.ID, "filter-operation")).select_by_visible_text(
        "getOrderDetails"
    )
    browser.find_element(By.CSS_SELECTOR, "#request-filters button[type=submit]").click()
    wait(browser, lambda b: "operation=getOrderDetails" in b.current_url)
    (entry,) = shown_entries(browser)
    assert "404" in entry.text and "20-NOPE1" in entry.text


def test_an_order_page_shows_its_lines_and_details_and_an_unknown_one_a_page(
    browser: Any, server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By

    correlation = f"order-{uuid4().hex[:8]}"
    lines = [
        {"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 2},
        {"customerLineNumber": "2", "ingramPartNumber": "DF4128", "quantity": 1},
    ]
    number = place(server, correlation, new_order(po=f"PO-{correlation}", lines=lines))
    browser.get(f"{server.base_url}/__admin/ui/orders/{number}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#lines tr[data-line]")
    assert [r.get_attribute("data-line") for r in rows] == ["001", "002"]
    assert "2GZ200" in rows[0].text and "Backordered" in rows[1].text
    shown = json.loads(browser.find_element(By.ID, "details-json").text)
    api = requests.get(
        f"{server.base_url}/resellers/v6.1/orders/{number}",
        headers=api_headers(server, correlation),
        timeout=5,
    ).json()
    assert shown == api

    browser.get(f"{server.base_url}/__admin/ui/orders/20-NOPE1")
    assert browser.find_element(By.ID, "missing-number").text == "20-NOPE1"
    browser.find_element(By.ID, "back").click()
    wait(browser, lambda b: b.find_elements(By.ID, "customers"))


def test_reset_empties_the_state_only_after_its_confirm_step(
    browser: Any, server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By

    base = server.base_url
    place(server, f"reset-{uuid4().hex[:8]}")
    browser.get(f"{base}/__admin/ui/requests")

    def stored() -> int:
        return int(requests.get(f"{base}/__admin/health", timeout=5).json()["orders"])

    ask = browser.find_element(By.ID, "reset-ask")
    confirm = browser.find_element(By.ID, "reset-confirm")
    assert not confirm.is_displayed()
    ask.click()
    assert confirm.is_displayed() and not ask.is_displayed()
    browser.find_element(By.ID, "reset-no").click()  # changed my mind: nothing is sent
    assert ask.is_displayed() and stored() > 0
    ask.click()
    browser.find_element(By.ID, "reset-yes").click()
    wait(browser, lambda b: b.current_url == f"{base}/__admin/ui")
    assert stored() == 0
    assert requests.get(f"{base}/__admin/requests", timeout=5).json()["requests"] == []
    assert "no orders yet" in browser.find_element(By.ID, "customers").text


def test_with_an_admin_token_the_sign_in_page_says_how_and_the_link_signs_in(
    browser: Any,
) -> None:
    from selenium.webdriver.common.by import By

    live = start_server(admin_token="t0ken-for-the-browser")
    try:
        base = live.base_url
        browser.get(f"{base}/__admin/ui/requests")
        text = browser.find_element(By.ID, "sign-in").text
        assert "/__admin/ui/requests?adminToken=TOKEN" in text
        assert "X-Admin-Token: TOKEN" in text and "Authorization: Bearer TOKEN" in text
        browser.find_element(By.ID, "admin-token").send_keys("a-guess")
        browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        wait(browser, lambda b: b.find_elements(By.ID, "wrong-token"))

        browser.get(f"{base}/__admin/ui/requests?adminToken=t0ken-for-the-browser")
        wait(browser, lambda b: b.find_elements(By.ID, "requests"))
        assert browser.current_url == f"{base}/__admin/ui/requests"  # the token left the bar
        # The cookie also lets the page's own calls through: its live updates run.
        wait(browser, lambda b: "checked at" in b.find_element(By.ID, "live").text)
    finally:
        browser.delete_all_cookies()
        live.stop()
