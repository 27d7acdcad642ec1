"""Search everything (storage/search.py over the FTS5 indexes of migration 0006, core/search.py
for the query): found however it is spelt, never broken by what a user types, kept current
by the database itself whoever writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from core.search import HitKind, Order, grouped, highlight, parse_query
from storage import repository
from storage.database import open_database
from storage.migrations import SEARCHED, rebuild_search
from storage.repository import writes
from storage.search import find_partnership, search


def _note(db: Database, text: str) -> str:
    """Write `text` into the notes of the demo's latest held meeting's first item (as SQL
    would, below the app: the index must follow anyway); its item id."""
    (item_id,) = db.execute(
        "SELECT i.id FROM meeting_item i JOIN meeting m ON m.id = i.meeting_id "
        "WHERE m.status = 'draft' ORDER BY i.position LIMIT 1"
    ).fetchone()
    with writes(db):
        db.execute("UPDATE meeting_item SET notes = ? WHERE id = ?", [text, item_id])
    return str(item_id)


def test_a_name_is_found_however_it_is_spelt(demo_db: Database) -> None:
    item = _note(demo_db, "Łukasz and Ζωή agreed the Grüße plan with Søren.")
    for typed in ("Lukasz", "łukasz", "LUKASZ", "luk*", "ζωη", "Ζωή", "grusse", "soren"):
        hits = search(demo_db, parse_query(typed))
        assert [h.item_id for h in hits if h.kind is HitKind.NOTE] == [item], typed
    query = parse_query("lukasz")
    (hit,) = [h for h in search(demo_db, query) if h.kind is HitKind.NOTE]
    assert "«Łukasz»" in highlight(hit.text, query)
    assert hit.meeting_id is not None and hit.context.startswith("Meeting ")


def test_phrases_prefixes_and_every_word(demo_db: Database) -> None:
    decisions = [
        h for h in search(demo_db, parse_query('"change freeze"')) if h.kind is HitKind.DECISION
    ]
    assert decisions and all("change freeze" in h.text for h in decisions)
    assert not search(demo_db, parse_query('"freeze change"'))
    both = search(demo_db, parse_query("freeze december"))
    assert both and all("freeze" in h.text.lower() and "december" in h.text.lower() for h in both)
    assert search(demo_db, parse_query("secur*"))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_nothing_a_user_types_breaks_the_search(demo_read: Database, typed: str) -> None:
    """FTS5 syntax (quotes, stars, colons, brackets, NEAR, AND, ^, -) is only ever text."""
    search(demo_read, parse_query(typed))


def test_fts_syntax_in_a_query_is_text(demo_read: Database) -> None:
    for typed in ('"', "*", "a:b", "(freeze", "NEAR(a b)", "freeze AND", "-freeze", "^x", "'"):
        search(demo_read, parse_query(typed))
    assert parse_query("  ").empty and parse_query('""').empty and parse_query("*").empty


def test_one_partnership_or_all(demo_db: Database) -> None:
    pid = repository.partnerships(demo_db)[0].id
    everywhere = search(demo_db, parse_query("freeze"))
    here = search(demo_db, parse_query("freeze"), pid)
    assert everywhere and {h.partnership_id for h in here} == {pid}
    assert search(demo_db, parse_query("freeze"), "no-such-partnership") == []
    assert find_partnership(demo_db, pid).id == pid
    name = repository.partnership(demo_db, pid).name
    assert find_partnership(demo_db, name.upper()).id == pid
    assert find_partnership(demo_db, name.split("–")[1].split()[0]).id == pid  # "Brightline"
    assert len(repository.partnerships(demo_db)) > 1


def test_newest_first_or_best_match_first(demo_read: Database) -> None:
    hits = search(demo_read, parse_query("freeze"))
    for _, group in grouped(hits, Order.NEWEST):
        days = [h.when for h in group if h.when]
        assert days == sorted(days, reverse=True)
    for _, group in grouped(hits, Order.RELEVANCE):
        assert [h.rank for h in group] == sorted(h.rank for h in group)


def test_the_index_follows_every_change_and_survives_a_vacuum(demo_db_path: Path) -> None:
    db = open_database(demo_db_path, automatic_backups=False)
    try:
        item = _note(db, "The quarantine of the zeppelin fleet.")
        assert search(db, parse_query("zeppelin"))
        _note(db, "Nothing about airships now.")
        assert not search(db, parse_query("zeppelin"))
        assert search(db, parse_query("airships"))
        assert item
    finally:
        db.close()
    # another program, with none of the app's code, writes: the triggers keep the index
    conn = sqlite3.connect(demo_db_path)
    conn.execute(
        "UPDATE milestone SET title = 'Inspect the zeppelin hangar' WHERE rowid = "
        "(SELECT min(rowid) FROM milestone)"
    )
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    db = open_database(demo_db_path, automatic_backups=False)
    try:
        with writes(db):
            rebuild_search(db)
        (hit,) = search(db, parse_query("zeppelin"))
        assert hit.kind is HitKind.MILESTONE and hit.text == "Inspect the zeppelin hangar"
        for index, _ in SEARCHED.values():
            db.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()
