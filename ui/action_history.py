"""One action's whole story: what each meeting said about it and every change to it."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model import ActionState, AuditEntry, Meeting, ReviewStatus
from core.register import ActionRow
from ui import palette
from ui.session import Session

STATUS_COLOURS = palette.ByMeaning(
    {
        ReviewStatus.DONE: "GOOD",
        ReviewStatus.ON_TRACK: "ON_TRACK",
        ReviewStatus.AT_RISK: "WARNING",
        ReviewStatus.LATE: "ERROR",
        ReviewStatus.DROPPED: "DROPPED",
    }
)
FIELD_LABELS = {
    "title": "Title",
    "owner_id": "Owner",
    "side": "Side",
    "original_due": "Original due",
    "current_due": "Current due",
    "state": "State",
    "closed_in_id": "Closed in",
    "closed_on": "Closed on",
    "raised_in_id": "Raised in",
}


class ActionHistoryDialog(QDialog):
    """Read-only: an action's facts, its reviews by meeting (slips marked), its audit log."""

    REVIEW_HEADERS = ("Meeting", "Date", "Status", "New due date", "Comment")
    CHANGE_HEADERS = ("When", "Field", "Change", "By", "Meeting")

    def __init__(
        self,
        session: Session,
        row: ActionRow,
        parent: QWidget | None = None,
        on: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        action = row.action
        self.row = row
        self.setWindowTitle(f"History · {action.title}")
        self.resize(960, 640)
        self._meetings: dict[str, Meeting] = {m.id: m for m in session.meetings()}
        self._people = {p.id: p.name for p in session.people()}
        parties = session.parties()
        self.reviews, self.changes = session.action_history(action.id)

        title = QLabel(html.escape(action.title))
        title.setObjectName("meetingTitle")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        party = parties.get(action.side)
        side = f"{action.side.label} · {party.name}" if party else action.side.label
        moved = "" if not row.slips else f"  (moved {_times(row.slips)})"
        facts = [
            ("Owner", row.owner_name),
            ("Side", side),
            ("Raised in", self._raised_in(row)),
            ("State", self._state(row)),
            ("Original due", action.original_due.isoformat()),
            ("Current due", action.due.isoformat() + moved),
        ]
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        for position, (label, value) in enumerate(facts):
            caption = QLabel(label)
            caption.setObjectName("subtitle")
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            line, pair = divmod(position, 2)
            grid.addWidget(caption, line, pair * 2)
            grid.addWidget(shown, line, pair * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(2, 110)

        overdue = row.days_overdue(on or session.today())
        self.overdue_label = QLabel(
            f"⚠ Overdue by {overdue} {'day' if overdue == 1 else 'days'}" if overdue else ""
        )
        self.overdue_label.setStyleSheet(f"color: {palette.ERROR}; font-weight: 600;")
        self.overdue_label.setVisible(bool(overdue))

        reviews_title = QLabel(f"Reviews across meetings ({len(self.reviews)})")
        reviews_title.setObjectName("sectionTitle")
        self.review_table = self._table(self.REVIEW_HEADERS)
        self._fill_reviews()
        changes_title = QLabel(f"Changes recorded ({len(self.changes)})")
        changes_title.setObjectName("sectionTitle")
        self.change_table = self._table(self.CHANGE_HEADERS)
        self._fill_changes()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.overdue_label)
        layout.addWidget(reviews_title)
        layout.addWidget(self.review_table, 3)
        if not self.reviews:
            layout.addWidget(_empty("No meeting has reviewed this action yet."))
        layout.addWidget(changes_title)
        layout.addWidget(self.change_table, 2)
        if not self.changes:
            layout.addWidget(_empty("No change to this action has been recorded in the audit log."))
        layout.addWidget(buttons)
        self.review_table.setVisible(bool(self.reviews))
        self.change_table.setVisible(bool(self.changes))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.close_button.setFocus()  # Enter or Esc closes; no table cell starts out current

    # --- the facts ---

    def _meeting_label(self, meeting_id: str | None) -> str:
        meeting = self._meetings.get(meeting_id or "")
        if meeting is None:
            return "—"
        return f"#{meeting.number} · {meeting.date.isoformat()}"

    def _raised_in(self, row: ActionRow) -> str:
        if row.raised_number is None:
            return f"outside a meeting, on {row.raised_on.isoformat()}"
        return f"Meeting #{row.raised_number} · {row.raised_on.isoformat()}"

    def _state(self, row: ActionRow) -> str:
        action = row.action
        if action.state is ActionState.OPEN:
            return "Open"
        text = action.state.value.capitalize()
        if action.closed_on is not None:
            text += f" on {action.closed_on.isoformat()}"
        meeting = self._meetings.get(action.closed_in_id or "")
        if meeting is not None:
            text += f" · closed in meeting #{meeting.number}"
        return text

    # --- the tables ---

    @staticmethod
    def _table(headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.ensurePolished()  # the style sheet's font, to size the rows by
        line = table.fontMetrics().height() + 16
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setMinimumSectionSize(line)
        rows.setDefaultSectionSize(line)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _fill_reviews(self) -> None:
        table = self.review_table
        table.setRowCount(len(self.reviews))
        bold = QFont()
        bold.setBold(True)
        for line, review in enumerate(self.reviews):
            meeting = self._meetings.get(review.meeting_id)
            when = review.reviewed_on or (meeting.date if meeting else None)
            slip = review.new_due is not None
            cells = [
                f"#{meeting.number}" if meeting else "—",
                when.isoformat() if when else "—",
                review.status.label.capitalize(),
                f"→ {review.new_due.isoformat()}  (slip)" if review.new_due else "",
                review.comment,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if slip:
                    item.setBackground(QBrush(QColor(palette.AT_RISK_BACKGROUND)))
                if column == 2:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS[review.status])))
                    item.setFont(bold)
                if column == 3 and slip:
                    item.setForeground(QBrush(QColor(palette.WARNING)))
                    item.setFont(bold)
                    item.setToolTip("The due date moved in this meeting")
                table.setItem(line, column, item)
        _even_rows(table)

    def _fill_changes(self) -> None:
        table = self.change_table
        table.setRowCount(len(self.changes))
        for line, entry in enumerate(self.changes):
            cells = [
                entry.at.strftime("%Y-%m-%d %H:%M"),
                FIELD_LABELS.get(entry.field, entry.field.replace("_", " ").capitalize()),
                f"{self._value(entry, entry.old)} → {self._value(entry, entry.new)}",
                entry.changed_by or "—",
                self._meeting_label(entry.meeting_id),
            ]
            for column, text in enumerate(cells):
                table.setItem(line, column, QTableWidgetItem(text))
        _even_rows(table)

    def _value(self, entry: AuditEntry, value: str | None) -> str:
        """An audited value as a person reads it: meeting numbers and names, not ids."""
        if value is None or value == "":
            return "(none)"
        if entry.field.endswith("_in_id"):
            meeting = self._meetings.get(value)
            return f"#{meeting.number}" if meeting else value
        if entry.field == "owner_id":
            return self._people.get(value, value)
        return value


def _even_rows(table: QTableWidget) -> None:
    """Rows fitted to their text, the one-line ones all as tall as the tallest one-line row."""
    table.resizeRowsToContents()
    heights = [table.rowHeight(r) for r in range(table.rowCount())]
    one_line = [h for h in heights if h < 2 * table.fontMetrics().height() + 8]
    if one_line:
        for row, height in enumerate(heights):
            if height < max(one_line):
                table.setRowHeight(row, max(one_line))


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _empty(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subtitle")
    return label
