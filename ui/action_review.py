"""The action review: every action open when the meeting began, reviewed one keystroke each."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import quickadd
from core.changes import Change
from core.errors import ValidationError
from core.model import ReviewStatus, Side
from core.register import ActionFilter, ActionRow
from ui import design, palette
from ui.models import FittedColumns, RowsTableModel
from ui.session import Session
from ui.undo import push_operation

_Index = QModelIndex | QPersistentModelIndex

STATUS_KEYS = {
    Qt.Key.Key_D: ReviewStatus.DONE,
    Qt.Key.Key_T: ReviewStatus.ON_TRACK,
    Qt.Key.Key_R: ReviewStatus.AT_RISK,
    Qt.Key.Key_L: ReviewStatus.LATE,
    Qt.Key.Key_X: ReviewStatus.DROPPED,
}
STATUS_COLOURS = palette.ByMeaning(
    {
        ReviewStatus.DONE: "DONE_BACKGROUND",
        ReviewStatus.ON_TRACK: "ON_TRACK_BACKGROUND",
        ReviewStatus.AT_RISK: "AT_RISK_BACKGROUND",
        ReviewStatus.LATE: "LATE_BACKGROUND",
        ReviewStatus.DROPPED: "DROPPED_BACKGROUND",
        ReviewStatus.NOTED: "NOTED_BACKGROUND",
    }
)


class ReviewTableModel(RowsTableModel):
    """Open actions with their history and this meeting's review; overdue rows marked ⚠."""

    HEADERS = (
        "Action",
        "Owner",
        "Side",
        "Raised",
        "Due",
        "Slips",
        "Overdue",
        "Last review",
        "This meeting",
    )
    HEADER_TIPS = {  # noqa: RUF012
        3: "The meeting in which the action was raised",
        5: "How many times the due date was moved, and from when",
        6: "Days past the due date",
    }
    DUE_COLUMN = 4
    OVERDUE_COLUMN = 6
    OVERDUE_CELLS = (DUE_COLUMN, OVERDUE_COLUMN)

    def __init__(self, on: dt.date) -> None:
        super().__init__()
        self._rows: list[ActionRow] = []
        self._on = on
        self._partner_said: dict[str, str] = {}

    def set_rows(
        self, rows: list[ActionRow], on: dt.date, partner_said: dict[str, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = rows
        self._on = on
        self._partner_said = partner_said or {}
        self.endResetModel()

    def rows(self) -> list[ActionRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ActionRow:
        return self._rows[row]

    def row_of(self, action_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.action.id == action_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        overdue = row.days_overdue(self._on)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(row, column, overdue)
        # Overdue is said by the due date and the ⚠ days, not by the whole row: the title
        # stays in ink, so a table of late actions is not a wall of red.
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column in self.OVERDUE_CELLS:
            return QBrush(QColor(palette.ERROR))
        if role == Qt.ItemDataRole.FontRole and overdue and column == self.OVERDUE_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column == 8 and row.review_here:
            return QBrush(QColor(STATUS_COLOURS[row.review_here.status]))
        if role == Qt.ItemDataRole.ToolTipRole:
            # A cell too narrow for its text is elided: its tooltip holds the whole text.
            if column == 0:
                parts = [row.action.title]
                if row.last_comment:
                    parts.append(f"Last comment: {row.last_comment}")
                if row.review_here and row.review_here.comment:
                    parts.append(f"This meeting: {row.review_here.comment}")
                return "\n".join(parts)
            text = self._shown(row, column, overdue)
            if column == 3:
                return f"{text} · raised {row.raised_on:%d %B %Y}"
            return text or None
        if role == Qt.ItemDataRole.UserRole:
            return row.action.id
        return None

    def _shown(self, row: ActionRow, column: int, overdue: int) -> str:
        text = self._text(row, column, overdue)
        said = self._partner_said.get(row.action.id)
        return f"{text} · partner says: {said}" if column == 8 and said else text

    @staticmethod
    def _text(row: ActionRow, column: int, overdue: int) -> str:
        action = row.action
        if column == 0:
            return action.title
        if column == 1:
            return row.owner_name
        if column == 2:
            return action.side.label
        if column == 3:  # the meeting's number says how old; its month is in the tooltip
            return f"#{row.raised_number}" if row.raised_number else f"{row.raised_on:%b %Y}"
        if column == 4:
            return action.due.isoformat()
        if column == 5:
            if action.due != action.original_due:
                return f"{row.slips or 1} · was {action.original_due:%d %b}"
            return str(row.slips) if row.slips else ""
        if column == 6:
            return f"⚠ {overdue} d" if overdue else ""
        if column == 7:
            return row.last_status.label if row.last_status else "—"
        here = row.review_here
        if here is None:
            return "not reviewed"
        text = here.status.label
        if here.new_due:
            text += f" → new due {here.new_due:%d %b}"
        if here.comment:
            text += f" · {here.comment}"
        return text


class ReviewTable(QTableView):
    """Keys review the selected action: D, T, R, L, X; C comments; N gives a new due date."""

    def __init__(self, view: ActionReviewView) -> None:
        super().__init__()
        self._view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and key in STATUS_KEYS:
            self._view.review_current(STATUS_KEYS[key])
            return
        if plain and key == Qt.Key.Key_C:
            self._view.comment_current()
            return
        if plain and key == Qt.Key.Key_N:
            self._view.reschedule_current()
            return
        super().keyPressEvent(event)


class NewDueDialog(QDialog):
    """A new due date for an action (a slip), typed as the quick-add line takes dates ("+2w",
    "fri", "end of month", "2027-01-15"), with the reason. A date in the past or more than a
    year away is asked about before it is taken."""

    FAR = dt.timedelta(days=365)

    def __init__(self, row: ActionRow, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New due date")
        self.setMinimumWidth(460)
        self._today = today
        self.due: dt.date | None = None
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{html.escape(row.action.title)}</b>"))
        form.addRow("Current due", QLabel(row.action.due.isoformat()))
        self.when = QLineEdit(placeholderText="+2w, fri, end of month, 2027-01-15")
        self.understood = QLabel()
        self.understood.setObjectName("hint")
        self.comment = QLineEdit(placeholderText="Why the date moves")
        form.addRow("New due date", self.when)
        form.addRow("", self.understood)
        form.addRow("Reason", self.comment)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.when.textChanged.connect(self._on_when_edited)
        self.when.setText("+2w")
        self.when.selectAll()

    def _on_when_edited(self, text: str) -> None:
        try:
            self.due = quickadd.parse_due(text, self._today) if text.strip() else None
        except ValidationError as error:
            self.due = None
            self.understood.setText(error.message)
        else:
            self.understood.setText(_long_date(self.due) if self.due else "")
        self.ok.setEnabled(self.due is not None)

    def accept(self) -> None:
        if self.due is None:
            return
        if self.due < self._today or self.due > self._today + self.FAR:
            when = "in the past" if self.due < self._today else "more than a year away"
            answer = QMessageBox.question(
                self,
                "New due date",
                f"{_long_date(self.due)} is {when}. Take it anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.when.setFocus()
                self.when.selectAll()
                return
        super().accept()


class ActionReviewView(QWidget):
    """The review table of one meeting, its progress per side, and its keys."""

    focus_changed = Signal()

    def __init__(self, session: Session, undo_stack: QUndoStack) -> None:
        super().__init__()
        self._session = session
        self._undo = undo_stack
        self._meeting_id: str | None = None
        self._on = session.today()
        self.side = QComboBox()
        self.side.addItem("Both sides", None)
        self.side.addItem("Enterprise's actions", Side.ENTERPRISE)
        self.side.addItem("Partner's actions", Side.PARTNER)
        self.side.currentIndexChanged.connect(self.reload)
        self.progress = QLabel()
        self.progress.setObjectName("reviewProgress")
        self.notice = QLabel()
        self.notice.setObjectName("subtitle")
        hint = QLabel(
            "<b>D</b> done · <b>T</b> on track · <b>R</b> at risk · <b>L</b> late · "
            "<b>X</b> dropped · <b>C</b> comment · <b>N</b> new due date"
        )
        hint.setObjectName("subtitle")
        top = QHBoxLayout()
        top.addWidget(self.side)
        top.addWidget(self.progress, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(hint)
        self.model = ReviewTableModel(self._on)
        self.table = ReviewTable(self)
        self.table.setObjectName("reviewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.columns = FittedColumns(self.table, stretch=0, stretch_minimum=220, capped={8: 240})
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        session.changed.connect(self._on_session_changed)

    # --- showing ---

    def _on_session_changed(self, what: Change) -> None:
        if what & (Change.REVIEWS | Change.ACTIONS):
            self.reload()

    def show_meeting(self, meeting_id: str) -> None:
        meeting = self._session.meeting(meeting_id)
        self._meeting_id = meeting_id
        self._on = meeting.actual_start.date() if meeting.actual_start else meeting.date
        self.notice.clear()
        self.reload()
        if self.model.rowCount():
            self.table.selectRow(0)

    def reload(self) -> None:
        if self._meeting_id is None:
            return
        current = self.current_row()
        keep = current.action.id if current else None
        spec = ActionFilter(
            side=_side(self.side.currentData()), open_at_meeting_id=self._meeting_id
        )
        rows = self._session.action_rows(spec, meeting_id=self._meeting_id)
        self.model.set_rows(rows, self._on, self._session.partner_said(self._meeting_id))
        if keep is not None and self.model.row_of(keep) >= 0:
            self.table.selectRow(self.model.row_of(keep))
        self._refresh_progress()
        self.focus_changed.emit()

    def current_row(self) -> ActionRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _refresh_progress(self) -> None:
        if self._meeting_id is None:
            return
        rows = self._session.action_rows(
            ActionFilter(open_at_meeting_id=self._meeting_id), meeting_id=self._meeting_id
        )
        total = len(rows)
        done = sum(1 for r in rows if r.reviewed_here)
        parts = [f"<b>Reviewed {done} of {total}</b>"]
        for side in Side:
            own = [r for r in rows if r.action.side is side]
            reviewed = sum(1 for r in own if r.reviewed_here)
            parts.append(f"{side.label} {reviewed}/{len(own)}")
        self.progress.setText(" · ".join(parts))

    # --- reviewing ---

    def review_current(
        self, status: ReviewStatus, comment: str | None = None, new_due: dt.date | None = None
    ) -> None:
        row = self.current_row()
        if row is None or self._meeting_id is None:
            return
        here = row.review_here
        keep_comment = here.comment if here and comment is None else (comment or "")
        keep_due = here.new_due if here and new_due is None else new_due
        meeting_id, action_id, earlier = self._meeting_id, row.action.id, row.review_here
        # the action shown after this one now: a slip re-sorts the table, and the room moves
        # on to the action it was about to see, not to whatever lands in the next row
        position = self.model.row_of(action_id)
        following = (
            self.model.row_at(position + 1).action.id
            if 0 <= position + 1 < self.model.rowCount()
            else None
        )
        refused = push_operation(
            self._undo,
            f"Review '{row.action.title[:40]}' as {status.label}",
            lambda: self._session.review_action(
                meeting_id, action_id, status, keep_comment, keep_due
            ),
        )
        if refused:
            self.notice.setText(refused)
            return
        if earlier is not None and earlier.status is not status:
            self.notice.setText(
                f"Replaced this meeting's earlier review of “{row.action.title}”: "
                f"{earlier.status.label} → {status.label}."
            )
        else:
            self.notice.clear()
        if following is not None and self.model.row_of(following) >= 0:
            self.table.selectRow(self.model.row_of(following))

    def comment_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        text = self.ask_comment(row)
        if text is not None:
            # a comment alone is a comment, not a review: it judges nothing
            status = row.review_here.status if row.review_here else ReviewStatus.NOTED
            self.review_current(status, comment=text)

    def reschedule_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        answer = self.ask_new_due(row)
        if answer is not None:
            new_due, reason = answer
            status = row.review_here.status if row.review_here else ReviewStatus.AT_RISK
            if status.closes or not status.is_review:  # a new date judges the action
                status = ReviewStatus.AT_RISK
            self.review_current(status, comment=reason, new_due=new_due)

    def ask_comment(self, row: ActionRow) -> str | None:
        current = row.review_here.comment if row.review_here else ""
        text, ok = QInputDialog.getMultiLineText(
            self, "Comment", f"{row.action.title}\n\nWhat the room said:", current
        )
        return " ".join(text.split()) if ok else None

    def ask_new_due(self, row: ActionRow) -> tuple[dt.date, str] | None:
        dialog = NewDueDialog(row, self._on, self)
        if dialog.exec() and dialog.due is not None:
            return dialog.due, dialog.comment.text()
        return None

    def _on_table_row_changed(self, *args: object) -> None:
        self.focus_changed.emit()

    # --- the room's view ---

    def projector_html(self) -> str:
        """The same table in large print, the row under review highlighted."""
        current = self.current_row()
        cells = []
        for row in self.model.rows():
            overdue = row.days_overdue(self._on)
            here = row.review_here
            style = (
                f' style="background:{design.PROJECTOR_FOCUS};color:{design.PROJECTOR_FOCUS_TEXT};"'
                if row is current
                else ""
            )
            mark = f"⚠ {overdue} d late" if overdue else ""
            status = here.status.label if here else "—"
            cells.append(
                f"<tr{style}><td>{html.escape(row.action.title)}</td>"
                f"<td>{html.escape(row.owner_name)} ({row.action.side.label})</td>"
                f"<td>{row.action.due:%d %b %Y}</td><td><b>{mark}</b></td><td>{status}</td></tr>"
            )
        return (
            f"<p>{self.progress.text()}</p>"
            '<table width="100%" cellspacing="0" cellpadding="6">'
            "<tr><th align=left>Action</th><th align=left>Owner</th><th align=left>Due</th>"
            "<th align=left>Overdue</th><th align=left>Today</th></tr>"
            + "".join(cells)
            + "</table>"
        )


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _side(data: object) -> Side | None:
    """A side kept in a combo box comes back as its text: make it a Side again."""
    return Side(str(data)) if data else None
