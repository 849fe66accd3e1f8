"""Resolve command-line inputs to readable documents and decode their bytes.

Inputs may be files, directories (searched recursively for digests), glob
patterns, or ``-`` for standard input. Decoding never fails: UTF-8 (with or
without BOM) is expected; anything else is read as Windows-1252/Latin-1 with a
warning, and binary files are refused with a warning. A stray NUL byte does not
make a text file binary: the parser removes it and warns at its line.

A document's identity (``Document.key``) is its resolved absolute path: two
files never share one, whatever their base names (the generator's
``archive/YYYY/MM/DD.md`` has hundreds of files named ``30.md``), and one file
keeps it however it is named on the command line.
"""

from __future__ import annotations

import glob
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

DIGEST_SUFFIXES = (".md", ".markdown", ".json")


class InputError(Exception):
    """An input that does not exist or cannot be read (a usage error, not a warning)."""


@dataclass(frozen=True, slots=True)
class Document:
    """One input document: display name (base name), raw bytes and its identity key."""

    name: str
    data: bytes
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_json(self) -> bool:
        if self.name.lower().endswith(".json"):
            return True
        head = self.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return head in (b"[", b"{")


def expand_inputs(inputs: list[str]) -> list[Path | None]:
    """Expand inputs to files in a stable order; ``None`` stands for stdin.

    Directory contents are sorted, so the same tree gives the same order on any
    machine; a file named twice is read once.
    """
    found: list[Path | None] = []
    for item in inputs:
        if item == "-":
            found.append(None)
            continue
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in _walk_files(path)
                                if p.suffix.lower() in DIGEST_SUFFIXES))
        elif path.exists():
            found.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not matches:
                raise InputError(f"{item}: no file matches this pattern")
            found.extend(matches)
        else:
            raise InputError(f"{item}: no such file or directory")
    return list(dict.fromkeys(found))


def _walk_files(root: Path) -> list[Path]:
    """Every file under ``root``, without recursion (``Path.rglob`` overflows the stack
    on a tree 1,500 folders deep) and visiting each folder once (symlink loops)."""
    files: list[Path] = []
    pending = [root]
    seen: set[tuple[int, int]] = set()
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir():
                        pending.append(Path(entry.path))
                    elif entry.is_file():
                        files.append(Path(entry.path))
        except OSError:
            continue
    return files


def read_document(path: Path | None) -> Document:
    """Read one input; ``None`` reads standard input."""
    if path is None:
        return Document("<stdin>", sys.stdin.buffer.read())
    try:
        # A name that is not UTF-8 gets its escaped form (\\xff): RDF text cannot hold it.
        name = os.fsencode(path.name).decode("utf-8", "backslashreplace")
        return Document(name, path.read_bytes(), source_key(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def source_key(path: Path) -> str:
    """The identity of a file: its resolved absolute path, in POSIX form."""
    return Path(os.path.realpath(path)).as_posix()


#: Control bytes (NUL and the like, not tab or line breaks) in the first 8 KiB beyond
#: this share mean a binary file, not a text file with a stray byte.
_BINARY_SHARE = 0.02
_TEXT_CONTROLS = b"\t\n\r\f\b\x1b"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Decode bytes to text; returns ``(text, problem)``, text ``None`` if binary.

    The text may still hold stray NUL characters (the caller warns per line).
    """
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if (b"\x00" in head and controls > max(1, len(head) * _BINARY_SHARE)
            and not data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return None, "binary file (contains NUL bytes); file skipped"
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding), None
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1252"), "not valid UTF-8; read as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; read as Latin-1"
