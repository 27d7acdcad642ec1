"""Strategic initiatives in the meeting: progress recorded, undone, found after reopening;
one chart however often the items change; milestones due; the projector's large print."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.model import AgendaItemKind, MeetingStatus, Rag
from storage import initiatives as initiative_store
from tests.ui.drive import live_meeting_at
from tests.ui.look import clipped_cells, themed
from ui import palette
from ui.initiatives import InitiativesView
from ui.main_window import MainWindow
from ui.session import Session


def _view(window: MainWindow) -> InitiativesView:
    assert window.meeting_page is not None
    return window.meeting_page.initiatives_view


def test_percent_rag_and_comment_are_recorded_undone_and_found_after_reopening(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The facilitator sets %, RAG and comment for an initiative; undo takes it back, redo
    puts it again; once the file is reopened, the meeting's progress is there."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
    view = _view(window)
    assert window.meeting_page is not None and window.meeting_page.meeting is not None
    meeting = window.meeting_page.meeting
    assert view.model.rowCount() == 5
    view.table.selectRow(1)
    status = view.current_status()
    assert status is not None and status.here is None and status.previous is not None
    assert view.form.percent.value() == status.previous.percent_complete  # starts from last
    view.form.percent.setValue(63)
    qtbot.mouseClick(view.form.rag_buttons[Rag.AMBER], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.form.comment, "Test data still outstanding")
    qtbot.mouseClick(view.form.record_button, Qt.MouseButton.LeftButton)
    recorded = view.current_status()
    assert recorded is not None and recorded.here is not None
    assert (recorded.here.percent_complete, recorded.here.rag, recorded.here.comment) == (
        63,
        Rag.AMBER,
        "Test data still outstanding",
    )
    row = view.model.row_of(recorded.initiative.id)
    assert view.model.data(view.model.index(row, 6)) == "▲ AMBER"
    assert "Recorded 1 of 5" in view.summary.text()
    assert recorded.history[-1][1:] == (63, Rag.AMBER)

    window.undo_stack.undo()
    status = view.current_status()
    assert status is not None and status.here is None
    window.undo_stack.redo()
    window.close()

    again = MainWindow(settings, interactive=False)
    qtbot.addWidget(again)
    assert again.open_database(demo_path) and again.session is not None
    stored = initiative_store.progress_in(again.session._db, recorded.initiative.id, meeting.id)
    assert stored is not None
    assert (stored.percent_complete, stored.rag, stored.comment) == (
        63,
        Rag.AMBER,
        "Test data still outstanding",
    )
    again.close()


def test_a_refused_record_is_said_in_the_form_and_writes_nothing(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """No RAG chosen, or a comment past 500 characters: said under the form; nothing saved."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
    view = _view(window)
    view.table.selectRow(4)
    status = view.current_status()
    assert status is not None and window.meeting_page is not None
    assert window.meeting_page.meeting is not None and window.session is not None
    meeting_id = window.meeting_page.meeting.id
    view.form.rag_group.setExclusive(False)
    for button in view.form.rag_buttons.values():
        button.setChecked(False)
    view.form.rag_group.setExclusive(True)
    view.record_current()
    assert "Choose the RAG" in view.form.message.text()
    qtbot.mouseClick(view.form.rag_buttons[Rag.GREEN], Qt.MouseButton.LeftButton)
    view.form.comment.setText("x" * 520)
    view.record_current()
    assert "at most 500 characters" in view.form.message.text()
    progress = initiative_store.progress_in(window.session._db, status.initiative.id, meeting_id)
    assert progress is None
    assert window.undo_stack.count() == 0
    window.close()


def test_progress_is_read_not_changed_in_a_draft_or_a_signed_meeting(
    qtbot: QtBot, demo_session: Session
) -> None:
    """Before the meeting starts and once it is signed, the form is off and says why."""
    from PySide6.QtGui import QUndoStack

    view = InitiativesView(demo_session, QUndoStack())
    qtbot.addWidget(view)
    for status, words in ((MeetingStatus.DRAFT, "once the meeting has started"),
                          (MeetingStatus.SIGNED, "signed off")):  # fmt: skip
        meeting = [m for m in demo_session.meetings() if m.status is status][-1]
        view.show_meeting(meeting.id)
        assert not view.form.isEnabled()
        assert words in view.form.status.text()
    view.release()


def test_one_chart_however_often_the_items_change(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Moving between the agenda items again and again makes no new pyqtgraph chart: the
    initiatives view keeps its one, the dashboard's drill-down its one (PITFALLS.md)."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
    page = window.meeting_page
    assert page is not None
    view = _view(window)
    chart = view.chart
    dashboard = next(
        i for i, it in enumerate(page.rail_model.items()) if it.kind is AgendaItemKind.DASHBOARD
    )
    initiatives = dashboard + 1
    page.go_to(dashboard)
    page.dashboard_view.open_kpi(page.dashboard_view.tile_frames[0].tile.kpi.id)

    def charts() -> set[pg.PlotWidget]:
        """This window's charts (earlier tests' windows may still be on their way out)."""
        return {
            w
            for w in QApplication.allWidgets()
            if isinstance(w, pg.PlotWidget) and w.window() is window
        }

    before = charts()
    assert before == {chart, page.dashboard_view.drill_down.plot}
    for turn in range(12):
        page.go_to(initiatives)
        view.table.selectRow(turn % 5)
        page.go_to(dashboard)
    assert charts() == before
    window.close()


def test_milestones_due_and_the_projector_shows_the_initiatives_in_large_print(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The milestone list names the next meeting's date; the projector shows each
    initiative's name, % complete and RAG as a word."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
    view = _view(window)
    assert view.next_date is not None
    assert f"{view.next_date:%a %d %b %Y}" in view.milestones_title.text()
    assert view.milestones.count() >= 1
    projector = window.open_projector()
    assert projector is not None
    text = projector.content.toPlainText()
    for status in view.model.rows():
        assert status.initiative.name in text
        shown = status.shown
        assert shown is not None
        assert f"{shown.percent_complete}%" in text
        assert shown.rag.label in text
    projector.close()
    window.close()


def test_the_initiatives_say_their_heading_once_and_fit_their_columns(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_path: Path
) -> None:
    """No second "Strategic initiatives" heading under the item's; at 1920 pixels the table's
    columns read whole beside the comment; the primary button's icon is white."""
    with themed(qapp, settings):
        window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
        window.resize(1920, 1080)
        qtbot.waitExposed(window)
        view = _view(window)
        table = view.table
        qtbot.waitUntil(lambda: table.viewport().width() > 1200)
        assert not hasattr(view, "title")
        columns = [c for c in range(view.model.columnCount()) if c != 7]
        assert clipped_cells(table, columns) == []
        image = view.form.record_button.icon().pixmap(32, 32).toImage()
        opaque = {
            image.pixelColor(x, y).name()
            for x in range(32)
            for y in range(32)
            if image.pixelColor(x, y).alpha() == 255
        }
        assert opaque == {palette.WHITE}
        view.release()
        window.close()
