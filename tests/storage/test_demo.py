"""storage/demo.py and core/demo.py: a believable, reproducible partnership, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.demo import DEFAULT_SEED, RECENT_SIGNED_WITH_PDF, build_demo
from core.model import (
    Action,
    ActionState,
    AgendaItemKind,
    Direction,
    History,
    MeetingStatus,
    Rag,
    ReviewStatus,
    Side,
)
from core.rag import rag_of_reading, target_in_force
from storage import repository
from storage.database import open_database
from storage.demo import create_demo
from storage.errors import StorageError


@pytest.fixture(scope="module")
def demo_history(demo_today: dt.date) -> History:
    """The demo as plain data, for the same seed and day as the demo database."""
    return build_demo(today=demo_today)


@pytest.fixture(scope="module")
def pid(demo_read: Database) -> str:
    """The main partnership's: the first made (the others are the portfolio's)."""
    return repository.partnerships(demo_read)[0].id


# Columns that are not a clock or a signature: ECDSA signatures (and so the signed PDFs and
# their hashes) differ each time, as do the ids of the sign-offs made by really signing.
_DETERMINISTIC_COLUMNS = {
    "_sqlite_migrations": "migration_set, name",
    "meeting": "id, number, revision, title, status, content_hash, record_hash, "
    "minutes_pdf IS NOT NULL, length(minutes_sha256)",
    # The partner's signatory signs the history with a key made for it and dropped at once, so
    # its certificate, fingerprint and signatures differ from one demo to the next.
    "sign_off": "meeting_id, person_id, side, signed_at, content_hash",
    "signatory_certificate": "person_id, side, added_at",
    "audit_log": "entity, field, old, meeting_id, changed_by",
}


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by rowid (applied_at of migrations left out: it is a clock)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'search_%' ORDER BY name"
            )
        ]
        dump = {}
        for table in tables:
            columns = _DETERMINISTIC_COLUMNS.get(table, "*")
            dump[table] = conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid").fetchall()
        dump["sqlite_master"] = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        return dump
    finally:
        conn.close()


# --- what the demo holds ----------------------------------------------------------------


def test_people_on_both_sides(demo_read: Database, pid: str) -> None:
    """Each side has 6 to 10 people, with names in several scripts."""
    people = repository.people(demo_read, pid)
    per_side = Counter(p.side for p in people)
    assert set(per_side) == set(Side)
    assert all(6 <= n <= 10 for n in per_side.values())
    names = {p.name for p in people}
    assert {"Łukasz Nowak", "Ζωή Papadopoulou", "Дмитрий Смирнов", "Emre Çelik"} <= names


def test_standing_agenda_covers_every_kind(demo_read: Database, pid: str) -> None:
    """The standing agenda has 7 to 9 items, every kind of item, actions before commitments."""
    agenda = repository.standing_agenda(demo_read, pid)
    assert 7 <= len(agenda) <= 9
    kinds = [i.kind for i in agenda]
    assert set(kinds) == set(AgendaItemKind)
    assert [i.position for i in agenda] == list(range(len(agenda)))
    assert kinds[0] is AgendaItemKind.OPENING
    assert kinds[-1] is AgendaItemKind.CLOSING
    assert kinds.index(AgendaItemKind.ACTION_REVIEW) < kinds.index(AgendaItemKind.COMMITMENTS)


def test_two_years_of_signed_meetings_and_a_draft(
    demo_read: Database, pid: str, demo_today: dt.date
) -> None:
    """24 signed meetings, each signed by both sides, then one draft dated after the last."""
    meetings = repository.meetings(demo_read, pid)
    signed = [m for m in meetings if m.status is MeetingStatus.SIGNED]
    drafts = [m for m in meetings if m.status is MeetingStatus.DRAFT]
    assert len(signed) == 24
    assert len(drafts) == 1
    assert len(meetings) == 25
    assert drafts[0].scheduled_start > max(m.scheduled_start for m in signed)
    assert drafts[0].date > demo_today > signed[-1].date
    assert [m.number for m in meetings] == list(range(1, 26))
    for meeting in signed:
        sign_offs = repository.sign_offs(demo_read, meeting.id)
        assert [s.side for s in sign_offs] == list(Side)
        assert {s.content_hash for s in sign_offs} == {meeting.content_hash}
        assert repository.meeting_items(demo_read, meeting.id)
        assert repository.attendance(demo_read, meeting.id)
        assert repository.decisions(demo_read, meeting.id)


def test_draft_is_prepared_from_standing_agenda(demo_read: Database, pid: str) -> None:
    """The draft meeting has the standing agenda's items, with no notes yet."""
    draft = repository.meetings(demo_read, pid)[-1]
    items = repository.meeting_items(demo_read, draft.id)
    agenda = repository.standing_agenda(demo_read, pid)
    assert [(i.title, i.kind) for i in items] == [(a.title, a.kind) for a in agenda]
    assert all(i.notes == "" and i.actual_seconds == 0 for i in items)


def _fates(actions: list[Action], late_ids: set[str]) -> Counter[str]:
    fates: Counter[str] = Counter()
    for a in actions:
        if a.state is ActionState.DONE and a.closed_on is not None and a.closed_on <= a.due:
            fates["done on time"] += 1
        if a.id in late_ids:
            fates["late"] += 1
        if a.current_due != a.original_due:
            fates["slipped"] += 1
        fates[a.state.value] += 1
    return fates


def test_actions_kept_and_broken_by_both_sides(demo_read: Database, pid: str) -> None:
    """150 to 260 actions; each side has some done on time, late, slipped, dropped and open."""
    actions = repository.actions(demo_read, pid)
    assert 150 <= len(actions) <= 260
    late_ids = {
        a.id
        for a in actions
        if any(r.status is ReviewStatus.LATE for r in repository.reviews_of_action(demo_read, a.id))
    }
    for side in Side:
        fates = _fates([a for a in actions if a.side is side], late_ids)
        for fate in ("done on time", "late", "slipped", "dropped", "open"):
            assert fates[fate] > 0, f"the {side} side has no {fate} action"


def test_closed_actions_are_closed_in_a_meeting(demo_read: Database, pid: str) -> None:
    """Every done or dropped action names the meeting and the day it was closed."""
    meeting_ids = {m.id for m in repository.meetings(demo_read, pid)}
    for action in repository.actions(demo_read, pid):
        closed = action.state is not ActionState.OPEN
        assert (action.closed_in_id in meeting_ids) is closed
        assert (action.closed_on is not None) is closed
        assert action.raised_in_id in meeting_ids


def test_kpis_with_two_years_of_readings(demo_read: Database, pid: str) -> None:
    """12 to 16 KPIs, each read monthly for 24 months or more; one KPI's target changed once."""
    kpis = repository.kpis(demo_read, pid)
    assert 12 <= len(kpis) <= 16
    target_counts = []
    for kpi in kpis:
        periods = [r.period for r in repository.readings(demo_read, kpi.id)]
        assert len(periods) >= 24
        assert periods == sorted(set(periods))
        target_counts.append(len(repository.kpi_targets(demo_read, kpi.id)))
    assert sorted(target_counts)[-2:] == [1, 2]
    assert target_counts.count(2) == 1


def test_no_demo_reading_that_misses_its_target_is_shown_green(
    demo_read: Database, pid: str
) -> None:
    """Every demo reading judged by the target in force for its period: one that misses its
    target is never green, and some readings miss it narrowly enough to be amber."""
    rags: Counter[Rag] = Counter()
    missed_green = []
    for kpi in repository.kpis(demo_read, pid):
        targets = repository.kpi_targets(demo_read, kpi.id)
        for reading in repository.readings(demo_read, kpi.id):
            rag = rag_of_reading(reading.value, reading.period, kpi.direction, targets)
            in_force = target_in_force(targets, reading.period)
            if rag is None or in_force is None:
                continue
            rags[rag] += 1
            misses = (
                reading.value < in_force.target
                if kpi.direction is Direction.HIGHER_IS_BETTER
                else reading.value > in_force.target
            )
            if misses and rag is Rag.GREEN:
                missed_green.append((kpi.name, reading.period, reading.value, in_force.target))
    assert missed_green == []
    assert rags[Rag.AMBER] > 0, rags
    assert rags[Rag.GREEN] > 0, rags


def test_strategic_initiatives(demo_read: Database, pid: str) -> None:
    """4 to 6 strategic initiatives, each with milestones and progress over the meetings."""
    initiatives = repository.initiatives(demo_read, pid)
    assert 4 <= len(initiatives) <= 6
    for initiative in initiatives:
        assert repository.milestones(demo_read, initiative.id)
        assert repository.initiative_progress(demo_read, initiative.id)


def _by_id(objects: list[Any]) -> list[Any]:
    return sorted(objects, key=lambda o: getattr(o, "id", None) or repr(o))


def test_database_holds_exactly_the_demo(
    demo_read: Database, demo_history: History, pid: str
) -> None:
    """Every object the demo builds reads back from its database unchanged."""
    h = demo_history
    meetings = repository.meetings(demo_read, pid)
    assert repository.partnerships(demo_read)[0] == h.partnership
    assert repository.parties(demo_read, pid) == h.parties
    assert _by_id(repository.people(demo_read, pid)) == _by_id(h.people)
    assert repository.standing_agenda(demo_read, pid) == h.standing_agenda
    # The most recent meetings were signed for real once written: closed in the history.
    recent = {m.id for m in h.meetings if m.status is MeetingStatus.CLOSED}
    assert len(recent) == RECENT_SIGNED_WITH_PDF
    assert all(
        m.status is MeetingStatus.SIGNED and m.minutes_sha256 for m in meetings if m.id in recent
    )
    as_built = [
        dataclasses.replace(
            m,
            status=MeetingStatus.CLOSED,
            content_hash=None,
            record_hash=None,
            minutes_sha256=None,
        )
        if m.id in recent
        else m
        for m in meetings
    ]
    assert _by_id(as_built) == _by_id(h.meetings)
    assert _by_id(repository.actions(demo_read, pid)) == _by_id(h.actions)
    assert _by_id(repository.kpis(demo_read, pid)) == _by_id(h.kpis)
    assert _by_id(repository.initiatives(demo_read, pid)) == _by_id(h.initiatives)

    def every(reader: Any, parents: list[Any]) -> list[Any]:
        return _by_id([obj for parent in parents for obj in reader(demo_read, parent.id)])

    assert every(repository.meeting_items, meetings) == _by_id(h.meeting_items)
    assert every(repository.attendance, meetings) == _by_id(h.attendance)
    assert every(repository.reviews_in_meeting, meetings) == _by_id(h.reviews)
    assert every(repository.decisions, meetings) == _by_id(h.decisions)
    signed_later = [s for s in every(repository.sign_offs, meetings) if s.meeting_id in recent]
    assert len(signed_later) == 2 * len(recent)
    assert [
        s for s in every(repository.sign_offs, meetings) if s.meeting_id not in recent
    ] == _by_id(h.sign_offs)
    assert every(repository.raci, h.actions) == _by_id(h.raci)
    assert every(repository.kpi_targets, h.kpis) == _by_id(h.kpi_targets)
    assert every(repository.readings, h.kpis) == _by_id(h.readings)
    assert every(repository.milestones, h.initiatives) == _by_id(h.milestones)
    assert every(repository.initiative_progress, h.initiatives) == _by_id(h.initiative_progress)


def test_the_demo_keeps_the_facilitators_key_and_only_the_partners_certificate(
    demo_read: Database,
) -> None:
    """A key belongs to its holder: the demo keeps the facilitator's own key (the enterprise
    signatory's, passphrase demo-passphrase) as "my signing key", and of the partner's
    signatory only the registered certificate; both registrations are in the audit log."""
    from core.signatures import load_identity
    from storage.demo import DEMO_PASSPHRASE
    from storage.keys import keys_folder, my_key

    kept = sorted(p.name for p in keys_folder().iterdir())
    assert kept == ["my-signing-key.p12", "my-signing-key.pem"]
    data = my_key()
    assert data is not None
    mine = load_identity(data, DEMO_PASSPHRASE)
    pid = repository.partnerships(demo_read)[0].id
    people = {p.id: p for p in repository.people(demo_read, pid)}
    registered = repository.signatory_certificates(demo_read, pid)
    assert {c.side for c in registered} == {Side.ENTERPRISE, Side.PARTNER}
    ours = next(c for c in registered if c.side is Side.ENTERPRISE)
    assert ours.fingerprint == mine.fingerprint and people[ours.person_id].name == mine.name
    theirs = next(c for c in registered if c.side is Side.PARTNER)
    assert all(theirs.fingerprint not in p.read_bytes().hex() for p in keys_folder().iterdir())
    for certificate in registered:
        trail = repository.audit_trail(demo_read, certificate.fingerprint)
        assert [e.field for e in trail] == ["registered"]


def test_demo_database_is_healthy(demo_master: Path, demo_read: Database) -> None:
    """The demo is one file, no WAL beside it, passing integrity and foreign key checks."""
    assert sorted(p.name for p in demo_master.parent.iterdir()) == ["demo.db"]
    assert demo_read.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert demo_read.execute("PRAGMA foreign_key_check").fetchall() == []


# --- reproducible -----------------------------------------------------------------------


def test_same_seed_and_day_build_equal_history(demo_history: History, demo_today: dt.date) -> None:
    """The same seed and day build the same partnership, ids included."""
    assert build_demo(seed=DEFAULT_SEED, today=demo_today) == demo_history


def test_same_seed_and_day_write_equal_databases(
    demo_master: Path, tmp_path: Path, demo_today: dt.date
) -> None:
    """Two demo files built from the same seed and day hold the same rows in the same order."""
    again = create_demo(tmp_path / "again.db", today=demo_today)
    assert _dump(again) == _dump(demo_master)


def test_other_seed_builds_other_history(demo_history: History, demo_today: dt.date) -> None:
    """Another seed gives another partnership."""
    other = build_demo(seed=DEFAULT_SEED + 1, today=demo_today)
    assert other != demo_history
    assert other.partnership.id != demo_history.partnership.id
    assert [r.value for r in other.readings] != [r.value for r in demo_history.readings]


def test_other_seed_writes_other_database(
    demo_master: Path, tmp_path: Path, demo_today: dt.date
) -> None:
    """A demo file from another seed differs from the default one."""
    other = create_demo(tmp_path / "other.db", seed=DEFAULT_SEED + 1, today=demo_today)
    assert _dump(other) != _dump(demo_master)


# --- written all or nothing -------------------------------------------------------------


def test_existing_file_is_refused_untouched(demo_db_path: Path, demo_today: dt.date) -> None:
    """The demo is never written over an existing file, which is left byte for byte as it was."""
    before = demo_db_path.read_bytes()
    with pytest.raises(StorageError, match="already exists"):
        create_demo(demo_db_path, today=demo_today)
    assert demo_db_path.read_bytes() == before
    assert sorted(p.name for p in demo_db_path.parent.iterdir()) == ["demo.db"]


def test_existing_unrelated_file_is_refused_untouched(tmp_path: Path, demo_today: dt.date) -> None:
    """A file of any kind at the demo's path is kept; the demo is not written."""
    path = tmp_path / "notes.db"
    path.write_text("my notes", encoding="utf-8")
    with pytest.raises(StorageError):
        create_demo(path, today=demo_today)
    assert path.read_text(encoding="utf-8") == "my notes"


def test_scale_below_one_is_refused(tmp_path: Path, demo_today: dt.date) -> None:
    """A scale below one is refused in words, and no file is written."""
    with pytest.raises(StorageError, match="scale"):
        create_demo(tmp_path / "demo.db", scale=0, today=demo_today)
    assert list(tmp_path.iterdir()) == []


def test_demo_leaves_only_its_file(tmp_path: Path, demo_today: dt.date) -> None:
    """Creating the demo leaves only the database file: no temporary file, journal or backup."""
    path = create_demo(tmp_path / "sub" / "demo.db", today=demo_today)
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.db"]


def test_demo_opens_like_any_database(demo_db_path: Path) -> None:
    """The demo file opens as the app opens its databases, with nothing left to migrate."""
    db = open_database(demo_db_path, automatic_backups=False)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_scale_two_doubles_the_meetings(tmp_path: Path, demo_today: dt.date) -> None:
    """--scale 2 writes twice the main partnership's history: 48 signed meetings and the draft
    (the portfolio's other partnerships keep their size)."""
    path = create_demo(tmp_path / "big.db", scale=2, today=demo_today)
    conn = sqlite3.connect(path)
    try:
        (main,) = conn.execute(
            "SELECT id FROM partnership ORDER BY created_at, name LIMIT 1"
        ).fetchone()
        counts = dict(
            conn.execute(
                "SELECT status, count(*) FROM meeting WHERE partnership_id = ? GROUP BY status",
                [main],
            )
        )
        readings = conn.execute("SELECT count(DISTINCT period) FROM reading").fetchone()[0]
    finally:
        conn.close()
    assert counts == {"signed": 48, "draft": 1}
    assert readings >= 48
