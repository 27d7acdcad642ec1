"""The database itself freezes a signed meeting's rows, whoever runs the SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from typing import Any

import pytest
from sqlite_utils import Database

from core.model import (
    ActionState,
    Decision,
    Meeting,
    MeetingStatus,
    Side,
    SignOff,
)
from storage import repository
from storage.errors import SignedMeetingError
from storage.migrations import MEETING_CHILD_TABLES

# A harmless change to one text column of each table whose rows belong to a meeting.
CHANGES = {
    "meeting_item": "notes = notes || ' (edited)'",
    "attendance": "status = 'absent'",
    "action_review": "comment = comment || ' (edited)'",
    "decision": "text = text || ' (edited)'",
    "initiative_progress": "comment = comment || ' (edited)'",
    "sign_off": "content_hash = 'forged'",
}
FROZEN = ("signed meeting",)


def _meetings(db: Database) -> tuple[Meeting, Meeting]:
    """The demo's latest signed meeting and its draft."""
    pid = repository.partnerships(db)[0].id
    meetings = repository.meetings(db, pid)
    signed = [m for m in meetings if m.status is MeetingStatus.SIGNED]
    (draft,) = [m for m in meetings if m.status is MeetingStatus.DRAFT]
    return signed[-1], draft


def _rows(db: Database, table: str, meeting_id: str) -> list[dict[str, Any]]:
    cursor = db.conn.execute(f"SELECT * FROM {table} WHERE meeting_id = ?", [meeting_id])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def _refused(db: Database, sql: str, params: list[Any]) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="signed meeting"):
        db.conn.execute(sql, params)


def test_every_frozen_table_is_tested() -> None:
    """Each table whose rows freeze with their meeting has a change tried on it here."""
    assert set(CHANGES) == set(MEETING_CHILD_TABLES)


def test_signed_meeting_row_cannot_be_updated(demo_db: Database) -> None:
    """A signed meeting's title, times or hash cannot be changed by any SQL."""
    signed, _ = _meetings(demo_db)
    _refused(demo_db, "UPDATE meeting SET title = 'Rewritten' WHERE id = ?", [signed.id])
    _refused(demo_db, "UPDATE meeting SET content_hash = 'forged' WHERE id = ?", [signed.id])
    _refused(demo_db, "UPDATE meeting SET status = 'closed' WHERE id = ?", [signed.id])
    _refused(demo_db, "UPDATE meeting SET minutes_pdf = x'00' WHERE id = ?", [signed.id])
    assert repository.meeting(demo_db, signed.id) == signed


def test_signed_meeting_row_cannot_be_deleted(demo_db: Database) -> None:
    """A signed meeting cannot be deleted by any SQL."""
    signed, _ = _meetings(demo_db)
    _refused(demo_db, "DELETE FROM meeting WHERE id = ?", [signed.id])
    assert repository.meeting(demo_db, signed.id) == signed


@pytest.mark.parametrize("table", list(CHANGES))
def test_signed_meeting_child_cannot_be_updated(demo_db: Database, table: str) -> None:
    """A signed meeting's notes, attendance, reviews, decisions, progress and sign-offs stay."""
    signed, _ = _meetings(demo_db)
    before = _rows(demo_db, table, signed.id)
    assert before, f"the demo's signed meeting has {table} rows"
    _refused(demo_db, f"UPDATE {table} SET {CHANGES[table]} WHERE meeting_id = ?", [signed.id])
    assert _rows(demo_db, table, signed.id) == before


@pytest.mark.parametrize("table", list(CHANGES))
def test_signed_meeting_child_cannot_be_deleted(demo_db: Database, table: str) -> None:
    """A signed meeting's rows cannot be deleted by any SQL."""
    signed, _ = _meetings(demo_db)
    before = _rows(demo_db, table, signed.id)
    _refused(demo_db, f"DELETE FROM {table} WHERE meeting_id = ?", [signed.id])
    assert _rows(demo_db, table, signed.id) == before


@pytest.mark.parametrize("table", list(CHANGES))
def test_signed_meeting_child_cannot_be_moved_away(demo_db: Database, table: str) -> None:
    """A signed meeting's rows cannot be moved to another meeting."""
    signed, draft = _meetings(demo_db)
    _refused(
        demo_db, f"UPDATE {table} SET meeting_id = ? WHERE meeting_id = ?", [draft.id, signed.id]
    )


@pytest.mark.parametrize("table", list(CHANGES))
def test_signed_meeting_child_cannot_be_added(demo_db: Database, table: str) -> None:
    """Nothing can be added to a signed meeting's record: no item, attendance, review..."""
    signed, _ = _meetings(demo_db)
    row = _rows(demo_db, table, signed.id)[0]
    row["id"] = "added-after-signing"
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    _refused(demo_db, f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))


def test_draft_rows_cannot_be_moved_into_signed_meeting(demo_db: Database) -> None:
    """A draft's agenda item cannot be slipped into a signed meeting's record."""
    signed, draft = _meetings(demo_db)
    _refused(
        demo_db,
        "UPDATE meeting_item SET meeting_id = ? WHERE meeting_id = ?",
        [signed.id, draft.id],
    )


def _action_raised_in(db: Database, meeting_id: str) -> str:
    row = db.conn.execute("SELECT id FROM action WHERE raised_in_id = ? LIMIT 1", [meeting_id])
    return row.fetchone()[0]


def test_action_raised_in_signed_meeting_keeps_its_commitment(demo_db: Database) -> None:
    """What was promised in a signed meeting (title, owner, side, original due) cannot change."""
    signed, _ = _meetings(demo_db)
    action_id = _action_raised_in(demo_db, signed.id)
    before = repository.action(demo_db, action_id)
    other = next(
        p for p in repository.people(demo_db, before.partnership_id) if p.id != before.owner_id
    )
    _refused(demo_db, "UPDATE action SET title = 'Softer promise' WHERE id = ?", [action_id])
    _refused(demo_db, "UPDATE action SET owner_id = ? WHERE id = ?", [other.id, action_id])
    _refused(demo_db, "UPDATE action SET original_due = '2099-01-01' WHERE id = ?", [action_id])
    _refused(
        demo_db, "UPDATE action SET side = ? WHERE id = ?", [before.side.other.value, action_id]
    )
    _refused(demo_db, "DELETE FROM action WHERE id = ?", [action_id])
    assert repository.action(demo_db, action_id) == before


def test_action_raised_in_signed_meeting_can_progress(demo_db: Database) -> None:
    """An action raised in a signed meeting can still get a new due date and be closed later."""
    signed, draft = _meetings(demo_db)
    action_id = _action_raised_in(demo_db, signed.id)
    demo_db.conn.execute(
        "UPDATE action SET current_due = '2027-03-31', state = 'done', closed_in_id = ?, "
        "closed_on = '2026-12-01' WHERE id = ?",
        [draft.id, action_id],
    )
    after = repository.action(demo_db, action_id)
    assert (after.current_due, after.state) == (dt.date(2027, 3, 31), ActionState.DONE)


def test_action_title_unchanged_in_update_is_allowed(demo_db: Database) -> None:
    """Rewriting a frozen column with its own value (as an ORM might) is not a change."""
    signed, _ = _meetings(demo_db)
    action_id = _action_raised_in(demo_db, signed.id)
    demo_db.conn.execute(
        "UPDATE action SET title = title, current_due = '2027-01-31' WHERE id = ?", [action_id]
    )
    assert repository.action(demo_db, action_id).current_due == dt.date(2027, 1, 31)


def test_draft_meeting_rows_can_change(demo_db: Database) -> None:
    """The draft meeting, its items and its record can still be written, changed and removed."""
    _, draft = _meetings(demo_db)
    conn = demo_db.conn
    conn.execute("UPDATE meeting SET title = 'Review (moved)' WHERE id = ?", [draft.id])
    conn.execute("UPDATE meeting_item SET notes = 'Ζωή opens' WHERE meeting_id = ?", [draft.id])
    person = repository.people(demo_db, draft.partnership_id)[0]
    conn.execute(
        "INSERT INTO attendance (id, meeting_id, status, person_id) VALUES ('a', ?, 'present', ?)",
        [draft.id, person.id],
    )
    conn.execute("UPDATE attendance SET status = 'apologies' WHERE id = 'a'")
    conn.execute(
        "INSERT INTO decision (id, meeting_id, text) VALUES ('d', ?, 'Adopt the SLA')", [draft.id]
    )
    conn.execute("DELETE FROM decision WHERE id = 'd'")
    conn.execute("DELETE FROM attendance WHERE id = 'a'")
    assert repository.meeting(demo_db, draft.id).title == "Review (moved)"
    assert {i.notes for i in repository.meeting_items(demo_db, draft.id)} == {"Ζωή opens"}
    conn.rollback()


def test_save_notes_on_signed_meeting_is_refused_in_words(demo_db: Database) -> None:
    """Typing notes into a signed meeting is refused with a message about amendments."""
    signed, _ = _meetings(demo_db)
    item = repository.meeting_items(demo_db, signed.id)[0]
    with pytest.raises(SignedMeetingError, match="amendment"):
        repository.save_notes(demo_db, item.id, "changed after signing")
    assert repository.meeting_items(demo_db, signed.id)[0] == item
    assert not demo_db.conn.in_transaction


def test_refused_write_leaves_database_usable(demo_db: Database) -> None:
    """After a refused change to a signed meeting, the next ordinary write still works."""
    signed, draft = _meetings(demo_db)
    with pytest.raises(SignedMeetingError):
        repository.update_meeting(demo_db, dataclasses.replace(signed, title="Rewritten"))
    with pytest.raises(SignedMeetingError):
        repository.add_decision(demo_db, Decision("d-late", signed.id, "Afterthought"))
    item = repository.meeting_items(demo_db, draft.id)[0]
    repository.save_notes(demo_db, item.id, "Ok")
    assert repository.meeting_items(demo_db, draft.id)[0].notes == "Ok"


def test_signing_through_repository_freezes_the_meeting(demo_db: Database) -> None:
    """Once both sides sign a closed meeting, its rows refuse changes like the demo's."""
    _, draft = _meetings(demo_db)
    people = repository.people(demo_db, draft.partnership_id)
    closed = dataclasses.replace(
        draft,
        status=MeetingStatus.CLOSED,
        actual_start=dt.datetime(2026, 12, 1, 10, 2),
        actual_end=dt.datetime(2026, 12, 1, 11, 50),
    )
    repository.update_meeting(demo_db, closed)
    digest = "c0ffee" * 10
    for side in Side:
        signer = next(p for p in people if p.side is side)
        repository.add_sign_off(
            demo_db,
            SignOff(f"so-{side}", draft.id, signer.id, side, dt.datetime(2026, 12, 1, 12), digest),
        )
    signed = repository.sign_meeting(demo_db, draft.id, digest, b"%PDF-1.7")
    assert signed.status is MeetingStatus.SIGNED
    assert repository.meeting(demo_db, draft.id) == signed
    item = repository.meeting_items(demo_db, draft.id)[0]
    with pytest.raises(SignedMeetingError):
        repository.save_notes(demo_db, item.id, "after signing")
    with pytest.raises(SignedMeetingError):
        repository.update_meeting(demo_db, dataclasses.replace(signed, location="Elsewhere"))


def test_no_action_can_be_added_to_or_moved_into_a_signed_meeting(demo_db: Database) -> None:
    """A signed meeting's commitments are fixed: none can be added or moved into it later."""
    signed, _draft = _meetings(demo_db)
    pid = repository.partnerships(demo_db)[0].id
    open_action = repository.open_actions(demo_db, pid)[0]
    _refused(
        demo_db, "UPDATE action SET raised_in_id = ? WHERE id = ?", [signed.id, open_action.id]
    )
    _refused(
        demo_db,
        "INSERT INTO action (id, partnership_id, title, owner_id, side, original_due, "
        "raised_in_id, raised_on) SELECT 'new-action', partnership_id, 'Late addition', "
        "owner_id, side, original_due, ?, raised_on FROM action WHERE id = ?",
        [signed.id, open_action.id],
    )
