"""Killed runs: outputs are replaced atomically and the store survives a kill.

A ``kg build`` or ``kg add`` is killed (SIGKILL) at several moments; afterwards
graph.ttl is byte-identical either to the previous graph or to the complete new
one, the store opens, and running the command again gives a full, correct graph.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.engine.workspace import Workspace
from tests.cli import run_kg

ROOT = Path(__file__).resolve().parent.parent


def synth(papers: int, out: Path) -> list[Path]:
    """Synthetic digests in the real format, from bench/synth.py."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module.generate(papers, out, seed=7)


def digest(path: Path) -> str:
    """Compare big files by hash: pytest's diff of megabytes takes forever."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return run_kg(*args, timeout=600)


def kill_after(delay: float, *args: str) -> int | None:
    """Start kg, SIGKILL it after ``delay`` seconds; its exit status if it finished first."""
    process = subprocess.Popen([sys.executable, "-m", "kg", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.returncode


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    synth(2000, folder)
    return folder


def test_killed_build_leaves_old_or_new_graph(corpus: Path, examples_dir: Path,
                                              tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert kg("build", str(corpus), "-o", str(reference)).returncode == 0
    new = digest(reference / "graph.ttl")
    out = tmp_path / "out"
    assert kg("build", str(examples_dir), "-o", str(out)).returncode == 0
    old = digest(out / "graph.ttl")
    outcomes = set()
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        status = kill_after(delay, "build", str(corpus), "-o", str(out))
        state = {old: "old", new: "new"}.get(digest(out / "graph.ttl"))
        assert state, f"graph.ttl is neither old nor new after a kill at {delay}s"
        outcomes.add(state)
        store = Workspace(out).open(read_only=True)
        assert store.manifest(), "the store does not open with its data after a kill"
        del store
        if status == 0:
            break
        assert kg("build", str(examples_dir), "-o", str(out)).returncode == 0  # back to old
    assert "old" in outcomes, "no kill landed before the swap; the test proved nothing"
    assert kg("build", str(corpus), "-o", str(out)).returncode == 0
    assert digest(out / "graph.ttl") == new
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], "leftovers kept"


def test_killed_add_leaves_a_usable_store(corpus: Path, tmp_path: Path) -> None:
    days = sorted(corpus.iterdir())
    out = tmp_path / "out"
    assert kg("build", *map(str, days[:-20]), "-o", str(out), "-q").returncode == 0
    killed = 0
    for delay in (0.4, 0.9, 1.6):
        if kill_after(delay, "add", *map(str, days[-20:]), "-o", str(out), "-q") != 0:
            killed += 1
        store = Workspace(out).open(read_only=True)  # opens after the kill
        assert store.manifest()
        del store
    assert killed, "every add finished before the kill; the test proved nothing"
    assert kg("add", *map(str, days[-20:]), "-o", str(out), "-q").returncode == 0
    full = tmp_path / "full"
    assert kg("build", str(corpus), "-o", str(full), "-q").returncode == 0
    assert digest(out / "graph.ttl") == digest(full / "graph.ttl"), "add after kills != build"
