"""The kg.web pages in headless Chromium (network cut off), served by the real endpoint.

Walks index -> day -> paper -> person -> task, searches, runs a preset query and a
broken one, and checks on every step that no request left the loopback server and
that the hostile digest text never ran.  Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kg
from kg.graph import vocab as v
from kg.sparql.server import RunningEndpoint, start_background
from tests.browser import chrome, requested_urls, reset_logs  # noqa: F401
from tests.webdata import write_digests

pytestmark = [pytest.mark.browser, pytest.mark.server]

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEndpoint]:
    graph = kg.build([write_digests(tmp_path_factory.mktemp("webb") / "d")])
    assert graph.store is not None
    running = start_background(graph.store.store, prefixes=v.all_prefixes(v.DEFAULT_BASE))
    try:
        yield running
    finally:
        running.stop()


def local(site: RunningEndpoint) -> str:
    """The server's URL by name: the browser's resolver rules refuse every other host."""
    return site.base_url.replace("127.0.0.1", "localhost")


def fresh(driver: Any) -> None:
    """Leave the new-tab page (its chrome:// requests are the browser's own) and clear logs."""
    driver.get("about:blank")
    reset_logs(driver)


def visit(driver: Any, url: str) -> None:
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"


def click_link(driver: Any, text: str, within: str = "main") -> None:
    from selenium.webdriver.common.by import By

    scope = driver.find_element(By.CSS_SELECTOR, within)
    scope.find_element(By.LINK_TEXT, text).click()


def safe(driver: Any, base: str) -> None:
    """Nothing requested beyond the local server; no hostile script ran; no console errors."""
    from selenium.common.exceptions import NoAlertPresentException

    urls = requested_urls(driver)
    outside = [u for u in urls if not u.startswith(base)]
    assert urls and outside == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def wait_url(driver: Any, part: str, timeout: float = 20.0) -> None:
    """Wait for a navigation started by a script or a form to reach a URL with ``part``."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: part in d.current_url
                                         and d.execute_script("return document.readyState")
                                         == "complete")


def shot(driver: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_browse_index_day_paper_person_task(chrome: Any, site: RunningEndpoint) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    base = local(site)
    fresh(chrome)
    visit(chrome, base + "/")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Papers graph"
    shot(chrome, "index")
    click_link(chrome, "2025-02-28")
    wait_url(chrome, "/day/2025-02-28.html")
    assert chrome.current_url == base + "/day/2025-02-28.html"  # 303 to the HTML document
    assert len(chrome.find_elements(By.CSS_SELECTOR, "table.digest tbody tr")) == 3
    shot(chrome, "day")
    click_link(chrome, "MedVLM-R1: Incentivizing Medical Reasoning Capability of "
               "Vision-Language Models (VLMs) via Reinforcement Learning")
    wait_url(chrome, "/paper/2502.19634.html")
    assert chrome.current_url == base + "/paper/2502.19634.html"
    authors = [a.text for a in chrome.find_elements(By.CSS_SELECTOR, "ol.authors a")]
    assert authors[-1] == "Sarath Chandar"
    shot(chrome, "paper")
    click_link(chrome, "Sarath Chandar")
    wait_url(chrome, "/person/sarath-chandar.html")
    assert chrome.find_element(By.CSS_SELECTOR, "p.summary").text == \
        "2 papers · 7 co-authors · 4 tasks"
    shot(chrome, "person")
    click_link(chrome, "Reinforcement Learning")
    wait_url(chrome, "/task/reinforcement-learning.html")
    assert chrome.current_url == base + "/task/reinforcement-learning.html"
    assert len(chrome.find_elements(By.CSS_SELECTOR, "svg.chart rect")) == 1
    shot(chrome, "task")
    safe(chrome, base)


def test_hostile_text_never_runs(chrome: Any, site: RunningEndpoint) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    base = local(site)
    fresh(chrome)
    for path in ("/paper/2502.20001", "/day/2025-02-28", "/person/nan-jiang",
                 "/task/question-answering", "/search?q=long+documents"):
        visit(chrome, base + path)
        assert chrome.find_elements(By.CSS_SELECTOR, "main img") == []
        assert chrome.find_elements(By.CSS_SELECTOR, "main script") == []
    assert "<img src=x" in chrome.page_source or "&lt;img src=x" in chrome.page_source
    safe(chrome, base)


def test_search_from_the_header(chrome: Any, site: RunningEndpoint) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    base = local(site)
    fresh(chrome)
    visit(chrome, base + "/paper/2502.19587")
    box = chrome.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.send_keys("question answering")
    chrome.find_element(By.CSS_SELECTOR, "form.search button").click()
    wait_url(chrome, "/search?q=question+answering")
    hits = chrome.find_elements(By.CSS_SELECTOR, "ol.hits li a")
    assert hits[0].text == "Question Answering"
    shot(chrome, "search")
    hits[0].click()
    wait_url(chrome, "/task/question-answering.html")
    assert chrome.current_url == base + "/task/question-answering.html"
    safe(chrome, base)


def test_query_page_preset_download_and_error(chrome: Any, site: RunningEndpoint) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = local(site)
    fresh(chrome)
    visit(chrome, base + "/queries")
    Select(chrome.find_element(By.ID, "preset")).select_by_value("task-papers")  # script loads it
    wait_url(chrome, "preset=task-papers&load=1")
    field = chrome.find_element(By.NAME, "p.task")
    assert field.get_attribute("value") == "Reinforcement Learning"
    field.clear()
    field.send_keys("Question Answering")
    chrome.find_element(By.ID, "run").click()
    wait_url(chrome, "run=1")
    cells = chrome.find_elements(By.CSS_SELECTOR, "table.results tbody tr td:first-child a")
    assert sorted(c.text for c in cells) == ["paper:2502.19613", "paper:2502.20001"]
    shot(chrome, "query")
    csv_url = chrome.find_element(By.ID, "download-csv").get_attribute("href")
    json_url = chrome.find_element(By.ID, "download-json").get_attribute("href")
    cells[0].click()
    wait_url(chrome, "/paper/")
    assert chrome.current_url.startswith(base + "/paper/")
    with urllib.request.urlopen(csv_url, timeout=10) as answer:
        assert answer.headers["Content-Disposition"].startswith("attachment")
        rows = list(csv.reader(io.StringIO(answer.read().decode())))
    assert rows[0] == ["paper", "title", "first_featured"] and len(rows) == 3
    with urllib.request.urlopen(json_url, timeout=10) as answer:
        assert answer.headers["Content-Type"] == "application/sparql-results+json"

    visit(chrome, base + "/queries")
    editor = chrome.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT ?x\nWHERE { ?x ?y }")
    chrome.find_element(By.ID, "run").click()
    wait_url(chrome, "run=1")
    error = chrome.find_element(By.ID, "error")
    assert "line 2, column" in error.text
    shot(chrome, "query-error")
    safe(chrome, base)
