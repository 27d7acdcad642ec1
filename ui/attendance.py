"""Attendance at the start of a meeting: every person of both sides, quick to tick."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.model import AttendanceStatus, Side
from ui import icons, palette
from ui.field_error import FieldError
from ui.session import Session
from ui.undo import push_operation

_KEYS = {
    Qt.Key.Key_P: AttendanceStatus.PRESENT,
    Qt.Key.Key_A: AttendanceStatus.APOLOGIES,
    Qt.Key.Key_X: AttendanceStatus.ABSENT,
}
_ORDER = [AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT]
_COLOURS = palette.ByMeaning(
    {
        AttendanceStatus.PRESENT: "DONE_BACKGROUND",
        AttendanceStatus.APOLOGIES: "AT_RISK_BACKGROUND",
        AttendanceStatus.ABSENT: "LATE_BACKGROUND",
    }
)


class AttendanceTable(QTableWidget):
    """One row a person: P present, A apologies, X absent, Space cycles."""

    def __init__(self, dialog: AttendanceDialog) -> None:
        super().__init__(0, 4)
        self._dialog = dialog
        self.setHorizontalHeaderLabels(["Name", "Side", "Role", "Status"])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.cellClicked.connect(self._on_cell_clicked)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        if row >= 0 and Qt.Key(event.key()) in _KEYS:
            self._dialog.mark(row, _KEYS[Qt.Key(event.key())])
            if row + 1 < self.rowCount():
                self.selectRow(row + 1)
            return
        if row >= 0 and event.key() == Qt.Key.Key_Space:
            self._dialog.cycle(row)
            return
        super().keyPressEvent(event)

    def _on_cell_clicked(self, row: int, column: int) -> None:
        if column == 3:
            self._dialog.cycle(row)


class AttendanceDialog(QDialog):
    """Tick who is present, sent apologies or is absent, and add guests."""

    def __init__(self, session: Session, meeting_id: str, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setWindowTitle("Attendance")
        self.resize(780, 680)
        self._session = session
        self._meeting_id = meeting_id
        self._undo = undo_stack
        self._people = sorted(session.people(), key=lambda p: (p.side.value, p.name))
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Select a person, then press <b>P</b> present, <b>A</b> apologies, "
            "<b>X</b> absent (Space cycles)."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = AttendanceTable(self)
        layout.addWidget(self.table)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        guests = QHBoxLayout()
        self.guest_name = QLineEdit(placeholderText="Guest's name and organisation")
        self.guest_side = QComboBox()
        self.guest_side.addItem("Enterprise's guest", Side.ENTERPRISE)
        self.guest_side.addItem("Partner's guest", Side.PARTNER)
        add_guest = QPushButton(icons.icon("add"), "Add guest")
        add_guest.setAutoDefault(False)  # Enter belongs to the name field (eventFilter)
        add_guest.clicked.connect(self._on_add_guest_clicked)
        self.guest_name.installEventFilter(self)
        guests.addWidget(self.guest_name, 1)
        guests.addWidget(self.guest_side)
        guests.addWidget(add_guest)
        layout.addLayout(guests)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self._refresh()
        if self.table.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def mark(self, row: int, status: AttendanceStatus) -> None:
        person = self._people[row] if row < len(self._people) else None
        if person is None:
            return
        meeting_id = self._meeting_id
        refused = push_operation(
            self._undo,
            f"Mark {person.name} {status.value}",
            lambda: self._session.set_attendance(meeting_id, person.id, status),
        )
        self.error.setText(refused or "")
        self._refresh()

    def cycle(self, row: int) -> None:
        current = self._status_of_row(row)
        following = _ORDER[(_ORDER.index(current) + 1) % len(_ORDER)] if current else _ORDER[0]
        self.mark(row, following)

    def _status_of_row(self, row: int) -> AttendanceStatus | None:
        if row >= len(self._people):
            return None
        person = self._people[row]
        for record in self._session.attendance(self._meeting_id):
            if record.person_id == person.id:
                return record.status
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the guest field adds the guest, once, and closes nothing: the key stops
        there instead of reaching the dialog's default button."""
        if (
            watched is self.guest_name
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._on_add_guest_clicked()
            return True
        return super().eventFilter(watched, event)

    def _on_add_guest_clicked(self) -> None:
        meeting_id, name = self._meeting_id, self.guest_name.text()
        side = Side(self.guest_side.currentData())
        refused = push_operation(
            self._undo,
            f"Add guest {' '.join(name.split())[:40]}",
            lambda: self._session.add_guest(meeting_id, name, side),
        )
        if refused:
            self.error.setText(refused)
            self.guest_name.setFocus()
            return
        self.error.clear()
        self.guest_name.clear()
        self._refresh()

    def _refresh(self) -> None:
        records = self._session.attendance(self._meeting_id)
        by_person = {r.person_id: r for r in records if r.person_id}
        guests = [r for r in records if r.person_id is None]
        row_now = self.table.currentRow()
        self.table.setRowCount(len(self._people) + len(guests))
        for row, person in enumerate(self._people):
            record = by_person.get(person.id)
            self._fill(
                row, person.name, person.side.label, person.role, record.status if record else None
            )
        for offset, guest in enumerate(guests):
            side = guest.guest_side.label if guest.guest_side else ""
            self._fill(len(self._people) + offset, guest.guest_name, side, "Guest", guest.status)
        if row_now >= 0:
            self.table.selectRow(row_now)
        counts = {status: 0 for status in AttendanceStatus}
        for record in records:
            counts[record.status] += 1
        unmarked = len(self._people) - len(by_person)
        self.summary.setText(
            f"Present {counts[AttendanceStatus.PRESENT]}"
            f" · apologies {counts[AttendanceStatus.APOLOGIES]}"
            f" · absent {counts[AttendanceStatus.ABSENT]} · not yet marked {unmarked}"
        )

    def _fill(
        self, row: int, name: str, side: str, role: str, status: AttendanceStatus | None
    ) -> None:
        for column, text in enumerate(
            (name, side, role, status.value.capitalize() if status else "—")
        ):
            cell = QTableWidgetItem(text)
            if column == 3 and status is not None:
                cell.setBackground(QColor(_COLOURS[status]))
            self.table.setItem(row, column, cell)
