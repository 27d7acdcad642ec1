"""No control character reaches SQLite through any text field, whatever the write path.

One row per (table, column, write path): each writes a text full of control characters (and
"\\x000", the NUL-then-zero decision hypothesis found) through the storage function the app
uses, into a real SQLite file, then reads the column back with plain SQL. The text is stored
without control characters (line breaks and tabs kept in a multi-line field), its visible
characters kept, or refused with one of our errors and nothing written. A last test fails when
a text column appears in the schema without a row here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlite_utils import Database

from core import lifecycle
from core.errors import ReviewError
from core.ids import new_id
from core.kpis import ReadingEntry, reviewing_side
from core.model import (
    Action,
    ActionReview,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Decision,
    Direction,
    Initiative,
    InitiativeProgress,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Milestone,
    Partnership,
    Party,
    Person,
    Rag,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    ReviewStatus,
    Side,
    SignatoryCertificate,
    SigningAuthority,
    StandingAgendaItem,
)
from core.partner_updates import PartnerUpdates, Proposal, ProposalKind
from storage import initiatives, kpis, partner_updates, repository

# Control characters of every kind among visible letters: NUL, ESC, DEL, C1 (NEL), a tab, a
# Windows line break, a vertical tab.
EVIL = "A\x00B\x1bC\x7fD\x85E\tF\r\nG\x0bH"
NUL_ZERO = "\x000"
TEXTS = {"evil": EVIL, "nul-zero": NUL_ZERO}
THIS_MONTH = "2026-11"

Write = Callable[[Database, str], str | int]


@dataclass(frozen=True)
class Field:
    table: str
    column: str
    path: str  # the storage function that writes it
    write: Write  # writes the text, returns the id of the row written
    multi_line: bool = False


# --- the demo's pieces the writes need ----------------------------------------------------


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _draft(db: Database) -> Meeting:
    return next(m for m in repository.meetings(db, _pid(db)) if m.status is MeetingStatus.DRAFT)


def _live(db: Database) -> Meeting:
    started = lifecycle.start(_draft(db), dt.datetime(2026, 12, 1, 10, 0))
    repository.update_meeting(db, started)
    return started


def _person(db: Database, side: Side = Side.PARTNER) -> Person:
    return next(p for p in repository.people(db, _pid(db)) if p.side is side)


# --- one writer per text field and path ----------------------------------------------------


def _partnership(db: Database, name: str, party_name: str = "Party") -> Partnership:
    pid = new_id()
    partnership = Partnership(pid, name, dt.datetime(2026, 12, 1, 9, 0))
    parties = [Party(new_id(), pid, side, party_name) for side in Side]
    repository.create_partnership(db, partnership, parties, [])
    return partnership


def write_partnership_name(db: Database, text: str) -> str:
    return _partnership(db, text).id


def write_party_name(db: Database, text: str) -> str:
    pid = _partnership(db, "New partnership", text).id
    return repository.parties(db, pid)[0].id


def write_person(field: str) -> Write:
    def write(db: Database, text: str) -> str:
        values = {"name": "Ana Ruiz", "role": "", "email": ""}
        values[field] = text if field != "email" else f"{text}@example.com"
        person = Person(new_id(), _pid(db), Side.PARTNER, **values)
        return repository.add_person(db, person).id

    return write


def write_standing_agenda_title(db: Database, text: str) -> str:
    item = StandingAgendaItem(new_id(), _pid(db), 0, text, AgendaItemKind.DISCUSSION, 10)
    repository.save_standing_agenda(db, _pid(db), [*repository.standing_agenda(db, _pid(db)), item])
    return item.id


def write_meeting(field: str) -> Write:
    def write(db: Database, text: str) -> str:
        draft = _draft(db)
        repository.update_meeting(db, dataclasses.replace(draft, **{field: text}))
        return draft.id

    return write


def write_meeting_item_title(db: Database, text: str) -> str:
    draft = _draft(db)
    meeting = dataclasses.replace(
        draft, id=new_id(), number=draft.number + 1, scheduled_start=dt.datetime(2027, 1, 5, 10)
    )
    item = MeetingItem(new_id(), meeting.id, 0, text, AgendaItemKind.DISCUSSION, 10)
    repository.save_new_meeting(db, meeting, [item])
    return item.id


def write_notes(db: Database, text: str) -> str:
    item = repository.meeting_items(db, _draft(db).id)[0]
    repository.save_notes(db, item.id, text)
    return item.id


def write_guest_name(db: Database, text: str) -> str:
    guest = Attendance(new_id(), _draft(db).id, AttendanceStatus.PRESENT, None, text, Side.PARTNER)
    repository.set_attendance(db, guest)
    return guest.id


def write_action_title(db: Database, text: str) -> str:
    owner = _person(db)
    action = Action(
        new_id(),
        _pid(db),
        text,
        owner.id,
        owner.side,
        dt.date(2027, 1, 31),
        _draft(db).id,
        dt.date(2026, 12, 1),
    )
    repository.add_action(db, action, by="Facilitator")
    return action.id


def write_review_comment(db: Database, text: str) -> str:
    draft = _draft(db)
    action = repository.open_actions(db, _pid(db))[0]
    review = ActionReview(
        new_id(),
        action.id,
        draft.id,
        ReviewStatus.LATE,
        text,
        action.due + dt.timedelta(days=30),
        draft.date,
    )
    repository.record_review(db, review)
    return review.id


def write_decision_text(db: Database, text: str) -> str:
    decision = Decision(new_id(), _draft(db).id, text)
    repository.add_decision(db, decision)
    return decision.id


def write_kpi(field: str) -> Write:
    def write(db: Database, text: str) -> str:
        values = {"name": "Tickets reopened", "unit": "%"}
        values[field] = text
        kpi = Kpi(
            new_id(),
            _pid(db),
            values["name"],
            values["unit"],
            Direction.LOWER_IS_BETTER,
            Side.PARTNER,
            KpiCategory.SERVICE,
        )
        target = KpiTarget(new_id(), kpi.id, "2026-01", 2.0, 6.0)
        return kpis.add_kpi(db, kpi, target).id

    return write


def write_typed_reading_comment(db: Database, text: str) -> str:
    kpi = repository.kpis(db, _pid(db))[0]
    entry = ReadingEntry(kpi.id, "2026-11", 42.0, text)
    kpis.enter_readings(db, _pid(db), [entry], kpi.owner_side, THIS_MONTH)
    return next(r.id for r in repository.readings(db, kpi.id) if r.period == "2026-11")


def write_imported_reading_comment(db: Database, text: str) -> str:
    kpi = repository.kpis(db, _pid(db))[0]
    quoted = text.replace('"', '""')
    data = f'{kpi.name},2026-11,42,"{quoted}"\n'.encode()
    kpis.import_readings(db, _pid(db), data, kpi.owner_side, THIS_MONTH)
    return next(r.id for r in repository.readings(db, kpi.id) if r.period == "2026-11")


def write_reading_review_comment(db: Database, text: str) -> str:
    reading = next(
        r
        for k in repository.kpis(db, _pid(db))
        for r in repository.readings(db, k.id)
        if r.confirmation is ReadingConfirmation.TO_BE_CONFIRMED
    )
    kpi = kpis.kpi(db, reading.kpi_id)
    review = ReadingReview(
        new_id(),
        reading.id,
        _draft(db).id,
        reviewing_side(kpi, reading),
        ReadingVerdict.DISPUTED,
        text,
        dt.datetime(2026, 12, 1, 10, 30),
    )
    kpis.review_reading(db, review)
    return review.id


def _initiative(db: Database, name: str = "Cloud move", description: str = "") -> Initiative:
    initiative = Initiative(
        new_id(),
        _pid(db),
        name,
        Side.PARTNER,
        None,
        dt.date(2026, 1, 1),
        dt.date(2027, 6, 30),
        description,
    )
    with repository.writes(db):
        repository.insert(db, [initiative])
    return initiative


def write_initiative_name(db: Database, text: str) -> str:
    return _initiative(db, name=text).id


def write_initiative_description(db: Database, text: str) -> str:
    return _initiative(db, description=text).id


def write_milestone_title(db: Database, text: str) -> str:
    milestone = Milestone(new_id(), _initiative(db).id, text, dt.date(2027, 3, 31))
    with repository.writes(db):
        repository.insert(db, [milestone])
    return milestone.id


def write_progress_comment(db: Database, text: str) -> str:
    progress = InitiativeProgress(new_id(), _initiative(db).id, _live(db).id, 40, Rag.AMBER, text)
    initiatives.record_progress(db, progress, by="Facilitator")
    return progress.id


def write_certificate_pem(db: Database, text: str) -> str:
    person = _person(db)
    certificate = SignatoryCertificate(
        "f" * 64, person.id, person.side, text, dt.datetime(2026, 12, 1, 11, 0)
    )
    with repository.writes(db):
        repository.insert(db, [certificate])
    return certificate.fingerprint


def write_authority_pem(db: Database, text: str) -> str:
    person = _person(db)
    authority = SigningAuthority(
        "e" * 64, person.partnership_id, person.side, text, dt.datetime(2026, 12, 1, 11, 0)
    )
    with repository.writes(db):
        repository.insert(db, [authority])
    return authority.fingerprint


def write_audit(db: Database, text: str) -> int:
    with repository.writes(db):
        repository.audit(db, "action", "a-1", "title", text, text, None, text)
    return int(db.execute("SELECT max(id) FROM audit_log").fetchone()[0])


def _accept_from_partner(db: Database, proposal: Proposal) -> Meeting:
    """`proposal` accepted from a partner's update workbook for the draft meeting."""
    draft = _draft(db)
    updates = PartnerUpdates(new_id(), "5e" * 32, draft.id, False, (proposal,), ())
    partner_updates.accept_proposals(
        db, updates, [(proposal, None)], dt.datetime(2026, 11, 25, 9, 0)
    )
    return draft


def write_partner_item(field: str) -> Write:
    def write(db: Database, text: str) -> str:
        title, details = (text, "") if field == "title" else ("Licence renewal", text)
        proposal = Proposal(
            ProposalKind.ITEM, "Items to raise", 3, "", "Item to raise", "", title, details
        )
        draft = _accept_from_partner(db, proposal)
        (item_id,) = db.execute(
            "SELECT id FROM meeting_item WHERE meeting_id = ? ORDER BY rowid DESC LIMIT 1",
            [draft.id],
        ).fetchone()
        return str(item_id)

    return write


def write_partner_review_comment(db: Database, text: str) -> str:
    known = partner_updates.workbook_context(db, _draft(db).id)
    action = next(iter(known.actions.values()))
    proposal = Proposal(
        ProposalKind.ACTION,
        "Our actions",
        3,
        action.id,
        action.title,
        "",
        "late",
        text,
        status=ReviewStatus.LATE,
    )
    draft = _accept_from_partner(db, proposal)
    (review_id,) = db.execute(
        "SELECT id FROM action_review WHERE action_id = ? AND meeting_id = ?",
        [action.id, draft.id],
    ).fetchone()
    return str(review_id)


def write_partner_reading_comment(db: Database, text: str) -> str:
    draft = _draft(db)
    kpi = next(iter(partner_updates.workbook_context(db, draft.id).kpis.values()))
    proposal = Proposal(
        ProposalKind.READING,
        "Our KPI figures",
        3,
        kpi.id,
        kpi.name,
        "",
        "42",
        text,
        period=draft.period,
        value=42.0,
    )
    _accept_from_partner(db, proposal)
    return next(r.id for r in repository.readings(db, kpi.id) if r.period == draft.period)


def write_partner_dispute_reason(db: Database, text: str) -> str:
    known = partner_updates.workbook_context(db, _draft(db).id)
    reading = next(iter(known.readings.values()))
    proposal = Proposal(
        ProposalKind.CONFIRMATION,
        "Their KPI figures",
        3,
        reading.id,
        reading.kpi_name,
        "",
        "dispute",
        text,
        period=reading.period,
        verdict=ReadingVerdict.DISPUTED,
    )
    draft = _accept_from_partner(db, proposal)
    (review_id,) = db.execute(
        "SELECT id FROM reading_review WHERE reading_id = ? AND meeting_id = ?",
        [reading.id, draft.id],
    ).fetchone()
    return str(review_id)


_BY_FINGERPRINT = ("signatory_certificate", "signing_authority")

FIELDS = [
    Field("partnership", "name", "create_partnership", write_partnership_name),
    Field("party", "name", "create_partnership", write_party_name),
    Field("person", "name", "add_person", write_person("name")),
    Field("person", "role", "add_person", write_person("role")),
    Field("person", "email", "add_person", write_person("email")),
    Field("standing_agenda_item", "title", "save_standing_agenda", write_standing_agenda_title),
    Field("meeting", "title", "update_meeting", write_meeting("title")),
    Field("meeting", "location", "update_meeting", write_meeting("location")),
    Field("meeting_item", "title", "save_new_meeting", write_meeting_item_title),
    Field("meeting_item", "notes", "save_notes", write_notes, multi_line=True),
    Field("meeting_item", "title", "accept_proposals", write_partner_item("title")),
    Field("meeting_item", "notes", "accept_proposals", write_partner_item("notes"), True),
    Field("attendance", "guest_name", "set_attendance", write_guest_name),
    Field("action", "title", "add_action", write_action_title),
    Field("action_review", "comment", "record_review", write_review_comment),
    Field("action_review", "comment", "accept_proposals", write_partner_review_comment),
    Field("decision", "text", "add_decision", write_decision_text),
    Field("kpi", "name", "add_kpi", write_kpi("name")),
    Field("kpi", "unit", "add_kpi", write_kpi("unit")),
    Field("reading", "comment", "enter_readings", write_typed_reading_comment, multi_line=True),
    Field("reading", "comment", "import_readings", write_imported_reading_comment, True),
    Field("reading", "comment", "accept_proposals", write_partner_reading_comment, True),
    Field("reading_review", "comment", "review_reading", write_reading_review_comment),
    Field("reading_review", "comment", "accept_proposals", write_partner_dispute_reason),
    Field("initiative", "name", "insert", write_initiative_name),
    Field("initiative", "description", "insert", write_initiative_description, multi_line=True),
    Field("milestone", "title", "insert", write_milestone_title),
    Field("initiative_progress", "comment", "record_progress", write_progress_comment),
    Field("signatory_certificate", "certificate_pem", "insert", write_certificate_pem, True),
    Field("signing_authority", "certificate_pem", "insert", write_authority_pem, True),
    Field("audit_log", "old", "audit", write_audit, multi_line=True),
    Field("audit_log", "new", "audit", write_audit, multi_line=True),
    Field("audit_log", "changed_by", "audit", write_audit),
]

# Text columns whose values the app makes itself, never from typed or imported text: ids,
# dates and times, enums, periods, hashes, JSON lists of ids.
NOT_FREE_TEXT = {
    "id",
    "partnership_id",
    "created_at",
    "side",
    "kind",
    "scheduled_start",
    "facilitator_id",
    "period",
    "status",
    "actual_start",
    "actual_end",
    "amends_id",
    "content_hash",
    "meeting_id",
    "person_id",
    "guest_side",
    "owner_id",
    "original_due",
    "raised_in_id",
    "raised_on",
    "current_due",
    "state",
    "closed_in_id",
    "closed_on",
    "action_id",
    "role",  # action_raci's RACI letter; person.role is checked above
    "new_due",
    "reviewed_on",
    "completed_on",
    "item_id",
    "agreed_by",
    "direction",
    "owner_side",
    "category",
    "kpi_id",
    "effective_from",
    "entered_by",
    "confirmation",
    "sponsor_id",
    "start_date",
    "target_date",
    "initiative_id",
    "due",
    "done_on",
    "rag",
    "signed_at",
    "reading_id",
    "verdict",
    "reviewed_at",
    "fingerprint",
    "added_at",
    "certificate_fingerprint",
    "minutes_sha256",
    "record_hash",
    "at",
    "entity",
    "entity_id",
    "field",
    # received_workbook: a workbook's id is a UUID (a CSV file's its SHA-256), checked as one.
    "workbook_id",
    "received_at",
    "file_sha256",
}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _table(db: Database, table: str) -> list[tuple[object, ...]]:
    return db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize("field", FIELDS, ids=[f"{f.table}.{f.column}-{f.path}" for f in FIELDS])
def test_a_text_field_stores_no_control_character(
    demo_db: Database, field: Field, text: str
) -> None:
    """The text is stored without control characters (a multi-line field keeps its line
    breaks and tabs) and with every visible character, or refused with nothing written."""
    before = _table(demo_db, field.table)
    try:
        row_id = field.write(demo_db, text)
    except ReviewError:
        assert _table(demo_db, field.table) == before, "a refused text wrote something"
        return
    (stored,) = demo_db.execute(
        f"SELECT {field.column} FROM {field.table} WHERE "
        f"{'fingerprint' if field.table in _BY_FINGERPRINT else 'id'} = ?",
        [row_id],
    ).fetchone()
    forbidden = _CONTROL_BUT_TAB_AND_NEWLINE if field.multi_line else _CONTROL
    assert not forbidden.search(stored), repr(stored)
    visible = "".join(c for c in text if c.isalnum())
    assert visible in "".join(c for c in stored if c.isalnum()), repr(stored)


def test_every_text_column_of_the_schema_has_its_row(demo_db: Database) -> None:
    """A new text column needs a row in FIELDS (or, if the app makes its values itself, a
    place in NOT_FREE_TEXT): no text column goes unchecked."""
    covered = {(f.table, f.column) for f in FIELDS}
    unchecked = []
    for table in demo_db.table_names():
        if table.startswith(("_", "sqlite_")):
            continue
        for column in demo_db[table].columns:
            if column.type.upper() != "TEXT" or (table, column.name) in covered:
                continue
            if column.name not in NOT_FREE_TEXT:
                unchecked.append(f"{table}.{column.name}")
    assert unchecked == []
