"""Package attributes loaded on first use (PEP 562).

Why: a package's ``__init__`` runs in every process that imports any of its
modules. ``kg`` and ``kg.web`` re-export names from heavy modules (the build and
add engines, the web app); importing those eagerly cost every query worker and the
page's process 0.11 s, and every ``kg add`` 0.06 s, for modules they never use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def attributes(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` that imports each name of ``homes``
    (name -> the module that defines it) when it is first asked for."""

    def __getattr__(name: str) -> object:
        if name in homes:
            return getattr(importlib.import_module(homes[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
