"""The tables of a kept people state (kg.people.kept): read a bucket at a time, copied
as overlays, written back where they changed, and equal to the dicts they stand for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kg.people.kept import Table, TableSet, bucket_count, copied, create, keys_under, rows, write

NAMES = {f"https://w3id.org/paperkg/person/p{n}": [f"Person {n}", f"P. {n}"] for n in range(200)}
LISTINGS = {(f"https://w3id.org/paperkg/graph/day{n % 7}", f"paper{n}"): {1: f"p{n}"}
            for n in range(60)}


def kept(tmp_path: Path, name: str, mapping: dict[object, object], *, pairs: bool = False
         ) -> tuple[sqlite3.Connection, int]:
    db = sqlite3.connect(tmp_path / "state.sqlite")
    buckets = bucket_count(len(mapping))
    create(db, name, rows(mapping, buckets, pairs=pairs))
    db.commit()
    return db, buckets


def reads(db: sqlite3.Connection) -> list[str]:
    """The statements the connection runs, from now on."""
    seen: list[str] = []
    db.set_trace_callback(seen.append)
    return seen


def test_a_table_reads_only_the_buckets_asked_for(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "names", dict(NAMES))
    assert buckets == 25
    table = Table(db, "names", buckets)
    seen = reads(db)
    assert table["https://w3id.org/paperkg/person/p7"] == ["Person 7", "P. 7"]
    assert table.get("https://w3id.org/paperkg/person/p7") == ["Person 7", "P. 7"]
    assert "https://w3id.org/paperkg/person/nobody" not in table
    assert len(seen) <= 2, seen
    assert table.everything() == NAMES and len(table) == len(NAMES) and dict(table) == NAMES


def test_an_overlay_keeps_its_changes_and_writes_only_their_buckets(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "names", dict(NAMES))
    old = Table(db, "names", buckets)
    new = copied(old)
    assert isinstance(new, Table)
    gone, renamed, added = (f"https://w3id.org/paperkg/person/{key}" for key in ("p1", "p2", "q"))
    del new[gone]
    new[renamed] = ["Someone Else"]
    new[added] = ["Quentin"]
    assert gone in old and gone not in new
    assert old[renamed] == NAMES[renamed] and new[renamed] == ["Someone Else"]
    expected = {key: value for key, value in NAMES.items() if key != gone}
    expected |= {renamed: ["Someone Else"], added: ["Quentin"]}
    assert new.everything() == expected
    changed = list(new.changes())
    assert 1 <= len(changed) <= 3 and all(data is not None for _, data in changed)
    assert list(old.changes()) == [], "the parent's entries were written"
    write(db, "names", changed)
    db.commit()
    assert Table(db, "names", buckets).everything() == expected


def test_a_value_changed_in_place_is_written_once_set_again(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "names", dict(NAMES))
    table = Table(db, "names", buckets)
    person = "https://w3id.org/paperkg/person/p3"
    table[person].append("Third")
    assert list(table.changes()) == [], "written without being set"
    table[person] = table[person]
    write(db, "names", table.changes())
    db.commit()
    assert Table(db, "names", buckets)[person] == ["Person 3", "P. 3", "Third"]
    # Set to the value it had: nothing to write.
    again = Table(db, "names", buckets)
    again[person] = ["Person 3", "P. 3", "Third"]
    assert list(again.changes()) == []


def test_emptied_buckets_are_deleted(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "names", dict(NAMES))
    table = Table(db, "names", buckets)
    for key in NAMES:
        del table[key]
    changed = list(table.changes())
    assert len(changed) == buckets and all(data is None for _, data in changed)
    write(db, "names", changed)
    db.commit()
    assert db.execute('SELECT count(*) FROM "names"').fetchone() == (0,)
    assert Table(db, "names", buckets).everything() == {}


def test_pair_keys_are_found_by_their_first_part(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "listings", dict(LISTINGS), pairs=True)
    old = Table(db, "listings", buckets, pairs=True)
    day = "https://w3id.org/paperkg/graph/day3"
    seen = reads(db)
    under = keys_under(old, [day])
    assert under == sorted(key for key in LISTINGS if key[0] == day)
    assert len(seen) == 1, "the day's listings were not read from one bucket"
    new = copied(old)
    del new[under[0]]
    new[(day, "paper-new")] = {1: "p9"}
    assert keys_under(new, [day]) == sorted([*under[1:], (day, "paper-new")])
    assert keys_under(old, [day]) == under
    assert keys_under({**LISTINGS}, [day]) == under


def test_a_table_set_is_a_set(tmp_path: Path) -> None:
    db, buckets = kept(tmp_path, "full", dict.fromkeys(["a", "b", "c"], True))
    members = TableSet(Table(db, "full", buckets))
    members.add("d")
    members.discard("a")
    members.discard("zzz")
    assert "b" in members and "a" not in members and set(members) == {"b", "c", "d"}
    assert len(members) == 3


@pytest.mark.parametrize("entries", [0, 1, 7, 8, 1000])
def test_bucket_counts(entries: int) -> None:
    assert bucket_count(entries) == max(1, entries // 8)


def test_a_big_mapping_is_grouped_in_passes_into_the_same_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past _GROUPED entries the buckets are made a share at a time (memory at 100k
    papers); the rows are the same ones."""
    buckets = bucket_count(len(NAMES))
    whole = sorted(rows(NAMES, buckets))
    monkeypatch.setattr("kg.people.kept._GROUPED", 30)
    in_passes = list(rows(NAMES, buckets))
    assert sorted(in_passes) == whole and len(in_passes) == buckets
    assert [number for number, _ in in_passes] != [number for number, _ in whole], \
        "one pass only: the test proved nothing"
