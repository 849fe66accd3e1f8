"""The pages ``kg build`` and ``kg html`` write, opened in headless Chromium offline:
the bundled example draws in full, and hostile digest text reaches the page inert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kg
from kg.view.projection import project
from tests.browser import chrome, load_graph_page, requested_urls, reset_logs  # noqa: F401
from tests.cli import run_kg
from tests.test_html_browser import assert_no_alert, js, severe_console

pytestmark = pytest.mark.browser

HOSTILE_TITLE = ("<img src=x onerror=\"window.__pwned=1;alert(1)\">"
                 "</script><script>window.__pwned=2</script>")
HOSTILE = (
    "## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | GitHub URLs | "
    "HuggingFace URLs |\n|---|---|---|---|---|---|\n"
    f"| [{HOSTILE_TITLE}](https://arxiv.org/abs/2502.20395) | <b onmouseover=alert(1)>Eve</b>, "
    "javascript:alert(1) | x | ['<svg onload=alert(1)>'] | [Link](javascript:alert(1)) | "
    "[Link](https://huggingface.co/o/m\"><script>alert(1)</script>), "
    "[Link](data:text/html,<script>alert(1)</script>) |\n")


def test_build_page_draws_the_whole_example(chrome: Any, examples_dir: Path,  # noqa: F811
                                            tmp_path: Path) -> None:
    run_kg("build", str(examples_dir), "-o", str(tmp_path), ok=True)
    view = project(kg.build([examples_dir]).store)
    reset_logs(chrome)
    load_graph_page(chrome, tmp_path / "graph.html")
    nodes = js(chrome, "return paperkg.network.body.data.nodes.length;")
    edges = js(chrome, "return paperkg.network.body.data.edges.length;")
    assert (nodes, edges) == (view.number_of_nodes(), view.number_of_edges())
    assert all(url.startswith(("file:", "data:")) for url in requested_urls(chrome))
    assert severe_console(chrome) == []
    shots = Path("output") / "screenshots"  # kept by CI as an artefact
    shots.mkdir(parents=True, exist_ok=True)
    assert chrome.save_screenshot(str(shots / "example.png"))


def test_hostile_digest_text_runs_nothing(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    digest = tmp_path / "papers-2025-02-28.md"
    digest.write_text(HOSTILE)
    run_kg("build", str(digest), "-o", str(tmp_path / "out"), ok=True)
    reset_logs(chrome)
    load_graph_page(chrome, tmp_path / "out" / "graph.html")
    assert_no_alert(chrome)
    assert js(chrome, "return window.__pwned === undefined;")
    labels = js(chrome, "return paperkg.network.body.data.nodes.get().map(n => n.label);")
    assert any("<img src=x" in label for label in labels)  # shown as text
    assert js(chrome, "return document.querySelectorAll('img, svg[onload], b').length;") == 0
    urls = js(chrome, "return JSON.parse(document.getElementById('pk-data').textContent)"
                      ".nodes.map(row => row[6]).filter(url => url);")
    assert "https://arxiv.org/abs/2502.20395" in urls
    assert all(url.startswith("https://") for url in urls), urls  # no javascript:/data:
    assert all(url.startswith(("file:", "data:")) for url in requested_urls(chrome))
    assert severe_console(chrome) == []
