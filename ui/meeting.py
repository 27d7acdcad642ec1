"""The live meeting: agenda rail, the current item with its timer and notes, decisions."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from core import agenda, lifecycle, wrap_up
from core.agenda import timebox_state
from core.changes import Change
from core.errors import ReviewError
from core.model import AgendaItemKind, Meeting, MeetingItem, MeetingStatus
from core.register import ActionFilter
from ui import design, icons, palette
from ui.action_review import ActionReviewView
from ui.commitments import CommitmentsView
from ui.dashboard import DashboardView
from ui.decisions import DecisionDialog
from ui.initiatives import InitiativesView
from ui.models import STATUS_LABELS, AgendaRailModel, format_duration, kind_repeats_title
from ui.notes import NotesEditor
from ui.session import Session
from ui.undo import push_operation

_Index = QModelIndex | QPersistentModelIndex

SECONDS_SAVE_EVERY = 10
TIMER_COLOURS = palette.ByMeaning({"normal": "GOOD", "amber": "WARNING", "red": "ERROR"})


class MeetingPage(QWidget):
    """Runs one meeting; the facilitator's window stays in control of the projector."""

    current_item_changed = Signal(object)
    notes_typed = Signal(str)
    timer_ticked = Signal(int, int, str)
    meeting_changed = Signal(object)
    back_requested = Signal()
    attendance_requested = Signal()
    minutes_requested = Signal()

    def __init__(self, session: Session, undo_stack: QUndoStack) -> None:
        super().__init__()
        self._session = session
        self._undo = undo_stack
        self.meeting: Meeting | None = None
        self._row = -1
        self._running_since: float | None = None
        self._banked = 0
        self._last_saved_seconds = 0

        self.title = QLabel()
        self.title.setObjectName("meetingTitle")
        self.status = QLabel()
        self.status.setObjectName("statusChip")
        self.clock = QLabel()
        self.clock.setObjectName("meetingClock")
        self.saved_indicator = QLabel("")
        self.saved_indicator.setObjectName("savedIndicator")
        self.start_button = QPushButton(icons.icon("start"), "Start meeting")
        self.start_button.clicked.connect(self.start_meeting)
        self.end_button = QPushButton(icons.icon("stop"), "End meeting")
        self.end_button.clicked.connect(self.request_end)
        # Asked before a meeting ends with things unreviewed (the window sets it); None ends
        # at once, as scripts and tests do.
        self.confirm_end: Callable[[list[str]], bool] | None = None
        # Asked when a meeting starts on another day than planned: True moves it to today,
        # False keeps its date, None does not start it. None (no question): keep the date.
        self.confirm_start: Callable[[Meeting], bool | None] | None = None
        self.minutes_button = QPushButton(icons.icon("minutes"), "Minutes…")
        self.minutes_button.setToolTip("Preview, sign off, export and send the minutes (Ctrl+M)")
        self.minutes_button.clicked.connect(self.minutes_requested)
        self.back_button = QPushButton(icons.icon("back"), "Meetings")
        self.back_button.setToolTip("Back to the meetings overview (Ctrl+Home)")
        self.back_button.clicked.connect(self.back_requested)
        self.attendance_button = QPushButton(icons.icon("attendance"), "Attendance…")
        self.attendance_button.setToolTip("Tick who is present (Ctrl+Shift+A)")
        self.attendance_button.clicked.connect(self.attendance_requested)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(8)
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.clock)
        header.addLayout(titles, 1)
        header.addWidget(self.saved_indicator)
        header.addWidget(self.status)
        header.addWidget(self.attendance_button)
        header.addWidget(self.start_button)
        header.addWidget(self.end_button)
        header.addWidget(self.minutes_button)

        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.rail_model = AgendaRailModel()
        self.rail = QListView()
        self.rail.setObjectName("agendaRail")
        self.rail.setModel(self.rail_model)
        self.rail.setItemDelegate(AgendaRailDelegate(self.rail))
        self.rail.setResizeMode(QListView.ResizeMode.Adjust)  # titles wrap again when it resizes
        self.rail.setSpacing(2)
        self.rail.setWordWrap(True)
        self.rail.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.rail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rail.setMinimumWidth(250)
        self.rail.selectionModel().currentRowChanged.connect(self._on_rail_current_changed)

        self.item_title = QLabel()
        self.item_title.setObjectName("itemTitle")
        self.item_kind = QLabel()
        self.item_kind.setObjectName("itemKind")
        self.timer_label = QLabel("0:00")
        self.timer_label.setObjectName("itemTimer")
        self.timer_button = QPushButton(icons.icon("start"), "Start timer")
        self.timer_button.clicked.connect(self.toggle_timer)
        item_header = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.item_title)
        names.addWidget(self.item_kind)
        item_header.addLayout(names, 1)
        item_header.addWidget(self.timer_label)
        item_header.addWidget(self.timer_button)

        self.notes = NotesEditor(session.save_notes)
        self.notes.setObjectName("notesEditor")
        self.notes.saved.connect(self._on_notes_saved)
        self.notes.save_failed.connect(self._on_notes_save_failed)
        self.notes.typed.connect(self._on_notes_typed)

        self.decisions = QListWidget()
        self.decisions.setObjectName("decisionList")
        self.decisions.setMaximumHeight(110)
        self.decision_button = QPushButton(icons.icon("decision"), "New decision…")
        self.decision_button.clicked.connect(self.new_decision)
        decisions_header = QHBoxLayout()
        decisions_title = QLabel("Decisions on this item")
        decisions_title.setObjectName("sectionTitle")
        decisions_header.addWidget(decisions_title, 1)
        decisions_header.addWidget(self.decision_button)

        # The view an item's kind needs sits above its notes; notes-only kinds show no view.
        self.review_view = ActionReviewView(session, undo_stack)
        self.kind_views = QStackedWidget()
        self.kind_views.addWidget(self.review_view)
        self.commitments_view = CommitmentsView(session, undo_stack)
        self.kind_views.addWidget(self.commitments_view)
        self.dashboard_view = DashboardView(session, undo_stack)
        self.dashboard_view.note_requested.connect(self.note_on)
        self.kind_views.addWidget(self.dashboard_view)
        self.initiatives_view = InitiativesView(session, undo_stack)
        self.kind_views.addWidget(self.initiatives_view)
        notes_area = QWidget()
        notes_layout = QVBoxLayout(notes_area)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        self.notes_title = QLabel("Notes")
        self.notes_title.setObjectName("sectionTitle")
        notes_layout.addWidget(self.notes_title)
        notes_layout.addWidget(self.notes, 1)
        notes_layout.addLayout(decisions_header)
        notes_layout.addWidget(self.decisions)
        self.content = QSplitter(Qt.Orientation.Vertical)
        self.content.addWidget(self.kind_views)
        self.content.addWidget(notes_area)
        self.content.setStretchFactor(0, 3)
        self.content.setStretchFactor(1, 2)
        self.kind_views.hide()
        self.notes_title.hide()

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(16, 8, 8, 8)
        centre_layout.addLayout(item_header)
        centre_layout.addWidget(self.content, 1)

        splitter = QSplitter()
        splitter.addWidget(self.rail)
        splitter.addWidget(centre)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 960])  # the rail's detail lines are short

        line = QFrame()
        line.setObjectName("rule")  # a light 1-pixel rule (style.qss), not a sunken line
        line.setFrameShape(QFrame.Shape.NoFrame)
        line.setFixedHeight(1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(line)
        layout.addWidget(splitter, 1)

        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._on_tick)
        session.changed.connect(self._on_session_changed)

    # --- showing a meeting ---------------------------------------------------------------

    def show_meeting(self, meeting_id: str) -> None:
        self.leave()
        self.meeting = self._session.meeting(meeting_id)
        self.rail_model.set_items(self._session.items(meeting_id))
        self._row = -1
        self._refresh_header()
        if self.rail_model.rowCount():
            self.go_to(0)
        if self.meeting.status is MeetingStatus.LIVE:
            self._tick.start()

    def leave(self) -> None:
        """Save everything pending: notes and the current item's time."""
        self.notes.flush()
        self._bank_time()
        self._tick.stop()

    @property
    def current_item(self) -> MeetingItem | None:
        if 0 <= self._row < self.rail_model.rowCount():
            return self.rail_model.item_at(self._row)
        return None

    def go_to(self, row: int) -> None:
        if 0 <= row < self.rail_model.rowCount():
            self.rail.selectionModel().setCurrentIndex(
                self.rail_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def next_item(self) -> None:
        self.go_to(self._row + 1)

    def previous_item(self) -> None:
        self.go_to(self._row - 1)

    def _on_rail_current_changed(self, current: object, previous: object) -> None:
        row = self.rail.currentIndex().row()
        if row == self._row or row < 0:
            return
        was_running = self._running_since is not None
        self._bank_time()
        self._row = row
        item = self.rail_model.item_at(row)
        self._banked = self.rail_model.seconds(row)
        self._last_saved_seconds = self._banked
        if was_running:
            self._running_since = time.monotonic()
        self.item_title.setText(item.title)
        timebox = f"timebox {item.timebox_minutes} min"
        self.item_kind.setText(
            timebox if kind_repeats_title(item) else f"{item.kind.label} · {timebox}"
        )
        self.notes.load(item.id, self._current_notes(item))
        self._show_kind_view(item)
        self._refresh_decisions()
        self._refresh_timer()
        self.current_item_changed.emit(item)

    def _show_kind_view(self, item: MeetingItem) -> None:
        view: QWidget | None = None
        if item.kind is AgendaItemKind.ACTION_REVIEW and self.meeting is not None:
            self.review_view.show_meeting(self.meeting.id)
            view = self.review_view
        elif item.kind is AgendaItemKind.COMMITMENTS and self.meeting is not None:
            self.commitments_view.show_meeting(self.meeting.id)
            view = self.commitments_view
        elif item.kind is AgendaItemKind.DASHBOARD and self.meeting is not None:
            self.dashboard_view.show_meeting(self.meeting.id)
            self.dashboard_view.set_notes(self.notes.toMarkdown())
            view = self.dashboard_view
        elif item.kind is AgendaItemKind.INITIATIVES and self.meeting is not None:
            self.initiatives_view.show_meeting(self.meeting.id)
            view = self.initiatives_view
        self.kind_views.setVisible(view is not None)
        self.notes_title.setVisible(view is not None)
        if view is not None:
            self.kind_views.setCurrentWidget(view)
            total = max(self.content.height(), 600)
            self.content.setSizes([int(total * 0.68), int(total * 0.32)])
            # A signed meeting's review and commitments are read, not changed; its
            # dashboard and initiatives can still be browsed (they refuse changes themselves).
            editable = self.meeting is not None and lifecycle.is_editable(self.meeting)
            view.setEnabled(editable or view in (self.dashboard_view, self.initiatives_view))
            if view is self.review_view:
                self.review_view.table.setFocus()
            elif view is self.dashboard_view:
                self.dashboard_view.setFocus()
            elif view is self.initiatives_view:
                self.initiatives_view.table.setFocus()
            elif self.commitments_view.form is not None:
                self.commitments_view.form.line.setFocus()

    def _current_notes(self, item: MeetingItem) -> str:
        for fresh in self._session.items(item.meeting_id):
            if fresh.id == item.id:
                return fresh.notes
        return item.notes

    # --- lifecycle -----------------------------------------------------------------------

    def start_meeting(self) -> None:
        if self.meeting is None:
            return
        move = False
        if self.confirm_start is not None and lifecycle.held_on_another_day(
            self._session.meeting(self.meeting.id), self._session.today()
        ):
            answer = self.confirm_start(self.meeting)
            if answer is None:
                return
            move = answer
        try:
            self.meeting = self._session.start_meeting(self.meeting.id, move_to_today=move)
        except ReviewError as error:
            self._show_error(error.message)
            return
        self._refresh_header()
        self._tick.start()
        self._running_since = time.monotonic()
        self._refresh_timer()
        self.meeting_changed.emit(self.meeting)

    def left_unreviewed(self) -> list[str]:
        """What this meeting has not looked at yet (core.wrap_up), to say before it ends."""
        if self.meeting is None:
            return []
        meeting_id = self.meeting.id
        rows = self._session.action_rows(
            ActionFilter(open_at_meeting_id=meeting_id), meeting_id=meeting_id
        )
        statuses = self._session.initiative_view(meeting_id)[0]
        kpis, _, readings = self._session.dashboard_data()
        return wrap_up.left_unreviewed(rows, statuses, kpis, readings)

    def request_end(self) -> None:
        """End the meeting, first saying what was not reviewed when the window asks to."""
        if self.confirm_end is not None:
            missed = self.left_unreviewed()
            if missed and not self.confirm_end(missed):
                return
        self.end_meeting()

    def end_meeting(self) -> None:
        if self.meeting is None:
            return
        self.notes.flush()
        self._bank_time()
        try:
            self.meeting = self._session.end_meeting(self.meeting.id)
        except ReviewError as error:
            self._show_error(error.message)
            return
        self._tick.stop()
        self._refresh_header()
        self._refresh_timer()
        self.meeting_changed.emit(self.meeting)

    @property
    def is_live(self) -> bool:
        return self.meeting is not None and self.meeting.status is MeetingStatus.LIVE

    # --- timer ---------------------------------------------------------------------------

    def toggle_timer(self) -> None:
        if not self.is_live or self.current_item is None:
            return
        if self._running_since is None:
            self._running_since = time.monotonic()
        else:
            self._bank_time()
        self._refresh_timer()

    @property
    def timer_running(self) -> bool:
        return self._running_since is not None

    def elapsed(self) -> int:
        running = time.monotonic() - self._running_since if self._running_since is not None else 0
        return self._banked + int(running)

    def _bank_time(self) -> None:
        """Fold the running time into the item and save it; the timer is paused after."""
        item = self.current_item
        if item is None:
            self._running_since = None
            return
        self._banked = self.elapsed()
        self._running_since = None
        self._save_seconds()

    def _save_seconds(self) -> None:
        item = self.current_item
        if item is None or self.meeting is None or self.meeting.status is MeetingStatus.SIGNED:
            return
        seconds = self.elapsed()
        if seconds == self._last_saved_seconds:
            return
        try:
            self._session.save_actual_seconds(item.id, seconds)
        except ReviewError as error:
            self._show_error(error.message)
            return
        self._last_saved_seconds = seconds

    def _on_tick(self) -> None:
        self._refresh_timer()
        self._refresh_clock()
        if (
            self._running_since is not None
            and self.elapsed() - self._last_saved_seconds >= SECONDS_SAVE_EVERY
        ):
            self._save_seconds()

    def _refresh_timer(self) -> None:
        item = self.current_item
        if item is None:
            return
        elapsed = self.elapsed()
        state = timebox_state(elapsed, item.timebox_minutes).value
        over = elapsed - item.timebox_minutes * 60
        suffix = f"  over by {format_duration(over)}" if over > 0 else ""
        self.timer_label.setText(f"{format_duration(elapsed)} / {item.timebox_minutes}:00{suffix}")
        self.timer_label.setStyleSheet(f"color: {TIMER_COLOURS[state]};")
        self.timer_button.setText("Pause timer" if self.timer_running else "Start timer")
        self.timer_button.setIcon(icons.icon("pause" if self.timer_running else "start"))
        self.timer_button.setEnabled(self.is_live)
        self.rail_model.set_seconds(self._row, elapsed)
        self.timer_ticked.emit(elapsed, item.timebox_minutes * 60, state)

    def _refresh_clock(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        planned_end = agenda.planned_end(meeting, self.rail_model.items())
        parts = [f"{meeting.scheduled_start:%A %d %B %Y, %H:%M}", meeting.location or "no location"]
        if meeting.actual_start is not None:
            end = meeting.actual_end or self._session.now()
            total = int((end - meeting.actual_start).total_seconds())
            held = "held" if meeting.actual_end is not None else "running"
            parts.append(f"{held} {format_duration(total)}")
        parts.append(f"planned end {planned_end:%H:%M}")
        self.clock.setText(" · ".join(parts))

    def _refresh_header(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        self.title.setText(f"Meeting {meeting.number}: {meeting.title}")
        self.status.setText(STATUS_LABELS[meeting.status])
        self.status.setProperty("status", meeting.status.value)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.start_button.setVisible(meeting.status is MeetingStatus.DRAFT)
        self.end_button.setVisible(meeting.status is MeetingStatus.LIVE)
        self.minutes_button.setVisible(
            meeting.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED)
        )
        self.notes.setReadOnly(meeting.status is MeetingStatus.SIGNED)
        self.attendance_button.setEnabled(meeting.status is not MeetingStatus.SIGNED)
        self.decision_button.setEnabled(meeting.status is not MeetingStatus.SIGNED)
        self.decision_button.setToolTip(
            "Signed minutes are amended from the minutes, not here"
            if meeting.status is MeetingStatus.SIGNED
            else "Record a decision on this item (Ctrl+D)"
        )
        self._refresh_clock()

    # --- notes and decisions ---------------------------------------------------------------

    def new_note_line(self) -> None:
        self.notes.new_line()

    def note_on(self, subject: str) -> None:
        """A new note line headed with its subject in bold (a KPI's name), ready to type."""
        if self.notes.isReadOnly():
            return
        self.notes.new_line()
        cursor = self.notes.textCursor()
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(f"{subject}:", bold)
        plain = QTextCharFormat()
        plain.setFontWeight(QFont.Weight.Normal)
        cursor.insertText(" ", plain)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.notes.setTextCursor(cursor)
        self.notes.setCurrentCharFormat(plain)
        self.notes.setFocus()

    def release_charts(self) -> None:
        """Let go of the pyqtgraph charts before the window goes (PITFALLS.md)."""
        self.dashboard_view.release()
        self.initiatives_view.release()

    def new_decision(self) -> None:
        if self.meeting is None or self.meeting.status is MeetingStatus.SIGNED:
            return
        item = self.current_item
        dialog = DecisionDialog(self._session, self.meeting.id, item.id if item else None)
        if dialog.exec() and dialog.decision is not None:
            decision = dialog.decision
            refused = push_operation(
                self._undo, "Record decision", lambda: self._session.add_decision(decision)
            )
            if refused:
                self._show_error(refused)

    def _refresh_decisions(self) -> None:
        self.decisions.clear()
        if self.meeting is None:
            return
        item = self.current_item
        names = {p.id: p.name for p in self._session.people()}
        references = self._session.decision_references(self.meeting.id)
        for decision in self._session.decisions(self.meeting.id):
            if item is not None and decision.item_id not in (None, item.id):
                continue
            agreed = ", ".join(names.get(pid, "?") for pid in decision.agreed_by)
            self.decisions.addItem(
                f"✔ {references.get(decision.id, '')}  {decision.text}"
                + (f"  — agreed by {agreed}" if agreed else "")
            )

    def _on_session_changed(self, what: Change) -> None:
        if what & Change.DECISIONS:
            self._refresh_decisions()
        if what & Change.MINUTES and self.meeting is not None:
            self._follow_status()

    def _follow_status(self) -> None:
        """Show the meeting as it now stands: signed off from the minutes, it is read-only
        everywhere at once (notes, decisions, attendance, the review and commitments)."""
        assert self.meeting is not None
        fresh = self._session.meeting(self.meeting.id)
        if fresh.status is self.meeting.status:
            return
        self.meeting = fresh
        if fresh.status is not MeetingStatus.LIVE:
            self._bank_time()
            self._tick.stop()
        self._refresh_header()
        self._refresh_timer()
        item = self.current_item
        if item is not None:
            self._show_kind_view(item)
        self.meeting_changed.emit(fresh)

    def _on_notes_saved(self, item_id: str) -> None:
        self.banner.hide()
        self.saved_indicator.setText(f"✓ saved {self._session.now():%H:%M:%S}")

    def _on_notes_save_failed(self, message: str) -> None:
        self.saved_indicator.setText(f"⚠ not saved — {self.notes.unsaved_reason}")
        self._show_error(
            f"{message} Your notes are kept here and will be saved as soon as possible."
        )

    def _on_notes_typed(self, markdown: str) -> None:
        self.saved_indicator.setText("● editing…")
        item = self.current_item
        if item is not None and item.kind is AgendaItemKind.DASHBOARD:
            self.dashboard_view.set_notes(markdown)
        self.notes_typed.emit(markdown)

    def _show_error(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()


class AgendaRailDelegate(QStyledItemDelegate):
    """An agenda item in the rail: its title, wrapped, and under it a smaller, quieter line
    with its kind, timebox and time spent (white on the selected item, like its title)."""

    GAP = 2  # between the title and the detail line

    def _option(self, option: QStyleOptionViewItem, index: _Index) -> QStyleOptionViewItem:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        return opt

    @staticmethod
    def detail_font(base: QFont) -> QFont:
        font = QFont(base)
        font.setPointSizeF(design.TYPE["body"])
        return font

    def _text_rect(self, opt: QStyleOptionViewItem, rect: QRect) -> QRect:
        """Where the words go inside `rect`, inside the item's padding (style.qss)."""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        opt.rect = rect
        return style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)

    def _heights(self, opt: QStyleOptionViewItem, width: int, index: _Index) -> tuple[int, int]:
        title = str(index.data(AgendaRailModel.TITLE_ROLE) or "")
        wrap = int(Qt.TextFlag.TextWordWrap)
        title_height = QFontMetrics(opt.font).boundingRect(QRect(0, 0, width, 10_000), wrap, title)
        return title_height.height(), QFontMetrics(self.detail_font(opt.font)).height()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        opt = self._option(option, index)
        view = opt.widget
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        outer = QRect(0, 0, max(width, 120), 1000)
        inner = self._text_rect(opt, outer)
        title, detail = self._heights(opt, inner.width(), index)
        return QSize(outer.width(), title + self.GAP + detail + outer.height() - inner.height())

    def rects(self, option: QStyleOptionViewItem, index: _Index) -> tuple[QRect, QRect]:
        """Where the title and the detail line of the item in `option.rect` are drawn."""
        opt = self._option(option, index)
        inner = self._text_rect(opt, QRect(option.rect))
        title_height, detail_height = self._heights(opt, inner.width(), index)
        spare = inner.height() - title_height - self.GAP - detail_height
        top = inner.top() + max(0, spare // 2)
        title = QRect(inner.left(), top, inner.width(), title_height)
        detail = QRect(inner.left(), title.bottom() + 1 + self.GAP, inner.width(), detail_height)
        return title, detail

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = self._option(option, index)
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        # the item's background, rule and selection as the style sheet draws them, no text
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        title_rect, detail_rect = self.rects(option, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        title_colour = QColor(palette.WHITE if selected else palette.INK)
        detail_colour = QColor(palette.WHITE if selected else palette.DETAIL)
        if selected:
            detail_colour.setAlphaF(0.85)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(title_colour)
        title = str(index.data(AgendaRailModel.TITLE_ROLE) or "")
        painter.drawText(title_rect, flags | int(Qt.TextFlag.TextWordWrap), title)
        detail_font = self.detail_font(opt.font)
        detail = QFontMetrics(detail_font).elidedText(
            str(index.data(AgendaRailModel.DETAIL_ROLE) or ""),
            Qt.TextElideMode.ElideRight,
            detail_rect.width(),
        )
        painter.setFont(detail_font)
        painter.setPen(detail_colour)
        painter.drawText(detail_rect, flags, detail)
        painter.restore()
