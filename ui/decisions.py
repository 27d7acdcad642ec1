"""Recording a decision: its text and who agreed from each side."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from core.ids import new_id
from core.model import AttendanceStatus, Decision, Side
from ui.field_error import FieldError
from ui.session import Session


class DecisionDialog(QDialog):
    """The decision's text, and the people of each side who agreed to it."""

    def __init__(self, session: Session, meeting_id: str, item_id: str | None) -> None:
        super().__init__()
        self.setWindowTitle("New decision")
        self.resize(640, 460)
        self._meeting_id = meeting_id
        self._item_id = item_id
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("What was decided?"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            "e.g. Approve the change freeze from 15 December to 5 January."
        )
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        present = {
            a.person_id
            for a in session.attendance(meeting_id)
            if a.person_id and a.status is AttendanceStatus.PRESENT
        }
        sides = QHBoxLayout()
        self.agreed: dict[Side, QListWidget] = {}
        for side in Side:
            box = QGroupBox(f"Agreed by ({side.label})")
            inner = QVBoxLayout(box)
            people = QListWidget()
            for person in session.people():
                if person.side is side and (not present or person.id in present):
                    entry = QListWidgetItem(person.name)
                    entry.setData(Qt.ItemDataRole.UserRole, person.id)
                    entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    entry.setCheckState(Qt.CheckState.Unchecked)
                    people.addItem(entry)
            inner.addWidget(people)
            self.agreed[side] = people
            sides.addWidget(box)
        layout.addLayout(sides, 1)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record decision")
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.decision: Decision | None = None
        self.text.setFocus()

    def _on_accepted(self) -> None:
        text = " ".join(self.text.toPlainText().split())
        if not text:
            self.error.setText("A decision needs its text.")
            self.text.setFocus()
            return
        agreed = tuple(
            people.item(row).data(Qt.ItemDataRole.UserRole)
            for people in self.agreed.values()
            for row in range(people.count())
            if people.item(row).checkState() == Qt.CheckState.Checked
        )
        self.decision = Decision(new_id(), self._meeting_id, text, self._item_id, agreed)
        self.accept()
