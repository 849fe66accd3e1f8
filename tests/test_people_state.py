"""The people state kept between runs (kg.people.state): weighing only the pairs a
change reaches must always end where weighing everything does, for random edits
of names, author lists, tasks, owners and identifiers, and across real adds.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import kg
from kg.engine import union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.people import state as people_state
from kg.people.candidates import Blocking, generate
from kg.people.curation import read_curation
from kg.people.review import apply_to_store
from kg.people.snapshot import Snapshot, index
from tests.outputs import copied_days, field_of, people_quads

P = "https://w3id.org/paperkg/person/"
#: Spellings that meet under the name rules (and some that meet several full names).
SPELLINGS = {
    "percy-liang": ["Percy Liang"], "percyliang": ["percyliang"], "liang-percy": ["Liang Percy"],
    "pliang": ["pliang"], "song-zhang": ["Song Zhang"], "shu-zhang": ["Shu Zhang"],
    "szhang42": ["szhang42"], "xihui-liu": ["Xihui Liu"], "xihuiliu": ["XihuiLiu"],
    "vladlen-koltun": ["Vladlen Koltun"], "vkoltun": ["vkoltun"], "ada-lovelace": ["Ada Lovelace"],
    "mette-thuno": ["Mette Thunø"], "mettethuno": ["mettethuno"], "jun-liu": ["Jun Liu"],
}
ACCOUNTS = ["percyliang", "xihuiliu", "vkoltun", "openai", "szhang42"]


def make(names: dict[str, list[str]], listings: dict[tuple[str, str], dict[int, str]],
         tasks: dict[str, set[str]], owners: dict[str, set[str]],
         account_names: dict[str, str], ids: dict[str, str]) -> Snapshot:
    """A snapshot of copies: editing the arguments later leaves it as it was."""
    snap = Snapshot(*copy.deepcopy((names, listings, tasks, owners, account_names, ids)))
    index(snap)
    return snap


def random_snapshot(rng: random.Random) -> Snapshot:
    people = rng.sample(sorted(SPELLINGS), 10)
    names = {P + p: sorted(SPELLINGS[p]) for p in people}
    listings: dict[tuple[str, str], dict[int, str]] = {}
    for n in range(12):
        authors = rng.sample(people, rng.randint(1, 4))
        listings[(f"entry{n}", f"paper{n % 9}")] = {i + 1: P + a for i, a in enumerate(authors)}
    tasks = {f"paper{n}": set(rng.sample(["nlp", "vision", "audio", "rl"], 2)) for n in range(9)}
    owners = {f"paper{n}": {f"acct:{a}" for a in rng.sample(ACCOUNTS, 2)} for n in range(0, 9, 2)}
    account_names = {f"acct:{a}": a for a in ACCOUNTS}
    ids = {f"paper{n}": f"2501.{n:05d}" for n in range(9)}
    return make(names, listings, tasks, owners, account_names, ids)


SNAPSHOT_FIELDS = ("names", "listings", "tasks", "owners", "account_names", "paper_ids",
                   "listings_of", "papers_of", "owned", "listed")


def edited(snap: Snapshot, rng: random.Random) -> Snapshot:
    """``snap`` with one to three random edits of the kinds a day or a correction makes."""
    new = copy.deepcopy(Snapshot(snap.names, snap.listings, snap.tasks, snap.owners,
                                 snap.account_names, snap.paper_ids))
    for _ in range(rng.randint(1, 3)):
        edit = rng.choice(["spelling", "person", "drop person", "listing", "drop listing",
                           "task", "owner", "account name", "id"])
        person = rng.choice(sorted(SPELLINGS))
        if edit == "spelling" and new.names:
            target = rng.choice(sorted(new.names))
            new.names[target] = sorted({*new.names[target], *SPELLINGS[person]})
        elif edit == "person":
            new.names[P + person] = sorted(SPELLINGS[person])
        elif edit == "drop person" and new.names:
            gone = rng.choice(sorted(new.names))
            del new.names[gone]
            new.listings = {key: {pos: p for pos, p in slots.items() if p != gone}
                            for key, slots in new.listings.items()}
        elif edit == "listing":
            authors = rng.sample(sorted(new.names), min(3, len(new.names)))
            new.listings[(f"entry{rng.randint(0, 30)}", f"paper{rng.randint(0, 12)}")] = {
                i + 1: a for i, a in enumerate(authors)}
        elif edit == "drop listing" and new.listings:
            del new.listings[rng.choice(sorted(new.listings))]
        elif edit == "task":
            new.tasks[f"paper{rng.randint(0, 12)}"] = {rng.choice(["nlp", "vision", "math"])}
        elif edit == "owner":
            new.owners[f"paper{rng.randint(0, 12)}"] = {f"acct:{rng.choice(ACCOUNTS)}"}
        elif edit == "account name":
            account = rng.choice(ACCOUNTS)
            new.account_names[f"acct:{account}"] = rng.choice([account, "someone", "Percy-Liang"])
        elif edit == "id":
            new.paper_ids[f"paper{rng.randint(0, 12)}"] = f"2502.{rng.randint(0, 99):05d}"
    index(new)
    return new


def assert_same(found: people_state.PeopleState, expected: people_state.PeopleState) -> None:
    assert found.pairs == expected.pairs
    assert found.accounts == expected.accounts
    assert found.blocking.candidates() == expected.blocking.candidates()


@pytest.mark.parametrize("seed", range(int(os.environ.get("KG_PEOPLE_SEEDS", "200"))))
def test_advancing_ends_where_weighing_everything_does(seed: int, tmp_path: Path) -> None:
    """Each step's state is kept and read back (its tables then read key by key, and
    whole where an unpatched snapshot is compared), as an add reads the last one."""
    rng = random.Random(seed)
    snap = random_snapshot(rng)
    state = people_state.fresh(snap)
    weighed = len(state.pairs)
    path = tmp_path / "people.sqlite"
    for step in range(6):
        people_state.save(state, path, f"generation {step}")
        kept = people_state.load(path, f"generation {step}")
        assert kept is not None
        snap = edited(snap, rng)
        state = people_state.advance(kept, snap)
        assert_same(state, people_state.fresh(snap))
        weighed += len(state.pairs)
    assert weighed, "the random people never formed a candidate pair: the test proved nothing"


def test_blocking_follows_renames_as_a_fresh_index_would() -> None:
    names = {P + p: sorted(s) for p, s in SPELLINGS.items()}
    state = people_state.fresh(make(names, {}, {}, {}, {}, {}))
    del names[P + "percyliang"]
    names[P + "szhang"] = ["S. Zhang"]
    state = people_state.advance(state, make(names, {}, {}, {}, {}, {}))
    assert state.blocking.candidates() == generate(names)
    assert (P + "percy-liang", P + "pliang") in state.blocking.rules


def test_a_person_gone_reweighs_the_pairs_of_its_former_partners() -> None:
    """szhang42 fits two full names (counter-evidence on its pairs); once Shu Zhang is
    gone, its pair with Song Zhang loses that counter-evidence."""
    names = {P + p: SPELLINGS[p] for p in ("szhang42", "song-zhang", "shu-zhang", "jun-liu")}
    listings = {("e1", "paper1"): {1: P + "szhang42", 2: P + "jun-liu"},
                ("e2", "paper2"): {1: P + "song-zhang", 2: P + "jun-liu"},
                ("e3", "paper3"): {1: P + "shu-zhang"}}
    state = people_state.fresh(make(names, listings, {}, {}, {}, {}))
    key = (P + "song-zhang", P + "szhang42")
    assert "AGAINST: the username matches 2 full names" in state.pairs[key].description
    del names[P + "shu-zhang"], listings[("e3", "paper3")]
    snap = make(names, listings, {}, {}, {}, {})
    state = people_state.advance(state, snap)
    assert_same(state, people_state.fresh(snap))
    assert "AGAINST" not in state.pairs[key].description


def test_a_state_reads_back_and_damage_is_refused(tmp_path: Path) -> None:
    state = people_state.fresh(random_snapshot(random.Random(1)))
    path = tmp_path / "people.sqlite"
    people_state.save(state, path, "g1")
    back = people_state.load(path, "g1")
    assert back is not None
    assert_same(back, state)
    for name in SNAPSHOT_FIELDS:
        assert field_of(back.snapshot, name) == field_of(state.snapshot, name), name
    assert back.written == state.written and back.snapshot.by_graph == state.snapshot.by_graph
    assert people_state.load(path, "g2") is None, "a state of another generation was used"
    assert people_state.load(tmp_path / "missing.sqlite", "g1") is None
    data = path.read_bytes()
    other_layout = data.replace(b"paperkg people state", b"paperkg people other")
    for damaged in (data[: len(data) // 2], b"", b"\x00" * 40, other_layout):
        path.write_bytes(damaged)
        assert people_state.load(path, "g1") is None


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """Thirty real corpus days, copied (the tests correct some)."""
    return copied_days(corpus_dir, tmp_path, 30)


def kept_state(out: Path) -> people_state.PeopleState:
    graph = Workspace(out).open(read_only=True)
    try:
        state = union.carried_people(out, graph.union_token())
    finally:
        graph.close()
    assert state is not None, "no people state kept for the store's union"
    return state


def corrected(day: Path) -> None:
    """Edit a day as a correction might: one row's first author renamed and her GitHub
    account linked, another row's GitHub link dropped, the last row removed."""
    rows = day.read_text(encoding="utf-8").splitlines(keepends=True)
    table = [i for i, row in enumerate(rows) if row.startswith("| [")]
    cells = rows[table[0]].split(" | ")
    cells[1] = "Ada Lovelace, " + cells[1].split(", ", 1)[-1]
    cells[4] = "[Link](https://github.com/adalovelace)"
    rows[table[0]] = " | ".join(cells)
    linked = [i for i in table[1:-1] if "github.com" in rows[i]]
    assert linked, f"{day.name} has no GitHub link to drop"
    cells = rows[linked[-1]].split(" | ")
    cells[4] = "N/A"
    rows[linked[-1]] = " | ".join(cells)
    day.write_text("".join(rows[: table[-1]] + rows[table[-1] + 1:]), encoding="utf-8")


def test_adds_keep_the_people_a_rebuild_finds(days: list[Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days[:-3], out, html=False)
    weighed: list[int] = []
    real = people_state.advance

    def counting(state: people_state.PeopleState, snap: Snapshot) -> people_state.PeopleState:
        weighed.append(1)
        return real(state, snap)

    def refuse(*args: object) -> None:
        raise AssertionError("an add read the whole snapshot again")

    monkeypatch.setattr("kg.people.links.advance", counting)
    monkeypatch.setattr("kg.people.hook.snapshot_of", refuse)
    for day in days[-3:]:
        add_to_output([day], out)
    for day in (days[4], days[11]):
        corrected(day)
        add_to_output([day], out)
    add_to_output([days[4]], out)  # unchanged
    assert len(weighed) == 6, "an add weighed everything instead of following its state"
    monkeypatch.undo()
    kg.build(days, tmp_path / "full", html=False)
    assert people_quads(out) == people_quads(tmp_path / "full")
    ours, rebuilt = kept_state(out), kept_state(tmp_path / "full")
    assert_same(ours, rebuilt)
    assert any(link.b.endswith("/adalovelace") for found in ours.accounts.values()
               for link in found), "the mentioned account was not linked to its person"
    for name in SNAPSHOT_FIELDS:
        assert field_of(ours.snapshot, name) == field_of(rebuilt.snapshot, name), name


@pytest.mark.parametrize("limit", [None, 5_000], ids=["by-entry", "by-graph"])
def test_a_patched_snapshot_compares_only_its_scope(days: list[Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   limit: int | None) -> None:
    """The people whose facts changed, found from the keys an add's patch touched
    (its Scope), are the ones a comparison of every key finds, and so are the people
    whose names changed (the blocking compares only the scope's): for new days and
    corrected ones (a renamed author, a new account, a dropped link and row), with
    the snapshot's listings keyed by entry (a build within the facts' limit) and by
    day graph (past it), each patched from the store's indexes."""
    if limit is not None:
        monkeypatch.setattr("kg.graph.facts.LIMIT", limit)
    out = tmp_path / "out"
    kg.build(days[:-3], out, html=False)
    real = people_state.changed_people
    compared: list[int] = []

    def both(old: Snapshot, new: Snapshot) -> set[str]:
        assert new.scope is not None and new.scope.base() is old, "the add did not patch"
        scoped = real(old, new)
        assert scoped == real(old, _unscoped(new))
        compared.append(len(scoped))
        return scoped

    real_rename = Blocking.rename
    renamed: list[int] = []

    def within_scope(block: Blocking, names: Mapping[str, list[str]],
                     within: Iterable[str] | None = None) -> set[str]:
        assert within is not None, "the add compared every person's names"
        differ = {person for person in block.names.keys() | names.keys()
                  if block.names.get(person) != names.get(person)}
        assert differ <= set(within), differ - set(within)
        renamed.append(len(differ))
        return real_rename(block, names, within)

    monkeypatch.setattr(people_state, "changed_people", both)
    monkeypatch.setattr(Blocking, "rename", within_scope)
    for day in days[-3:]:
        add_to_output([day], out)
    for day in (days[4], days[11]):
        corrected(day)
        add_to_output([day], out)
    assert len(compared) == 5 and all(compared), compared
    assert len(renamed) == 5 and any(renamed), renamed


def _unscoped(snap: Snapshot) -> Snapshot:
    return Snapshot(snap.names, snap.listings, snap.tasks, snap.owners, snap.account_names,
                    snap.paper_ids, snap.listings_of, snap.papers_of, snap.owned, snap.listed)


PEOPLE_DATA = Path(__file__).resolve().parent / "data" / "people"


def rewrite_people(out: Path, curation: Path) -> None:
    """What ``kg people`` does after a decision: the people graph rewritten whole."""
    graph = Workspace(out).open()
    try:
        apply_to_store(graph, read_curation(curation))
    finally:
        graph.close()


def test_a_people_graph_rewritten_between_adds_is_replaced_not_patched(tmp_path: Path) -> None:
    """``kg people`` rewrites the people graph without the add's state: the next add
    sees another stamp and writes the graph whole, ending where a rebuild does."""
    digests = tmp_path / "digests"
    shutil.copytree(PEOPLE_DATA / "digests", digests)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(digests), "-o", str(out),
                           "--no-html", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    curation = digests / "people.csv"
    curation.write_text("decision,a,b,note\nreject,Percy Liang,percyliang,not one person\n",
                        encoding="utf-8")
    rewrite_people(out, curation)
    shutil.copy(PEOPLE_DATA / "later" / "papers-2024-11-06.md", digests)
    add_to_output([digests], out, export=False)
    kg.build([digests], tmp_path / "full", html=False)
    ours, rebuilt = people_quads(out), people_quads(tmp_path / "full")
    assert ours == rebuilt
    assert any("rejected" in quad for quad in ours), "the curation was not applied"


def test_the_people_graph_stamp_is_the_digest_of_its_links() -> None:
    """The stamp an add compares with the store's is the digest of the curation file's
    name and one line per link, however it is computed, so stamps that earlier runs
    wrote into stores stay valid."""
    from kg.graph.iris import digest
    from kg.people.identity import IdentityLink
    from kg.people.links import _stamp

    links = [IdentityLink("x:a", "x:b", "person", "auto", 0.9, "same co-authors",
                          frozenset({"initials", "compact"}), ("x:c",), ("x:p1", "x:p2")),
             IdentityLink("x:a", "x:d", "person", "candidate", 0.5, 'a "quote"\nand a line')]
    for found in ([], links[:1], links):
        text = "\n".join(repr((link.a, link.b, link.kind, link.tier, link.score,
                               link.description, sorted(link.rules), link.coauthors,
                               link.papers)) for link in found)
        for curation in (None, "/data/people.csv"):
            assert _stamp(found, curation) == digest(f"{curation}\n{text}", 32)
