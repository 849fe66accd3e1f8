"""kg.view.page pages driven in headless Chromium (network cut off), via Selenium."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.view.page import render_html
from tests.browser import chrome, load_graph_page, requested_urls, reset_logs  # noqa: F401
from tests.test_html import HOSTILE_IMG, PAPERS, realistic_view

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[1] / "output" / "screenshots" / "graph.png"
DOCS_SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def open_view(driver: Any, tmp_path: Path, view: nx.MultiDiGraph, **kwargs: Any) -> float:
    """Write the page, load it from file:// with fresh logs, wait until drawn."""
    path = tmp_path / "graph.html"
    path.write_text(render_html(view, **kwargs), encoding="utf-8")
    driver.get("about:blank")
    reset_logs(driver)
    return load_graph_page(driver, path)


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def node_id(driver: Any, label: str) -> int:
    """vis id of the node whose (possibly truncated) label is ``label``."""
    return js(
        driver,
        "var l = arguments[0]; return paperkg.nodes.getIds({filter: function (n) {"
        " return n.label === l || (n.label.slice(-1) === '\\u2026'"
        " && l.indexOf(n.label.slice(0, -1)) === 0); }})[0];",
        label,
    )


def severe_console(driver: Any) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def assert_no_alert(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018  (property access raises if no alert)
    assert js(driver, "return typeof window.__pwned;") == "undefined"


def test_draws_offline_with_legend(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    view = realistic_view()
    open_view(chrome, tmp_path, view, title="Daily papers")
    counts = js(
        chrome,
        "var d = paperkg.network.body.data;"
        "return [d.nodes.length, d.edges.length, Object.keys(paperkg.network.body.nodes).length];",
    )
    assert counts == [view.number_of_nodes(), view.number_of_edges(), view.number_of_nodes()]
    kinds = [e.text for e in chrome.find_elements("css selector", "#pk-legend .pk-kind")]
    assert kinds == ["paper", "person", "task", "repository", "model"]
    assert js(chrome, "return paperkg.network.physics.physicsEnabled;") is False  # settled
    urls = requested_urls(chrome)
    assert urls and all(u.startswith(("file://", "data:")) for u in urls), urls
    assert severe_console(chrome) == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(SCREENSHOT))


def test_search_focuses_node(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    open_view(chrome, tmp_path, realistic_view())
    box = chrome.find_element("id", "pk-q")
    box.send_keys("bert: PRE-training\n")  # substring, case-insensitive
    time.sleep(0.6)  # focus animation is 300 ms
    bert = node_id(chrome, PAPERS[1][1])
    assert js(chrome, "return paperkg.network.getSelectedNodes();") == [bert]
    view_pos = js(chrome, "return paperkg.network.getViewPosition();")
    node_pos = js(chrome, "return paperkg.network.getPosition(arguments[0]);", bert)
    assert abs(view_pos["x"] - node_pos["x"]) < 1 and abs(view_pos["y"] - node_pos["y"]) < 1
    assert chrome.find_element("id", "pk-status").text.startswith("1 of 1")
    assert "arXiv:1810.04805" in chrome.find_element("id", "pk-info").text
    box.clear()
    box.send_keys("no such label\n")
    assert chrome.find_element("id", "pk-status").text == "No match."
    assert severe_console(chrome) == []


def test_kind_toggle_hides_nodes(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    view = realistic_view()
    open_view(chrome, tmp_path, view)
    people = sum(1 for _, k in view.nodes(data="kind") if k == "person")
    hidden = (
        "return Object.values(paperkg.network.body.nodes)"
        ".filter(function (n) { return n.options.hidden; }).length;"
    )
    assert js(chrome, hidden) == 0
    box = chrome.find_element("css selector", '#pk-legend input[data-kind="1"]')  # person
    box.click()
    assert js(chrome, hidden) == people
    chrome.find_element("id", "pk-q").send_keys("Noam\n")  # hidden nodes are not found
    assert chrome.find_element("id", "pk-status").text == "No match."
    box.click()
    assert js(chrome, hidden) == 0
    assert severe_console(chrome) == []


def test_hostile_text_runs_nothing(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains

    open_view(chrome, tmp_path, realistic_view(hostile=True), title=HOSTILE_IMG)
    assert_no_alert(chrome)
    assert chrome.title == HOSTILE_IMG
    evil = node_id(chrome, HOSTILE_IMG)
    assert evil >= 0
    # hover and click the hostile node: tooltip, info panel and javascript: URL
    js(
        chrome,
        "paperkg.network.moveTo({position: paperkg.network.getPosition(arguments[0]),"
        " scale: 2, animation: false});",
        evil,
    )
    canvas = chrome.find_element("css selector", "#pk-graph canvas")
    dom = js(
        chrome,
        "return paperkg.network.canvasToDOM(paperkg.network.getPosition(arguments[0]));",
        evil,
    )
    rect = js(chrome, "return arguments[0].getBoundingClientRect().toJSON();", canvas)
    dx, dy = dom["x"] - rect["width"] / 2, dom["y"] - rect["height"] / 2
    handles = len(chrome.window_handles)
    ActionChains(chrome).move_to_element_with_offset(canvas, dx, dy).pause(0.8).perform()
    tooltip = js(
        chrome,
        "var t = document.querySelector('div.vis-tooltip');"
        "return t ? [t.textContent, t.querySelectorAll('img,script').length] : null;",
    )
    assert tooltip is not None and "</script><script>" in tooltip[0] and tooltip[1] == 0
    ActionChains(chrome).move_to_element_with_offset(canvas, dx, dy).click().perform()
    time.sleep(0.3)
    assert js(chrome, "return paperkg.network.getSelectedNodes();") == [evil]
    assert len(chrome.window_handles) == handles  # javascript: URL not opened
    assert js(chrome, "return document.querySelectorAll('img, #pk-info a').length;") == 0
    assert js(chrome, "return paperkg.safeUrl('javascript:alert(1)');") is None
    assert js(chrome, "return paperkg.openUrl(arguments[0]);", evil) is False
    assert_no_alert(chrome)
    assert severe_console(chrome) == []


def test_click_shows_card_double_click_same_tab(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    open_view(chrome, tmp_path, realistic_view())
    handles = len(chrome.window_handles)
    paper = node_id(chrome, PAPERS[0][1])
    js(chrome, "paperkg.network.selectNodes([arguments[0]]);"
       "paperkg.network.body.emitter.emit('click', {nodes: [arguments[0]], edges: []});", paper)
    card = js(chrome, "return document.getElementById('pk-info').textContent;")
    assert "Linked here:" in card and "people" in card
    assert len(chrome.window_handles) == handles  # a click opens nothing
    reset_logs(chrome)
    assert js(chrome, "return paperkg.openUrl(arguments[0]);", paper) is True
    time.sleep(0.5)
    assert len(chrome.window_handles) == handles  # same tab, no new window
    assert any(u.startswith("https://arxiv.org/abs/") for u in requested_urls(chrome))


def test_search_ranks_the_exact_label_first(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    view = nx.MultiDiGraph()
    view.add_node("t", kind="task", label="Question Answering")
    for n, title in enumerate(["Question Answering at scale", "Visual Question Answering",
                               "Better question answering with retrieval"]):
        view.add_node(f"p{n}", kind="paper", label=title)
        view.add_edge(f"p{n}", "t", label="subject")
    open_view(chrome, tmp_path, view)
    first = js(chrome, "return paperkg.search('question answering');")
    assert first == node_id(chrome, "Question Answering")
    status = js(chrome, "return document.getElementById('pk-status').textContent;")
    assert status == "1 of 4: Question Answering"
    second = js(chrome, "return paperkg.search('question answering');")
    assert second == node_id(chrome, "Question Answering at scale")  # then prefix matches


def test_one_year_view_draws_fast(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    """~15k nodes (2.5k papers, 10k people, 60 tasks) must draw within seconds."""
    g = nx.MultiDiGraph()
    for t in range(60):
        g.add_node(f"t{t}", kind="task", label=f"Task {t}")
    for p in range(2500):
        g.add_node(f"p{p}", kind="paper", label=f"Paper {p}", url=f"https://arxiv.org/abs/{p}")
        g.add_edge(f"p{p}", f"t{(p * 7) % 60}", label="subject")
        g.add_edge(f"p{p}", f"t{(p * p) % 60}", label="subject")
        for a in range(5):
            person = f"a{(p * 4 + a * 3) % 10_000}"
            g.add_node(person, kind="person", label=person)
            g.add_edge(f"p{p}", person, label="creator")
    seconds = open_view(chrome, tmp_path, g)
    n = js(chrome, "return paperkg.network.body.data.nodes.length;")
    assert n == g.number_of_nodes() > 12_000  # drawn (load_graph_page guards against a hang)
    print(f"one-year view: {n} nodes drawn in {seconds:.1f} s")  # a figure, not an assertion
    assert severe_console(chrome) == []


def overview_view() -> nx.MultiDiGraph:
    """A year-sized view: 40 tasks, 3,000 papers, 9,000 people (deterministic)."""
    g = nx.MultiDiGraph()
    tasks = [f"Task {t:02d}" for t in range(40)]
    for t in tasks:
        g.add_node(t, kind="task", label=t)
    for p in range(3000):
        paper = f"p{p}"
        g.add_node(paper, kind="paper", label=f"Paper number {p}",
                   url=f"https://arxiv.org/abs/2401.{p:05d}")
        g.add_edge(paper, tasks[(p * 7) % 40], label="subject")
        g.add_edge(paper, tasks[(p * p) % 40], label="subject")
        for a in range(3):
            person = f"a{(p * 3 + a * 5) % 9000}"
            g.add_node(person, kind="person", label=person)
            g.add_edge(paper, person, label="creator")
    return g


def test_year_overview_is_readable_and_drills_down(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    from kg.view.focus import overview

    view = overview(overview_view())
    open_view(chrome, tmp_path, view)
    visible = js(chrome, "return paperkg.nodes.get({filter: function (n) {"
                 " return !n.hidden; }}).map(function (n) { return n.label; });")
    assert len(visible) == 40 and all(re.fullmatch(r"Task \d\d \(\d+\)", v) for v in visible)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(DOCS_SHOTS / "overview.png"))
    task = node_id(chrome, visible[0])
    assert js(chrome, "return paperkg.toggleChildren(arguments[0]);", task) is True
    shown = js(chrome, "return paperkg.nodes.get({filter: function (n) {"
               " return !n.hidden && n.kind !== undefined; }}).length;")
    assert shown == 40 + 25
    hit = js(chrome, "return paperkg.search('task 07');")  # the task's plain name matches
    assert js(chrome, "return paperkg.nodes.get(arguments[0]).label;", hit).startswith("Task 07 (")
    assert severe_console(chrome) == []
