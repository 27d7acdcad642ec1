"""Strategic initiatives in the meeting: this meeting's % complete, RAG and comment for each,
progress over meetings in one chart, and the milestones due before the next meeting."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.changes import Change
from core.initiatives import MAX_PROGRESS_COMMENT, DueMilestone, InitiativeStatus
from core.model import MeetingStatus, Rag
from ui import design, icons, palette
from ui.dashboard import (
    RAG_COLOURS,
    RAG_SHAPES,
    RAG_SYMBOLS,
    RAG_TEXT_COLOURS,
    rag_pill,
    rag_text,
)
from ui.field_error import FieldError
from ui.models import FittedColumns, RowsTableModel, rows_table
from ui.session import Session
from ui.undo import push_operation

_Index = QModelIndex | QPersistentModelIndex

RAG_KEYS = {Rag.GREEN: "G", Rag.AMBER: "A", Rag.RED: "R"}


class InitiativesModel(RowsTableModel):
    """One row per initiative: owner, sponsor, dates, this meeting's progress and the last."""

    HEADERS = ("Initiative", "Owner", "Sponsor", "Start", "Target", "%", "RAG", "Comment", "Last")
    HEADER_TIPS = {  # noqa: RUF012
        5: "% complete recorded in this meeting",
        6: "RAG the room agreed in this meeting",
        8: "What the previous meeting recorded",
    }

    def set_rows(self, rows: list[InitiativeStatus]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> InitiativeStatus:
        return self._rows[row]

    def rows(self) -> list[InitiativeStatus]:
        return list(self._rows)

    def row_of(self, initiative_id: str) -> int:
        return next((i for i, s in enumerate(self._rows) if s.initiative.id == initiative_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        status: InitiativeStatus = self._rows[index.row()]
        column = index.column()
        here = status.here
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(status, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column == 6 and here is not None:
            return QBrush(QColor(RAG_COLOURS[here.rag]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 6 and here is not None:
                return QBrush(QColor(RAG_TEXT_COLOURS[here.rag]))
            if (column in (5, 6, 7) and here is None) or column == 8:
                return QBrush(QColor(palette.MUTED))
        if role == Qt.ItemDataRole.FontRole and (column == 0 or (column in (5, 6) and here)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [status.initiative.name]
            if status.initiative.description:
                parts.append(status.initiative.description)
            if here is not None and here.comment:
                parts.append(f"This meeting: {here.comment}")
            if status.previous is not None and status.previous.comment:
                parts.append(f"Last meeting: {status.previous.comment}")
            return "\n".join(parts)
        if role == Qt.ItemDataRole.UserRole:
            return status.initiative.id
        return None

    @staticmethod
    def _text(status: InitiativeStatus, column: int) -> str:
        initiative = status.initiative
        here = status.here
        if column == 0:
            return initiative.name
        if column == 1:
            return initiative.owner_side.label
        if column == 2:
            return status.sponsor_name
        if column == 3:
            return f"{initiative.start_date:%b %Y}"
        if column == 4:
            return f"{initiative.target_date:%d %b %Y}"
        if column == 5:
            if here is None:
                return "—"
            change = status.change
            gained = f" (+{change})" if change and change > 0 else f" ({change})" if change else ""
            return f"{here.percent_complete}%{gained}"
        if column == 6:
            return rag_text(here.rag) if here is not None else "not yet"
        if column == 7:
            return here.comment if here is not None else ""
        previous = status.previous
        if previous is None:
            return "—"
        return f"{previous.percent_complete}% {RAG_SHAPES[previous.rag]} {previous.rag.label}"


class ProgressForm(QGroupBox):
    """This meeting's % complete, RAG and comment for the chosen initiative."""

    recorded = Signal()

    def __init__(self) -> None:
        super().__init__("Progress in this meeting")
        self.setObjectName("progressForm")
        self.percent = QSpinBox()
        self.percent.setObjectName("percentComplete")
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.percent.setAccelerated(True)
        self.percent.setMinimumWidth(90)
        self.rag_buttons: dict[Rag, QPushButton] = {}
        self.rag_group = QButtonGroup(self)
        self.rag_group.setExclusive(True)
        rag_row = QHBoxLayout()
        rag_row.setSpacing(6)
        for rag in (Rag.GREEN, Rag.AMBER, Rag.RED):
            button = QPushButton(f"{RAG_SHAPES[rag]} {rag.label.capitalize()}")
            button.setCheckable(True)
            button.setObjectName(f"rag{rag.label.capitalize()}")
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("▲ Amber") + 48)
            button.setToolTip(f"The room judges it {rag.value} (Alt+{RAG_KEYS[rag]})")
            button.setShortcut(QKeySequence(f"Alt+{RAG_KEYS[rag]}"))
            button.setStyleSheet(
                f"QPushButton:checked {{ background: {RAG_COLOURS[rag]};"
                f" color: {RAG_TEXT_COLOURS[rag]}; font-weight: 700;"
                f" border: 2px solid {RAG_COLOURS[rag]}; border-radius: 5px; }}"
            )
            self.rag_group.addButton(button)
            self.rag_buttons[rag] = button
            rag_row.addWidget(button)
        rag_row.addStretch(1)
        self.comment = QLineEdit()
        self.comment.setObjectName("progressComment")
        self.comment.setMaxLength(MAX_PROGRESS_COMMENT + 50)
        self.comment.setPlaceholderText("What moved, what is blocking, what the room asked for")
        self.comment.returnPressed.connect(self.recorded.emit)
        self.record_button = QPushButton(icons.icon("record", "WHITE"), "Record progress")
        self.record_button.setObjectName("primaryButton")
        self.record_button.setToolTip("Record this meeting's progress (Ctrl+Return)")
        self.record_button.clicked.connect(self.recorded.emit)
        self.message = FieldError()
        self.status = QLabel()
        self.status.setObjectName("subtitle")
        self.status.setWordWrap(True)
        first = QHBoxLayout()
        first.addWidget(QLabel("% complete"))
        first.addWidget(self.percent)
        first.addSpacing(18)
        first.addWidget(QLabel("RAG"))
        first.addLayout(rag_row, 1)
        second = QHBoxLayout()
        second.addWidget(QLabel("Comment"))
        second.addWidget(self.comment, 1)
        second.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.recorded.emit)

    def chosen_rag(self) -> Rag | None:
        return next((rag for rag, b in self.rag_buttons.items() if b.isChecked()), None)

    def fill(self, status: InitiativeStatus) -> None:
        """Start from this meeting's progress, else the last meeting's (to be confirmed)."""
        shown = status.shown
        self.setTitle(f"Progress in this meeting · {status.initiative.name}")
        self.percent.setValue(shown.percent_complete if shown else 0)
        self.rag_group.setExclusive(False)
        for rag, button in self.rag_buttons.items():
            button.setChecked(shown is not None and shown.rag is rag)
        self.rag_group.setExclusive(True)
        self.comment.setText(status.here.comment if status.here else "")
        self.show_message("")
        if status.here is not None:
            self.status.setText("Recorded in this meeting; recording again replaces it.")
        elif status.previous is not None:
            self.status.setText(
                "Not yet recorded in this meeting: the figures shown are the last meeting's."
            )
        else:
            self.status.setText("No progress recorded yet for this initiative.")

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))


class InitiativesView(QWidget):
    """The initiatives agenda item: the table, the progress form, one chart, milestones due.

    One pyqtgraph PlotWidget for the view's whole life, its data replaced for each initiative:
    every PlotWidget made and destroyed leaks references in PySide6 6.12 (PITFALLS.md).
    """

    progress_recorded = Signal()
    focus_changed = Signal()

    def __init__(self, session: Session, undo_stack: QUndoStack) -> None:
        super().__init__()
        self._session = session
        self._undo = undo_stack
        self.meeting_id: str | None = None
        self.editable = False
        self.due: list[DueMilestone] = []
        self.upcoming: DueMilestone | None = None
        self.next_date: dt.date | None = None
        # No title of its own: the agenda item's heading above already says what this is.
        self.summary = QLabel()
        self.summary.setObjectName("initiativesSummary")

        self.model = InitiativesModel()
        self.table = rows_table(self.model, "initiativesTable")
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 14)
        self.table.setWordWrap(False)
        # Columns fit their words; the comment takes the rest (elided last, whole in its tip).
        self.columns = FittedColumns(self.table, stretch=7, capped={0: 360})
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)

        self.form = ProgressForm()
        self.form.recorded.connect(self.record_current)

        self.chart = pg.PlotWidget(background=palette.SURFACE)
        self.chart.setObjectName("initiativeProgressChart")
        self.chart.setMinimumHeight(190)
        plot = self.chart.getPlotItem()
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setYRange(0, 100, padding=0.04)
        plot.setLabel("left", "% complete", color=palette.TEXT)
        plot.setLabel("bottom", "meeting", color=palette.TEXT)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setPen(pg.mkPen(palette.AXIS))
            plot.getAxis(axis).setTextPen(pg.mkPen(palette.TEXT))
        self.line = plot.plot([], [], pen=pg.mkPen(palette.LINE, width=2))
        self.points = pg.ScatterPlotItem(size=11, pen=pg.mkPen(palette.SURFACE))
        plot.addItem(self.points)
        self.chart_title = QLabel()
        self.chart_title.setObjectName("sectionTitle")
        self._chart_alive = True

        self.milestones_title = QLabel()
        self.milestones_title.setObjectName("sectionTitle")
        self.milestones = QListWidget()
        self.milestones.setObjectName("milestonesDue")
        self.milestones.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.milestones.setWordWrap(True)
        self.milestones.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart_title)
        chart_layout.addWidget(self.chart, 1)
        milestones_box = QWidget()
        milestones_layout = QVBoxLayout(milestones_box)
        milestones_layout.setContentsMargins(0, 0, 0, 0)
        milestones_layout.addWidget(self.milestones_title)
        milestones_layout.addWidget(self.milestones, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(chart_box)
        lower.addWidget(milestones_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("rule")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.form)
        layout.addWidget(lower, 1)
        session.changed.connect(self._on_session_changed)

    # --- showing ------------------------------------------------------------------------

    def show_meeting(self, meeting_id: str) -> None:
        meeting = self._session.meeting(meeting_id)
        self.meeting_id = meeting_id
        self.editable = meeting.status in (MeetingStatus.LIVE, MeetingStatus.CLOSED)
        self.reload()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def reload(self) -> None:
        if self.meeting_id is None:
            return
        current = self.current_status()
        keep = current.initiative.id if current else None
        statuses, self.due, self.next_date, self.upcoming = self._session.initiative_view(
            self.meeting_id
        )
        self.model.set_rows(statuses)
        self._fit_table()
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
        elif self.model.rowCount():
            self.table.selectRow(0)
        self._refresh_summary()
        self._refresh_milestones()
        self._refresh_form()
        self.focus_changed.emit()

    def _fit_table(self) -> None:
        """Columns as wide as their contents (the comment takes the rest); rows all shown."""
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            if column != 7:
                self.table.resizeColumnToContents(column)
                header.resizeSection(column, header.sectionSize(column) + 12)
        rows = min(self.model.rowCount(), 8)
        height = header.height() + rows * self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 2)

    def current_status(self) -> InitiativeStatus | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, initiative_id: str) -> None:
        row = self.model.row_of(initiative_id)
        if row >= 0:
            self.table.selectRow(row)

    def _refresh_summary(self) -> None:
        self.summary.setText(self._summary_text())

    def _summary_text(self, plain: bool = False) -> str:
        """How many initiatives this meeting recorded, and its RAGs; `plain` without colours."""
        rows = self.model.rows()
        recorded = [s for s in rows if s.here is not None]
        counts = {rag: sum(1 for s in recorded if s.here and s.here.rag is rag) for rag in Rag}
        parts = [f"<b>Recorded {len(recorded)} of {len(rows)} in this meeting</b>"]
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
            style = "" if plain else f" style='color:{RAG_COLOURS[rag]}'"
            parts.append(f"<b{style}>{RAG_SHAPES[rag]} {counts[rag]} {rag.value}</b>")
        return " · ".join(parts)

    def _refresh_milestones(self) -> None:
        when = f"{self.next_date:%a %d %b %Y}" if self.next_date else "the next meeting"
        self.milestones_title.setText(f"Milestones due before the next meeting ({when})")
        self.milestones.clear()
        if not self.due:
            self.milestones.addItem("None: no open milestone falls due before then.")
            if self.upcoming is not None:
                stone = self.upcoming
                self.milestones.addItem(
                    f"Next: {stone.milestone.due:%d %b %Y} · {stone.milestone.title} — "
                    f"{stone.initiative.name}"
                )
            return
        for due in self.due:
            late = f"⚠ {due.days_late} d late · " if due.overdue else ""
            entry = (
                f"{late}{due.milestone.due:%d %b} · {due.milestone.title} — {due.initiative.name}"
            )
            self.milestones.addItem(entry)
            if due.overdue:
                item = self.milestones.item(self.milestones.count() - 1)
                item.setForeground(QBrush(QColor(palette.ERROR)))

    def _refresh_form(self) -> None:
        status = self.current_status()
        self.form.setEnabled(status is not None and self.editable)
        if status is not None:
            self.form.fill(status)
            if not self.editable:
                self.form.status.setText(self._read_only_reason())
        self._refresh_chart(status)

    def _read_only_reason(self) -> str:
        if self.meeting_id is None:
            return ""
        status = self._session.meeting(self.meeting_id).status
        if status is MeetingStatus.SIGNED:
            return "This meeting is signed off: its progress is read, not changed."
        return "Progress is recorded once the meeting has started (Ctrl+Shift+L)."

    def _refresh_chart(self, status: InitiativeStatus | None) -> None:
        if not self._chart_alive:
            return
        history = status.history if status else ()
        xs = [number for number, _, _ in history]
        ys = [percent for _, percent, _ in history]
        self.line.setData(xs, ys)
        self.points.setData(
            x=xs,
            y=ys,
            symbol=[RAG_SYMBOLS[rag] for _, _, rag in history],
            brush=[pg.mkBrush(RAG_COLOURS[rag]) for _, _, rag in history],
        )
        plot = self.chart.getPlotItem()
        if xs:
            plot.setXRange(min(xs) - 0.5, max(xs) + 0.5, padding=0.02)
        name = status.initiative.name if status else ""
        self.chart_title.setText(f"% complete by meeting · {name}" if name else "% complete")

    # --- recording ----------------------------------------------------------------------

    def record_current(self) -> None:
        """Record the form's figures for the chosen initiative (undoable)."""
        status = self.current_status()
        if status is None or self.meeting_id is None:
            return
        rag = self.form.chosen_rag()
        if rag is None:
            self.form.show_message("Choose the RAG the room agrees on: green, amber or red.")
            return
        self.record(status.initiative.id, self.form.percent.value(), rag, self.form.comment.text())

    def record(self, initiative_id: str, percent: int, rag: Rag, comment: str) -> str | None:
        """Record an initiative's progress in this meeting; the refusal's words, or None."""
        if self.meeting_id is None:
            return None
        row = self.model.row_of(initiative_id)
        name = self.model.row_at(row).initiative.name if row >= 0 else ""
        meeting_id = self.meeting_id
        refused = push_operation(
            self._undo,
            f"Progress of '{name[:40]}': {percent}% {rag.label}",
            lambda: self._session.record_progress(meeting_id, initiative_id, percent, rag, comment),
        )
        if refused:
            self.form.show_message(refused)
            return refused
        self.select(initiative_id)
        self.progress_recorded.emit()
        return None

    def release(self) -> None:
        """A plot still alive at interpreter exit can crash (PITFALLS.md): let it go, once."""
        if self._chart_alive:
            self._chart_alive = False
            self.chart.close()
            self.chart.deleteLater()

    # --- the room's view ----------------------------------------------------------------

    def projector_html(self) -> str:
        """The initiatives in large print: name, owner, % complete and the RAG in words."""
        current = self.current_status()
        rows = []
        for status in self.model.rows():
            progress = status.shown
            percent = f"<b>{progress.percent_complete}%</b>" if progress else "—"
            if progress is not None and status.here is None:
                percent += "<br><span style='font-size:60%'>last meeting</span>"
            rag = rag_pill(progress.rag) if progress else "—"
            style = (
                f' style="background:{design.PROJECTOR_FOCUS};color:{design.PROJECTOR_FOCUS_TEXT};"'
                if status is current
                else ""
            )
            comment = html.escape(status.here.comment) if status.here else "&nbsp;"
            rows.append(
                f"<tr{style}><td width='36%'><b>{html.escape(status.initiative.name)}</b><br>"
                f"<span style='font-size:70%'>{status.initiative.owner_side.label} · target "
                f"{status.initiative.target_date:%b %Y}</span></td>"
                f"<td width='15%' align=right>{percent}</td>"
                f"<td width='16%'>{rag}</td>"
                f"<td width='33%' style='font-size:80%'>{comment}</td></tr>"
            )
        due = "".join(
            f"<li>{'⚠ ' if d.overdue else ''}{d.milestone.due:%d %b} · "
            f"{html.escape(d.milestone.title)} — {html.escape(d.initiative.name)}</li>"
            for d in self.due
        )
        when = f"{self.next_date:%d %B}" if self.next_date else "the next meeting"
        return (
            f"<p>{self._summary_text(plain=True)}</p>"
            '<table width="100%" cellspacing="0" cellpadding="6">'
            "<tr><th align=left>Initiative</th><th align=right>%</th>"
            "<th align=left>RAG</th><th align=left>Comment</th></tr>"
            + "".join(rows)
            + "</table>"
            + (f"<p><b>Milestones due before {when}</b></p><ul>{due}</ul>" if due else "")
        )

    # --- events -------------------------------------------------------------------------

    def _on_table_row_changed(self, *args: object) -> None:
        self._refresh_form()
        self.focus_changed.emit()

    def _on_session_changed(self, what: Change) -> None:
        if what & Change.INITIATIVES and self.meeting_id is not None:
            self.reload()
