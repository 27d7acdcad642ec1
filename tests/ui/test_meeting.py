"""A whole meeting driven through the real windows, then the database read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from core.model import AgendaItemKind, AttendanceStatus, MeetingStatus, ReviewStatus
from storage import repository
from storage.database import open_database
from tests.ui.drive import live_meeting_at
from tests.ui.look import themed
from ui import palette
from ui.attendance import AttendanceDialog
from ui.main_window import MainWindow
from ui.meeting import AgendaRailDelegate
from ui.models import AgendaRailModel
from ui.notes import SAVE_DELAY_MS
from ui.undo import push_operation


def _window(qtbot: QtBot, settings: QSettings, path: Path) -> MainWindow:
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(path)
    window.show()
    qtbot.waitExposed(window)
    _activate(window)
    return window


def _activate(window: MainWindow) -> None:
    """Make the window the active one, as the facilitator's is; shortcuts need that."""
    handle = window.windowHandle()
    assert handle is not None
    handle.requestActivate()
    QApplication.processEvents()


def _shortcut(qtbot: QtBot, window: MainWindow, keys: str) -> None:
    """Press a menu shortcut as the facilitator would, in the focused widget of the window."""
    _activate(window)
    combo = QKeySequence(keys)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def test_whole_meeting_is_recorded(qtbot: QtBot, settings: QSettings, demo_path: Path) -> None:
    """Start the draft, tick attendance, type notes on items, decide, end: all of it is kept."""
    window = _window(qtbot, settings, demo_path)
    assert window.home is not None and window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None and draft.status is MeetingStatus.DRAFT
    qtbot.mouseClick(window.home.next_button, Qt.MouseButton.LeftButton)
    page = window.meeting_page
    assert page is not None and page.meeting is not None and page.meeting.id == draft.id

    window.start_action.trigger()
    assert page.is_live and page.timer_running

    people = window.session.people()
    dialog = AttendanceDialog(window.session, draft.id, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.table.setFocus()
    dialog.table.selectRow(0)
    for key in [Qt.Key.Key_P] * (len(people) - 2) + [Qt.Key.Key_A, Qt.Key.Key_X]:
        qtbot.keyClick(dialog.table, key)
    dialog.guest_name.setText("Ines Kowalski (auditor)")
    qtbot.keyClick(dialog.guest_name, Qt.Key.Key_Return)
    dialog.accept()

    typed = {}
    for row in range(3):
        page.notes.setFocus()
        page.new_note_line()
        text = f"Point {row}: agreed by both sides"
        qtbot.keyClicks(page.notes, text)
        typed[page.current_item.id] = text  # type: ignore[union-attr]
        _shortcut(qtbot, window, "Ctrl+PgDown")
    assert page.current_item is not None and page.current_item.position == 3

    decision_text = "Approve the change freeze from 15 December"
    from ui.decisions import DecisionDialog

    decision = DecisionDialog(window.session, draft.id, page.current_item.id)
    qtbot.addWidget(decision)
    qtbot.keyClicks(decision.text, decision_text)
    first = decision.agreed[next(iter(decision.agreed))]
    first.item(0).setCheckState(Qt.CheckState.Checked)
    decision._on_accepted()
    made = decision.decision
    assert made is not None
    session = window.session
    assert push_operation(window.undo_stack, "Record", lambda: session.add_decision(made)) is None
    assert page.decisions.count() == 1
    window.undo_stack.undo()
    assert page.decisions.count() == 0
    window.undo_stack.redo()
    assert page.decisions.count() == 1

    page.end_meeting()
    assert page.meeting is not None and page.meeting.status is MeetingStatus.CLOSED
    window.close()

    db = open_database(demo_path)
    try:
        meeting = repository.meeting(db, draft.id)
        assert meeting.status is MeetingStatus.CLOSED
        assert meeting.actual_start is not None and meeting.actual_end is not None
        items = {i.id: i for i in repository.meeting_items(db, draft.id)}
        for item_id, text in typed.items():
            assert text in items[item_id].notes
        attendance = repository.attendance(db, draft.id)
        statuses = [a.status for a in attendance if a.person_id]
        assert statuses.count(AttendanceStatus.PRESENT) == len(people) - 2
        assert AttendanceStatus.APOLOGIES in statuses and AttendanceStatus.ABSENT in statuses
        assert any(a.guest_name == "Ines Kowalski (auditor)" for a in attendance)
        assert [d.text for d in repository.decisions(db, draft.id)] == [decision_text]
        assert sum(i.actual_seconds for i in items.values()) >= 0
    finally:
        db.close()


def test_note_is_saved_after_the_debounce_without_any_other_action(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """A note typed and left alone reaches the database within a second."""
    window = _window(qtbot, settings, demo_path)
    assert window.session is not None and window.home is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None and page.current_item is not None
    item_id = page.current_item.id
    qtbot.keyClicks(page.notes, "Typed and left alone")
    with qtbot.waitSignal(page.notes.saved, timeout=SAVE_DELAY_MS + 1000):
        pass
    db = open_database(demo_path, automatic_backups=False)
    try:
        notes = {i.id: i.notes for i in repository.meeting_items(db, draft.id)}
        assert "Typed and left alone" in notes[item_id]
    finally:
        db.close()
    assert "saved" in page.saved_indicator.text()


def test_keyboard_moves_through_the_agenda(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Ctrl+PgDown and Ctrl+PgUp move to the next and previous agenda item."""
    window = _window(qtbot, settings, demo_path)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None
    _shortcut(qtbot, window, "Ctrl+PgDown")
    _shortcut(qtbot, window, "Ctrl+PgDown")
    assert page.current_item is not None and page.current_item.position == 2
    _shortcut(qtbot, window, "Ctrl+PgUp")
    assert page.current_item.position == 1


def test_attendance_change_can_be_undone(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Undo puts back the attendance recorded before the last change."""
    window = _window(qtbot, settings, demo_path)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    dialog = AttendanceDialog(window.session, draft.id, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.mark(0, AttendanceStatus.PRESENT)
    dialog.mark(0, AttendanceStatus.APOLOGIES)
    window.undo_stack.undo()
    assert [a.status for a in window.session.attendance(draft.id)] == [AttendanceStatus.PRESENT]
    window.undo_stack.undo()
    assert window.session.attendance(draft.id) == []


def test_notes_survive_a_full_disk_and_are_saved_once_space_returns(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """When the file cannot grow, the text stays in the editor, a banner says so, and the
    save is retried until it succeeds."""
    window = _window(qtbot, settings, demo_path)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None and page.current_item is not None
    item_id = page.current_item.id
    db = window.session._db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: the file cannot grow
    long_note = "Decision context: " + "the partner explained the outage timeline. " * 400
    page.notes.insertPlainText(long_note)
    with qtbot.waitSignal(page.notes.save_failed, timeout=3000):
        pass
    assert page.banner.isVisible() and "full" in page.banner.text()
    assert page.notes.has_unsaved and long_note.strip() in page.notes.toPlainText()
    db.execute("PRAGMA max_page_count = 1073741823")  # space returns
    with qtbot.waitSignal(page.notes.saved, timeout=6000):
        pass
    assert not page.banner.isVisible()
    saved = {i.id: i.notes for i in window.session.items(draft.id)}
    assert "the partner explained the outage timeline." in saved[item_id]


def test_prepare_dialog_edits_the_existing_draft_and_refuses_an_earlier_date(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """With a draft prepared, the dialog edits it; a date before the last meeting is refused."""
    from PySide6.QtCore import QDateTime

    from ui.prepare import PrepareMeetingDialog

    window = _window(qtbot, settings, demo_path)
    session = window.session
    assert session is not None
    before = session.meetings()
    draft = session.next_meeting()
    assert draft is not None
    dialog = PrepareMeetingDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == draft.title
    dialog.when.setDateTime(QDateTime(draft.scheduled_start.replace(year=2020)))
    dialog._on_accepted()
    assert "cannot be dated before" in dialog.error.text()
    assert session.meeting(draft.id).scheduled_start == draft.scheduled_start
    dialog.when.setDateTime(QDateTime(draft.scheduled_start))
    dialog.title.clear()
    qtbot.keyClicks(dialog.title, "December review with the new CIO")
    dialog.location.setText("Brightline Hub, Room Atlas")
    dialog._on_accepted()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert len(session.meetings()) == len(before)
    edited = session.meeting(draft.id)
    assert edited.title == "December review with the new CIO"
    assert edited.location == "Brightline Hub, Room Atlas"


def test_prepare_dialog_makes_a_draft_a_month_after_the_last_meeting(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Once the draft has been held, preparing gives a new draft a month later, with the
    latest KPI period."""
    from ui.prepare import PrepareMeetingDialog

    window = _window(qtbot, settings, demo_path)
    session = window.session
    assert session is not None
    draft = session.next_meeting()
    assert draft is not None
    session.start_meeting(draft.id)
    session.end_meeting(draft.id)
    dialog = PrepareMeetingDialog(session)
    qtbot.addWidget(dialog)
    dialog._on_accepted()
    assert dialog.meeting is not None
    new = session.meeting(dialog.meeting.id)
    assert new.number == draft.number + 1
    assert new.scheduled_start.weekday() == draft.scheduled_start.weekday()
    assert 28 <= (new.scheduled_start - draft.scheduled_start).days <= 35
    assert new.period == session.latest_period()
    assert [i.title for i in session.items(new.id)] == [i.title for i in session.standing_agenda()]


def test_enter_in_the_guest_field_adds_the_guest_once_without_a_complaint(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Typing a guest's name and pressing Enter (a real key press, in the shown dialog) adds
    exactly one guest and shows no error; the field is emptied for the next one."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    assert window.session is not None
    draft = window.session.next_meeting()
    assert draft is not None
    dialog = AttendanceDialog(window.session, draft.id, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.guest_name.setFocus()
    qtbot.keyClicks(dialog.guest_name, "Ines Kowalski (auditor)")
    qtbot.keyClick(dialog.guest_name, Qt.Key.Key_Return)
    guests = [a for a in window.session.attendance(draft.id) if a.person_id is None]
    assert [g.guest_name for g in guests] == ["Ines Kowalski (auditor)"]
    assert dialog.error.text() == "" and dialog.guest_name.text() == ""
    assert dialog.isVisible()


def test_ending_says_what_was_not_reviewed_and_the_room_can_go_back(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """End meeting lists the open actions, initiatives and awaited KPI figures left
    unreviewed; "go back" keeps the meeting running; once ended, the header says "held" and
    shows a Minutes button."""
    from tests.ui.drive import live_meeting_at

    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.ACTION_REVIEW)
    page = window.meeting_page
    assert page is not None and page.is_live
    view = page.review_view
    view.table.selectRow(0)
    view.review_current(ReviewStatus.ON_TRACK)
    asked: list[list[str]] = []
    page.confirm_end = lambda lines: bool(asked.append(lines))  # go back
    page.end_button.click()
    assert page.is_live and len(asked) == 1
    reviewed_one = asked[0][0]
    total = len(view.model.rows())
    assert reviewed_one == f"{total - 1} of {total} open actions not reviewed"
    assert any("initiative" in line for line in asked[0])
    assert not page.minutes_button.isVisible()
    page.confirm_end = lambda lines: True
    page.end_button.click()
    assert not page.is_live
    assert page.minutes_button.isVisibleTo(page)
    assert "held" in page.clock.text() and "running" not in page.clock.text()


def test_one_ctrl_z_in_the_notes_takes_back_the_last_word_not_the_item(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Typing a line and pressing Ctrl+Z (through the window's Undo, as the room does) takes
    back the last word typed; the rest of the item's notes stay."""
    from tests.ui.drive import live_meeting_at

    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DISCUSSION)
    page = window.meeting_page
    assert page is not None
    notes = page.notes
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    before = notes.toPlainText()
    qtbot.keyClicks(notes, "Vendor confirmed the patch window")
    window.undo_action.trigger()
    assert notes.toPlainText() == before + "Vendor confirmed the patch"
    window.undo_action.trigger()
    assert notes.toPlainText() == before + "Vendor confirmed the"


def test_a_meeting_started_on_another_day_can_move_to_today(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The demo's meeting 25 is planned for another day than the session's today: asked,
    "cancel" leaves it a draft, "move" starts it dated today at its planned time, so the
    minutes and the reviews carry one date."""
    window = _window(qtbot, settings, demo_path)
    session = window.session
    assert session is not None
    draft = session.next_meeting()
    assert draft is not None
    today = draft.scheduled_start.date() - dt.timedelta(days=2)
    session.now = lambda: dt.datetime.combine(today, dt.time(9, 58))
    window.open_meeting(draft.id)
    page = window.meeting_page
    assert page is not None
    asked: list[int] = []
    page.confirm_start = lambda meeting: asked.append(meeting.number)  # None: do not start
    page.start_meeting()
    assert asked == [draft.number] and session.meeting(draft.id).status is MeetingStatus.DRAFT
    page.confirm_start = lambda meeting: True
    page.start_meeting()
    started = session.meeting(draft.id)
    assert started.status is MeetingStatus.LIVE
    assert started.scheduled_start == dt.datetime.combine(today, draft.scheduled_start.time())
    assert started.actual_start is not None and started.actual_start.date() == today


# --- the look of the meeting page ------------------------------------------------------------


def _darkest(image: QImage, rect: QRect) -> int:
    """The lowest lightness (0-255) of the pixels in `rect`: the core of its text's strokes."""
    inside = rect.intersected(image.rect())
    return min(
        QColor(image.pixel(x, y)).lightness()
        for x in range(inside.left(), inside.right() + 1)
        for y in range(inside.top(), inside.bottom() + 1)
    )


def test_the_rail_says_each_item_once_with_a_quieter_second_line(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_path: Path
) -> None:
    """Each rail item: its title, then a smaller line in the detail colour with the kind (left
    out where the title already says it), timebox and time spent; the page's headings say the
    item's name once."""
    with themed(qapp, settings):
        window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.INITIATIVES)
        window.resize(1440, 900)
        qtbot.waitExposed(window)
        page = window.meeting_page
        assert page is not None
        rail, model = page.rail, page.rail_model
        kinds = [item.kind for item in model.items()]
        review = model.index(kinds.index(AgendaItemKind.ACTION_REVIEW))
        initiatives = model.index(kinds.index(AgendaItemKind.INITIATIVES))
        title = model.item_at(initiatives.row()).title
        assert title == "Strategic initiatives"
        assert initiatives.data(AgendaRailModel.TITLE_ROLE).endswith(title)
        assert initiatives.data(AgendaRailModel.DETAIL_ROLE) == "15 min · –"
        assert review.data(AgendaRailModel.DETAIL_ROLE).startswith("Action review · 20 min")

        # the page: the item's title once, its kind not repeated, no second heading
        assert page.item_title.text() == title
        assert page.item_kind.text() == "timebox 15 min"
        shown = [
            label.text()
            for label in page.findChildren(QLabel)
            if label.isVisibleTo(page) and title.casefold() in label.text().casefold()
        ]
        assert shown == [title]

        # drawn: the second line smaller than the title, and quieter (the detail colour, not
        # the ink) where the item is not selected
        delegate = rail.itemDelegate()
        assert isinstance(delegate, AgendaRailDelegate)
        assert delegate.detail_font(rail.font()).pointSizeF() < rail.font().pointSizeF()
        option = QStyleOptionViewItem()
        option.initFrom(rail.viewport())
        option.widget = rail
        option.font = rail.font()
        option.rect = rail.visualRect(review)
        title_rect, detail_rect = delegate.rects(option, review)
        assert title_rect.height() >= QFontMetrics(rail.font()).height()
        assert detail_rect.top() > title_rect.bottom()
        assert detail_rect.bottom() <= option.rect.bottom()
        image = rail.viewport().grab().toImage()
        assert abs(_darkest(image, title_rect) - QColor(palette.INK).lightness()) <= 12
        assert abs(_darkest(image, detail_rect) - QColor(palette.DETAIL).lightness()) <= 12
        window.close()


def test_the_dashboard_heading_says_dashboard_once(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """The dashboard item's kind is not said again under a title that says it."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DASHBOARD)
    page = window.meeting_page
    assert page is not None
    assert "dashboard" in page.item_title.text().casefold()
    assert page.item_kind.text().startswith("timebox")
    shown = [
        label.text()
        for label in page.findChildren(QLabel)
        if label.isVisibleTo(page) and "dashboard" in label.text().casefold()
    ]
    assert shown == [page.item_title.text()]
    window.close()


def test_the_header_is_ruled_lightly_and_its_buttons_carry_icons(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """A 1-pixel rule (style.qss's "rule") under the header, not a sunken line; the page's
    buttons carry the app's icons, the back button without its old arrow character."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.ACTION_REVIEW)
    page = window.meeting_page
    assert page is not None
    rules = [f for f in page.findChildren(QFrame, "rule") if f.isVisibleTo(page)]
    assert rules and all(f.height() == 1 and f.frameShape() is QFrame.Shape.NoFrame for f in rules)
    assert page.back_button.text() == "Meetings"
    buttons = (
        page.back_button,
        page.attendance_button,
        page.start_button,
        page.end_button,
        page.minutes_button,
        page.timer_button,
        page.decision_button,
    )
    assert all(not button.icon().isNull() for button in buttons)
    window.close()


def test_one_ctrl_z_in_the_notes_takes_back_one_word_not_the_item(
    qtbot: QtBot, settings: QSettings, demo_path: Path
) -> None:
    """Typing is undone a word at a time through the Edit menu's Ctrl+Z, so a slip of the
    finger never wipes the item's notes; Ctrl+Shift+Z brings the word back."""
    window = live_meeting_at(qtbot, settings, demo_path, AgendaItemKind.DISCUSSION)
    _activate(window)
    page = window.meeting_page
    assert page is not None
    page.notes.setFocus()
    qtbot.keyClicks(page.notes, "Risk register reviewed with both leads")
    _shortcut(qtbot, window, "Ctrl+Z")
    assert page.notes.toPlainText() == "Risk register reviewed with both"
    _shortcut(qtbot, window, "Ctrl+Z")
    assert page.notes.toPlainText() == "Risk register reviewed with"
    _shortcut(qtbot, window, "Ctrl+Shift+Z")
    assert page.notes.toPlainText() == "Risk register reviewed with both"
    window.close()
