"""Charts of the projected graph over time, written as deterministic SVG (or PNG).

Four charts, one file each:

``papers-per-day``
    papers listed in each digest, counting **every** day a paper was featured
    (a paper featured twice counts on both days): that is the size of each
    day's digest, which is what a per-day chart is for.
``tasks-per-month``
    papers per month for the most common tasks, one line each;
``code-and-hf-share``
    the monthly share of papers that link a GitHub repository / any Hugging
    Face model, dataset, space or collection;
``top-authors``
    the most prolific authors (horizontal bars).

The monthly charts count each paper **once**, in the month of its ``first_day``,
so a paper featured again later does not inflate a trend. A month with no papers
at all (no digests) is a gap in their lines, not a zero.

matplotlib is an optional extra (``pip install 'paperkg[plots]'``), imported only
when plots are written. Figures are drawn with ``matplotlib.figure.Figure``
(no pyplot, so no GUI backend and no global figure state); SVG output is made
byte-identical across runs by a fixed ``svg.hashsalt``, no date in the metadata
and text kept as text (``svg.fonttype: none``, which also keeps files small).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.graph.kinds import AUTHOR, CODE_EDGES, HF_EDGES
from kg.support.atomic import atomic_writer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Formats :func:`write_plots` can write, with the metadata that keeps them byte-stable.
FORMATS: dict[str, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": "paperkg"},
    "png": {"Software": "paperkg"},
}
_RC = {
    "svg.hashsalt": "paperkg",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
#: Months without any paper (no digests) break the line instead of reading as zero.
_GAP = float("nan")


class PlotsUnavailable(RuntimeError):
    """matplotlib is not installed."""


def write_plots(view: nx.MultiDiGraph, directory: str | os.PathLike[str], *,
                format: str = "svg", top: int = 8) -> list[Path]:
    """Write the four charts into ``directory``; return their paths in a fixed order.

    ``top`` is the number of tasks and authors shown. Raises
    :class:`PlotsUnavailable` when matplotlib is missing and ``ValueError`` for
    an unknown ``format``.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown plot format {format!r}; choose one of {', '.join(FORMATS)}")
    matplotlib = _matplotlib()
    papers = _papers(view)
    charts: list[tuple[str, Callable[[Figure], None]]] = [
        ("papers-per-day", lambda fig: _per_day(fig, papers)),
        ("tasks-per-month", lambda fig: _tasks_per_month(fig, papers, top)),
        ("code-and-hf-share", lambda fig: _share(fig, papers)),
        ("top-authors", lambda fig: _top_authors(fig, view, top)),
    ]
    written = []
    with matplotlib.rc_context(_RC):
        for name, draw in charts:
            path = Path(directory) / f"{name}.{format}"
            _save(draw, path, format)
            written.append(path)
    return written


def _matplotlib() -> Any:
    """Import matplotlib on demand, with an error that says how to get it."""
    try:
        import matplotlib
    except ImportError as err:
        raise PlotsUnavailable(
            "plots need matplotlib: install paperkg[plots] "
            "(pip install 'paperkg[plots]')") from err
    return matplotlib


def _save(draw: Callable[[Figure], None], path: Path, format: str) -> None:
    """Draw on a fresh figure and write it atomically."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), layout="constrained")
    draw(fig)
    with atomic_writer(path) as handle:
        fig.savefig(handle, format=format, metadata=FORMATS[format], dpi=100)


# ------------------------------------------------------------------- data

class Paper:
    """What the charts need of one paper node."""

    __slots__ = ("code", "days", "first_day", "hf", "tasks")

    def __init__(self, days: list[str], tasks: list[str], code: bool, hf: bool) -> None:
        self.days = days
        self.first_day = days[0] if days else ""
        self.tasks = tasks
        self.code = code
        self.hf = hf


def _papers(view: nx.MultiDiGraph) -> list[Paper]:
    """Papers in node order: days and tasks from the node, code and HF links from edges."""
    papers = []
    for node, data in view.nodes(data=True):
        if data.get("kind") != "paper":
            continue
        labels = {d.get("label") for *_, d in view.out_edges(node, data=True)}
        tasks = sorted(data.get("tasks", ()))
        days = sorted(data.get("days", ()))
        papers.append(Paper(days, tasks, bool(labels & CODE_EDGES), bool(labels & HF_EDGES)))
    return papers


def _month(day: str) -> str:
    return day[:7]


def _months(papers: list[Paper]) -> list[str]:
    """Every month from the first to the last first_day, gaps included."""
    found = sorted({_month(p.first_day) for p in papers if p.first_day})
    if not found:
        return []
    year, month = map(int, found[0].split("-"))
    months = []
    while (label := f"{year:04d}-{month:02d}") <= found[-1]:
        months.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def papers_per_day(view: nx.MultiDiGraph) -> dict[str, int]:
    """Papers listed on each digest day (every featured day counts), in day order."""
    return _per_day_counts(_papers(view))


def share_per_month(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Per month (of first_day): % of papers with code, % with HF artefacts (NaN: no papers)."""
    papers = _papers(view)
    by_month = _by_month(papers)
    return {m: (_percent(by_month[m], _has_code), _percent(by_month[m], _has_hf))
            for m in _months(papers)}


def _per_day_counts(papers: list[Paper]) -> dict[str, int]:
    counts = Counter(day for p in papers for day in p.days)
    return {day: counts[day] for day in sorted(counts)}


def _by_month(papers: list[Paper]) -> dict[str, list[Paper]]:
    by_month: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_month[_month(paper.first_day)].append(paper)
    return by_month


def _has_code(paper: Paper) -> bool:
    return paper.code


def _has_hf(paper: Paper) -> bool:
    return paper.hf


# ----------------------------------------------------------------- charts

def _per_day(fig: Figure, papers: list[Paper]) -> None:
    import matplotlib.dates as mdates

    counts = _per_day_counts(papers)
    ax = fig.add_subplot()
    days = list(counts)
    if days:
        ax.bar([mdates.datestr2num(d) for d in days], [counts[d] for d in days],
               width=0.8, color="#4c72b0")
        ax.xaxis.set_major_locator(mdates.AutoDateLocator())
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    _titles(ax, "Papers per digest day (every day a paper was featured)", "papers", not days)


def _tasks_per_month(fig: Figure, papers: list[Paper], top: int) -> None:
    totals = Counter(task for p in papers for task in p.tasks)
    leaders = [task for task, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in papers:
        for task in paper.tasks:
            per[task][_month(paper.first_day)] += 1
    months = _months(papers)
    active = {_month(p.first_day) for p in papers}
    ax = fig.add_subplot()
    x = range(len(months))
    for task in leaders:
        counts = [per[task][m] if m in active else _GAP for m in months]
        ax.plot(x, counts, marker="o", markersize=3, label=task)
    _month_axis(ax, months)
    if leaders:
        ax.legend(loc="upper left", fontsize=7, frameon=False, ncols=2)
    _titles(ax, f"Papers per month for the {len(leaders)} most common tasks "
                "(by first digest day)", "papers", not leaders)


def _share(fig: Figure, papers: list[Paper]) -> None:
    months = _months(papers)
    by_month = _by_month(papers)
    ax = fig.add_subplot()
    x = range(len(months))
    for label, has in (("with code (GitHub)", _has_code),
                       ("with Hugging Face artefacts", _has_hf)):
        ax.plot(x, [_percent(by_month[m], has) for m in months], marker="o", markersize=3,
                label=label)
    _month_axis(ax, months)
    ax.set_ylim(0, 100)
    if months:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    _titles(ax, "Share of papers linking code or Hugging Face artefacts, per month",
            "% of papers", not months)


def _percent(papers: list[Paper], has: Callable[[Paper], bool]) -> float:
    return 100 * sum(1 for p in papers if has(p)) / len(papers) if papers else _GAP


def _top_authors(fig: Figure, view: nx.MultiDiGraph, top: int) -> None:
    counts = [(sum(1 for *_, e in view.in_edges(n, data=True) if e.get("label") == AUTHOR.name),
               d.get("label", n)) for n, d in view.nodes(data=True) if d.get("kind") == "person"]
    counts.sort(key=lambda c: (-c[0], c[1].casefold()))
    leaders = counts[:top][::-1]  # barh draws bottom-up: the top author goes last
    ax = fig.add_subplot()
    ax.barh(range(len(leaders)), [c for c, _ in leaders], color="#4c72b0")
    ax.set_yticks(range(len(leaders)), [label for _, label in leaders])
    _integer_ticks(ax.xaxis)
    _titles(ax, f"The {len(leaders)} most prolific authors", "", not leaders)
    ax.set_xlabel("papers")


def _month_axis(ax: Any, months: list[str]) -> None:
    """Month labels, thinned to at most ~12 so they stay readable."""
    step = max(1, -(-len(months) // 12))
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=45, ha="right")
    _integer_ticks(ax.yaxis)


def _integer_ticks(axis: Any) -> None:
    """Whole-number ticks only (counts of papers), keeping matplotlib's automatic spacing."""
    from matplotlib.ticker import MaxNLocator

    locator = axis.get_major_locator()
    assert isinstance(locator, MaxNLocator)  # the default AutoLocator is one
    locator.set_params(integer=True)


def _titles(ax: Any, title: str, ylabel: str, empty: bool) -> None:
    ax.set_title(title, loc="left")
    if ylabel:
        ax.set_ylabel(ylabel)
    if empty:
        ax.text(0.5, 0.5, "no papers", transform=ax.transAxes, ha="center", va="center")
