"""storage/repository.py: what is written reads back the same; each write is one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import ValidationError
from core.model import (
    Action,
    ActionReview,
    ActionState,
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
    RaciAssignment,
    RaciRole,
    Rag,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    ReviewStatus,
    Side,
    SignatoryCertificate,
    SigningAuthority,
    SignOff,
    StandingAgendaItem,
)
from core.partner_updates import ReceivedWorkbook
from storage import partner_updates, repository
from storage.repository import TABLES, insert, writes

PID = "7d1f8a52-5c39-4d0e-9d4e-0c6c2f1a0001"
MEETING = "m-0001"
MEETING_2 = "m-0002"

PARTNERSHIP = Partnership(PID, "Halden Mutual – Brightline IT", dt.datetime(2024, 10, 1, 9, 0))
PARTIES = [
    Party("party-e", PID, Side.ENTERPRISE, "Halden Mutual Insurance"),
    Party("party-p", PID, Side.PARTNER, "Brightline IT Services"),
]
LUKASZ = Person("p-lukasz", PID, Side.ENTERPRISE, "Łukasz Nowak", "Head of Vendor Management")
ZOE = Person("p-zoe", PID, Side.ENTERPRISE, "Ζωή Papadopoulou", "Service Owner", "zoi@h.example")
DMITRY = Person("p-dmitry", PID, Side.PARTNER, "Дмитрий Смирнов", "Delivery Manager")
EMRE = Person("p-emre", PID, Side.PARTNER, "Emre Çelik", "Infrastructure", "emre@b.example")
PEOPLE = [LUKASZ, ZOE, DMITRY, EMRE]


def _entities() -> dict[type, list[Any]]:
    """One or more objects of every entity, in an order that satisfies the foreign keys."""
    meeting = Meeting(
        MEETING,
        PID,
        1,
        "Partnership review – Październik",
        dt.datetime(2026, 10, 6, 10, 0),
        "Halden House, Board Room 3",
        ZOE.id,
        "2026-09",
        MeetingStatus.CLOSED,
        dt.datetime(2026, 10, 6, 10, 4, 0),
        dt.datetime(2026, 10, 6, 11, 41, 30),
        1,
        None,
        "ab" * 32,
    )
    second = Meeting(
        MEETING_2, PID, 2, "Partnership review", dt.datetime(2026, 11, 3, 10), "", None, "2026-10"
    )
    item = MeetingItem("i-1", MEETING, 0, "Opening", AgendaItemKind.OPENING, 5, "Ζωή: welcome", 290)
    discussion = MeetingItem("i-2", MEETING, 1, "Risks", AgendaItemKind.DISCUSSION, 15)
    action = Action(
        "a-1",
        PID,
        "Задокументировать план миграции",
        DMITRY.id,
        Side.PARTNER,
        dt.date(2026, 11, 1),
        MEETING,
        dt.date(2026, 10, 6),
        dt.date(2026, 11, 20),
        ActionState.DONE,
        MEETING_2,
        dt.date(2026, 11, 3),
    )
    unplanned = Action(
        "a-2",
        PID,
        "Açık uçlu",
        EMRE.id,
        Side.PARTNER,
        dt.date(2026, 12, 1),
        None,
        dt.date(2026, 10, 1),
    )
    kpi = Kpi(
        "k-1",
        PID,
        "Availability",
        "%",
        Direction.HIGHER_IS_BETTER,
        Side.PARTNER,
        KpiCategory.SERVICE,
    )
    initiative = Initiative(
        "in-1",
        PID,
        "Cloud landing zone",
        Side.PARTNER,
        EMRE.id,
        dt.date(2025, 1, 1),
        dt.date(2027, 6, 30),
        "Led by Emre Çelik.",
    )
    return {
        Partnership: [PARTNERSHIP],
        Party: PARTIES,
        Person: PEOPLE,
        StandingAgendaItem: [
            StandingAgendaItem("s-0", PID, 0, "Welcome", AgendaItemKind.OPENING, 5),
            StandingAgendaItem("s-1", PID, 1, "Actions", AgendaItemKind.ACTION_REVIEW, 20),
        ],
        Meeting: [meeting, second],
        MeetingItem: [item, discussion],
        Attendance: [
            Attendance("at-1", MEETING, AttendanceStatus.PRESENT, LUKASZ.id),
            Attendance("at-2", MEETING, AttendanceStatus.APOLOGIES, DMITRY.id),
            Attendance(
                "at-3", MEETING, AttendanceStatus.PRESENT, None, "Inès Kowalski", Side.PARTNER
            ),
        ],
        Action: [action, unplanned],
        RaciAssignment: [
            RaciAssignment(action.id, DMITRY.id, RaciRole.RESPONSIBLE),
            RaciAssignment(action.id, LUKASZ.id, RaciRole.ACCOUNTABLE),
        ],
        ActionReview: [
            ActionReview(
                "r-1",
                action.id,
                MEETING_2,
                ReviewStatus.DONE,
                "Готово.",
                None,
                dt.date(2026, 11, 3),
            ),
            ActionReview(
                "r-2", unplanned.id, MEETING_2, ReviewStatus.AT_RISK, "", dt.date(2027, 1, 15)
            ),
        ],
        Decision: [
            Decision("d-1", MEETING, "Adopt the new SLA", discussion.id, (LUKASZ.id, DMITRY.id)),
            Decision("d-2", MEETING, "Noted without agreement"),
        ],
        Kpi: [kpi],
        KpiTarget: [
            KpiTarget("t-1", kpi.id, "2025-01", 99.7, 99.0),
            KpiTarget("t-2", kpi.id, "2026-01", 99.9, 99.5),
        ],
        Reading: [
            Reading("rd-1", kpi.id, "2026-08", 99.87),
            Reading(
                "rd-2",
                kpi.id,
                "2026-09",
                99.42,
                "Storage array, weekend",
                Side.ENTERPRISE,
                ReadingConfirmation.DISPUTED,
            ),
        ],
        Initiative: [initiative],
        Milestone: [
            Milestone(
                "ms-1", initiative.id, "Design signed", dt.date(2025, 3, 1), dt.date(2025, 3, 4)
            ),
            Milestone("ms-2", initiative.id, "Wave 1 moved", dt.date(2026, 12, 1)),
        ],
        InitiativeProgress: [
            InitiativeProgress("ip-1", initiative.id, MEETING, 45, Rag.AMBER, "Ok")
        ],
        ReadingReview: [
            ReadingReview(
                "rr-1",
                "rd-2",
                MEETING,
                Side.ENTERPRISE,
                ReadingVerdict.DISPUTED,
                "Наш мониторинг: 98,2",
                dt.datetime(2026, 10, 6, 11, 20),
            ),
            ReadingReview(
                "rr-2",
                "rd-1",
                MEETING,
                Side.ENTERPRISE,
                ReadingVerdict.CONFIRMED,
                "",
                dt.datetime(2026, 10, 6, 11, 21),
            ),
        ],
        SignatoryCertificate: [
            SignatoryCertificate(
                "cd" * 32,
                LUKASZ.id,
                Side.ENTERPRISE,
                "-----BEGIN CERTIFICATE-----\n...",
                dt.datetime(2026, 10, 6, 11, 59),
            )
        ],
        SigningAuthority: [
            SigningAuthority(
                "ef" * 32,
                PID,
                Side.PARTNER,
                "-----BEGIN CERTIFICATE-----\n...",
                dt.datetime(2026, 10, 6, 11, 58),
            )
        ],
        SignOff: [
            SignOff(
                "so-1",
                MEETING,
                LUKASZ.id,
                Side.ENTERPRISE,
                dt.datetime(2026, 10, 6, 12),
                "ab" * 32,
                "cd" * 32,
            ),
            SignOff(
                "so-2", MEETING, DMITRY.id, Side.PARTNER, dt.datetime(2026, 10, 6, 12, 5), "ab" * 32
            ),
        ],
        ReceivedWorkbook: [
            ReceivedWorkbook(
                "0b9e5a52-7d1c-4e7a-9a43-2f1f0c1d2e3f",
                MEETING_2,
                dt.datetime(2026, 10, 30, 16, 5),
                "9f" * 32,
            )
        ],
    }


# How to read each entity back, given one object of it.
READERS: dict[type, Callable[[Database, Any], list[Any]]] = {
    Partnership: lambda db, o: repository.partnerships(db),
    Party: lambda db, o: repository.parties(db, o.partnership_id),
    Person: lambda db, o: repository.people(db, o.partnership_id),
    StandingAgendaItem: lambda db, o: repository.standing_agenda(db, o.partnership_id),
    Meeting: lambda db, o: repository.meetings(db, o.partnership_id),
    MeetingItem: lambda db, o: repository.meeting_items(db, o.meeting_id),
    Attendance: lambda db, o: repository.attendance(db, o.meeting_id),
    Action: lambda db, o: repository.actions(db, o.partnership_id),
    RaciAssignment: lambda db, o: repository.raci(db, o.action_id),
    ActionReview: lambda db, o: repository.reviews_in_meeting(db, o.meeting_id),
    Decision: lambda db, o: repository.decisions(db, o.meeting_id),
    Kpi: lambda db, o: repository.kpis(db, o.partnership_id),
    KpiTarget: lambda db, o: repository.kpi_targets(db, o.kpi_id),
    Reading: lambda db, o: repository.readings(db, o.kpi_id),
    Initiative: lambda db, o: repository.initiatives(db, o.partnership_id),
    Milestone: lambda db, o: repository.milestones(db, o.initiative_id),
    InitiativeProgress: lambda db, o: repository.initiative_progress(db, o.initiative_id),
    SignOff: lambda db, o: repository.sign_offs(db, o.meeting_id),
    ReadingReview: lambda db, o: repository.reading_reviews_in_meeting(db, o.meeting_id),
    SignatoryCertificate: lambda db, o: repository.signatory_certificates(db, PID),
    SigningAuthority: lambda db, o: repository.signing_authorities(db, o.partnership_id),
    ReceivedWorkbook: lambda db, o: partner_updates.received_workbooks(db, o.meeting_id),
}


@pytest.fixture
def filled(new_db: Database) -> Database:
    """A new database holding the sample partnership, every entity written with `insert`."""
    with writes(new_db):
        for objects in _entities().values():
            insert(new_db, objects)
    return new_db


def test_every_table_has_a_round_trip() -> None:
    """Each entity stored in a table has a sample and a reader here."""
    assert set(_entities()) == set(TABLES) == set(READERS)


@pytest.mark.parametrize("cls", list(TABLES), ids=lambda cls: cls.__name__)
def test_round_trip(filled: Database, cls: type) -> None:
    """Whatever is written reads back as equal objects, non-Latin text and tuples included."""
    written = _entities()[cls]
    read = READERS[cls](filled, written[0])
    assert sorted(read, key=repr) == sorted(written, key=repr)
    assert all(type(obj) is cls for obj in read)


def test_single_reads(filled: Database) -> None:
    """Reading one object by its id gives that object; an unknown id is refused in words."""
    entities = _entities()
    assert repository.partnership(filled, PID) == PARTNERSHIP
    assert repository.person(filled, ZOE.id) == ZOE
    assert repository.meeting(filled, MEETING) == entities[Meeting][0]
    assert repository.action(filled, "a-1") == entities[Action][0]
    with pytest.raises(ValidationError, match="no-such-id"):
        repository.meeting(filled, "no-such-id")


def test_non_latin_names_are_stored_as_text(filled: Database) -> None:
    """Names in any script are stored as they are typed, found by an exact match."""
    for name in ("Łukasz Nowak", "Ζωή Papadopoulou", "Дмитрий Смирнов", "Emre Çelik"):
        row = filled.execute("SELECT name FROM person WHERE name = ?", [name]).fetchone()
        assert row == (name,)


def test_agreed_by_is_kept_in_order(filled: Database) -> None:
    """A decision's agreeing people read back as the same tuple, in the same order."""
    first, second = repository.decisions(filled, MEETING)
    assert first.agreed_by == (LUKASZ.id, DMITRY.id)
    assert second.agreed_by == ()


def test_open_actions_lists_only_open(filled: Database) -> None:
    """The open actions are exactly those neither done nor dropped."""
    assert [a.id for a in repository.open_actions(filled, PID)] == ["a-2"]


# --- people -----------------------------------------------------------------------------


@pytest.fixture
def partnership_db(new_db: Database) -> Database:
    """A new database holding a partnership with its two parties and four people."""
    repository.create_partnership(new_db, PARTNERSHIP, PARTIES, PEOPLE)
    return new_db


def _person_rows(db: Database) -> list[tuple[Any, ...]]:
    return db.execute("SELECT * FROM person ORDER BY rowid").fetchall()


def test_create_partnership_writes_everything(partnership_db: Database) -> None:
    """A new partnership is saved with both parties and its people."""
    assert repository.partnerships(partnership_db) == [PARTNERSHIP]
    assert [p.side for p in repository.parties(partnership_db, PID)] == list(Side)
    assert sorted(repository.people(partnership_db, PID), key=repr) == sorted(PEOPLE, key=repr)


def test_create_partnership_needs_both_sides(new_db: Database) -> None:
    """A partnership with only one party is refused, and nothing is written."""
    with pytest.raises(ValidationError):
        repository.create_partnership(new_db, PARTNERSHIP, PARTIES[:1], [])
    assert repository.partnerships(new_db) == []


def test_create_partnership_with_duplicate_person_writes_nothing(new_db: Database) -> None:
    """A partnership whose people include the same name twice on one side is not written at all."""
    twin = dataclasses.replace(LUKASZ, id="p-twin", name="łukasz  NOWAK")
    with pytest.raises(ValidationError):
        repository.create_partnership(new_db, PARTNERSHIP, PARTIES, [LUKASZ, twin])
    assert repository.partnerships(new_db) == []
    assert _person_rows(new_db) == []


def test_add_person(partnership_db: Database) -> None:
    """A new person is saved with the name's spaces folded."""
    added = repository.add_person(
        partnership_db, Person("p-new", PID, Side.PARTNER, "  Sophie   Marchand ", "Director")
    )
    assert added.name == "Sophie Marchand"
    assert repository.person(partnership_db, "p-new") == added


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_add_person_refuses_empty_name(partnership_db: Database, name: str) -> None:
    """A person without a name is refused, and nothing is written."""
    before = _person_rows(partnership_db)
    with pytest.raises(ValidationError) as caught:
        repository.add_person(partnership_db, Person("p-new", PID, Side.PARTNER, name))
    assert caught.value.field == "name"
    assert _person_rows(partnership_db) == before


@pytest.mark.parametrize("name", ["Дмитрий Смирнов", "дмитрий  смирнов", " ДМИТРИЙ СМИРНОВ "])
def test_add_person_refuses_duplicate_in_same_side(partnership_db: Database, name: str) -> None:
    """A second person of the same name on the same side is refused, and nothing is written."""
    before = _person_rows(partnership_db)
    with pytest.raises(ValidationError) as caught:
        repository.add_person(partnership_db, Person("p-new", PID, Side.PARTNER, name))
    assert caught.value.field == "name"
    assert _person_rows(partnership_db) == before


def test_add_person_allows_same_name_on_other_side(partnership_db: Database) -> None:
    """Two people of the same name may belong to different sides."""
    repository.add_person(partnership_db, Person("p-new", PID, Side.ENTERPRISE, "Emre Çelik"))
    names = [p.name for p in repository.people(partnership_db, PID) if p.name == "Emre Çelik"]
    assert len(names) == 2


# --- action reviews ---------------------------------------------------------------------


@pytest.fixture
def review_setup(demo_db: Database) -> tuple[Database, Meeting, Action]:
    """The demo database, its draft meeting, and one action still open."""
    pid = repository.partnerships(demo_db)[0].id
    draft = next(m for m in repository.meetings(demo_db, pid) if m.status is MeetingStatus.DRAFT)
    action = repository.open_actions(demo_db, pid)[0]
    return demo_db, draft, action


def test_record_review_moves_due_date(review_setup: tuple[Database, Meeting, Action]) -> None:
    """A review with a new due date moves the action's current due date, and the move is audited."""
    db, draft, action = review_setup
    new_due = action.due + dt.timedelta(days=30)
    review = ActionReview(
        "rv-1", action.id, draft.id, ReviewStatus.AT_RISK, "Slipped", new_due, draft.date
    )
    after = repository.record_review(db, review, by="Tom Whitfield")
    assert after.current_due == new_due
    assert after.state is ActionState.OPEN
    assert repository.action(db, action.id) == after
    assert after.original_due == action.original_due
    (entry,) = repository.audit_trail(db, action.id)
    assert (entry.entity, entry.field, entry.old, entry.new) == (
        "action",
        "current_due",
        action.current_due.isoformat() if action.current_due else None,
        new_due.isoformat(),
    )
    assert entry.meeting_id == draft.id
    assert entry.changed_by == "Tom Whitfield"


def test_record_review_done_closes_action(review_setup: tuple[Database, Meeting, Action]) -> None:
    """A review saying done closes the action in that meeting, and each change is audited."""
    db, draft, action = review_setup
    review = ActionReview("rv-1", action.id, draft.id, ReviewStatus.DONE, "", None, draft.date)
    after = repository.record_review(db, review)
    assert (after.state, after.closed_in_id, after.closed_on) == (
        ActionState.DONE,
        draft.id,
        draft.date,
    )
    assert action.id not in {a.id for a in repository.open_actions(db, after.partnership_id)}
    fields = {e.field: (e.old, e.new) for e in repository.audit_trail(db, action.id)}
    assert fields == {
        "state": ("open", "done"),
        "closed_in_id": (None, draft.id),
        "closed_on": (None, draft.date.isoformat()),
    }


def test_record_review_replaces_earlier_in_same_meeting(
    review_setup: tuple[Database, Meeting, Action],
) -> None:
    """Reviewing an action again in the same meeting replaces the first review, not adds one."""
    db, draft, action = review_setup
    earlier = len(repository.reviews_of_action(db, action.id))
    first = ActionReview("rv-1", action.id, draft.id, ReviewStatus.DONE, "done", None, draft.date)
    second = ActionReview(
        "rv-2", action.id, draft.id, ReviewStatus.LATE, "not yet", None, draft.date
    )
    repository.record_review(db, first)
    after = repository.record_review(db, second)
    assert [r for r in repository.reviews_in_meeting(db, draft.id) if r.action_id == action.id] == [
        second
    ]
    assert len(repository.reviews_of_action(db, action.id)) == earlier + 1
    assert (after.state, after.closed_in_id, after.closed_on) == (ActionState.OPEN, None, None)
    assert repository.action(db, action.id) == after
    assert [e.new for e in repository.audit_trail(db, action.id) if e.field == "state"] == [
        "done",
        "open",
    ]


def test_replaced_review_takes_its_new_date_with_it(
    review_setup: tuple[Database, Meeting, Action],
) -> None:
    """A new due date given by a review that is then replaced (without a date) is undone."""
    db, draft, action = review_setup
    moved = action.due + dt.timedelta(days=45)
    repository.record_review(
        db, ActionReview("rv-1", action.id, draft.id, ReviewStatus.AT_RISK, "", moved, draft.date)
    )
    after = repository.record_review(
        db, ActionReview("rv-2", action.id, draft.id, ReviewStatus.ON_TRACK, "", None, draft.date)
    )
    (review,) = [r for r in repository.reviews_in_meeting(db, draft.id) if r.action_id == action.id]
    assert review.new_due is None
    assert after.current_due == action.current_due
    assert repository.action(db, action.id).current_due == action.current_due


def _slipped_open_action(db: Database, pid: str) -> Action:
    """An open demo action whose due date an earlier meeting already moved."""
    return next(a for a in repository.open_actions(db, pid) if a.current_due != a.original_due)


@pytest.mark.parametrize("dated", [True, False], ids=["review dated", "review undated"])
def test_latest_meetings_new_date_wins(
    review_setup: tuple[Database, Meeting, Action], dated: bool
) -> None:
    """A new due date agreed in the latest meeting replaces one agreed in an earlier meeting."""
    db, draft, _ = review_setup
    action = _slipped_open_action(db, draft.partnership_id)
    moved = action.due + dt.timedelta(days=60)
    review = ActionReview(
        "rv-1",
        action.id,
        draft.id,
        ReviewStatus.AT_RISK,
        "Re-planned",
        moved,
        draft.date if dated else None,
    )
    after = repository.record_review(db, review)
    assert after.current_due == moved
    assert repository.action(db, action.id).current_due == moved


def test_record_review_of_unknown_action_writes_nothing(
    review_setup: tuple[Database, Meeting, Action],
) -> None:
    """A review of an action that does not exist is refused, and no review is written."""
    db, draft, _ = review_setup
    before = len(repository.reviews_in_meeting(db, draft.id))
    with pytest.raises(ValidationError):
        repository.record_review(
            db, ActionReview("rv-x", "no-such-action", draft.id, ReviewStatus.DONE)
        )
    assert len(repository.reviews_in_meeting(db, draft.id)) == before


# --- KPI readings -----------------------------------------------------------------------


def test_save_reading_replaces_the_period(filled: Database) -> None:
    """A second reading for a KPI and period replaces the first, and the change is audited."""
    repository.save_reading(filled, Reading("rd-new", "k-1", "2026-08", 99.91, "restated"), by="E")
    (august,) = [r for r in repository.readings(filled, "k-1") if r.period == "2026-08"]
    assert (august.id, august.value, august.comment) == ("rd-1", 99.91, "restated")
    changes = {e.field: (e.old, e.new) for e in repository.audit_trail(filled, "rd-1")}
    assert changes == {"value": ("99.87", "99.91"), "comment": ("", "restated")}


def test_save_reading_new_period(filled: Database) -> None:
    """A reading for a new period is added, and its value audited."""
    reading = Reading("rd-3", "k-1", "2026-10", 99.95)
    repository.save_reading(filled, reading)
    assert repository.readings(filled, "k-1")[-1] == reading
    (entry,) = repository.audit_trail(filled, "rd-3")
    assert (entry.entity, entry.field, entry.old, entry.new) == ("reading", "value", None, "99.95")


# --- transactions -----------------------------------------------------------------------


def _counts(db: Database) -> dict[str, int]:
    return {table: db[table].count for table in [*TABLES.values(), "audit_log"]}


def test_failing_write_rolls_back_everything(partnership_db: Database) -> None:
    """When anything fails inside one write, none of that write's changes stay."""
    before = _counts(partnership_db)
    with pytest.raises(RuntimeError), writes(partnership_db):
        repository.insert(partnership_db, [Person("p-1", PID, Side.PARTNER, "Kenji Watanabe")])
        partnership_db.execute("UPDATE person SET role = 'changed'")
        raise RuntimeError("the screen crashed")
    assert _counts(partnership_db) == before
    assert "changed" not in {p.role for p in repository.people(partnership_db, PID)}
    assert not partnership_db.conn.in_transaction


def test_failing_statement_rolls_back_earlier_ones(partnership_db: Database) -> None:
    """A statement refused by the database undoes the statements before it in the same write."""
    before = _counts(partnership_db)
    with pytest.raises(sqlite3.IntegrityError), writes(partnership_db):
        repository.insert(partnership_db, [Person("p-1", PID, Side.PARTNER, "Kenji Watanabe")])
        repository.insert(partnership_db, [Person("p-1", PID, Side.PARTNER, "Rafael Duarte")])
    assert _counts(partnership_db) == before
    assert not partnership_db.conn.in_transaction


def test_nested_writes_roll_back_together(partnership_db: Database) -> None:
    """A write inside another is undone with it when the outer one fails."""
    before = _counts(partnership_db)
    with pytest.raises(RuntimeError), writes(partnership_db):
        repository.add_person(partnership_db, Person("p-1", PID, Side.PARTNER, "Kenji Watanabe"))
        raise RuntimeError("later failure")
    assert _counts(partnership_db) == before


def test_save_standing_agenda_replaces_in_order(partnership_db: Database) -> None:
    """Saving the standing agenda replaces it, numbering the items in the order given."""
    items = [
        StandingAgendaItem("s-b", PID, 9, "Actions", AgendaItemKind.ACTION_REVIEW, 20),
        StandingAgendaItem("s-a", PID, 3, "Welcome", AgendaItemKind.OPENING, 5),
    ]
    repository.save_standing_agenda(partnership_db, PID, items)
    repository.save_standing_agenda(partnership_db, PID, items[::-1])
    saved = repository.standing_agenda(partnership_db, PID)
    assert [(i.id, i.position) for i in saved] == [("s-a", 0), ("s-b", 1)]
