"""A real headless Chromium, driven by selenium, against a real `ingram-mock serve`.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing);
without them every browser test skips and says why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import REPO

SCREENSHOTS = REPO / "docs"


def _browser_paths() -> tuple[str, str]:
    browser = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p is not None), None
    )
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = [n for n, p in (("chromium", browser), ("chromedriver", driver)) if p is None]
        pytest.skip(
            f"browser tests need {' and '.join(missing)} on PATH "
            "(Debian: apt-get install chromium chromium-driver; .ci/run does it)"
        )
    return browser, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra")
    binary, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def keep_screenshot(png: bytes, name: str, tmp_path: Path) -> Path:
    """Every run writes the picture under tmp_path; UPDATE_SCREENSHOTS=1 also refreshes
    docs/<name>, the one the README shows."""
    target = tmp_path / name
    target.write_bytes(png)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / name).write_bytes(png)
    return target
