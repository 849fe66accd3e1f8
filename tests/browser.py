"""Shared headless-Chromium (Selenium) fixture and helpers for browser tests.

Why Debian's chromium/chromedriver: a downloaded browser (Selenium Manager)
does not work in this environment, and the two Debian packages come in
matching versions. Install with ``apt-get install -y chromium chromium-driver``.

The browser is cut off from the network (no DNS, a dead proxy), so a page that
tries to fetch anything remote fails visibly; tests additionally read every
request from the DevTools performance log (``requested_urls``).

If Chromium, chromedriver or Selenium is missing, browser tests are skipped
with the reason, except when ``CI=true``: then they fail, so CI cannot go green
by silently skipping them.

Use in a test module::

    from tests.browser import chrome  # noqa: F401  (pytest fixture)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KG_CHROMEDRIVER", "/usr/bin/chromedriver")

CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
    # no network: every host name fails to resolve, and any proxy use fails
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
    "--proxy-server=127.0.0.1:9",
)


def missing_reason() -> str | None:
    """Why a browser test cannot run here, or None if it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} not found (apt-get install -y {pkg})"
    return None


def require_browser() -> None:
    """Skip (or, under CI=true, fail) when the browser stack is unavailable."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def make_driver(user_data_dir: str) -> Any:
    """Start headless Chromium with console and DevTools performance logging."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(service=service, options=options)


@pytest.fixture(scope="session")
def chrome() -> Iterator[Any]:
    """A session-wide headless Chromium WebDriver (network cut off)."""
    require_browser()
    profile = tempfile.mkdtemp(prefix="kg-chrome-")
    driver = make_driver(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def reset_logs(driver: Any) -> None:
    """Drain the browser and performance logs, so later reads see only new entries."""
    driver.get_log("browser")
    driver.get_log("performance")


def requested_urls(driver: Any) -> list[str]:
    """URLs of all requests since the last read, from CDP Network events."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def load_graph_page(driver: Any, path: Path, timeout: float = 60.0) -> float:
    """Open a paperkg HTML file and wait until it has drawn; return seconds taken."""
    start = time.perf_counter()
    driver.get(path.resolve().as_uri())
    deadline = start + timeout
    while time.perf_counter() < deadline:
        if driver.execute_script("return !!(window.paperkg && window.paperkg.ready);"):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{path} did not finish drawing within {timeout} s")
