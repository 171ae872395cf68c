"""/__admin/ui in a real browser: an order placed through the API, its timeline as the
mock clock moves, and a dead webhook delivery sent again from its Redeliver button."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.conftest import keep_screenshot
from tests.conftest import CUSTOMER, new_order
from tests.live import LiveServer, start_server
from tests.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    # Two quick attempts per delivery, so a failing receiver makes a dead letter at once.
    live = start_server(["--webhook-attempts", "2", "--webhook-backoff", "0.05"])
    try:
        yield live
    finally:
        live.stop()


def until(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s: {check}")


def wait(browser: Any, condition: Any, seconds: float = 10.0) -> Any:
    """Wait for `condition`; a page reloading under it (the buttons reload) is retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, seconds, ignored_exceptions=ignored).until(condition)


def test_the_dashboard_shows_an_order_its_timeline_and_a_redelivery(
    browser: Any, server: LiveServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    base = server.base_url
    headers = {
        "Authorization": f"Bearer {server.token()}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "browser-dashboard-1",
    }
    with Receiver() as hook:
        requests.put(
            f"{base}/__admin/webhooks", json={"url": hook.url, "secret": "s3cret"}, timeout=5
        ).raise_for_status()
        # The receiver "fails" the first two attempts: the first event becomes a dead letter.
        rule = requests.post(
            f"{base}/__admin/faults",
            json={"operationId": "webhookDelivery", "status": 500, "times": 2},
            timeout=5,
        )
        assert rule.status_code == 201, rule.text
        placed = requests.post(
            f"{base}/resellers/v6/orders",
            json=new_order(po="PO-DASH-1"),
            headers=headers,
            timeout=5,
        )
        assert placed.status_code == 201, placed.text
        number = placed.json()["orders"][0]["ingramOrderNumber"]
        # Two more, for the picture: one on hold, one with a field the contract lacks.
        requests.post(
            f"{base}/resellers/v6/orders",
            json=new_order(po="PO-DASH-2", hold=True),
            headers=headers,
            timeout=5,
        ).raise_for_status()
        requests.post(
            f"{base}/resellers/v6/orders",
            json={**new_order(po="PO-DASH-3"), "giftWrap": True},
            headers=headers,
            timeout=5,
        ).raise_for_status()

        def dead() -> list[dict[str, Any]]:
            answer = requests.get(
                f"{base}/__admin/webhooks/deliveries", params={"state": "dead"}, timeout=5
            )
            return [d for d in answer.json()["deliveries"] if d["order_number"] == number]

        (letter,) = until(dead)
        assert letter["event_type"] == "im::order_created"

        # The overview lists the order under its customer.
        browser.get(f"{base}/__admin/ui?customer={CUSTOMER}")
        row = browser.find_element(By.CSS_SELECTOR, f"#orders tr[data-order='{number}']")
        assert "PO-DASH-1" in row.text
        assert "ship at" in row.text  # its next due step
        png = keep_screenshot(browser.get_screenshot_as_png(), "dashboard.png", tmp_path)
        assert png.read_bytes().startswith(b"\x89PNG")

        # Its timeline: created now; shipped once the clock has moved four hours.
        row.find_element(By.LINK_TEXT, number).click()
        wait(browser, lambda b: b.find_elements(By.ID, "timeline"))
        assert kinds(browser) == ["im::order_created"]
        browser.find_element(By.ID, "advance").click()  # 4 h is the default choice
        wait(browser, lambda b: "im::order_shipped" in kinds(b))
        assert kinds(browser)[0] == "im::order_created"
        assert browser.find_element(By.ID, "order-status").text == "Shipped"

        # The dead letter, sent again from its button, reaches the receiver.
        button = browser.find_element(By.CSS_SELECTOR, f"button[data-id='{letter['id']}']")
        button.click()
        until(lambda: created_received(hook, number))

        def shown_delivered(b: Any) -> bool:
            b.refresh()
            cell = b.find_element(
                By.CSS_SELECTOR, f"#deliveries tr[data-delivery='{letter['id']}'] .state"
            )
            return bool(cell.text == "delivered")

        wait(browser, shown_delivered)

        # With many orders stored, one is found by its number from the header.
        browser.get(f"{base}/__admin/ui")
        browser.find_element(By.ID, "find-number").send_keys(number)
        browser.find_element(By.CSS_SELECTOR, "#find-order button").click()
        wait(browser, lambda b: b.find_element(By.ID, "order-number").text == number)


def kinds(browser: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    rows = browser.find_elements(By.CSS_SELECTOR, "#timeline tr[data-event]")
    return [r.get_attribute("data-event") for r in rows]


def created_received(hook: Receiver, number: str) -> bool:
    return any(
        r.event_type == "im::order_created" and r.json()["resource"][0]["orderNumber"] == number
        for r in hook.received
    )
