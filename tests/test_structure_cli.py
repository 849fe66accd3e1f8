"""The command line as a whole: generated reference, help everywhere, and the viewing commands.

``kg html``, ``kg stats`` and ``kg export -f gexf|graphml`` are run as a user
runs them (a fresh process, through the shared ``kg_cli`` fixture) on the
bundled examples: 8 papers over 2 days, NeoBERT (2502.19587) on both, 37
people, 11 tasks, "Multimodal" tagging 3 papers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click
import networkx as nx
import pytest

import kg
from kg.cli import main as kg_main
from kg.cli.reference import END, START, reference, run, updated
from kg.engine.workspace import Workspace
from kg.view.projection import project
from kg.view.stats import compute_stats

Kg = Callable[..., subprocess.CompletedProcess[str]]
README = Path(__file__).resolve().parent.parent / "README.md"
NEOBERT = "https://w3id.org/paperkg/paper/2502.19587"
EMPTY_DAY = ("## Papers for 2025-03-03\n\n"
             "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
             "|-------|---------|---------|----------------|-------------|-----------------|\n")


def _open(built: Path) -> kg.GraphStore:
    return Workspace(built).open(read_only=True)


@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    kg.build([examples_dir], out)
    return out


# ------------------------------------------------------------ reference and help

def test_readme_command_reference_is_current() -> None:
    """Fails when a command's help changed: run ``python -m kg.cli.reference``."""
    assert run(README, check=True) == 0


def test_reference_check_fails_on_a_stale_readme_and_rewrite_fixes_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    stale = f"# Title\n\n{START}\nkg build --old-option\n{END}\n\nAfter.\n"
    readme.write_text(stale)
    assert run(readme, check=True) == 1
    assert readme.read_text() == stale  # a check writes nothing
    assert run(readme, check=False) == 0
    text = readme.read_text()
    assert text.startswith("# Title\n\n") and text.endswith(f"{END}\n\nAfter.\n")
    assert "--old-option" not in text and "$ kg stats --help" in text
    assert run(readme, check=True) == 0


def test_reference_needs_its_markers() -> None:
    with pytest.raises(ValueError, match="no command reference markers"):
        updated("# README without a reference\n", reference())


def test_reference_is_what_help_prints(kg_cli: Kg) -> None:
    """Each block is the real ``kg NAME --help`` output on a wide terminal."""
    section = reference()
    ctx = click.Context(kg_main, info_name="kg")
    names = kg_main.list_commands(ctx)
    assert {"build", "add", "status", "export", "query", "serve", "push", "html",
            "stats"} <= set(names)
    for name in [None, *names]:
        args = [name, "--help"] if name else ["--help"]
        done = kg_cli(*args, env={"COLUMNS": "200"}, ok=True)
        printed = done.stdout.replace("Usage: python -m kg", "Usage: kg", 1)  # as the script
        heading = f"$ kg {name} --help\n" if name else "$ kg --help\n"
        assert heading + printed in section, name


def test_a_command_loads_only_its_own_module() -> None:
    """``kg add`` runs every morning: its start does not import the other commands'
    modules (the server, the query sandbox, the people review, the page drawing)."""
    code = ("import sys, click; from kg.cli import main; "
            "main.get_command(click.Context(main), 'add'); "
            "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert "kg.cli.store" in loaded
    assert not loaded & {"kg.cli.sparql", "kg.cli.view", "kg.cli.people", "kg.cli.build",
                         "kg.sparql.server", "kg.sparql.sandbox", "networkx"}


def test_every_command_and_option_has_help() -> None:
    ctx = click.Context(kg_main, info_name="kg")
    missing = []
    for name in kg_main.list_commands(ctx):
        command = kg_main.get_command(ctx, name)
        assert command is not None
        if not (command.help or "").strip():
            missing.append(f"kg {name}")
        missing += [f"kg {name} {param.opts[0]}" for param in command.params
                    if isinstance(param, click.Option) and not (param.help or "").strip()]
    assert missing == []


# ------------------------------------------------------------------ kg html

def test_html_writes_graph_html_beside_the_graph(built: Path, kg_cli: Kg) -> None:
    page = built / "graph.html"
    page.unlink()
    done = kg_cli("html", "-g", str(built), ok=True)
    assert done.stdout == f"wrote {page}\n"
    text = page.read_text(encoding="utf-8")
    assert "NeoBERT: A Next-Generation BERT" in text
    assert "<script src=\"http" not in text  # works offline: no remote scripts


def test_html_focus_on_a_task(built: Path, tmp_path: Path, kg_cli: Kg) -> None:
    page = tmp_path / "mm.html"
    done = kg_cli("html", "-g", str(built), "--task", "Multimodal", "-o", str(page), ok=True)
    assert "focused on task 'Multimodal': 4 of 79 nodes within 1 hop" in done.stderr
    assert page.is_file() and "Multimodal" in page.read_text(encoding="utf-8")


def test_html_unknown_author_is_a_one_line_error(built: Path, tmp_path: Path,
                                                 kg_cli: Kg) -> None:
    page = tmp_path / "none.html"
    done = kg_cli("html", "-g", str(built), "--author", "Nobody Here", "-o", str(page))
    assert done.returncode == 3
    assert done.stderr == "kg: error: no author matches 'Nobody Here' (37 people in the graph)\n"
    assert not page.exists()


# ------------------------------------------------------------------ kg stats

def test_stats_json_is_the_library_result(built: Path, kg_cli: Kg) -> None:
    done = kg_cli("stats", "-g", str(built), "--json", "--top", "3", ok=True)
    stats = json.loads(done.stdout)
    assert stats == json.loads(json.dumps(compute_stats(project(_open(built)), top=3)))
    assert stats["papers"]["total"] == 8 and stats["papers"]["days"] == 2
    assert stats["top"]["tasks"][0]["label"] == "Natural Language Processing"


def test_stats_text_report_and_plots(built: Path, tmp_path: Path, kg_cli: Kg) -> None:
    done = kg_cli("stats", "-g", str(built), "--plot", str(tmp_path / "plots"), ok=True)
    assert done.stdout.startswith("Graph: 79 nodes, 82 edges\n"
                                  "Papers: 8 on 2 digest days (2025-02-27 to 2025-02-28)\n")
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "code-and-hf-share.svg", "papers-per-day.svg", "tasks-per-month.svg", "top-authors.svg"]


def test_stats_days_agree_with_build_and_status(examples_dir: Path, tmp_path: Path,
                                               kg_cli: Kg) -> None:
    """Regression: a digest without rows counted for build and status but not for stats."""
    digests = tmp_path / "digests"
    digests.mkdir()
    for source in examples_dir.iterdir():
        (digests / source.name).write_bytes(source.read_bytes())
    (digests / "papers-2025-03-03.md").write_text(EMPTY_DAY)
    out = tmp_path / "out"
    build = kg_cli("build", str(digests), "-o", str(out), "--no-html", ok=True).stdout
    status = kg_cli("status", "-g", str(out), ok=True).stdout
    stats = kg_cli("stats", "-g", str(out), ok=True).stdout
    assert "  days                 3\n" in build
    assert "3 file(s), 3 day(s), 2025-02-27 to 2025-03-03" in status
    assert "Papers: 8 on 3 digest days (2025-02-27 to 2025-03-03)" in stats


def test_stats_on_a_missing_graph_is_a_one_line_error(tmp_path: Path, kg_cli: Kg) -> None:
    done = kg_cli("stats", "-g", str(tmp_path / "nothing"))
    assert done.returncode == 3
    assert done.stderr.startswith("kg: error: no graph at ") and done.stderr.count("\n") == 1


# ------------------------------------------------------------- kg export gexf/graphml

@pytest.mark.parametrize("days", [False, True])
def test_export_network_formats(built: Path, tmp_path: Path, kg_cli: Kg, days: bool) -> None:
    args = ["export", "-g", str(built), "-o", str(tmp_path), "-f", "gexf", "-f", "graphml"]
    done = kg_cli(*args, *(["--days"] if days else []), ok=True)
    assert done.stdout == f"wrote {tmp_path / 'graph.gexf'}\nwrote {tmp_path / 'graph.graphml'}\n"
    view = project(_open(built), days=days)
    gexf = nx.MultiDiGraph(nx.read_gexf(tmp_path / "graph.gexf"))
    graphml = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    for back in (gexf, graphml):
        assert list(back) == list(view)
        assert back.number_of_edges() == view.number_of_edges()
        assert Counter(k for _, k in back.nodes(data="kind")) == \
            Counter(k for _, k in view.nodes(data="kind"))
        assert back.nodes[NEOBERT]["authors"] == (
            "Lola Le Breton, Quentin Fournier, Mariam El Mezouar, Sarath Chandar")
        assert back.nodes[NEOBERT]["degree"] == view.degree(NEOBERT)
    assert ("day" in Counter(k for _, k in gexf.nodes(data="kind"))) == days
    assert gexf.nodes[NEOBERT]["viz"]["color"] == {"r": 0x4e, "g": 0x79, "b": 0xa7, "a": 1.0}
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    types = {key.get("attr.name"): key.get("attr.type")
             for key in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert types["degree"] == "long" and types["label"] == "string"


# ------------------------------------------------------------- one build, three ways

def _three_ways(digests: Path, tmp_path: Path, kg_cli: Kg) -> list[bytes]:
    """graph.ttl from ``kg build``, from ``kg.build()`` and from ``kg export`` of the store."""
    kg_cli("build", str(digests), "-o", str(tmp_path / "cli"), "--no-html", ok=True)
    kg.build([digests], tmp_path / "api", html=False)
    kg_cli("export", "-g", str(tmp_path / "cli"), "-o", str(tmp_path / "export"),
           "-f", "turtle", ok=True)
    return [(tmp_path / way / "graph.ttl").read_bytes() for way in ("cli", "api", "export")]


def test_build_cli_api_and_export_write_the_same_turtle(examples_dir: Path, tmp_path: Path,
                                                        kg_cli: Kg) -> None:
    cli, api, export = _three_ways(examples_dir, tmp_path, kg_cli)
    assert b"NeoBERT: A Next-Generation BERT" in cli
    assert cli == api == export


@pytest.mark.corpus
def test_corpus_build_cli_api_and_export_write_the_same_turtle(corpus_dir: Path, tmp_path: Path,
                                                               kg_cli: Kg) -> None:
    cli, api, export = _three_ways(corpus_dir / "digests", tmp_path, kg_cli)
    assert len(cli) > 1_000_000
    assert cli == api == export
