"""storage/migrations.py: every schema step is registered, ordered, transactional and tested.

Picard's rule: a migration added to storage/migrations.py without a test here fails
`test_every_migration_has_a_test`. Add its name to TESTED together with its own test.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage import repository
from storage.database import open_database, open_warnings
from storage.migrations import MEETING_CHILD_TABLES, MIGRATION_SET, MIGRATIONS, known_migrations

# Each name here has its own test below (test_<name without its number>).
TESTED = {
    "0001_initial_schema",
    "0002_reading_reviews_and_signatures",
    "0003_signing_authorities",
    "0004_partner_updates",
    "0005_rag_from_target",
    "0006_search",
    "0007_comment_only_reviews",
}


def _schema(db: Database, kind: str) -> set[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'", [kind]
    ).fetchall()
    return {name for (name,) in rows}


def test_every_migration_has_a_test() -> None:
    """A schema step cannot ship without a test of its own (Picard's rule)."""
    untested = [name for name in known_migrations() if name not in TESTED]
    assert not untested, (
        f"Write a test for each of these migrations, then add it to TESTED: {untested}"
    )


def test_no_test_for_a_migration_that_is_gone() -> None:
    """TESTED names only migrations that exist, so a renamed step is noticed."""
    assert set(known_migrations()) >= TESTED


def test_migrations_are_numbered_in_order() -> None:
    """Steps are named NNNN_what, numbered 1, 2, 3... in the order they run."""
    names = known_migrations()
    assert names, "there is at least the initial schema"
    numbers = []
    for name in names:
        match = re.fullmatch(r"(\d{4})_[a-z0-9_]+", name)
        assert match, f"{name} is not named NNNN_what"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(names) + 1))


def test_new_file_records_every_migration(tmp_path: Path) -> None:
    """A new database records the name of each step it ran, in order, in _sqlite_migrations."""
    db = open_database(tmp_path / "new.db")
    try:
        rows = db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            [MIGRATION_SET],
        ).fetchall()
        assert [name for (name,) in rows] == known_migrations()
        assert MIGRATIONS.pending(db) == []
    finally:
        db.close()


def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    """A step that fails part-way is rolled back whole: no table of it stays, no record of it."""
    db = Database(tmp_path / "clash.db")
    try:
        db.execute("CREATE TABLE sign_off (anything)")  # the last table the first step creates
        with pytest.raises(sqlite3.OperationalError):
            MIGRATIONS.apply(db)
        assert not db.conn.in_transaction
        assert _schema(db, "table") == {"sign_off", "_sqlite_migrations"}
        assert db["_sqlite_migrations"].count == 0
    finally:
        db.close()


# --- one test per migration -------------------------------------------------------------

LATER_TABLES = {
    "reading_review",
    "signatory_certificate",
    "signing_authority",
    "received_workbook",
}
INITIAL_TABLES = {*repository.TABLES.values(), "audit_log"} - LATER_TABLES

INITIAL_INDEXES = {
    "person_by_partnership",
    "standing_agenda_by_partnership",
    "meeting_by_date",
    "meeting_item_by_meeting",
    "attendance_by_meeting",
    "action_by_partnership",
    "action_by_due",
    "action_by_owner",
    "action_by_raised_in",
    "action_by_closed_in",
    "action_raci_by_person",
    "action_review_by_meeting",
    "decision_by_meeting",
    "kpi_name",
    "milestone_by_initiative",
    "initiative_progress_by_meeting",
    "reading_by_period",
    "audit_by_entity",
}

INITIAL_TRIGGERS = {
    "meeting_signed_no_update",
    "meeting_signed_no_delete",
    "action_signed_no_update",
    "action_signed_no_delete",
    "action_signed_no_insert",
    "action_signed_no_move",
    *(
        f"{table}_signed_no_{change}"
        for table in MEETING_CHILD_TABLES
        for change in ("insert", "update", "delete")
    ),
}


def test_initial_schema(tmp_path: Path) -> None:
    """0001_initial_schema creates every table, index and signed-meeting trigger, nothing else."""
    db = Database(tmp_path / "initial.db")
    try:
        MIGRATIONS.apply(db, stop_before=known_migrations()[1:])
        assert [m.name for m in MIGRATIONS.applied(db)] == ["0001_initial_schema"]
        assert _schema(db, "table") == INITIAL_TABLES | {"_sqlite_migrations"}
        assert _schema(db, "index") >= INITIAL_INDEXES
        assert _schema(db, "trigger") == INITIAL_TRIGGERS
        assert set(MEETING_CHILD_TABLES) >= {
            "meeting_item",
            "attendance",
            "action_review",
            "decision",
            "sign_off",
        }
    finally:
        db.close()


def test_initial_schema_checks_values(tmp_path: Path) -> None:
    """0001_initial_schema refuses a side, a blank name or a timebox the app would never write."""
    db = open_database(tmp_path / "checks.db")
    try:
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        bad = [
            "INSERT INTO party VALUES ('x', 'p', 'customer', 'Halden')",
            "INSERT INTO partnership VALUES ('q', '   ', '2026-01-01')",
            "INSERT INTO standing_agenda_item VALUES ('s', 'p', 0, 'Opening', 'opening', 0)",
            "INSERT INTO standing_agenda_item VALUES ('s', 'p', 0, 'Opening', 'party', 5)",
        ]
        for sql in bad:
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(sql)
    finally:
        db.close()


def test_reading_reviews_and_signatures(tmp_path: Path) -> None:
    """0002 adds reading reviews (frozen with their signed meeting), signatories' certificates,
    the fingerprint a sign-off signed with and the signed PDF's SHA-256, keeping older rows."""
    db = Database(tmp_path / "second.db")
    try:
        MIGRATIONS.apply(db, stop_before=known_migrations()[2:])
        db.execute("PRAGMA foreign_keys = ON")
        assert _schema(db, "table") >= {"reading_review", "signatory_certificate"}
        assert {"reading_review_by_reading", "reading_review_by_meeting"} <= _schema(db, "index")
        assert {f"reading_review_signed_no_{c}" for c in ("insert", "update", "delete")} <= (
            _schema(db, "trigger")
        )
        assert "certificate_fingerprint" in db["sign_off"].columns_dict
        assert {"minutes_sha256", "record_hash"} <= set(db["meeting"].columns_dict)
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        db.execute(
            "INSERT INTO meeting (id, partnership_id, number, title, scheduled_start, period) "
            "VALUES ('m', 'p', 1, 'Review', '2026-01-05T10:00:00', '2025-12')"
        )
        db.execute(
            "INSERT INTO kpi VALUES ('k', 'p', 'Availability', '%', 'higher', 'partner', 'service')"
        )
        db.execute(
            "INSERT INTO reading (id, kpi_id, period, value) VALUES ('r', 'k', '2025-12', 99.1)"
        )
        with pytest.raises(sqlite3.IntegrityError):  # a dispute says why
            db.execute(
                "INSERT INTO reading_review VALUES "
                "('x', 'r', 'm', 'enterprise', 'disputed', '  ', '2026-01-05T10:20:00')"
            )
        db.execute(
            "INSERT INTO reading_review VALUES ('x', 'r', 'm', 'enterprise', 'disputed', "
            "'Our monitoring shows 98.2', '2026-01-05T10:20:00')"
        )
        db.execute("UPDATE meeting SET status = 'signed' WHERE id = 'm'")
        with pytest.raises(sqlite3.IntegrityError, match="signed meeting"):
            db.execute("UPDATE reading_review SET comment = 'agreed' WHERE id = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="signed meeting"):
            db.execute("DELETE FROM reading_review WHERE id = 'x'")
    finally:
        db.close()


def test_signing_authorities(tmp_path: Path) -> None:
    """0003_signing_authorities adds the register of company authorities, one per certificate,
    each for one side of one partnership, and nothing else."""
    db = Database(tmp_path / "authorities.db")
    try:
        MIGRATIONS.apply(db, stop_before=["0003_signing_authorities"])
        before = {kind: _schema(db, kind) for kind in ("table", "index", "trigger")}
        MIGRATIONS.apply(db, stop_before=["0004_partner_updates"])
        assert _schema(db, "table") - before["table"] == {"signing_authority"}
        assert _schema(db, "index") - before["index"] == {"signing_authority_by_partnership"}
        assert _schema(db, "trigger") == before["trigger"]
        columns = [row[1] for row in db.execute("PRAGMA table_info(signing_authority)")]
        assert columns == ["fingerprint", "partnership_id", "side", "certificate_pem", "added_at"]
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO signing_authority VALUES (?, ?, ?, ?, ?)",
                ["f" * 64, "nobody", "vendor", "pem", "2026-12-01T10:00:00"],
            )
    finally:
        db.close()


def test_partner_updates(tmp_path: Path) -> None:
    """0004_partner_updates adds the workbooks received, one row per workbook id, each for a
    meeting, its file's SHA-256 unique (a second copy of the same file is recognised), and
    nothing else; the rows go with their meeting."""
    db = Database(tmp_path / "received.db")
    try:
        MIGRATIONS.apply(db, stop_before=["0004_partner_updates"])
        before = {kind: _schema(db, kind) for kind in ("table", "index", "trigger")}
        MIGRATIONS.apply(db, stop_before=["0005_rag_from_target"])
        db.execute("PRAGMA foreign_keys = ON")
        assert _schema(db, "table") - before["table"] == {"received_workbook"}
        assert _schema(db, "index") - before["index"] == {"received_workbook_by_meeting"}
        assert _schema(db, "trigger") == before["trigger"]
        columns = [row[1] for row in db.execute("PRAGMA table_info(received_workbook)")]
        assert columns == ["workbook_id", "meeting_id", "received_at", "file_sha256"]
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        db.execute(
            "INSERT INTO meeting (id, partnership_id, number, title, scheduled_start, period) "
            "VALUES ('m', 'p', 1, 'Review', '2026-12-01T10:00:00', '2026-11')"
        )
        insert = "INSERT INTO received_workbook VALUES (?, ?, ?, ?)"
        db.execute(insert, ["w1", "m", "2026-11-25T09:00:00", "a" * 64])
        for row in (
            ["w1", "m", "2026-11-26T09:00:00", "b" * 64],  # the same workbook id
            ["w2", "m", "2026-11-26T09:00:00", "a" * 64],  # the same file
            ["w3", "nowhere", "2026-11-26T09:00:00", "c" * 64],  # no such meeting
            ["w4", "m", "2026-11-26T09:00:00", "short"],  # not a SHA-256
        ):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(insert, row)
        db.execute("DELETE FROM meeting WHERE id = 'm'")
        assert db["received_workbook"].count == 0
    finally:
        db.close()


def test_rag_from_target(tmp_path: Path) -> None:
    """0005_rag_from_target: green only when the target is met. Each reading whose colour the
    retired amber threshold decided differently is listed in the audit log (old and new colour,
    by the rule as it stood), nothing else changes colour, and the amber column is gone; the
    app says so once when it opens the file."""
    path = tmp_path / "scorecard.db"
    db = Database(path)
    try:
        MIGRATIONS.apply(db, stop_before=["0005_rag_from_target"])
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        kpi = "INSERT INTO kpi VALUES (?, 'p', ?, ?, ?, 'partner', 'service')"
        db.execute(kpi, ["up", "Release on schedule", "%", "higher"])
        db.execute(kpi, ["down", "P1 incidents", "", "lower"])
        target = "INSERT INTO kpi_target VALUES (?, ?, ?, ?, ?, ?)"
        db.execute(target, ["t1", "up", "2026-01", 90, 85, 80])
        db.execute(target, ["t2", "up", "2026-07", 95, 95, 90])  # no amber band: no change
        db.execute(target, ["t3", "down", "2026-01", 1, 2, 4])
        reading = "INSERT INTO reading (id, kpi_id, period, value) VALUES (?, ?, ?, ?)"
        for row in (
            ["r1", "up", "2026-03", 87],  # missed 90, above the old amber 85: green -> amber
            ["r2", "up", "2026-04", 92],  # met: green either way
            ["r3", "up", "2026-05", 82],  # amber either way
            ["r4", "up", "2026-08", 93],  # the later target has no amber band: amber either way
            ["r5", "down", "2026-03", 2],  # two P1s against a target of one: green -> amber
            ["r6", "down", "2026-04", 5],  # red either way
            ["r7", "up", "2025-12", 50],  # before any target: no colour
        ):
            db.execute(reading, row)
    finally:
        db.close()
    opened = open_database(path, automatic_backups=False)
    try:
        columns = [row[1] for row in opened.execute("PRAGMA table_info(kpi_target)")]
        assert columns == ["id", "kpi_id", "effective_from", "target", "red"]
        changed = opened.execute(
            "SELECT entity, entity_id, field, old, new FROM audit_log ORDER BY entity_id"
        ).fetchall()
        assert changed == [
            ("reading", "r1", "rag", "green", "amber"),
            ("reading", "r5", "rag", "green", "amber"),
        ]
        (told,) = open_warnings(opened)
        assert "green only when the target is met. 2 reading(s) changed colour" in told
        assert "P1 incidents 2026-03 (2): green → amber" in told
        assert "Release on schedule 2026-03 (87): green → amber" in told
    finally:
        opened.close()
    again = open_database(path, automatic_backups=False)
    try:
        assert open_warnings(again) == []  # said once
    finally:
        again.close()


def test_search(tmp_path: Path) -> None:
    """0006_search indexes what is already there, and its triggers keep each index current on
    insert, update and delete, for any program that writes (plain sqlite3 here); the letters
    it folds are core.search's."""
    from core.search import FOLDS
    from storage.migrations import _SEARCH_FOLDS, SEARCHED

    assert _SEARCH_FOLDS == FOLDS
    path = tmp_path / "searched.db"
    db = Database(path)
    try:
        MIGRATIONS.apply(db, stop_before=["0006_search"])
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        db.execute(
            "INSERT INTO kpi VALUES ('k', 'p', 'Availability', '%', 'higher', 'partner', 'service')"
        )
        db.execute(
            "INSERT INTO reading (id, kpi_id, period, value, comment) "
            "VALUES ('r', 'k', '2026-10', 99.1, 'Storage outage at Łódź')"
        )
        db.conn.commit()
        MIGRATIONS.apply(db)
        tables = _schema(db, "table")
        assert {index for index, _ in SEARCHED.values()} <= tables
        assert {f"{index}_text" for index, _ in SEARCHED.values()} <= _schema(db, "view")

        def found(word: str) -> list[str]:
            return [
                row[0]
                for row in db.execute(
                    "SELECT r.id FROM search_reading JOIN reading r ON r.rowid = "
                    "search_reading.rowid WHERE search_reading MATCH ?",
                    [word],
                )
            ]

        assert found("lodz") == ["r"]  # indexed when the step ran, folded
    finally:
        db.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE reading SET comment = 'Network fault' WHERE id = 'r'")
        conn.commit()
    finally:
        conn.close()
    db = Database(path)
    try:
        assert found("lodz") == [] and found("network") == ["r"]
        db.execute("DELETE FROM reading WHERE id = 'r'")
        assert found("network") == []
        db.execute("INSERT INTO search_reading(search_reading, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()


def test_comment_only_reviews(tmp_path: Path) -> None:
    """0007_comment_only_reviews lets a review be a comment alone ('noted'); the rows, their
    index, the signed-meeting triggers and the search index all stay as they were."""
    path = tmp_path / "noted.db"
    db = Database(path)
    try:
        MIGRATIONS.apply(db, stop_before=["0007_comment_only_reviews"])
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("INSERT INTO partnership VALUES ('p', 'Halden – Brightline', '2026-01-01')")
        db.execute("INSERT INTO party VALUES ('pe', 'p', 'enterprise', 'Halden')")
        db.execute(
            "INSERT INTO person (id, partnership_id, side, name) "
            "VALUES ('e', 'p', 'enterprise', 'Ana')"
        )
        meeting = (
            "INSERT INTO meeting (id, partnership_id, number, title, scheduled_start, period, "
            "status) VALUES (?, 'p', ?, 'Review', ?, '2026-10', ?)"
        )
        db.execute(meeting, ["m1", 1, "2026-11-03T10:00:00", "closed"])
        db.execute(meeting, ["m2", 2, "2026-12-01T10:00:00", "live"])
        db.execute(
            "INSERT INTO action (id, partnership_id, title, owner_id, side, original_due, "
            "raised_in_id, raised_on) VALUES ('a', 'p', 'Fix it', 'e', 'enterprise', "
            "'2026-12-15', 'm1', '2026-11-03')"
        )
        review = (
            "INSERT INTO action_review (id, action_id, meeting_id, status, comment) "
            "VALUES (?, 'a', ?, ?, ?)"
        )
        db.execute(review, ["r1", "m1", "on_track", "Waiting for the zeppelin"])
        db.execute("UPDATE meeting SET status = 'signed' WHERE id = 'm1'")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(review, ["r0", "m2", "noted", "not yet allowed"])
        before = db.execute("SELECT * FROM action_review").fetchall()
        indexes = _schema(db, "index")
        triggers = _schema(db, "trigger")
        db.conn.commit()
        MIGRATIONS.apply(db)
        assert db.execute("SELECT * FROM action_review").fetchall() == before
        assert _schema(db, "index") == indexes and _schema(db, "trigger") == triggers
        db.execute(review, ["r2", "m2", "noted", "Vendor call on Friday"])
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(review, ["r3", "m1", "noted", "a signed meeting takes nothing"])
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(review, ["r4", "m2", "maybe", "no such status"])
        found = db.execute(
            "SELECT r.id FROM search_review JOIN action_review r ON r.rowid = search_review.rowid "
            "WHERE search_review MATCH 'zeppelin OR vendor' ORDER BY r.id"
        ).fetchall()
        assert found == [("r1",), ("r2",)]
        db.execute("INSERT INTO search_review(search_review, rank) VALUES ('integrity-check', 1)")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()
