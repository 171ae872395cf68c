"""/docs in a real browser: the contract renders, and "try it" reaches this mock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import CUSTOMER, new_order
from tests.live import LiveServer, start_server

pytestmark = [pytest.mark.browser, pytest.mark.live]

SIX_OPERATIONS = {
    "createOrderV6",
    "createOrderV7",
    "getOrderDetails",
    "searchOrders",
    "modifyOrder",
    "cancelOrder",
}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server()
    try:
        yield live
    finally:
        live.stop()


def wait(browser: Any, condition: Any, seconds: float = 15.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds).until(condition)


def test_the_docs_page_renders_the_operations_and_try_it_gets_a_200(
    browser: Any, server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By

    headers = {
        "Authorization": f"Bearer {server.token()}",
        "IM-CustomerNumber": CUSTOMER,  # the contract's example, which the page prefills
        "IM-CountryCode": "US",
        "IM-CorrelationID": "browser-docs-1",
    }
    placed = requests.post(
        f"{server.base_url}/resellers/v6/orders",
        json=new_order(po="PO-DOCS"),
        headers=headers,
        timeout=5,
    )
    assert placed.status_code == 201, placed.text
    number = placed.json()["orders"][0]["ingramOrderNumber"]

    browser.get(f"{server.base_url}/docs")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock"))
    shown = {
        e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-operation-id")
    }
    assert shown >= SIX_OPERATIONS | {"getAccessToken"}
    served = browser.find_element(By.CSS_SELECTOR, ".servers select").text
    assert server.base_url in served

    # The token bar: one click, and every call carries the bearer token.
    browser.find_element(By.ID, "get-token").click()
    wait(browser, lambda b: "authorized" in b.find_element(By.ID, "token-status").text, 5)

    block = browser.find_element(By.ID, "operations-Orders-getOrderDetails")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    box = wait(
        browser,
        lambda b: block.find_element(By.CSS_SELECTOR, "tr[data-param-name='ordernumber'] input"),
        5,
    )
    box.clear()
    box.send_keys(number)
    block.find_element(By.CSS_SELECTOR, "button.execute").click()
    # The live answer's row (the table's header row says "Code").
    status = wait(
        browser,
        lambda b: block.find_element(
            By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status"
        ),
        10,
    )
    assert status.text.split()[0] == "200"
    assert number in block.find_element(By.CSS_SELECTOR, ".live-responses-table").text

    # It was this mock that answered: its request journal has the call.
    journal = requests.get(f"{server.base_url}/__admin/requests", timeout=5).json()["requests"]
    assert any(
        r["path"].startswith(f"/resellers/v6.1/orders/{number}") and r["status"] == 200
        for r in journal
    )
