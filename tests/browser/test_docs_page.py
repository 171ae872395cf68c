"""/docs in a real browser: the contract renders, and "try it" reaches this mock."""

from __future__ import annotations

import re
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


def test_the_example_create_can_be_executed_again_and_again(
    browser: Any, server: LiveServer
) -> None:
    """A PO may be used once; each Execute of the contract's example takes a fresh one."""
    from selenium.webdriver.common.by import By

    def creates() -> list[dict[str, Any]]:
        journal = requests.get(f"{server.base_url}/__admin/requests", timeout=5).json()
        return [
            r
            for r in journal["requests"]
            if r["method"] == "POST" and r["path"] == "/resellers/v6/orders"
        ]

    def answered_po(block: Any) -> str | None:
        table = block.find_elements(By.CSS_SELECTOR, ".live-responses-table")
        text = table[0].text if table else ""
        found = re.search(r'"customerOrderNumber": "(PO-HPC-[0-9A-Z]+)"', text)
        return found.group(1) if found else None

    already = len(creates())
    browser.get(f"{server.base_url}/docs")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock"))
    browser.find_element(By.ID, "get-token").click()
    wait(browser, lambda b: "authorized" in b.find_element(By.ID, "token-status").text, 5)
    block = browser.find_element(By.ID, "operations-Orders-createOrderV6")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    execute = wait(browser, lambda b: block.find_element(By.CSS_SELECTOR, "button.execute"), 5)
    pos: list[str] = []
    for click in (1, 2):
        execute.click()
        wait(browser, lambda b, n=click: len(creates()) == already + n, 10)
        wait(browser, lambda b: (answered_po(block) or "") not in ("", *pos), 10)
        pos.append(answered_po(block) or "")
        status = block.find_element(
            By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status"
        )
        assert status.text.split()[0] == "201", block.text[:2000]
    assert [r["status"] for r in creates()[already:]] == [201, 201]
    assert len(set(pos)) == 2 and "PO-HPC-0417" not in pos, pos
