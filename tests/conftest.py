"""Shared fixtures: the bundled example digests and the real corpus.

The corpus lives outside the repository (``../shared/corpus``); its path comes
from ``KG_CORPUS``, which ``.ci/run`` sets. Without it the corpus tests skip
with a message saying so, except under CI, where a missing corpus is an error.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli import run_kg

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "digests"


def require(available: bool, reason: str) -> None:
    """Skip with ``reason`` when something optional is missing; fail under CI."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this must be available in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real digest corpus (``KG_CORPUS``), with digests/, expected/, legacy/."""
    value = os.environ.get("KG_CORPUS")
    require(
        bool(value),
        "KG_CORPUS is not set: corpus tests skipped (set KG_CORPUS=../shared/corpus to run them)",
    )
    path = Path(value or "")
    require((path / "digests").is_dir(), f"KG_CORPUS={value} has no digests/ folder")
    return path


@pytest.fixture(scope="session")
def kg_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the ``kg`` command in a fresh process: ``kg_cli("stats", "-g", out)``."""
    return run_kg
