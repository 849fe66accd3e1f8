"""Which tasks and papers the overview page shows: each task's count of papers, its
best-connected papers and the papers each pair of tasks shares.

Apart from :mod:`kg.view.focus` (which draws the overview from it) so that the
outline an add keeps (:mod:`kg.view.outline`) computes it without importing the
graph library: the add's own process never loads networkx.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

#: Papers shown under each task.
OVERVIEW_PAPERS = 25


@dataclass(frozen=True, slots=True)
class Ranking:
    """What the overview shows of each task: how many papers it has (tasks in view
    order), its best-connected papers (best first) and how many papers each pair of
    tasks shares (the pair in sorted order)."""

    counts: dict[str, int]
    best: dict[str, list[str]]
    shared: dict[tuple[str, str], int]


def ranking(papers_of: Mapping[str, Collection[str]], degree: Mapping[str, int],
            papers_per_task: int = OVERVIEW_PAPERS, name: Callable[[str], str] = str
            ) -> Ranking:
    """The :class:`Ranking` of tasks with these papers whose degrees in the whole view
    are ``degree``; ``name`` gives each node's id in the ranking (tasks and papers
    are ordered by it), so an outline keyed by N-Triples terms names only the papers
    it ranks (a year: 30k task-paper pairs, of which about 1,100 papers are shown)."""
    tasks = sorted(papers_of, key=name)
    names = [name(task) for task in tasks]
    tasks_of: dict[str, list[int]] = defaultdict(list)
    for position, task in enumerate(tasks):
        for paper in papers_of[task]:
            tasks_of[paper].append(position)
    shared: Counter[tuple[int, int]] = Counter()
    for positions in tasks_of.values():
        if len(positions) > 1:
            shared.update(itertools.combinations(sorted(positions), 2))
    best = {}
    for position, task in enumerate(tasks):
        papers = papers_of[task]
        # Only papers as connected as the k-th best can be among the k best.
        top = heapq.nlargest(papers_per_task, (degree[paper] for paper in papers))
        candidates = [paper for paper in papers if top and degree[paper] >= top[-1]]
        best[names[position]] = [name(paper) for paper in sorted(
            candidates, key=lambda p: (-degree[p], name(p)))[:papers_per_task]]
    order = {task: position for position, task in enumerate(tasks)}
    return Ranking({names[order[task]]: len(papers_of[task]) for task in papers_of}, best,
                   {(names[a], names[b]): count for (a, b), count in sorted(shared.items())})
