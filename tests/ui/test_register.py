"""The action register screen over the demo: filters, lazy pages, exports, history."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPushButton, QTableWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from core.model import ActionState, ReviewStatus, Side
from core.register import ActionFilter
from storage.demo import create_demo
from tests.ui.conftest import DEMO_TODAY
from tests.ui.look import clipped_cells, clipped_headers, text_width, themed
from ui import palette
from ui.action_history import ActionHistoryDialog
from ui.register import PAGE_SIZE, SEARCH_DELAY_MS, RegisterModel, RegisterPage
from ui.session import Session


class _ScriptedRegisterPage(RegisterPage):
    """The register with the file dialog replaced by a path chosen in advance."""

    export_to: Path | None = None

    def ask_export_path(self, caption: str, suggested: str, file_filter: str) -> Path | None:
        return self.export_to


def _page(qtbot: QtBot, session: Session) -> _ScriptedRegisterPage:
    page = _ScriptedRegisterPage(session, DEMO_TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _titles(page: RegisterPage) -> list[str]:
    model = page.model
    return [model.row_at(row).action.title for row in range(model.rowCount())]


def _count(page: RegisterPage) -> tuple[int, int]:
    shown, _, total, _ = page.count_label.text().split()
    return int(shown), int(total)


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def _choose(value: Side | ActionState | None, page: RegisterPage, combo: str) -> None:
    box = getattr(page, combo)
    index = box.findData(value.value if value is not None else None)
    assert index >= 0
    box.setCurrentIndex(index)


def test_register_model_passes_the_model_tester(
    qtmodeltester: ModelTester, demo_session: Session
) -> None:
    """The lazily fetched register model keeps Qt's model contract."""
    model = RegisterModel(demo_session, DEMO_TODAY, page_size=50)
    model.set_filter(ActionFilter())
    qtmodeltester.check(model)
    assert model.canFetchMore(model.index(0, 0).parent())
    model.set_filter(ActionFilter(state=ActionState.OPEN))
    qtmodeltester.check(model)


def test_overdue_rows_are_marked_with_text_and_colour(demo_session: Session) -> None:
    """An overdue action says "⚠ N days" in red and bold, so colour is never alone; its
    current due date is red too, and nothing else of the row: the title keeps its ink."""
    model = RegisterModel(demo_session, DEMO_TODAY)
    model.set_filter(ActionFilter(overdue_on=DEMO_TODAY))
    assert model.rowCount() > 0
    column = RegisterModel.OVERDUE_COLUMN
    for row in range(model.rowCount()):
        index = model.index(row, column)
        days = model.row_at(row).days_overdue(DEMO_TODAY)
        assert days > 0
        assert model.data(index) == f"⚠ {days} {'day' if days == 1 else 'days'}"
        assert model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
        assert model.data(index, Qt.ItemDataRole.FontRole).bold()
        due = model.index(row, RegisterModel.DUE_COLUMN)
        assert model.data(due, Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
        for other in (0, 1, 2, 3, 4, 6, 9):
            assert model.data(model.index(row, other), Qt.ItemDataRole.ForegroundRole) is None
            assert model.data(model.index(row, other), Qt.ItemDataRole.FontRole) is None
    model.set_filter(ActionFilter(state=ActionState.DONE))
    assert model.data(model.index(0, column)) == ""
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole) is None


def test_filters_change_the_count_and_the_rows(qtbot: QtBot, demo_session: Session) -> None:
    """Side, state, overdue and owner filters narrow the table and the "N of M" label."""
    page = _page(qtbot, demo_session)
    total = demo_session.count_actions(ActionFilter())
    open_count = demo_session.count_actions(ActionFilter(state=ActionState.OPEN))
    assert page.current_filter().state is ActionState.OPEN
    assert _count(page) == (open_count, total)
    assert page.count_label.text() == f"{open_count} of {total} actions"
    assert all(page.model.row_at(r).action.state is ActionState.OPEN for r in range(open_count))

    _choose(Side.PARTNER, page, "side")
    partner_open = page.model.rowCount()
    assert 0 < partner_open < open_count
    assert _count(page) == (partner_open, total)
    assert {page.model.row_at(r).action.side for r in range(partner_open)} == {Side.PARTNER}
    owners = [page.owner.itemData(i) for i in range(1, page.owner.count())]
    people = {p.id: p for p in demo_session.people()}
    assert owners and all(people[o].side is Side.PARTNER for o in owners)

    _choose(None, page, "state")
    assert _count(page)[0] == demo_session.count_actions(ActionFilter(side=Side.PARTNER))
    _choose(ActionState.DONE, page, "state")
    done = [page.model.row_at(r).action.state for r in range(page.model.rowCount())]
    assert done and set(done) == {ActionState.DONE}

    _choose(None, page, "side")
    _choose(ActionState.OPEN, page, "state")
    qtbot.mouseClick(page.overdue_only, Qt.MouseButton.LeftButton)
    assert page.overdue_only.isChecked()
    overdue = page.model.rowCount()
    assert 0 < overdue < open_count
    assert _count(page) == (overdue, total)
    assert all(page.model.row_at(r).days_overdue(DEMO_TODAY) > 0 for r in range(overdue))

    page.overdue_only.setChecked(False)
    first_owner = page.owner.itemData(1)
    page.owner.setCurrentIndex(1)
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert all(r.action.owner_id == first_owner for r in rows)
    assert _count(page)[0] == len(rows)


def test_search_filters_after_the_debounce(qtbot: QtBot, demo_session: Session) -> None:
    """Typing waits 250 ms, then shows only actions whose title or owner matches."""
    page = _page(qtbot, demo_session)
    _choose(None, page, "state")
    before = page.model.rowCount()
    qtbot.keyClicks(page.search, "disaster")
    assert page.model.rowCount() == before  # not yet: the search waits for typing to pause
    qtbot.waitUntil(lambda: page.model.rowCount() < before, timeout=SEARCH_DELAY_MS + 1000)
    titles = _titles(page)
    assert titles and all("disaster" in t.lower() for t in titles)
    assert _count(page)[0] == len(titles)

    page.search.clear()
    page.search.insert("Дмитрий")  # QTest types ASCII only; this is what an input method does
    qtbot.waitUntil(
        lambda: (
            {page.model.row_at(r).owner_name for r in range(page.model.rowCount())}
            == {"Дмитрий Смирнов"}
        ),
        timeout=SEARCH_DELAY_MS + 1000,
    )

    page.search.clear()
    qtbot.keyClicks(page.search, "no action is called this")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=SEARCH_DELAY_MS + 1000)
    assert page.count_label.text().startswith("0 of ")


def test_register_fetches_rows_a_page_at_a_time(qtbot: QtBot, tmp_path: Path) -> None:
    """With more actions than a page, the table starts with one page and grows on demand."""
    path = create_demo(tmp_path / "big.db", scale=2, today=DEMO_TODAY)
    session = Session.open(path)
    try:
        page = _page(qtbot, session)
        _choose(None, page, "state")
        model = page.model
        matching = session.count_actions(ActionFilter())
        assert matching > PAGE_SIZE
        assert model.matching == matching
        assert model.rowCount() <= PAGE_SIZE
        assert model.canFetchMore(model.index(0, 0).parent())
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda: model.rowCount() > PAGE_SIZE, timeout=3000)
        while model.canFetchMore(model.index(0, 0).parent()):
            model.fetchMore(model.index(0, 0).parent())
        assert model.rowCount() == matching
        ids = [model.row_at(r).action.id for r in range(model.rowCount())]
        assert len(set(ids)) == matching
        dues = [model.row_at(r).action.due for r in range(model.rowCount())]
        assert dues == sorted(dues)
        assert _count(page) == (matching, matching)
        page.close()
    finally:
        session.close()


def test_export_csv_writes_every_matching_row(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """The CSV export holds all actions matching the filter, with a BOM and readable names."""
    page = _page(qtbot, demo_session)
    _choose(None, page, "state")
    page.export_to = tmp_path / "register.csv"
    with qtbot.waitSignal(page.exported) as signal:
        qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    assert signal.args == [page.export_to]
    data = page.export_to.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    with page.export_to.open(encoding="utf-8-sig", newline="") as file:
        table = list(csv.DictReader(file))
    assert len(table) == demo_session.count_actions(ActionFilter()) > PAGE_SIZE
    assert "Дмитрий Смирнов" in {line["Owner"] for line in table}
    assert all(dt.date.fromisoformat(line["Current due"]) for line in table)
    assert "Exported" in page.notice.text()


def test_export_calendar_writes_one_event_per_open_action(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """The calendar export has one all-day event per open action matching the filter."""
    page = _page(qtbot, demo_session)
    _choose(Side.ENTERPRISE, page, "side")
    page.export_to = tmp_path / "open-actions.ics"
    qtbot.mouseClick(page.ics_button, Qt.MouseButton.LeftButton)
    calendar = Calendar.from_ical(page.export_to.read_bytes())
    events = calendar.walk("VEVENT")
    expected = demo_session.action_rows(ActionFilter(side=Side.ENTERPRISE, state=ActionState.OPEN))
    assert len(events) == len(expected) > 0
    due = {f"{r.action.id}@review-facilitator": r.action.due for r in expected}
    assert {str(e["UID"]): e.decoded("DTSTART") for e in events} == due


def test_export_into_a_read_only_folder_says_so(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """An export that cannot be written is reported on the page, and no file appears."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running with rights that ignore folder permissions (root)")
        page = _page(qtbot, demo_session)
        page.export_to = folder / "register.csv"
        assert page.export_csv() is None
        assert "Could not save register.csv" in page.notice.text()
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_history_dialog_lists_the_reviews_of_a_slipped_action(
    qtbot: QtBot, demo_session: Session
) -> None:
    """Enter on a slipped action opens its history: every review, the slip marked, the changes."""
    slipped = next(r for r in demo_session.action_rows(ActionFilter()) if r.slips)
    meeting = demo_session.next_meeting()
    assert meeting is not None
    demo_session.review_action(
        meeting.id, slipped.action.id, ReviewStatus.LATE, "Moved again", dt.date(2027, 2, 1)
    )
    page = _page(qtbot, demo_session)
    _choose(None, page, "state")
    page.search.setText(slipped.action.title)
    page.apply_filter()
    row = next(
        r
        for r in range(page.model.rowCount())
        if page.model.row_at(r).action.id == slipped.action.id
    )
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.history_dialog
    assert isinstance(dialog, ActionHistoryDialog)
    qtbot.waitExposed(dialog)
    reviews, changes = demo_session.action_history(slipped.action.id)
    assert dialog.review_table.rowCount() == len(reviews) >= 2
    statuses = [_cell(dialog.review_table, r, 2) for r in range(len(reviews))]
    assert statuses[-1] == "Late"
    slips = [
        _cell(dialog.review_table, r, 3)
        for r in range(len(reviews))
        if _cell(dialog.review_table, r, 3)
    ]
    assert len(slips) == len([r for r in reviews if r.new_due]) >= 2
    assert all("(slip)" in text for text in slips)
    assert "2027-02-01" in slips[-1]
    assert dialog.change_table.rowCount() == len(changes) > 0
    fields = [_cell(dialog.change_table, r, 1) for r in range(len(changes))]
    assert "Current due" in fields
    change = _cell(dialog.change_table, fields.index("Current due"), 2)
    assert change.endswith("→ 2027-02-01")
    dialog.close()
    assert page.history_dialog is None


def test_double_click_opens_the_history(qtbot: QtBot, demo_session: Session) -> None:
    """Double-clicking a row opens that action's history dialog."""
    page = _page(qtbot, demo_session)
    index = page.model.index(0, 0)
    rect = page.table.visualRect(index)
    viewport = page.table.viewport()
    # A real double-click starts with a press; QTest's double-click event alone lacks it.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.history_dialog
    assert dialog is not None
    assert dialog.row.action.id == page.model.row_at(0).action.id
    dialog.close()


def test_register_follows_changes_made_elsewhere(qtbot: QtBot, demo_session: Session) -> None:
    """A review closing an action elsewhere takes it off the register's open list."""
    page = _page(qtbot, demo_session)
    before = page.model.rowCount()
    first = page.model.row_at(0)
    meeting = demo_session.next_meeting()
    assert meeting is not None
    demo_session.review_action(meeting.id, first.action.id, ReviewStatus.DONE)
    assert page.model.rowCount() == before - 1
    assert first.action.id not in {page.model.row_at(r).action.id for r in range(before - 1)}
    assert _count(page)[0] == before - 1


def test_ctrl_r_opens_the_register_from_the_main_window(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The register is one shortcut away from anywhere in the app, and Ctrl+Home goes back."""
    from ui.main_window import MainWindow
    from ui.register import RegisterPage

    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    assert window.register_action.shortcut().toString() == "Ctrl+R"
    window.register_action.trigger()
    assert isinstance(window.pages.currentWidget(), RegisterPage)
    window.home_action.trigger()
    assert window.pages.currentWidget() is window.home


def test_at_a_normal_width_no_short_column_is_cut_and_titles_are_whole_in_tips(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_session: Session
) -> None:
    """At 1440 pixels the owners, sides, dates, slips, overdue days and states read whole,
    headers too; the Action column takes the rest and a title it cuts is whole in its tip."""
    with themed(qapp, settings):
        page = _ScriptedRegisterPage(demo_session, DEMO_TODAY)
        qtbot.addWidget(page)
        page.resize(1440, 900)
        page.show()
        qtbot.waitExposed(page)
        table, model = page.table, page.model
        qtbot.waitUntil(lambda: table.viewport().width() > 1200)
        short = list(range(1, 9))  # the last review, a comment, may be cut: its tip has it
        assert clipped_cells(table, short) == []
        assert clipped_headers(table, [*short, 9]) == []
        assert table.columnWidth(0) >= 240
        assert sum(table.columnWidth(c) for c in range(10)) <= table.viewport().width()
        for row in range(model.rowCount()):
            cell = model.index(row, 0)
            tip = str(cell.data(Qt.ItemDataRole.ToolTipRole))
            assert tip.splitlines()[0] == model.row_at(row).action.title
            last = model.index(row, 9)
            if text_width(table, last) > table.columnWidth(9):
                assert last.data(Qt.ItemDataRole.ToolTipRole) == last.data()


def _icon_colours(button: QPushButton) -> set[str]:
    """The colours of the opaque pixels of a button's icon."""
    image = button.icon().pixmap(32, 32).toImage()
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_the_register_buttons_carry_icons_in_the_detail_colour(
    qtbot: QtBot, demo_session: Session
) -> None:
    """Back, CSV and calendar buttons carry the app's icons, drawn in the detail colour (white
    is for the primary button's); the back button says "Meetings" without an arrow character."""
    page = _page(qtbot, demo_session)
    assert page.back_button.text() == "Meetings"
    for button in (page.back_button, page.csv_button, page.ics_button):
        assert _icon_colours(button) == {palette.DETAIL}
