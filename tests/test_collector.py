"""kg.support.collector: an add pauses Python's cyclic collector and gives it back,
also when the add fails, and never turns on a collector its caller had turned off."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

import kg
import kg.engine.add as add_module
from kg.engine.add import add_to_output
from kg.read.sources import InputError
from kg.support import collector


def test_paused_restores_the_collector_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled()
        raise RuntimeError("inside")
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_add_gives_the_collector_back(examples_dir: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    days = sorted(examples_dir.glob("*.md"))
    out = tmp_path / "out"
    built = kg.build(days[:-1], out)
    assert built.store is not None
    built.store.close()
    del built
    gc.collect()  # the build's store lock goes with its last reference
    seen: list[bool] = []
    real = add_module._ingest

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(add_module, "_ingest", watched)
    add_to_output([days[-1]], out)
    with pytest.raises(InputError):
        add_to_output([tmp_path / "missing.md"], out)
    assert seen == [False, False]  # paused while each add ran
    assert gc.isenabled()
