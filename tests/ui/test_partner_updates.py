"""Receive partner updates…: the proposals listed with their current values, all checked;
the facilitator unchecks one, edits another and accepts: only those are written, and the
session says what changed; a refused file says why and accepts nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from core import workbook_format as shape
from core.changes import Change
from core.model import MeetingStatus, ReviewStatus
from core.partner_updates import BY_WORKBOOK
from storage import partner_updates
from tests.partner_workbook import add_item, blank, fill
from ui.partner_updates import COMMENT, CURRENT, PROPOSED, WHAT, WHERE, PartnerUpdatesDialog
from ui.session import Session

WATCHED = ("action_review", "meeting_item", "audit_log", "received_workbook")


def _draft_id(session: Session) -> str:
    return next(m.id for m in session.meetings() if m.status is MeetingStatus.DRAFT)


def _stored(session: Session) -> list[list[tuple[Any, ...]]]:
    return [
        session._db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in WATCHED
    ]


def _text(dialog: PartnerUpdatesDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def test_accepting_a_subset_writes_only_the_checked(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """Three proposals, all checked, the flagged line listed below; one unchecked with the
    keyboard, one edited in place; "Accept checked" writes the two (the edited one as typed),
    each audited as the partner's, and announces reviews (the item left out is not written)."""
    demo_session.now = lambda: dt.datetime(2026, 11, 25, 9, 0)
    meeting_id = _draft_id(demo_session)
    known = partner_updates.workbook_context(demo_session._db, meeting_id)
    first, second, third = list(known.actions.values())[:3]
    book = blank(known)
    fill(book, shape.ACTIONS, first.id, Status="on track", Comment="On plan")
    fill(book, shape.ACTIONS, second.id, Status="done")
    bad = fill(book, shape.ACTIONS, third.id, Status="nearly")
    add_item(book, "Licence renewal", "Before March")
    path = tmp_path / "updates.xlsx"
    book.save(path)

    dialog = PartnerUpdatesDialog(demo_session, meeting_id, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 3
    assert dialog.checked_rows() == [0, 1, 2]
    was = first.status.label if first.status else "not reviewed yet"
    assert [_text(dialog, 0, c) for c in (WHAT, CURRENT, PROPOSED, COMMENT)] == [
        f"Action: {first.title} ({first.owner})",
        f"{was}, due {first.due.isoformat()}",
        "on track",
        "On plan",
    ]
    assert _text(dialog, 2, WHERE).startswith("Items to raise, row ")
    assert f"Our actions, row {bad}: Status: 'nearly' is not a status" in (
        dialog.flagged.toPlainText()
    )

    # Uncheck the item to raise with the keyboard.
    dialog.table.setFocus()
    dialog.table.setCurrentCell(2, WHAT)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.checked_rows() == [0, 1]
    # Change the second action's proposed status: at risk, with a new date, day first.
    cell = dialog.table.item(1, PROPOSED)
    assert cell is not None
    dialog.table.setCurrentItem(cell)
    dialog.table.editItem(cell)
    editor = dialog.table.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "at risk, due 15/01/2027")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # ends the edit, accepts nothing yet
    qtbot.waitUntil(lambda: dialog.table.viewport().findChild(QLineEdit) is None)
    assert dialog.isVisible()
    assert _text(dialog, 1, PROPOSED) == "at risk, due 15/01/2027"

    items_before = demo_session.items(meeting_id)
    with qtbot.waitSignal(demo_session.changed) as announced:
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert announced.args == [Change.REVIEWS]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.accepted_count == 2
    reviews = {
        action_id: (status, comment, new_due)
        for action_id, status, comment, new_due in demo_session._db.execute(
            "SELECT action_id, status, comment, new_due FROM action_review WHERE meeting_id = ?",
            [meeting_id],
        )
    }
    assert reviews[first.id] == (ReviewStatus.ON_TRACK.value, "On plan", None)
    assert reviews[second.id] == (ReviewStatus.AT_RISK.value, "", "2027-01-15")
    assert demo_session.items(meeting_id) == items_before
    audited = demo_session._db.execute(
        "SELECT entity_id, new FROM audit_log WHERE changed_by = ? AND field = 'partner update'",
        [BY_WORKBOOK],
    ).fetchall()
    assert audited == [(first.id, "on track — On plan"), (second.id, "at risk, due 2027-01-15")]


def test_an_edit_that_cannot_be_read_is_said_and_writes_nothing(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """A proposed value changed to something that is no status: the dialog stays open,
    says why (naming the line) and nothing is written."""
    meeting_id = _draft_id(demo_session)
    known = partner_updates.workbook_context(demo_session._db, meeting_id)
    book = blank(known)
    row = fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    path = tmp_path / "updates.xlsx"
    book.save(path)
    dialog = PartnerUpdatesDialog(demo_session, meeting_id, path)
    qtbot.addWidget(dialog)
    dialog.show()
    cell = dialog.table.item(0, PROPOSED)
    assert cell is not None
    cell.setText("finished")
    before = _stored(demo_session)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert f"Our actions, row {row}: 'finished' is not a status" in dialog.notice.text()
    assert _stored(demo_session) == before


def test_a_refused_file_says_why_and_accepts_nothing(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """A workbook with a renamed sheet: the refusal in words, no table, nothing to accept."""
    meeting_id = _draft_id(demo_session)
    book = blank(partner_updates.workbook_context(demo_session._db, meeting_id))
    book[shape.ACTIONS.name].title = "Actions"
    path = tmp_path / "updates.xlsx"
    book.save(path)
    dialog = PartnerUpdatesDialog(demo_session, meeting_id, path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "The sheet 'Our actions' is missing" in dialog.refusal
    assert "nothing was read" in dialog.summary.text()
    assert not dialog.accept_button.isEnabled()
    assert dialog.table.isHidden()
    assert dialog.reject_button.text() == "Close"


def test_meeting_menu_receives_the_partners_workbook_for_the_next_meeting(
    qtbot: QtBot, demo_path: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    """Meeting ▸ Receive partner updates… asks for the file and shows its proposals for the
    meeting prepared next; nothing is written until accepted."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog

    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    session = window.session
    assert session is not None and window.updates_action.isEnabled()
    meeting_id = _draft_id(session)
    known = partner_updates.workbook_context(session._db, meeting_id)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="on track", Comment="On plan")
    path = tmp_path / "from the partner.xlsx"
    book.save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    shown: list[PartnerUpdatesDialog] = []
    monkeypatch.setattr(PartnerUpdatesDialog, "exec", lambda dialog: shown.append(dialog))
    before = _stored(session)
    window.updates_action.trigger()
    (dialog,) = shown
    assert dialog.updates is not None and len(dialog.updates.proposals) == 1
    assert _stored(session) == before


def test_the_action_review_shows_what_the_partner_said(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """An accepted update appears in the action's row of the review: "partner says: on track
    — On plan", beside this meeting's review it became."""
    from PySide6.QtGui import QUndoStack

    from ui.action_review import ActionReviewView

    demo_session.now = lambda: dt.datetime(2026, 11, 25, 9, 0)
    meeting_id = _draft_id(demo_session)
    known = partner_updates.workbook_context(demo_session._db, meeting_id)
    action_id = next(iter(known.actions))
    book = blank(known)
    fill(book, shape.ACTIONS, action_id, Status="on track", Comment="On plan")
    path = tmp_path / "updates.xlsx"
    book.save(path)
    updates = demo_session.partner_updates(meeting_id, path.read_bytes(), path.name)
    demo_session.accept_partner_updates(meeting_id, updates, [(p, None) for p in updates.proposals])
    view = ActionReviewView(demo_session, QUndoStack())
    qtbot.addWidget(view)
    view.show_meeting(meeting_id)
    row = view.model.row_of(action_id)
    text = view.model.index(row, 8).data()
    assert text.startswith("on track") and "partner says: on track" in text and "On plan" in text
