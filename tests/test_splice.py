"""graph.ttl spliced by ``kg add`` (kg.engine.splice): the previous file with the
touched subjects' blocks replaced must be byte for byte what a rebuild writes, and
a previous file that is not the recorded one is written whole instead.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

import kg
from kg.engine import splice, union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.graph.serialize import turtle_prefixes


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """Twenty real corpus days, copied (the tests edit some of them)."""
    folder = tmp_path / "digests"
    folder.mkdir()
    return [Path(shutil.copyfile(path, folder / path.name))
            for path in sorted((corpus_dir / "digests").glob("papers-*.md"))[:20]]


def rebuilt(files: list[Path], out: Path) -> bytes:
    kg.build(files, out, html=False)
    return (out / "graph.ttl").read_bytes()


def spliced(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each splice.rewrite of the test returned."""
    results: list[bool] = []
    real = splice.rewrite

    def spy(*args: object, **kwargs: object) -> bool:
        results.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return results[-1]

    monkeypatch.setattr(splice, "rewrite", spy)
    return results


def test_a_new_day_and_a_corrected_one_are_spliced(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    calls = spliced(monkeypatch)
    add_to_output([days[-1]], out, formats=("turtle", "nt"))  # nt is written whole
    assert calls == [True]
    full = tmp_path / "full"
    kg.build(days, full, html=False, formats=("turtle", "nt"))
    for name in ("graph.ttl", "graph.nt"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    # Corrected: a title changed, a word of another row changed, a row dropped.
    lines = days[5].read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [i for i, line in enumerate(lines) if line.startswith("| [")]
    lines[rows[0]] = lines[rows[0]].replace("](https://arxiv.org", " (revised)](https://arxiv.org")
    lines[rows[1]] = lines[rows[1]].replace(" the ", " a ", 1)
    del lines[rows[2]]
    days[5].write_text("".join(lines), encoding="utf-8")
    add_to_output([days[5]], out)
    assert calls == [True, True]
    assert (out / "graph.ttl").read_bytes() == rebuilt(days, tmp_path / "full2")
    # Nothing changed: the same file again, still spliced, still equal.
    add_to_output([days[5]], out)
    assert calls == [True, True, True]
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "full2" / "graph.ttl").read_bytes()


@pytest.mark.parametrize("damage", ["edited graph.ttl", "same-size edit", "empty graph.ttl",
                                    "record of another generation", "no record",
                                    "unreadable record", "record of an older release"])
def test_a_previous_file_that_is_not_the_recorded_one_is_written_whole(
        damage: str, days: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    record = out / splice.RECORD
    if damage == "edited graph.ttl":
        text = (out / "graph.ttl").read_text(encoding="utf-8")
        (out / "graph.ttl").write_text(text.replace("fabio:Preprint", "fabio:Thesis", 1),
                                       encoding="utf-8")
    elif damage == "same-size edit":  # only the modification time tells
        text = (out / "graph.ttl").read_text(encoding="utf-8")
        (out / "graph.ttl").write_text(text.replace("fabio:Preprint", "fabio:Preprinx", 1),
                                       encoding="utf-8")
    elif damage == "record of an older release":  # it kept a SHA-256, not the time
        layout = json.loads(record.read_text(encoding="utf-8"))
        del layout["mtime_ns"]
        record.write_text(json.dumps({**layout, "sha256": "0" * 64}), encoding="utf-8")
    elif damage == "empty graph.ttl":
        (out / "graph.ttl").write_bytes(b"")
    elif damage == "record of another generation":
        layout = json.loads(record.read_text(encoding="utf-8"))
        record.write_text(json.dumps({**layout, "token": "elsewhere"}), encoding="utf-8")
    elif damage == "no record":
        record.unlink()
    else:
        record.write_text("{not json", encoding="utf-8")
    calls = spliced(monkeypatch)
    add_to_output([days[-1]], out)
    assert calls == [False]
    assert (out / "graph.ttl").read_bytes() == rebuilt(days, tmp_path / "full")
    assert json.loads(record.read_text(encoding="utf-8"))["token"]  # recorded again


def test_a_folder_copied_with_its_times_is_still_spliced(days: list[Path],
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator's users back up and move output folders (``cp -p``, ``rsync -a``)."""
    kg.build(days[:-1], tmp_path / "out", html=False)
    out = Path(shutil.copytree(tmp_path / "out", tmp_path / "moved"))  # times kept
    calls = spliced(monkeypatch)
    add_to_output([days[-1]], out)
    assert calls == [True]
    assert (out / "graph.ttl").read_bytes() == rebuilt(days, tmp_path / "full")


def test_every_block_is_found_under_its_subject(days: list[Path], tmp_path: Path) -> None:
    """Block keys read back from graph.ttl (prefixed names, escapes, full IRIs) are the
    union's subjects, in union order: what the binary search relies on."""
    out = tmp_path / "out"
    kg.build(days, out, html=False)
    graph = Workspace(out).open(read_only=True)
    try:
        kept, base = union.current(graph, out), graph.base
    finally:
        graph.close()
    assert kept is not None
    with open(kept, encoding="utf-8", newline="\n") as handle:
        subjects = [key for key, _ in itertools.groupby(
            line[:line.index(">") + 1] for line in handle)]
    layout = json.loads((out / splice.RECORD).read_text(encoding="utf-8"))
    data = (out / "graph.ttl").read_bytes()
    starts = [layout["data_start"]] + [m.end() for m in splice._BLOCK.finditer(
        data, layout["data_start"], layout["void_start"] - 1)]
    keys = splice._Keys(data, turtle_prefixes(base))
    assert [keys.at(start) for start in starts] == subjects
    # The binary search finds each block, from the section's start and from the one before.
    found = splice._Blocks(data, layout["data_start"], layout["void_start"], keys)
    ends = [*starts[1:], layout["void_start"]]
    for i, (subject, start, end) in enumerate(zip(subjects, starts, ends, strict=True)):
        assert found.block(subject, layout["data_start"]) == (start, end)
        assert found.block(subject, starts[i - 1] if i else start) == (start, end)
        missing = subject[:-1] + "~>"  # after this subject, and before the next one
        if i + 1 == len(subjects) or missing < subjects[i + 1]:  # (unless it extends this)
            assert found.block(missing, start) == (end, end)
    assert any("%" in subject for subject in subjects)  # full IRIs in the file
