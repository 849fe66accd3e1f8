"""``kg build`` as a user runs it: files written, summary, warnings, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pytest

from tests.cli import run_kg as kg

HEADER = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
          "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n")
GOOD = ("| [R2-T2: Re-Routing in Test-Time for Multimodal Mixture-of-Experts]"
        "(https://arxiv.org/abs/2502.20395) | Tianyi Zhou | Re-routes experts. | "
        "['Multimodal'] | [Link](https://github.com/tianyi-lab/R2-T2) | N/A |\n")
BAD_LINK = GOOD.replace("2502.20395", "2502.19634").replace("N/A |\n", "[Link](None) |\n")


def test_build_writes_turtle_and_prints_a_summary(examples_dir: Path, tmp_path: Path) -> None:
    done = kg("build", str(examples_dir), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "papers" in done.stdout and "warnings" in done.stdout
    assert re.search(r"^\s+papers\s+8$", done.stdout, re.MULTILINE)
    assert re.search(r"^\s+rows\s+9$", done.stdout, re.MULTILINE)
    triples = list(pyoxigraph.parse(path=str(tmp_path / "graph.ttl")))
    assert len(triples) > 500
    assert "papers-2025-02-28.md:7: warning: placeholder link target 'null'" in done.stderr
    assert (tmp_path / "warnings.log").read_text().count("warning:") == 1


def test_extra_formats(examples_dir: Path, tmp_path: Path) -> None:
    done = kg("build", str(examples_dir), "-o", str(tmp_path), "-f", "nt", "-f", "jsonld",
              "-f", "trig", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    nt = list(pyoxigraph.parse(path=str(tmp_path / "graph.nt")))
    ttl = list(pyoxigraph.parse(path=str(tmp_path / "graph.ttl")))
    assert sorted(map(str, nt)) == sorted(map(str, ttl))
    jsonld = json.loads((tmp_path / "graph.jsonld").read_text())
    assert jsonld
    quads = list(pyoxigraph.parse(path=str(tmp_path / "graph.trig")))
    assert len({q.graph_name for q in quads}) == 3  # two day graphs and the VoID graph


def test_same_input_gives_byte_identical_files(examples_dir: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert kg("build", str(examples_dir), "-o", str(tmp_path / name), "-f", "nt",
                  "-f", "trig").returncode == 0
    for file in ("graph.ttl", "graph.nt", "graph.trig"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_stdin_and_glob_inputs(examples_dir: Path, tmp_path: Path) -> None:
    done = kg("build", "-", "-o", str(tmp_path), stdin=HEADER + GOOD)
    assert done.returncode == 0, done.stderr
    assert "R2-T2" in (tmp_path / "graph.ttl").read_text()
    done = kg("build", str(examples_dir / "papers-*.md"), "-o", str(tmp_path / "g"))
    assert done.returncode == 0 and "rows" in done.stdout


def test_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    digest = tmp_path / "papers-2025-02-28.md"
    digest.write_text(HEADER + GOOD + BAD_LINK)
    done = kg("build", str(digest), "-o", str(tmp_path / "out"), "--strict")
    assert done.returncode == 1
    assert "papers-2025-02-28.md:6: warning: placeholder link target 'None'" in done.stderr
    assert "--strict" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_input_is_exit_3_without_traceback(tmp_path: Path) -> None:
    done = kg("build", str(tmp_path / "nope.md"), "-o", str(tmp_path))
    assert done.returncode == 3
    assert done.stderr.strip() == f"kg: error: {tmp_path / 'nope.md'}: no such file or directory"


def test_unwritable_output_is_exit_4(examples_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = kg("build", str(examples_dir), "-o", str(blocker / "out"))
    assert done.returncode == 4
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr


def test_failed_write_keeps_the_previous_graph(examples_dir: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import kg as api
    from kg.graph import store as store_module

    api.write_outputs(api.build([examples_dir]).store, tmp_path)
    before = (tmp_path / "graph.ttl").read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_module.ox, "serialize", broken)
    with pytest.raises(OSError):
        api.write_outputs(api.build([examples_dir]).store, tmp_path)
    assert (tmp_path / "graph.ttl").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
