"""ui/session.py: each operation announces what it changed as a typed value, once."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from core.changes import Change
from core.ids import new_id
from core.model import AttendanceStatus, Decision, MeetingStatus
from ui.home import HomePage
from ui.session import Session


def _announced(qtbot: QtBot, session: Session, operation: object) -> list[Change]:
    said: list[Change] = []
    session.changed.connect(said.append)
    try:
        assert callable(operation)
        operation()
    finally:
        session.changed.disconnect(said.append)
    return said


def test_operations_announce_the_kinds_they_changed(qtbot: QtBot, demo_session: Session) -> None:
    """Attendance, decisions, the meeting's status: each operation says exactly its kinds."""
    draft = next(m for m in demo_session.meetings() if m.status is MeetingStatus.DRAFT)
    person = demo_session.people()[0]
    assert _announced(
        qtbot,
        demo_session,
        lambda: demo_session.set_attendance(draft.id, person.id, AttendanceStatus.PRESENT),
    ) == [Change.ATTENDANCE]
    decision = Decision(new_id(), draft.id, "Adopt the new escalation path", None, (person.id,))
    assert _announced(qtbot, demo_session, lambda: demo_session.add_decision(decision)) == [
        Change.DECISIONS
    ]
    assert _announced(qtbot, demo_session, lambda: demo_session.start_meeting(draft.id)) == [
        Change.MEETINGS
    ]
    assert Change.MEETINGS.words == "meetings"
    assert (Change.READINGS | Change.KPIS).words == "kpis, readings"


def test_the_home_page_refreshes_from_the_announcement_alone(
    qtbot: QtBot, demo_session: Session
) -> None:
    """Starting a meeting elsewhere (through the session) shows on the home page at once,
    without anyone calling its refresh."""
    home = HomePage(demo_session)
    qtbot.addWidget(home)
    draft = next(m for m in demo_session.meetings() if m.status is MeetingStatus.DRAFT)
    assert "(draft)" in home.next_button.text()
    demo_session.start_meeting(draft.id)
    assert "(live)" in home.next_button.text()


def test_every_operation_reads_the_session_clock(qtbot: QtBot, demo_session: Session) -> None:
    """A fixed clock fixes what is recorded: the meeting's start and end, the next meeting's
    proposed date, and the month readings are judged against."""
    fixed = dt.datetime(2026, 12, 8, 9, 30, 15)
    demo_session.now = lambda: fixed
    draft = next(m for m in demo_session.meetings() if m.status is MeetingStatus.DRAFT)
    started = demo_session.start_meeting(draft.id)
    ended = demo_session.end_meeting(draft.id)
    assert started.actual_start == fixed and ended.actual_end == fixed
    assert demo_session.today() == dt.date(2026, 12, 8)
    assert demo_session.this_month() == "2026-12"
