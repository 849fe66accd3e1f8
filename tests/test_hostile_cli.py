"""No tracebacks, round two: each reproduction of issue 15 through the real ``kg`` command
(exit code, one-line message, never "Traceback")."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest

from tests.cli import run_kg

HEADER = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
          "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n")
ROW = ("| [NeoBERT: A Next-Generation BERT](https://arxiv.org/abs/2502.19587) | "
       "Lola Le Breton | {summary} | ['NLP'] | N/A | N/A |\n")
OTHER = ("| [R2-T2: Re-Routing in Test-Time for Multimodal Mixture-of-Experts]"
         "(https://arxiv.org/abs/2502.20395) | Tianyi Zhou | Re-routes experts. | "
         "['Multimodal'] | N/A | N/A |\n")
EXIT_INPUT = 3
EXIT_INTERRUPTED = 130


kg = run_kg


def assert_clean_failure(done: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert done.returncode == code, (done.returncode, done.stderr[-1500:])
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and text in lines[0], lines


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr[-1500:]
    assert "Traceback" not in done.stderr


def titles(output: Path) -> set[str]:
    graph = output / "graph.ttl"
    return {str(t.object.value) for t in pyoxigraph.parse(path=str(graph))
            if t.predicate.value == "http://purl.org/dc/terms/title"
            and "/paper/" in t.subject.value}


# ------------------------------------------------------------------- huge cells


def test_a_cell_over_16_mib_is_cut_in_build_and_add(tmp_path: Path) -> None:
    day = tmp_path / "papers-2025-02-28.md"
    day.write_text(HEADER + ROW.format(summary="x" * (17 * 1024 * 1024)))
    done = kg("build", str(day), "-o", str(tmp_path / "out"), "-q")
    assert_no_traceback(done)
    assert "over the limit" in done.stderr and "papers-2025-02-28.md:5" in done.stderr
    later = tmp_path / "papers-2025-03-01.md"
    later.write_text(HEADER.replace("2025-02-28", "2025-03-01")
                     + ROW.format(summary="y" * (17 * 1024 * 1024)) + OTHER)
    added = kg("add", str(later), "-o", str(tmp_path / "out"), "-q")
    assert_no_traceback(added)
    # The store took both files whole: later commands work on it.
    status = kg("status", "-g", str(tmp_path / "out"))
    assert status.returncode == 0 and "papers-2025-03-01.md" in status.stdout, status.stderr
    assert "R2-T2" in " ".join(titles(tmp_path / "out"))


# ------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(("text", "warning"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"title": "NeoBERT", "date": "2025-02-28", "summary": ' + "9" * 5000 + "}]", ""),
    ('[{"title": "Neo\\udc80BERT", "date": "2025-02-28"}]', "lone surrogate"),
])
def test_hostile_json_builds_with_warnings(tmp_path: Path, text: str, warning: str) -> None:
    source = tmp_path / "papers.json"
    source.write_text(text)
    done = kg("build", str(source), "-o", str(tmp_path / "out"), "-q")
    assert_no_traceback(done)
    assert warning in done.stderr


# ------------------------------------------------------------------ file names


def test_a_non_utf8_file_name_does_not_abort_a_directory_build(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "papers-2025-02-28.md").write_text(HEADER + ROW.format(summary="An encoder."))
    bad = os.fsencode(folder) + b"/papers-2025-03-01-\xff.md"
    with open(bad, "wb") as handle:
        handle.write((HEADER.replace("2025-02-28", "2025-03-01") + OTHER).encode())
    done = kg("build", str(folder), "-o", str(tmp_path / "out"), "-q")
    assert_no_traceback(done)
    assert titles(tmp_path / "out") == {"NeoBERT: A Next-Generation BERT",
                                        "R2-T2: Re-Routing in Test-Time for Multimodal "
                                        "Mixture-of-Experts"}
    labels = {t.object.value for t in pyoxigraph.parse(path=str(tmp_path / "out" / "graph.ttl"))}
    assert "papers-2025-03-01-\\xff.md" in labels  # the escaped form names the file


def test_1500_nested_directories_are_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    # Made and removed one level at a time: os.makedirs and shutil.rmtree recurse per
    # level, and pytest's own clean-up of tmp_path would crash on this tree later.
    original = os.getcwd()
    try:
        tree.mkdir()
        os.chdir(tree)
        for _ in range(1500):
            os.mkdir("d")
            os.chdir("d")
        Path("papers-2025-02-28.md").write_text(HEADER + ROW.format(summary="Deep."))
        os.chdir(original)
        done = kg("build", "tree", "-o", "out", "-q", cwd=tmp_path)
        assert_no_traceback(done)
        assert titles(tmp_path / "out") == {"NeoBERT: A Next-Generation BERT"}
    finally:
        os.chdir(original)
        _remove_chain(tree)


def _remove_chain(root: Path) -> None:
    """Delete a tree of single nested folders bottom-up, without recursion."""
    if not root.is_dir():
        return
    original = os.getcwd()
    os.chdir(root)
    depth = 0
    try:
        while True:
            for entry in os.scandir("."):
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name)
            if not os.path.isdir("d"):
                break
            os.chdir("d")
            depth += 1
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(original)
    root.rmdir()


# --------------------------------------------------------------- damaged stores


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    output = tmp_path_factory.mktemp("built") / "out"
    done = kg("build", str(examples_dir), "-o", str(output), "-q")
    assert done.returncode == 0, done.stderr
    return output


def damaged_copy(built: Path, tmp_path: Path, how: str) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    store = copy / "store"
    if how == "truncated table":
        table = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
        os.truncate(table, 100)
    else:
        next(store.glob("MANIFEST-*")).unlink()
    return copy


@pytest.mark.parametrize("how", ["truncated table", "deleted manifest"])
@pytest.mark.parametrize("command", ["status", "query", "add", "html"])
def test_a_damaged_store_exits_3_with_a_message(built: Path, tmp_path: Path, examples_dir: Path,
                                                how: str, command: str) -> None:
    output = damaged_copy(built, tmp_path, how)
    args = {
        "status": ["status", "-g", str(output)],
        "query": ["query", "-g", str(output), "SELECT * { ?s ?p ?o }"],
        "add": ["add", str(next(examples_dir.glob("*.md"))), "-o", str(output)],
        "html": ["html", "-g", str(output), "-o", str(tmp_path / "page.html")],
    }[command]
    assert_clean_failure(kg(*args), EXIT_INPUT, "damaged")


# ----------------------------------------------------------------------- Ctrl-C


def interrupt(args: list[str], cwd: Path, settle: float = 1.5) -> subprocess.CompletedProcess[str]:
    """Start ``kg`` waiting on its standard input (or a long query), then press Ctrl-C."""
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=cwd, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    time.sleep(settle)  # not an assertion: only lets it reach its blocking point
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("command", ["build", "add"])
def test_ctrl_c_during_build_or_add_exits_130(tmp_path: Path, command: str) -> None:
    done = interrupt([command, "-", "-o", "out"], tmp_path)
    assert_clean_failure(done, EXIT_INTERRUPTED, "interrupted")
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_ctrl_c_during_a_query_exits_130(built: Path,
                                                              tmp_path: Path) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done = interrupt(["query", "-g", str(built), heavy], tmp_path, settle=3.0)
    assert_clean_failure(done, EXIT_INTERRUPTED, "interrupted")
