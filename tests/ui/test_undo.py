"""ui/undo.py: one command undoes and redoes every undoable operation of the session exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from core.errors import ReviewError
from core.ids import new_id
from core.model import (
    AttendanceStatus,
    Decision,
    MeetingStatus,
    Rag,
    ReadingConfirmation,
    ReadingVerdict,
    ReviewStatus,
    Side,
)
from core.register import ActionFilter
from ui.session import Reversal, Session
from ui.undo import push_operation

TABLES = (
    "attendance",
    "decision",
    "action",
    "action_raci",
    "action_review",
    "reading",
    "reading_review",
    "initiative_progress",
)


def _state(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an undoable operation can touch (the audit log aside: it records undos too)."""
    db = session._db
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


def _live(session: Session) -> str:
    draft = next(m for m in session.meetings() if m.status is MeetingStatus.DRAFT)
    session.start_meeting(draft.id)
    return draft.id


def _attendance(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    person = session.people()[0]
    session.set_attendance(meeting_id, person.id, AttendanceStatus.APOLOGIES)
    return lambda: session.set_attendance(meeting_id, person.id, AttendanceStatus.PRESENT)


def _guest(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    return lambda: session.add_guest(meeting_id, "Zoë Guest", Side.PARTNER)


def _decision(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    decision = Decision(
        new_id(), meeting_id, "Freeze changes over the holidays", None, (session.people()[0].id,)
    )
    return lambda: session.add_decision(decision)


def _review(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    rows = session.action_rows(ActionFilter(open_at_meeting_id=meeting_id), meeting_id=meeting_id)
    action_id = rows[0].action.id
    session.review_action(meeting_id, action_id, ReviewStatus.AT_RISK, "first word")
    return lambda: session.review_action(meeting_id, action_id, ReviewStatus.DONE, "closed")


def _commitment(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    owner, due = session.people()[0], session.today() + dt.timedelta(days=14)
    return lambda: session.add_commitment(meeting_id, "Send the DR test report", owner, due)


def _progress(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    initiative_id = session.initiative_view(meeting_id)[0][0].initiative.id
    session.record_progress(meeting_id, initiative_id, 40, Rag.AMBER, "slow start")
    return lambda: session.record_progress(meeting_id, initiative_id, 55, Rag.GREEN, "caught up")


def _reading_review(session: Session, meeting_id: str) -> Callable[[], Reversal]:
    kpis, _, readings = session.dashboard_data()
    for kpi in kpis:
        for reading in readings.get(kpi.id, []):
            if reading.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
                return lambda: session.review_reading(
                    meeting_id, kpi, reading, ReadingVerdict.DISPUTED, "the figure excludes P2"
                )
    raise AssertionError("the demo has a reading to confirm")


OPERATIONS: dict[str, Callable[[Session, str], Callable[[], Reversal]]] = {
    "attendance": _attendance,
    "guest": _guest,
    "decision": _decision,
    "action review": _review,
    "commitment": _commitment,
    "initiative progress": _progress,
    "reading review": _reading_review,
}


@pytest.mark.parametrize("prepare", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_undo_puts_back_what_was_and_redo_the_same_records(
    qtbot: QtBot, demo_session: Session, prepare: Callable[[Session, str], Callable[[], Reversal]]
) -> None:
    """Done, undone, redone, undone again: the rows are as before (an earlier record of this
    meeting back in place), then exactly as after (the same ids); each step is announced."""
    operation = prepare(demo_session, _live(demo_session))
    stack = QUndoStack()
    before = _state(demo_session)
    said: list[object] = []
    demo_session.changed.connect(said.append)
    assert push_operation(stack, "the operation", operation) is None
    after = _state(demo_session)
    assert after != before
    stack.undo()
    assert _state(demo_session) == before
    stack.redo()
    assert _state(demo_session) == after
    stack.undo()
    assert _state(demo_session) == before
    assert len(said) == 4


def test_a_refused_operation_pushes_nothing(qtbot: QtBot, demo_session: Session) -> None:
    """The words of the refusal come back, and the Edit menu has nothing to undo."""
    stack = QUndoStack()

    def refused() -> Reversal:
        raise ReviewError("This meeting is signed off: its record cannot change.")

    assert push_operation(stack, "refused", refused) == (
        "This meeting is signed off: its record cannot change."
    )
    assert stack.count() == 0
