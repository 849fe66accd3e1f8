"""The one way tests run the ``kg`` command: a fresh ``python -m kg`` process.

A real process, not click's in-process runner, because what a user sees
(exit codes, what goes to stdout and to stderr, no traceback) is what is under
test. The ``kg_cli`` fixture in conftest.py hands out :func:`run_kg`; module-level
helpers and module-scoped fixtures import it from here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_kg(*args: str, stdin: str | None = None, cwd: Path | None = None, timeout: float = 300,
           ok: bool = False, env: Mapping[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    """Run ``kg *args``; with ``ok`` the run must succeed (its stderr is the failure message).

    ``env`` adds variables to the current environment."""
    done = subprocess.run([sys.executable, "-m", "kg", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, check=False,
                          env={**os.environ, **env} if env else None)
    if ok:
        assert done.returncode == 0, done.stderr
    return done
