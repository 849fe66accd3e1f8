"""kg.view.plots: four valid, byte-identical SVG charts; the counts behind them.

From examples/digests/*.md: 3 papers on 2025-02-27 and 6 on 2025-02-28
(NeoBERT counts on both days); all 8 distinct papers first appear in 2025-02,
5 of them link a repository (62.5 %) and 3 Hugging Face items (37.5 %).
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.view.plots import PlotsUnavailable, papers_per_day, share_per_month, write_plots
from kg.view.projection import project

pytest.importorskip("matplotlib")

NAMES = ["papers-per-day.svg", "tasks-per-month.svg", "code-and-hf-share.svg",
         "top-authors.svg"]


@pytest.fixture(scope="module")
def view(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=False)


def test_series(view: nx.MultiDiGraph) -> None:
    assert papers_per_day(view) == {"2025-02-27": 3, "2025-02-28": 6}
    assert share_per_month(view) == {"2025-02": (62.5, 37.5)}


def test_writes_valid_svg(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    paths = write_plots(view, tmp_path / "plots")
    assert [p.name for p in paths] == NAMES
    for path in paths:
        data = path.read_bytes()
        assert len(data) > 1000
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert b"<dc:date>" not in data
    assert not [p for p in (tmp_path / "plots").iterdir() if p.name.startswith(".")]


def test_text_is_searchable(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    paths = dict(zip(NAMES, write_plots(view, tmp_path), strict=True))
    tasks = paths["tasks-per-month.svg"].read_text()
    assert "Natural Language Processing" in tasks and "Reinforcement Learning" in tasks
    assert "2025-02" in tasks
    authors = paths["top-authors.svg"].read_text()
    # every author has one paper: the top 8 are the first alphabetically (case-insensitive)
    assert "che111" in authors and "Hanning Zhang" in authors
    assert "Jiayuan Zhu" not in authors


def test_byte_identical(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    first = write_plots(view, tmp_path / "a")
    second = write_plots(view, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_png_byte_identical(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    first = write_plots(view, tmp_path / "a", format="png")
    second = write_plots(view, tmp_path / "b", format="png")
    assert [p.suffix for p in first] == [".png"] * 4
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert a.read_bytes() == b.read_bytes()


def test_empty_view(tmp_path: Path) -> None:
    paths = write_plots(nx.MultiDiGraph(), tmp_path)
    assert len(paths) == 4
    assert "no papers" in paths[0].read_text()


def test_unknown_format(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown plot format 'gif'"):
        write_plots(view, tmp_path, format="gif")


def test_missing_matplotlib(view: nx.MultiDiGraph, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    with pytest.raises(PlotsUnavailable, match=r"install paperkg\[plots\]"):
        write_plots(view, tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.corpus
def test_corpus_plots(corpus_dir: Path, tmp_path: Path) -> None:
    view = project(kg.build([corpus_dir / "digests"]).store, days=False)
    per_day = papers_per_day(view)
    entries = sum(len(d["days"]) for _, d in view.nodes(data=True)
                  if d["kind"] == "paper")
    assert sum(per_day.values()) == entries
    shares = share_per_month(view)
    assert list(shares) == sorted(shares) and len(shares) >= 3
    assert all(math.isnan(c) or 0 <= c <= 100 for c, _ in shares.values())
    first = write_plots(view, tmp_path / "a")
    second = write_plots(view, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        ET.fromstring(a.read_bytes())
