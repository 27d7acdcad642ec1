"""storage/initiatives.py: a meeting's progress on initiatives written whole, replaced, undone."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import LifecycleError, ValidationError
from core.model import InitiativeProgress, Meeting, MeetingStatus, Rag
from storage import repository
from storage.initiatives import initiatives_data, progress_in, record_progress, remove_progress


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _meeting(db: Database, status: MeetingStatus) -> Meeting:
    return next(m for m in repository.meetings(db, _pid(db)) if m.status is status)


def _live(db: Database) -> Meeting:
    """The demo's draft, started."""
    draft = _meeting(db, MeetingStatus.DRAFT)
    live = dataclasses.replace(draft, status=MeetingStatus.LIVE, actual_start=draft.scheduled_start)
    repository.update_meeting(db, live)
    return live


def _tables(db: Database) -> list[list[tuple[Any, ...]]]:
    return [
        db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
        for t in ("initiative_progress", "audit_log")
    ]


def test_the_demo_has_initiatives_with_milestones_and_progress(demo_db: Database) -> None:
    """Five initiatives, each with milestones and progress recorded meeting after meeting."""
    initiatives, milestones, progress = initiatives_data(demo_db, _pid(demo_db))
    assert len(initiatives) == 5
    assert all(milestones[i.id] for i in initiatives)
    assert all(progress[i.id] for i in initiatives)


def test_progress_is_recorded_replaced_and_audited(demo_db: Database) -> None:
    """A second record in the same meeting replaces the first (returned for undo); each
    changed figure goes to the audit log with the meeting."""
    live = _live(demo_db)
    initiative = repository.initiatives(demo_db, _pid(demo_db))[0]
    first = InitiativeProgress("p-1", initiative.id, live.id, 60, Rag.AMBER, " Wave 2 slipped ")
    assert record_progress(demo_db, first, by="Tom Whitfield") is None
    stored = progress_in(demo_db, initiative.id, live.id)
    assert stored == dataclasses.replace(first, comment="Wave 2 slipped")
    second = InitiativeProgress("p-2", initiative.id, live.id, 62, Rag.AMBER, "Wave 2 slipped")
    assert record_progress(demo_db, second) == stored
    assert progress_in(demo_db, initiative.id, live.id) == second
    trail = [
        (e.field, e.old, e.new)
        for e in repository.audit_trail(demo_db, initiative.id)
        if e.meeting_id == live.id
    ]
    assert trail == [
        ("percent_complete", None, "60"),
        ("rag", None, "amber"),
        ("comment", None, "Wave 2 slipped"),
        ("percent_complete", "60", "62"),
    ]
    remove_progress(demo_db, initiative.id, live.id)
    assert progress_in(demo_db, initiative.id, live.id) is None


@pytest.mark.parametrize(
    ("percent", "comment", "field"),
    [(101, "", "percent_complete"), (-5, "", "percent_complete"), (50, "x" * 501, "comment")],
)
def test_bad_progress_writes_nothing(
    demo_db: Database, percent: int, comment: str, field: str
) -> None:
    """A percentage outside 0–100 or an over-long comment: refused, nothing written."""
    live = _live(demo_db)
    initiative = repository.initiatives(demo_db, _pid(demo_db))[0]
    before = _tables(demo_db)
    with pytest.raises(ValidationError) as raised:
        record_progress(
            demo_db, InitiativeProgress("p", initiative.id, live.id, percent, Rag.GREEN, comment)
        )
    assert raised.value.field == field
    assert _tables(demo_db) == before


@pytest.mark.parametrize("status", [MeetingStatus.SIGNED, MeetingStatus.DRAFT])
def test_progress_outside_a_live_or_closed_meeting_is_refused(
    demo_db: Database, status: MeetingStatus
) -> None:
    """A signed meeting is frozen; a draft has not started: nothing is written."""
    meeting = _meeting(demo_db, status)
    initiative = repository.initiatives(demo_db, _pid(demo_db))[0]
    before = _tables(demo_db)
    with pytest.raises(LifecycleError):
        record_progress(demo_db, InitiativeProgress("p", initiative.id, meeting.id, 10, Rag.GREEN))
    assert _tables(demo_db) == before
