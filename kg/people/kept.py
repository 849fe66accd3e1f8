"""The mappings of a kept people state, read from SQLite a bucket at a time and
written back where they changed.

Why: the state of a year of papers is about 190k keys (names, listings, the
blocking index...). Read whole it cost a daily ``kg add`` 0.1-0.2 s and written
whole 0.06 s more, while the add looks at a few thousand keys and changes a few
hundred. A :class:`Table` keeps its keys in buckets of about
:data:`BUCKET_SIZE` (a row each, chosen by a CRC of the key, or of a pair key's
first part), reads a bucket the first time one of its keys is asked for, and
remembers it; :meth:`Table.changes` gives the buckets to write back: those with
a key set or deleted whose entries differ from the ones read (a value changed in
place is set again, as the blocking index's are). Rows of single keys made the
build's whole write 0.7 s at a year (190k rows); buckets make it 24k rows. The
bucket count is chosen when a table is written whole (by a build) and kept by
adds: a table that grows far past its build reads bigger buckets until the next
build, never wrong ones.

An :meth:`Table.overlay` is a copy that shares its parent's entries: what the copy
sets stays in it, what it does not set it reads through its parent. A snapshot
patched from another (:func:`kg.people.snapshot.refreshed`) is made of overlays,
as it was made of shallow copies of dicts.

Values are ``marshal`` bytes: plain data, read back without running anything.
"""

from __future__ import annotations

import marshal
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSet
from typing import Any

#: Entries per bucket a whole write aims at.
BUCKET_SIZE = 8
#: A deleted key, in an overlay.
_ABSENT: Any = object()


def bucket_count(entries: int) -> int:
    """How many buckets a table of ``entries`` keys is written with."""
    return max(1, entries // BUCKET_SIZE)


class Table(MutableMapping[Any, Any]):
    """One mapping of a kept state, the table ``name`` of ``db`` (a row per bucket, of
    ``buckets``), or an overlay of ``parent``. ``pairs``: the keys are pairs bucketed
    by their first part, so that :meth:`keys_under` reads only their buckets.

    A value changed in place must be set again (``table[key] = value``) for the
    change to be written: only the buckets of keys set or deleted are compared."""

    def __init__(self, db: sqlite3.Connection, name: str, buckets: int, *,
                 pairs: bool = False, parent: Table | None = None) -> None:
        self.db, self.name, self.buckets, self.pairs, self.parent = \
            db, name, buckets, pairs, parent
        #: The root's buckets read (number -> entries, with its changes).
        self.read: dict[int, dict[Any, Any]] = {}
        #: The root's buckets as read (number -> row bytes, None: no row).
        self.original: dict[int, bytes | None] = {}
        #: The root's buckets with a key set or deleted.
        self.dirty: set[int] = set()
        #: An overlay's own changes (_ABSENT for a key deleted).
        self.own: dict[Any, Any] = {}

    def overlay(self) -> Table:
        """A copy of this mapping that reads through it and keeps its own changes."""
        return Table(self.db, self.name, self.buckets, pairs=self.pairs, parent=self)

    def root(self) -> Table:
        return self if self.parent is None else self.parent.root()

    def bucket(self, key: Any) -> int:
        return self._first_bucket(key[0] if self.pairs else key)

    def _first_bucket(self, first: str) -> int:
        return zlib.crc32(first.encode("utf-8")) % self.buckets

    def _entries(self, number: int) -> dict[Any, Any]:
        """The root's entries of bucket ``number``, read if not yet."""
        root = self.root()
        found = root.read.get(number)
        if found is None:
            row = root.db.execute(f'SELECT v FROM "{root.name}" WHERE b = ?',
                                  (number,)).fetchone()
            data = row[0] if row else None
            root.original[number] = data
            found = root.read[number] = marshal.loads(data) if data is not None else {}
        return found

    def _read(self, numbers: Iterable[int]) -> None:
        """Read the root's buckets not read yet."""
        wanted = sorted(set(numbers) - self.read.keys())
        found: dict[int, bytes] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on a query's values
            chunk = wanted[start:start + 500]
            found.update(self.db.execute(
                f'SELECT b, v FROM "{self.name}" WHERE b IN ({",".join("?" * len(chunk))})',
                chunk))
        for number in wanted:
            data = found.get(number)
            self.original[number] = data
            self.read[number] = marshal.loads(data) if data is not None else {}

    def _lookup(self, key: Any) -> Any:
        if self.parent is not None:
            own = self.own.get(key, self)  # the table itself: not set here
            return own if own is not self else self.parent._lookup(key)
        return self._entries(self.bucket(key)).get(key, _ABSENT)

    def __getitem__(self, key: Any) -> Any:
        value = self._lookup(key)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return self._lookup(key) is not _ABSENT

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.parent is not None:
            self.own[key] = value
            return
        number = self.bucket(key)
        self._entries(number)[key] = value
        self.dirty.add(number)

    def __delitem__(self, key: Any) -> None:
        if self._lookup(key) is _ABSENT:
            raise KeyError(key)
        if self.parent is not None:
            self.own[key] = _ABSENT
            return
        number = self.bucket(key)
        del self._entries(number)[key]
        self.dirty.add(number)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.everything())

    def __len__(self) -> int:
        return len(self.everything())

    def everything(self) -> dict[Any, Any]:
        """Every key with its value: the whole table read (a slow path, which a daily
        add's patched snapshot does not take)."""
        if self.parent is not None:
            merged = self.parent.everything()
            for key, value in self.own.items():
                if value is _ABSENT:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            return merged
        self._read(range(self.buckets))
        return {key: value for number in sorted(self.read)
                for key, value in self.read[number].items()}

    def keys_under(self, firsts: Iterable[str]) -> list[Any]:
        """The pair keys whose first part is one of ``firsts``, in sorted order."""
        wanted = set(firsts)
        found = {key for number in {self._first_bucket(first) for first in wanted}
                 for key in self._entries(number) if key[0] in wanted}
        for overlay in self._overlays():
            for key, value in overlay.own.items():
                if key[0] in wanted:
                    (found.discard if value is _ABSENT else found.add)(key)
        return sorted(found)

    def _overlays(self) -> list[Table]:
        """This table and its parents but the root, the root's child first."""
        chain = []
        table = self
        while table.parent is not None:
            chain.append(table)
            table = table.parent
        return chain[::-1]

    def changes(self) -> Iterator[tuple[int, bytes | None]]:
        """The rows to write for the table to hold this mapping: (bucket, its bytes, or
        None to delete the row), for the buckets with a key set or deleted whose
        entries differ from those read (compared as values: a set's bytes depend on
        the process's string hashing)."""
        root = self.root()
        pending: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
        for overlay in self._overlays():
            for key, value in overlay.own.items():
                pending[self.bucket(key)].append((key, value))
        for number in sorted(root.dirty | pending.keys()):
            entries = dict(self._entries(number))
            for key, value in pending.get(number, ()):
                if value is _ABSENT:
                    entries.pop(key, None)
                else:
                    entries[key] = value
            data = root.original[number]
            if entries != (marshal.loads(data) if data is not None else {}):
                yield number, marshal.dumps(entries) if entries else None


class TableSet(MutableSet[str]):
    """A set of strings kept as a :class:`Table` (member -> True)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __contains__(self, item: object) -> bool:
        return item in self.table

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def add(self, value: str) -> None:
        self.table[value] = True

    def discard(self, value: str) -> None:
        self.table.pop(value, None)


def create(db: sqlite3.Connection, name: str, rows: Iterable[tuple[int, bytes]]) -> None:
    """Create the table ``name`` holding ``rows`` (bucket, bytes)."""
    db.execute(f'CREATE TABLE "{name}"(b INTEGER PRIMARY KEY, v BLOB NOT NULL)')
    db.executemany(f'INSERT INTO "{name}" VALUES (?, ?)', rows)


def write(db: sqlite3.Connection, name: str, rows: Iterable[tuple[int, bytes | None]]) -> None:
    """Write :meth:`Table.changes` rows into the table ``name``."""
    for number, data in rows:
        if data is None:
            db.execute(f'DELETE FROM "{name}" WHERE b = ?', (number,))
        else:
            db.execute(f'INSERT OR REPLACE INTO "{name}" VALUES (?, ?)', (number, data))


#: Entries a whole write groups into buckets at a time: the blocking index of 100k
#: papers is 0.7M keys, whose buckets at once were 30 MB on top of a build's peak.
_GROUPED = 100_000


def rows(mapping: Mapping[Any, Any], buckets: int, pairs: bool = False
         ) -> Iterator[tuple[int, bytes]]:
    """A plain mapping's rows in ``buckets`` buckets (as :class:`Table` reads them),
    grouped in as many passes over it as keep each pass near :data:`_GROUPED` entries."""
    passes = 1 + len(mapping) // _GROUPED
    for part in range(passes):
        grouped: dict[int, dict[Any, Any]] = defaultdict(dict)
        for key, value in mapping.items():
            first = key[0] if pairs else key
            number = zlib.crc32(first.encode("utf-8")) % buckets
            if number % passes == part:
                grouped[number][key] = value
        for number in sorted(grouped):
            yield number, marshal.dumps(grouped.pop(number))


def copied(mapping: MutableMapping[Any, Any]) -> MutableMapping[Any, Any]:
    """A shallow copy: a table's overlay, a plain mapping's dict."""
    return mapping.overlay() if isinstance(mapping, Table) else dict(mapping)


def keys_under(mapping: MutableMapping[Any, Any], firsts: Iterable[str]) -> list[Any]:
    """The pair keys of ``mapping`` whose first part is one of ``firsts``."""
    if isinstance(mapping, Table):
        return mapping.keys_under(firsts)
    wanted = set(firsts)
    return sorted(key for key in mapping if key[0] in wanted)
