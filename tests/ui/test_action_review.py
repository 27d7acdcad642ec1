"""The action review: every open action reviewed from the keyboard, undoable, recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.model import ActionState, AgendaItemKind, ReviewStatus
from core.register import ActionFilter
from storage import repository
from storage.database import open_database
from tests.ui.drive import live_meeting_at
from tests.ui.look import clipped_cells, clipped_headers, text_width, themed
from ui import palette
from ui.main_window import MainWindow


def _review_item(qtbot: QtBot, settings: QSettings, path: Path) -> MainWindow:
    return live_meeting_at(qtbot, settings, path, AgendaItemKind.ACTION_REVIEW)


def test_every_open_action_is_reviewed_with_the_keyboard_alone(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """D, T, R, L and X review the selected action and move to the next; all are recorded."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    meeting_id = window.meeting_page.meeting.id  # type: ignore[union-attr]
    total = view.model.rowCount()
    assert total >= 10
    keys = [Qt.Key.Key_D, Qt.Key.Key_T, Qt.Key.Key_R, Qt.Key.Key_L, Qt.Key.Key_X]
    view.table.setFocus()
    view.table.selectRow(0)
    expected = {}
    for index in range(total):
        row = view.current_row()
        assert row is not None
        key = keys[index % len(keys)]
        expected[row.action.id] = {
            Qt.Key.Key_D: ReviewStatus.DONE,
            Qt.Key.Key_T: ReviewStatus.ON_TRACK,
            Qt.Key.Key_R: ReviewStatus.AT_RISK,
            Qt.Key.Key_L: ReviewStatus.LATE,
            Qt.Key.Key_X: ReviewStatus.DROPPED,
        }[key]
        qtbot.keyClick(view.table, key)
    assert view.progress.text().startswith(f"<b>Reviewed {total} of {total}</b>")
    window.close()

    db = open_database(demo_path)
    try:
        reviews = {r.action_id: r for r in repository.reviews_in_meeting(db, meeting_id)}
        assert {a: r.status for a, r in reviews.items()} == expected
        for action_id, status in expected.items():
            action = repository.action(db, action_id)
            if status is ReviewStatus.DONE:
                assert action.state is ActionState.DONE and action.closed_in_id == meeting_id
            elif status is ReviewStatus.DROPPED:
                assert action.state is ActionState.DROPPED
            else:
                assert action.state is ActionState.OPEN
    finally:
        db.close()


def test_second_review_replaces_the_first_visibly_and_undo_restores_it(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Reviewing an action twice in one meeting replaces the first review and says so; undo
    puts the first one back, and undo again leaves the action unreviewed."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    session = window.session
    assert session is not None
    view.table.selectRow(0)
    action_id = view.current_row().action.id  # type: ignore[union-attr]
    view.review_current(ReviewStatus.ON_TRACK)
    view.table.selectRow(view.model.row_of(action_id))
    view.review_current(ReviewStatus.DONE)
    assert "Replaced" in view.notice.text() and "on track → done" in view.notice.text()
    here = view.model.row_at(view.model.row_of(action_id)).review_here
    assert here is not None and here.status is ReviewStatus.DONE
    assert session.action_rows(ActionFilter(state=ActionState.DONE, text=""), limit=-1)
    window.undo_stack.undo()
    here = view.model.row_at(view.model.row_of(action_id)).review_here
    assert here is not None and here.status is ReviewStatus.ON_TRACK
    window.undo_stack.undo()
    assert view.model.row_at(view.model.row_of(action_id)).review_here is None
    assert repository.action(session._db, action_id).state is ActionState.OPEN


def test_a_new_due_date_is_a_slip_kept_in_the_actions_history(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """N gives a new due date: the action's current due moves, its slips count grows, and the
    audit log keeps the change."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    session = window.session
    assert session is not None
    view.table.selectRow(0)
    row = view.current_row()
    assert row is not None
    new_due = dt.date(2027, 1, 29)
    view.ask_new_due = lambda _row: (new_due, "Waiting for the vendor patch")  # type: ignore[method-assign]
    view.reschedule_current()
    after = view.model.row_at(view.model.row_of(row.action.id))
    assert after.action.due == new_due
    assert after.slips == row.slips + 1
    assert (
        after.review_here is not None
        and after.review_here.comment == "Waiting for the vendor patch"
    )
    reviews, audit = session.action_history(row.action.id)
    assert any(r.new_due == new_due for r in reviews)
    assert any(e.field == "current_due" and e.new == new_due.isoformat() for e in audit)


def test_overdue_rows_are_marked_by_text_not_colour_alone(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Overdue actions carry a ⚠ and their days late in their own column."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    texts = [view.model.index(r, 6).data() for r in range(view.model.rowCount())]
    assert any(t.startswith("⚠") for t in texts)


def test_side_filter_and_progress_per_side(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Filtering by side shows only that side's actions; the progress line counts both."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    view.side.setCurrentIndex(2)
    sides = {view.model.row_at(r).action.side.value for r in range(view.model.rowCount())}
    assert sides == {"partner"}
    assert "Enterprise 0/" in view.progress.text() and "Partner 0/" in view.progress.text()


def test_projector_shows_the_review_table_with_the_row_under_review(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The room sees the same table in large print, the selected row highlighted."""
    window = _review_item(qtbot, settings, demo_path)
    projector = window.open_projector()
    assert projector is not None
    qtbot.addWidget(projector)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    view.table.selectRow(1)
    title = view.current_row().action.title  # type: ignore[union-attr]
    html = view.projector_html()
    highlighted = html.split('style="background:#1f5fa8;color:#ffffff;"')[1]
    assert title.split()[0] in highlighted.split("</tr>")[0]
    assert title.split()[0] in projector.content.toPlainText()
    projector.close()


def test_after_a_slip_the_room_moves_on_to_the_action_it_was_about_to_see(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """A slip far into the future re-sorts the table; the selection goes to the action that
    followed the slipped one, not to whatever row now comes next."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    view.table.selectRow(0)
    slipped = view.model.row_at(0).action.id
    following = view.model.row_at(1).action.id
    view.ask_new_due = lambda _row: (dt.date(2030, 1, 31), "Vendor")  # type: ignore[method-assign]
    view.reschedule_current()
    assert view.model.row_of(slipped) != 0  # it moved down the table
    current = view.current_row()
    assert current is not None and current.action.id == following


@pytest.mark.parametrize(
    ("typed", "days_or_date"),
    [("+2w", None), ("fri", None), ("end of month", None), ("2027-01-15", "2027-01-15")],
)
def test_the_new_due_date_takes_the_quick_add_dates(
    qtbot: QtBot, typed: str, days_or_date: str | None
) -> None:
    """Typed as the quick-add line takes dates, understood as it is typed, OK only when read."""
    from core.quickadd import parse_due
    from ui.action_review import NewDueDialog

    today = dt.date(2026, 12, 7)
    dialog = NewDueDialog(_row_due(dt.date(2026, 12, 1)), today)
    qtbot.addWidget(dialog)
    dialog.when.setText(typed)
    assert dialog.due == parse_due(typed, today)
    assert dialog.ok.isEnabled() and str(dialog.due.day) in dialog.understood.text()
    dialog.when.setText("the day after never")
    assert dialog.due is None and not dialog.ok.isEnabled()
    assert "Cannot read" in dialog.understood.text()


@pytest.mark.parametrize(("typed", "answer", "taken"), [
    ("2026-01-15", QMessageBox.StandardButton.No, False),
    ("2026-01-15", QMessageBox.StandardButton.Yes, True),
    ("2029-06-30", QMessageBox.StandardButton.No, False),
])  # fmt: skip
def test_a_past_or_far_off_date_is_asked_about_first(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, typed: str, answer: Any, taken: bool
) -> None:
    """The slip the room made by mistake (an ISO date a year off) is caught before saving."""
    from ui.action_review import NewDueDialog

    asked: list[str] = []

    def question(*args: Any) -> Any:
        asked.append(args[2])
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = NewDueDialog(_row_due(dt.date(2026, 12, 1)), dt.date(2026, 12, 7))
    qtbot.addWidget(dialog)
    dialog.when.setText(typed)
    dialog.accept()
    assert len(asked) == 1 and ("in the past" in asked[0] or "a year away" in asked[0])
    assert (dialog.result() == QDialog.DialogCode.Accepted) is taken


def _row_due(due: dt.date) -> Any:
    from core.model import Action, Side
    from core.register import ActionRow

    action = Action("a", "p", "Publish the patch calendar", "o", Side.PARTNER, due, None, due)
    return ActionRow(action, "Emre Çelik", 24, due, 0, None, "")


def test_the_last_review_stays_beside_todays(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Reviewing an action today leaves its "Last review" column at the previous meeting's
    state: the room sees both, side by side."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    index = next(
        r for r in range(view.model.rowCount()) if view.model.row_at(r).last_status is not None
    )
    before = view.model.row_at(index)
    assert before.last_status is not None
    view.table.selectRow(index)
    today = next(s for s in ReviewStatus if s is not before.last_status and not s.closes)
    view.review_current(today)
    after = view.model.row_at(view.model.row_of(before.action.id))
    assert after.last_status is before.last_status
    assert after.review_here is not None and after.review_here.status is today
    row = view.model.row_of(before.action.id)
    assert view.model.index(row, 7).data() == before.last_status.label
    assert view.model.index(row, 8).data().startswith(today.label)


def test_a_comment_alone_is_a_comment_not_a_review(
    qtbot: QtBot, settings: QSettings, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C on an action not yet reviewed records what the room said, judging nothing: the
    action stays as it was, the progress does not count it, ending the meeting lists it as
    not reviewed; a status given afterwards keeps the comment."""
    from PySide6.QtWidgets import QInputDialog

    window = _review_item(qtbot, settings, demo_path)
    page = window.meeting_page
    assert page is not None and page.meeting is not None and window.session is not None
    view = page.review_view
    view.table.setFocus()
    view.table.selectRow(0)
    row = view.current_row()
    assert row is not None
    before = window.session.action_rows(ActionFilter(action_id=row.action.id))[0].action
    progress = view.progress.text()
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *a, **k: ("Vendor call on Friday", True)
    )
    qtbot.keyClick(view.table, Qt.Key.Key_C)
    here = window.session.action_rows(
        ActionFilter(action_id=row.action.id), meeting_id=page.meeting.id
    )[0]
    assert here.review_here is not None
    assert here.review_here.status is ReviewStatus.NOTED
    assert here.review_here.comment == "Vendor call on Friday"
    assert not here.reviewed_here and here.action == before
    assert view.progress.text() == progress  # not counted as reviewed
    assert "comment only" in ReviewStatus.NOTED.label
    view.table.selectRow(view.model.row_of(row.action.id))
    qtbot.keyClick(view.table, Qt.Key.Key_T)
    judged = window.session.action_rows(
        ActionFilter(action_id=row.action.id), meeting_id=page.meeting.id
    )[0]
    assert judged.review_here is not None
    assert judged.review_here.status is ReviewStatus.ON_TRACK
    assert judged.review_here.comment == "Vendor call on Friday"
    assert judged.reviewed_here


# --- the look: columns fit their words, overdue marks only its cells -------------------------


def test_at_a_normal_width_no_short_column_is_cut_and_a_long_title_is_whole_in_its_tip(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_path: Path
) -> None:
    """At 1440 pixels every owner, side, meeting, due date, slip, overdue and review reads
    whole, headers too; the Action column takes the rest, and a title it cuts is whole in its
    tooltip."""
    with themed(qapp, settings):
        window = _review_item(qtbot, settings, demo_path)
        window.resize(1440, 900)
        qtbot.waitExposed(window)
        view = window.meeting_page.review_view  # type: ignore[union-attr]
        table = view.table
        qtbot.waitUntil(lambda: table.viewport().width() > 900)
        short = list(range(1, view.model.columnCount()))
        assert clipped_cells(table, short) == []
        assert clipped_headers(table, short) == []
        # the Action column has what is left, at least the columns' minimum for it
        assert table.columnWidth(0) >= 220
        used = sum(table.columnWidth(c) for c in range(view.model.columnCount()))
        assert used <= table.viewport().width()
        longest = max(
            range(view.model.rowCount()), key=lambda r: len(view.model.row_at(r).action.title)
        )
        title = view.model.row_at(longest).action.title
        cell = view.model.index(longest, 0)
        assert text_width(table, cell) > table.columnWidth(0)  # cut on screen…
        tip = str(cell.data(Qt.ItemDataRole.ToolTipRole))
        assert tip.splitlines()[0] == title  # …whole in its tooltip
        window.close()


def test_a_narrow_table_cuts_its_widest_columns_last_and_keeps_their_text_in_tips(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_path: Path
) -> None:
    """Too narrow for every column, the widest give way (elided), never past the table; each
    cut cell's whole text is its tooltip."""
    with themed(qapp, settings):
        window = _review_item(qtbot, settings, demo_path)
        window.resize(1000, 800)
        qtbot.waitExposed(window)
        view = window.meeting_page.review_view  # type: ignore[union-attr]
        table = view.table
        model = view.model
        qtbot.waitUntil(lambda: table.viewport().width() > 400)
        used = sum(table.columnWidth(c) for c in range(model.columnCount()))
        assert used <= table.viewport().width()
        cut = [
            model.index(row, column)
            for row in range(model.rowCount())
            for column in range(1, model.columnCount())
            if text_width(table, model.index(row, column)) > table.columnWidth(column)
        ]
        assert cut  # something had to give at this width
        for index in cut:
            assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(index.data())
        window.close()


def test_overdue_marks_its_due_date_and_days_not_the_whole_row(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """An overdue action's due date and "⚠ N d" are red (the days bold); its title and other
    cells keep the ink colour and normal weight."""
    window = _review_item(qtbot, settings, demo_path)
    view = window.meeting_page.review_view  # type: ignore[union-attr]
    model = view.model
    on = window.session.today()  # type: ignore[union-attr]
    late = [r for r in range(model.rowCount()) if model.row_at(r).days_overdue(on)]
    assert late
    for row in late:
        for column in range(model.columnCount()):
            index = model.index(row, column)
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
            font = index.data(Qt.ItemDataRole.FontRole)
            if column in (model.DUE_COLUMN, model.OVERDUE_COLUMN):
                assert colour.color().name() == palette.ERROR
            else:
                assert colour is None, model.HEADERS[column]
            assert (font is not None and font.bold()) == (column == model.OVERDUE_COLUMN)
        assert model.index(row, model.OVERDUE_COLUMN).data().startswith("⚠")
    window.close()
