"""Queries that return core objects, and the writes that change them: each write one transaction."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlite_utils import Database

from core import lifecycle, record
from core.actions import normalise_review, settle
from core.errors import ValidationError
from core.model import (
    Action,
    ActionReview,
    Attendance,
    AuditEntry,
    Decision,
    History,
    Initiative,
    InitiativeProgress,
    Kpi,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Milestone,
    Partnership,
    Party,
    Person,
    RaciAssignment,
    Reading,
    ReadingReview,
    SignatoryCertificate,
    SigningAuthority,
    SignOff,
    StandingAgendaItem,
)
from core.partner_updates import ReceivedWorkbook
from core.people import check_person
from core.text import many_lines, one_line, without_controls
from storage.database import database_path
from storage.errors import translate
from storage.rows import from_row, to_row, to_value

T = TypeVar("T")

TABLES: dict[type, str] = {
    Partnership: "partnership",
    Party: "party",
    Person: "person",
    StandingAgendaItem: "standing_agenda_item",
    Meeting: "meeting",
    MeetingItem: "meeting_item",
    Attendance: "attendance",
    Action: "action",
    RaciAssignment: "action_raci",
    ActionReview: "action_review",
    Decision: "decision",
    Kpi: "kpi",
    KpiTarget: "kpi_target",
    Reading: "reading",
    Initiative: "initiative",
    Milestone: "milestone",
    InitiativeProgress: "initiative_progress",
    SignOff: "sign_off",
    ReadingReview: "reading_review",
    SignatoryCertificate: "signatory_certificate",
    SigningAuthority: "signing_authority",
    ReceivedWorkbook: "received_workbook",
}

# The order in which a whole history is written, parents before children.
_HISTORY_ORDER: tuple[str, ...] = (
    "parties",
    "people",
    "standing_agenda",
    "meetings",
    "meeting_items",
    "attendance",
    "actions",
    "raci",
    "reviews",
    "decisions",
    "kpis",
    "kpi_targets",
    "readings",
    "initiatives",
    "milestones",
    "initiative_progress",
    "sign_offs",
)


# --- reading -------------------------------------------------------------------------------


def _select(
    db: Database, cls: type[T], where: str = "", params: Sequence[Any] = (), order_by: str = ""
) -> list[T]:
    # The dataclass's own columns only: a meeting's stored PDF is read when asked for.
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    sql = f"SELECT {', '.join(names)} FROM {TABLES[cls]}"
    if where:
        sql += f" WHERE {where}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    cursor = db.execute(sql, list(params))
    return [from_row(cls, dict(zip(names, row, strict=True))) for row in cursor]


def _one(db: Database, cls: type[T], id: str) -> T:
    found = _select(db, cls, "id = ?", [id])
    if not found:
        raise ValidationError("id", f"No {TABLES[cls].replace('_', ' ')} has the id {id}.")
    return found[0]


def by_ids(db: Database, cls: type[T], ids: Sequence[str]) -> list[T]:
    """The rows of `cls`'s table whose ids are among `ids`, as objects (in no set order)."""
    return _select(db, cls, "id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))])


def partnerships(db: Database) -> list[Partnership]:
    return _select(db, Partnership, order_by="created_at, name")


def partnership(db: Database, id: str) -> Partnership:
    return _one(db, Partnership, id)


def parties(db: Database, partnership_id: str) -> list[Party]:
    return _select(db, Party, "partnership_id = ?", [partnership_id], "side")


def people(db: Database, partnership_id: str) -> list[Person]:
    return _select(db, Person, "partnership_id = ?", [partnership_id], "side, name")


def person(db: Database, id: str) -> Person:
    return _one(db, Person, id)


def standing_agenda(db: Database, partnership_id: str) -> list[StandingAgendaItem]:
    return _select(db, StandingAgendaItem, "partnership_id = ?", [partnership_id], "position")


def meetings(db: Database, partnership_id: str) -> list[Meeting]:
    return _select(db, Meeting, "partnership_id = ?", [partnership_id], "scheduled_start, revision")


def meetings_ahead(db: Database, partnership_id: str) -> list[Meeting]:
    """The partnership's meetings not yet ended (drafts and a live one): a handful, however
    long the history."""
    return _select(
        db,
        Meeting,
        "partnership_id = ? AND status IN ('draft', 'live')",
        [partnership_id],
        "scheduled_start, revision",
    )


def meetings_unsigned(db: Database, partnership_id: str) -> list[Meeting]:
    """The partnership's meetings not yet signed off (drafts, a live one, closed ones awaiting
    signatures): the ones to work on next, a handful however long the history."""
    return _select(
        db,
        Meeting,
        "partnership_id = ? AND status IN ('draft', 'live', 'closed')",
        [partnership_id],
        "scheduled_start, revision",
    )


def meetings_newest_first(
    db: Database, partnership_id: str, limit: int, offset: int = 0
) -> list[Meeting]:
    """A page of the partnership's meetings, newest first: the home page reads a long history
    a page at a time, as it is scrolled."""
    return _select(
        db,
        Meeting,
        "partnership_id = ?",
        [partnership_id, limit, offset],
        "scheduled_start DESC, revision DESC LIMIT ? OFFSET ?",
    )


def meeting_count(db: Database, partnership_id: str) -> int:
    return int(
        db.execute(
            "SELECT count(*) FROM meeting WHERE partnership_id = ?", [partnership_id]
        ).fetchone()[0]
    )


def meeting(db: Database, id: str) -> Meeting:
    return _one(db, Meeting, id)


def meeting_items(db: Database, meeting_id: str) -> list[MeetingItem]:
    return _select(db, MeetingItem, "meeting_id = ?", [meeting_id], "position")


def attendance(db: Database, meeting_id: str) -> list[Attendance]:
    return _select(db, Attendance, "meeting_id = ?", [meeting_id], "rowid")


def decisions(db: Database, meeting_id: str) -> list[Decision]:
    return _select(db, Decision, "meeting_id = ?", [meeting_id], "rowid")


def actions(db: Database, partnership_id: str) -> list[Action]:
    return _select(db, Action, "partnership_id = ?", [partnership_id], "original_due, rowid")


def action(db: Database, id: str) -> Action:
    return _one(db, Action, id)


def open_actions(db: Database, partnership_id: str) -> list[Action]:
    return _select(
        db, Action, "partnership_id = ? AND state = 'open'", [partnership_id], "current_due, rowid"
    )


def raci(db: Database, action_id: str) -> list[RaciAssignment]:
    return _select(db, RaciAssignment, "action_id = ?", [action_id], "role, rowid")


def reviews_of_action(db: Database, action_id: str) -> list[ActionReview]:
    """An action's reviews in the order of the meetings that made them."""
    return _select(
        db,
        ActionReview,
        "action_id = ?",
        [action_id],
        "(SELECT scheduled_start FROM meeting m WHERE m.id = action_review.meeting_id), rowid",
    )


def reviews_in_meeting(db: Database, meeting_id: str) -> list[ActionReview]:
    return _select(db, ActionReview, "meeting_id = ?", [meeting_id], "rowid")


def kpis(db: Database, partnership_id: str) -> list[Kpi]:
    return _select(db, Kpi, "partnership_id = ?", [partnership_id], "category, name")


def kpi_targets(db: Database, kpi_id: str) -> list[KpiTarget]:
    return _select(db, KpiTarget, "kpi_id = ?", [kpi_id], "effective_from")


def readings(db: Database, kpi_id: str) -> list[Reading]:
    return _select(db, Reading, "kpi_id = ?", [kpi_id], "period")


def initiatives(db: Database, partnership_id: str) -> list[Initiative]:
    return _select(db, Initiative, "partnership_id = ?", [partnership_id], "start_date, name")


def milestones(db: Database, initiative_id: str) -> list[Milestone]:
    return _select(db, Milestone, "initiative_id = ?", [initiative_id], "due")


def initiative_progress(db: Database, initiative_id: str) -> list[InitiativeProgress]:
    return _select(db, InitiativeProgress, "initiative_id = ?", [initiative_id], "rowid")


def sign_offs(db: Database, meeting_id: str) -> list[SignOff]:
    return _select(db, SignOff, "meeting_id = ?", [meeting_id], "side")


def reading_reviews(db: Database, reading_id: str) -> list[ReadingReview]:
    """What was said of one reading, meeting after meeting, oldest first."""
    return _select(db, ReadingReview, "reading_id = ?", [reading_id], "reviewed_at, id")


def reading_reviews_in_meeting(db: Database, meeting_id: str) -> list[ReadingReview]:
    return _select(db, ReadingReview, "meeting_id = ?", [meeting_id], "reviewed_at, id")


def signatory_certificates(db: Database, partnership_id: str) -> list[SignatoryCertificate]:
    """Every certificate a signatory of the partnership has signed with or registered."""
    return _select(
        db,
        SignatoryCertificate,
        "person_id IN (SELECT id FROM person WHERE partnership_id = ?)",
        [partnership_id],
        "added_at, fingerprint",
    )


def signing_authorities(db: Database, partnership_id: str) -> list[SigningAuthority]:
    """The company certificate authorities each side registered for its signatories."""
    return _select(
        db, SigningAuthority, "partnership_id = ?", [partnership_id], "added_at, fingerprint"
    )


def audit_trail(db: Database, entity_id: str) -> list[AuditEntry]:
    cursor = db.execute(
        "SELECT at, entity, entity_id, field, old, new, meeting_id, changed_by "
        "FROM audit_log WHERE entity_id = ? ORDER BY at, id",
        [entity_id],
    )
    columns = [c[0] for c in cursor.description]
    return [from_row(AuditEntry, dict(zip(columns, row, strict=True))) for row in cursor]


# --- writing -------------------------------------------------------------------------------


class _Writes:
    """One transaction whose known SQLite errors become the project's own, in words.

    It takes the write lock when it begins (BEGIN IMMEDIATE, waiting the busy timeout for
    it): a transaction that reads first and writes later would otherwise fail at once with
    "database is locked" whenever another connection wrote in between (WAL's snapshot rule),
    however long the busy timeout. Inside another transaction it is a savepoint.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._nested: Any = None

    def __enter__(self) -> Database:
        if self.db.conn.in_transaction:
            self._nested = self.db.atomic()
            return self._nested.__enter__()
        try:
            self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            known = translate(error, database_path(self.db))
            if known is not None:
                raise known from error
            raise
        return self.db

    def __exit__(self, kind: Any, error: Any, tb: Any) -> None:
        try:
            if self._nested is not None:
                self._nested.__exit__(kind, error, tb)
            elif kind is None:
                self.db.conn.execute("COMMIT")
            elif self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
        except sqlite3.Error as failure:
            # The COMMIT itself failed (a full disk cannot take the WAL's new frames; a disk
            # error): rolled back, and told in words like an error of the statements.
            if self._nested is None and self.db.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.db.conn.execute("ROLLBACK")
            if failure is error:
                raise
            known = translate(failure, database_path(self.db))
            if known is not None:
                raise known from failure
            raise
        if isinstance(error, sqlite3.Error):
            known = translate(error, database_path(self.db))
            if known is not None:
                raise known from error


def writes(db: Database) -> _Writes:
    """`with writes(db):` groups writes into one transaction and words known errors."""
    return _Writes(db)


def insert(db: Database, objects: Iterable[Any]) -> None:
    """Insert dataclass objects, each into its own table, in the order given."""
    for obj in objects:
        db.execute(*_insert_sql(obj))


def _insert_sql(obj: Any) -> tuple[str, list[Any]]:
    row = to_row(obj)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return f"INSERT INTO {TABLES[type(obj)]} ({columns}) VALUES ({marks})", list(row.values())


def _insert_many(db: Database, objects: Sequence[Any]) -> None:
    if not objects:
        return
    sql, _ = _insert_sql(objects[0])
    db.conn.executemany(sql, [list(to_row(o).values()) for o in objects])


def save_history(db: Database, history: History) -> None:
    """Write a whole partnership (the demo's) in one transaction."""
    signed = [m for m in history.meetings if m.status is MeetingStatus.SIGNED]
    with writes(db):
        insert(db, [history.partnership])
        for name in _HISTORY_ORDER:
            objects = getattr(history, name)
            if name == "meetings":
                # Signed meetings are written closed, filled, then signed: as in the room.
                objects = [
                    dataclasses.replace(m, status=MeetingStatus.CLOSED)
                    if m.status is MeetingStatus.SIGNED
                    else m
                    for m in objects
                ]
            _insert_many(db, objects)
        db.conn.executemany(
            "UPDATE meeting SET status = 'signed' WHERE id = ?", [[m.id] for m in signed]
        )


def create_partnership(
    db: Database, partnership: Partnership, parties: Sequence[Party], people: Sequence[Person]
) -> None:
    """A new partnership with exactly its two parties and their people, all or nothing."""
    if sorted(p.side for p in parties) != ["enterprise", "partner"]:
        raise ValidationError("parties", "A partnership has exactly two parties: both sides.")
    checked: list[Person] = []
    for candidate in people:
        checked.append(check_person(candidate, checked))
    with writes(db):
        insert(db, [partnership, *parties, *checked])


def add_person(db: Database, new: Person) -> Person:
    """Add a person to one party, refusing an empty name or a duplicate in that party."""
    checked = check_person(new, people(db, new.partnership_id))
    with writes(db):
        insert(db, [checked])
    return checked


def save_standing_agenda(
    db: Database, partnership_id: str, items: Sequence[StandingAgendaItem]
) -> None:
    """Replace the standing agenda with `items`, in their order."""
    with writes(db):
        db.execute("DELETE FROM standing_agenda_item WHERE partnership_id = ?", [partnership_id])
        insert(db, [dataclasses.replace(item, position=i) for i, item in enumerate(items)])


def save_new_meeting(db: Database, meeting: Meeting, items: Sequence[MeetingItem]) -> None:
    with writes(db):
        insert(db, [meeting, *items])


def update_meeting(db: Database, meeting: Meeting) -> None:
    """Write a meeting's own fields (title, times, status...)."""
    row = to_row(meeting)
    row.pop("id")
    sets = ", ".join(f"{column} = ?" for column in row)
    with writes(db):
        db.execute(f"UPDATE meeting SET {sets} WHERE id = ?", [*row.values(), meeting.id])


def save_notes(db: Database, item_id: str, notes: str) -> None:
    """Write an item's notes, their lines kept, control characters dropped."""
    with writes(db):
        db.execute("UPDATE meeting_item SET notes = ? WHERE id = ?", [many_lines(notes), item_id])


def save_actual_seconds(db: Database, item_id: str, seconds: int) -> None:
    with writes(db):
        db.execute("UPDATE meeting_item SET actual_seconds = ? WHERE id = ?", [seconds, item_id])


def set_attendance(db: Database, record: Attendance) -> None:
    """Record one person's (or guest's) attendance, replacing what was recorded for them."""
    with writes(db):
        if record.person_id is not None:
            db.execute(
                "DELETE FROM attendance WHERE meeting_id = ? AND person_id = ?",
                [record.meeting_id, record.person_id],
            )
        else:
            db.execute("DELETE FROM attendance WHERE id = ?", [record.id])
        insert(db, [record])


def add_decision(db: Database, decision: Decision) -> None:
    """Record a decision, its text on one line without control characters; an empty one is
    refused."""
    text = one_line(decision.text)
    if not text:
        raise ValidationError("text", "A decision needs its text.")
    with writes(db):
        insert(db, [dataclasses.replace(decision, text=text)])


def add_action(
    db: Database, new: Action, raci_assignments: Sequence[RaciAssignment] = (), by: str = ""
) -> None:
    """Record a new action with its RACI people, and its creation in the audit log."""
    with writes(db):
        insert(db, [new, *raci_assignments])
        audit(db, "action", new.id, "created", None, new.title, new.raised_in_id, by)


def record_review(db: Database, review: ActionReview, by: str = "") -> Action:
    """Record a meeting's review of an action (replacing an earlier one in the same meeting).

    The action's current due date and state follow from the review; each changed field
    goes to the audit log.
    """
    with writes(db):
        before = action(db, review.action_id)
        db.execute(
            "DELETE FROM action_review WHERE action_id = ? AND meeting_id = ?",
            [review.action_id, review.meeting_id],
        )
        review = normalise_review(before, reviews_of_action(db, before.id), review)
        insert(db, [review])
        after = settle(before, reviews_of_action(db, before.id))
        _write_changes(db, "action", before, after, review.meeting_id, by)
    return after


def remove_review(db: Database, action_id: str, meeting_id: str, by: str = "") -> Action:
    """Take back a meeting's review of an action (undo); the action returns to what the
    remaining reviews make of it."""
    with writes(db):
        before = action(db, action_id)
        db.execute(
            "DELETE FROM action_review WHERE action_id = ? AND meeting_id = ?",
            [action_id, meeting_id],
        )
        after = settle(before, reviews_of_action(db, action_id))
        _write_changes(db, "action", before, after, meeting_id, by)
    return after


def remove_action(db: Database, action_id: str) -> None:
    """Take back an action raised by mistake (undo); a signed meeting's actions refuse."""
    with writes(db):
        db.execute("DELETE FROM action WHERE id = ?", [action_id])
        audit(db, "action", action_id, "removed", None, None, None, "")


def actions_raised_in(db: Database, meeting_id: str) -> list[Action]:
    return _select(db, Action, "raised_in_id = ?", [meeting_id], "rowid")


def _write_changes(
    db: Database, entity: str, before: Any, after: Any, meeting_id: str | None, by: str
) -> None:
    old_row, new_row = to_row(before), to_row(after)
    changed = {k: v for k, v in new_row.items() if old_row[k] != v}
    if not changed:
        return
    sets = ", ".join(f"{column} = ?" for column in changed)
    db.execute(f"UPDATE {entity} SET {sets} WHERE id = ?", [*changed.values(), before.id])
    for column, value in changed.items():
        audit(db, entity, before.id, column, old_row[column], value, meeting_id, by)


def audit(
    db: Database,
    entity: str,
    entity_id: str,
    field: str,
    old: Any,
    new: Any,
    meeting_id: str | None,
    by: str,
) -> None:
    """Record one changed field in the audit log (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO audit_log (at, entity, entity_id, field, old, new, meeting_id, changed_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            dt.datetime.now().isoformat(timespec="seconds"),
            entity,
            entity_id,
            field,
            None if old is None else many_lines(str(old)),
            None if new is None else many_lines(str(new)),
            meeting_id,
            without_controls(by),
        ],
    )


def save_reading(db: Database, reading: Reading, by: str = "") -> None:
    """Record a KPI reading (or replace the one for its period), with the change audited."""
    with writes(db):
        found = _select(db, Reading, "kpi_id = ? AND period = ?", [reading.kpi_id, reading.period])
        if found:
            _write_changes(
                db, "reading", found[0], dataclasses.replace(reading, id=found[0].id), None, by
            )
        else:
            insert(db, [reading])
            audit(db, "reading", reading.id, "value", None, to_value(reading.value), None, by)


def add_sign_off(db: Database, sign_off: SignOff) -> None:
    with writes(db):
        insert(db, [sign_off])


def sign_meeting(db: Database, meeting_id: str, content_hash: str, pdf: bytes | None) -> Meeting:
    """Mark a closed meeting signed, once both sides' sign-offs approve `content_hash`.

    Keeps with it the signed PDF and its SHA-256, and the hash of its frozen rows (what
    storage/integrity.py recomputes to notice a file edited below SQLite).
    """
    with writes(db):
        signed = lifecycle.sign(meeting(db, meeting_id), sign_offs(db, meeting_id), content_hash)
        frozen = record.content_hash(
            record.meeting_record(
                signed,
                meeting_items(db, meeting_id),
                attendance(db, meeting_id),
                reviews_in_meeting(db, meeting_id),
                decisions(db, meeting_id),
            )
        )
        digest = hashlib.sha256(pdf).hexdigest() if pdf is not None else None
        signed = dataclasses.replace(signed, record_hash=frozen, minutes_sha256=digest)
        db.execute(
            "UPDATE meeting SET status = ?, content_hash = ?, record_hash = ?, minutes_pdf = ?, "
            "minutes_sha256 = ? WHERE id = ?",
            [signed.status.value, content_hash, frozen, pdf, digest, meeting_id],
        )
    return signed


def latest_period(db: Database, partnership_id: str) -> str | None:
    """The latest period any KPI of the partnership has a reading for."""
    row = db.execute(
        "SELECT max(r.period) FROM reading r JOIN kpi k ON k.id = r.kpi_id "
        "WHERE k.partnership_id = ?",
        [partnership_id],
    ).fetchone()
    return row[0] if row else None


def remove_decision(db: Database, decision_id: str) -> None:
    with writes(db):
        db.execute("DELETE FROM decision WHERE id = ?", [decision_id])


def remove_attendance(db: Database, attendance_id: str) -> None:
    with writes(db):
        db.execute("DELETE FROM attendance WHERE id = ?", [attendance_id])
