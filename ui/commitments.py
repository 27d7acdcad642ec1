"""New commitments: one typed line read back to the room, corrected, then committed."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import quickadd
from core.changes import Change
from core.errors import ValidationError
from core.ids import new_id
from core.model import AttendanceStatus, Person, RaciRole
from ui import icons
from ui.design import SPACE
from ui.field_error import FieldError
from ui.session import Session
from ui.undo import push_operation

NO_DATE = QDate(2000, 1, 1)


class QuickAddLine(QLineEdit):
    """The one line; after '@' it completes people's names."""

    def __init__(self, people: list[Person]) -> None:
        super().__init__()
        self._people = people
        self.setPlaceholderText(
            "Title, then @owner and a due date: e.g. Share the DR test results @EC fri"
        )
        self._names = QStringListModel([p.name for p in people], self)
        self._completer = QCompleter(self._names, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._on_completer_activated)
        self.textEdited.connect(self._on_text_edited)

    def set_people(self, people: list[Person]) -> None:
        self._people = people

    def _token(self) -> tuple[int, str] | None:
        text = self.text()[: self.cursorPosition()]
        at = text.rfind("@")
        if at < 0 or (" " in text[at:].strip() and len(text[at:].split()) > 2):
            return None
        return at, text[at + 1 :]

    def _on_text_edited(self, _text: str) -> None:
        token = self._token()
        if token is None or not token[1]:
            self._hide_popup()
            return
        matches = [p.name for p in quickadd.owners_matching(token[1], self._people)]
        self._names.setStringList(matches)
        self._completer.setCompletionPrefix("")
        if matches:
            self._completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()

    def _on_completer_activated(self, name: str) -> None:
        token = self._token()
        if token is None:
            return
        at, _ = token
        rest = self.text()[self.cursorPosition() :]
        self.setText(f"{self.text()[:at]}@{name} {rest.lstrip()}")
        self.setCursorPosition(at + len(name) + 2)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._completer.popup()
        choosing = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
        if popup is not None and popup.isVisible() and choosing:
            index = popup.currentIndex()
            if index.isValid():
                self._on_completer_activated(index.data())
            popup.hide()
            return
        super().keyPressEvent(event)


class CommitmentForm(QWidget):
    """The quick-add line, what was understood (each field correctable), RACI, and Commit."""

    committed = Signal(str)

    def __init__(self, session: Session, meeting_id: str, undo_stack: QUndoStack) -> None:
        super().__init__()
        self._session = session
        self._meeting_id = meeting_id
        self._undo = undo_stack
        self._people = session.people()
        meeting = session.meeting(meeting_id)
        self._today = meeting.actual_start.date() if meeting.actual_start else session.today()

        self.line = QuickAddLine(self._people)
        self.line.setObjectName("quickAdd")
        self.line.returnPressed.connect(self.commit)
        self._reader = QTimer(self, singleShot=True, interval=150)
        self._reader.timeout.connect(self.read_line)
        self.line.textChanged.connect(lambda _t: self._reader.start())

        self.title = QLineEdit()
        self.owner = QComboBox()
        self.owner.addItem("— choose the owner —", None)
        for person in self._people:
            self.owner.addItem(f"{person.name} ({person.side.label})", person.id)
        self.owner.currentIndexChanged.connect(self._refresh_side)
        self.owner.activated.connect(self._on_owner_activated)
        self._other_problems: list[str] = []
        self.side = QLabel("—")
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd d MMM yyyy")
        self.due.setMinimumDate(NO_DATE)
        self.due.setSpecialValueText("no date yet")
        self.due.setDate(NO_DATE)
        self.accountable = QComboBox()
        self.accountable.addItem("— nobody —", None)
        for person in self._people:
            self.accountable.addItem(f"{person.name} ({person.side.label})", person.id)
        self.consulted = self._people_list()
        self.informed = self._people_list()
        understood = QFormLayout()
        understood.addRow("Title", self.title)
        owner_row = QHBoxLayout()
        owner_row.addWidget(self.owner, 1)
        owner_row.addWidget(self.side)
        understood.addRow("Owner (responsible)", owner_row)
        understood.addRow("Due", self.due)
        understood.addRow("Accountable", self.accountable)
        lists = QHBoxLayout()
        for label, widget in (("Consulted", self.consulted), ("Informed", self.informed)):
            column = QVBoxLayout()
            column.setSpacing(SPACE["xs"])
            column.addWidget(QLabel(label), 0, Qt.AlignmentFlag.AlignBottom)
            column.addWidget(widget, 1)  # the lists take the height, not their labels
            lists.addLayout(column)
        understood.addRow(lists)
        self.problems = FieldError()
        self.commit_button = QPushButton(icons.icon("add"), "Commit (Enter)")
        self.commit_button.clicked.connect(self.commit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problems, 1)
        bottom.addWidget(self.commit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("New commitment")
        heading.setObjectName("sectionTitle")
        layout.addWidget(heading)
        layout.addWidget(self.line)
        layout.addLayout(understood)
        layout.addLayout(bottom)

    def _people_list(self) -> QListWidget:
        widget = QListWidget()
        widget.setMinimumHeight(110)
        for person in self._people:
            entry = QListWidgetItem(f"{person.name} ({person.side.label})")
            entry.setData(Qt.ItemDataRole.UserRole, person.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(entry)
        return widget

    # --- reading the line --------------------------------------------------------------------

    def read_line(self) -> quickadd.Understood:
        """Show what the line says; the fields stay correctable afterwards."""
        self._reader.stop()
        understood = quickadd.understand(self.line.text(), self._people, self._today)
        self.title.setText(understood.title)
        index = self.owner.findData(understood.owner.id) if understood.owner else 0
        self.owner.setCurrentIndex(max(0, index))
        due = understood.due
        self.due.setDate(QDate(due.year, due.month, due.day) if due else NO_DATE)
        problems = list(understood.problems)
        if understood.candidates:
            names = ", ".join(p.name for p in understood.candidates)
            problems.append(f"Several people match: {names}.")
        self.problems.setText(" ".join(problems))
        about_owner = ("No one called", "No name after", "Several people match")
        self._other_problems = [
            p for p in problems if not p.startswith(about_owner) and " could be " not in p
        ]
        return understood

    def _on_owner_activated(self, _index: int) -> None:
        """The owner chosen by hand: what the line said about its owner no longer applies."""
        if self._owner() is not None:
            self.problems.setText(" ".join(self._other_problems))

    def _refresh_side(self) -> None:
        person = self._owner()
        self.side.setText(person.side.label if person else "—")

    def _owner(self) -> Person | None:
        owner_id = self.owner.currentData()
        return next((p for p in self._people if p.id == owner_id), None)

    def _due(self) -> dt.date | None:
        date = self.due.date()
        return None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())

    # --- committing -------------------------------------------------------------------------

    def commit(self) -> bool:
        """Commit what the fields say (reading the line first if it changed)."""
        if self._reader.isActive():
            self.read_line()
        owner, due = self._owner(), self._due()
        past_confirmed = False
        try:
            quickadd.check_commitment(self.title.text(), owner, due, self._people, self._today)
        except ValidationError as error:
            if error.field == "due" and due is not None and due < self._today:
                past_confirmed = self.confirm_past(due)
                if not past_confirmed:
                    self.problems.setText(error.message)
                    return False
            else:
                self.problems.setText(error.message)
                (
                    self.title
                    if error.field == "title"
                    else self.owner
                    if error.field == "owner"
                    else self.due
                ).setFocus()
                return False
        action_id, title, raci = new_id(), self.title.text(), self._raci()
        meeting_id = self._meeting_id
        refused = push_operation(
            self._undo,
            f"Add commitment '{title[:40]}'",
            lambda: self._session.add_commitment(
                meeting_id, title, owner, due, raci, past_confirmed, action_id
            ),
        )
        if refused:
            self.problems.setText(refused)
            return False
        self.clear()
        self.committed.emit(action_id)
        return True

    def confirm_past(self, due: dt.date) -> bool:
        answer = QMessageBox.question(
            self,
            "Due date in the past",
            f"The due date {due:%d %B %Y} is in the past. Record the commitment anyway?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _raci(self) -> dict[RaciRole, list[str]]:
        raci: dict[RaciRole, list[str]] = {}
        if self.accountable.currentData():
            raci[RaciRole.ACCOUNTABLE] = [self.accountable.currentData()]
        for role, widget in (
            (RaciRole.CONSULTED, self.consulted),
            (RaciRole.INFORMED, self.informed),
        ):
            raci[role] = [
                widget.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(widget.count())
                if widget.item(row).checkState() == Qt.CheckState.Checked
            ]
        return raci

    def clear(self) -> None:
        self.line.clear()
        self._reader.stop()
        self.title.clear()
        self.owner.setCurrentIndex(0)
        self.due.setDate(NO_DATE)
        self.accountable.setCurrentIndex(0)
        for widget in (self.consulted, self.informed):
            for row in range(widget.count()):
                widget.item(row).setCheckState(Qt.CheckState.Unchecked)
        self.problems.clear()
        self.line.setFocus()


class CommitmentsView(QWidget):
    """The commitments item: the form, and everything decided and promised today, for read-out."""

    def __init__(self, session: Session, undo_stack: QUndoStack) -> None:
        super().__init__()
        self._session = session
        self._undo = undo_stack
        self._meeting_id: str | None = None
        self.form: CommitmentForm | None = None
        self._form_holder = QVBoxLayout()
        self.readout = QLabel()
        self.readout.setObjectName("readout")
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel("Read-out: decisions and commitments of this meeting")
        heading.setObjectName("sectionTitle")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QWidget()
        left.setLayout(self._form_holder)
        self._form_holder.setContentsMargins(0, 0, 0, 0)
        right = QVBoxLayout()
        right.addWidget(heading)
        right.addWidget(self.readout, 1)
        layout.addWidget(left, 3)
        layout.addLayout(right, 2)
        session.changed.connect(self._on_session_changed)

    def show_meeting(self, meeting_id: str) -> None:
        if self._meeting_id != meeting_id or self.form is None:
            if self.form is not None:
                self.form.deleteLater()
            self.form = CommitmentForm(self._session, meeting_id, self._undo)
            self._form_holder.addWidget(self.form)
            self._meeting_id = meeting_id
        self.refresh()

    def refresh(self) -> None:
        if self._meeting_id is None:
            return
        self.readout.setText(readout_html(self._session, self._meeting_id))

    def _on_session_changed(self, what: Change) -> None:
        if what & (Change.ACTIONS | Change.DECISIONS):
            self.refresh()


def readout_html(session: Session, meeting_id: str) -> str:
    """Decisions and commitments captured in this meeting, as the facilitator reads them out."""
    names = {p.id: p for p in session.people()}
    decisions = session.decisions(meeting_id)
    references = session.decision_references(meeting_id)
    decisions.sort(key=lambda d: references.get(d.id, ""))
    actions = session.commitments(meeting_id)
    present = {
        a.person_id for a in session.attendance(meeting_id) if a.status is AttendanceStatus.PRESENT
    }
    parts = [f"<h3>Decisions ({len(decisions)})</h3><ul>"]
    for decision in decisions:
        reference = html.escape(references.get(decision.id, ""))
        parts.append(f"<li><b>{reference}</b> {html.escape(decision.text)}</li>")
    parts.append(f"</ul><h3>Commitments ({len(actions)})</h3><ol>")
    for action in actions:
        owner = names.get(action.owner_id)
        who = f"{owner.name} ({owner.side.label})" if owner else "?"
        away = (
            " <i>— not here: the minutes will tell them</i>"
            if owner is not None and owner.id not in present
            else ""
        )
        parts.append(
            f"<li><b>{html.escape(action.title)}</b> — {html.escape(who)}, "
            f"due {action.due:%a %d %b %Y}{away}</li>"
        )
    parts.append("</ol>")
    if not decisions and not actions:
        return "<p><i>Nothing decided or promised yet in this meeting.</i></p>"
    return "".join(parts)
