"""The first screen when no database is open, and the wizard that creates a partnership."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.errors import ValidationError
from core.model import Person, Side
from core.people import check_person, clean_name
from ui.agenda_editor import StandingAgendaEditor, StandingAgendaModel
from ui.design import SPACE
from ui.field_error import FieldError
from ui.icons import icon

_PARTY_LABELS = {Side.ENTERPRISE: "Enterprise", Side.PARTNER: "Technology partner"}


class WelcomePage(QWidget):
    """Shown when no database is open: create a partnership, open the demo, or open a file."""

    create_requested = Signal()
    demo_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Partnership review")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        explanation = QLabel(
            "Run the monthly review between an enterprise and its technology partner: "
            "follow up the actions promised last time, read the dashboard, record new "
            "commitments, and have both sides sign off the minutes."
        )
        explanation.setObjectName("subtitle")
        explanation.setWordWrap(True)
        explanation.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        self.create_button = self._button(
            "Create a partnership…",
            "Name the two parties, their people and the standing agenda.",
            self.create_requested,
        )
        self.create_button.setObjectName("primaryButton")
        self.create_button.setIcon(icon("add", "WHITE"))
        self.demo_button = self._button(
            "Open the demo",
            "A demo partnership with two years of monthly reviews, to look around.",
            self.demo_requested,
        )
        self.open_button = self._button(
            "Open a database…",
            "Open a partnership database file kept elsewhere.",
            self.open_requested,
        )
        self.demo_button.setIcon(icon("start"))
        self.open_button.setIcon(icon("open"))
        self.setFocusProxy(self.create_button)

        column = QWidget()
        column.setMaximumWidth(520)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(SPACE["xl"], SPACE["xl"], SPACE["xl"], SPACE["xl"])
        inner.setSpacing(SPACE["m"])
        inner.addWidget(title)
        inner.addWidget(explanation)
        inner.addSpacing(SPACE["l"])
        for button in (self.create_button, self.demo_button, self.open_button):
            inner.addWidget(button)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 10)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(row)
        outer.addStretch(3)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.create_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _button(self, text: str, description: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        button.setProperty("prominence", "large")
        button.setAutoDefault(True)
        button.clicked.connect(signal)
        return button


class PartiesPage(QWizardPage):
    """Page 1: the names of the enterprise and of its technology partner."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The two parties")
        self.setSubTitle("Who meets every month to govern this partnership?")
        self.edits: dict[Side, QLineEdit] = {}
        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        examples = {Side.ENTERPRISE: "Northwind Retail", Side.PARTNER: "Contoso Cloud Services"}
        mnemonics = {Side.ENTERPRISE: "&Enterprise:", Side.PARTNER: "Technology &partner:"}
        for side in Side:
            edit = QLineEdit()
            edit.setPlaceholderText(f"e.g. {examples[side]}")
            edit.setAccessibleName(f"{_PARTY_LABELS[side]}'s name")
            edit.textEdited.connect(self._on_edit_text_edited)
            form.addRow(mnemonics[side], edit)
            self.registerField(side.value, edit)
            self.edits[side] = edit
        self.message = FieldError()
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def names(self) -> dict[Side, str]:
        return {side: clean_name(edit.text(), side.value) for side, edit in self.edits.items()}

    def validatePage(self) -> bool:
        for side, edit in self.edits.items():
            try:
                clean_name(edit.text(), side.value)
            except ValidationError as error:
                self.message.setText(f"{_PARTY_LABELS[side]}: {error.message}")
                edit.setFocus()
                edit.selectAll()
                return False
        self.message.setText("")
        return True

    def _on_edit_text_edited(self, _text: str) -> None:
        self.message.setText("")


class PartyPeopleEditor(QWidget):
    """The people of one side: name, role and e-mail in a table, with Add and Remove."""

    COLUMNS = ("Name", "Role", "E-mail")
    edited = Signal(int)

    def __init__(self, side: Side) -> None:
        super().__init__()
        self.side = side
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setAccessibleName(f"People of the {side.value} side")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.add_button = QPushButton("Add person")
        self.add_button.setAccessibleName(f"Add a person of the {side.value} side")
        self.add_button.clicked.connect(self.add_person)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName(f"Remove the selected person of the {side.value} side")
        self.remove_button.clicked.connect(self.remove_person)
        self.remove_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.set_party_name("")

    def set_party_name(self, name: str) -> None:
        label = _PARTY_LABELS[self.side]
        self.title.setText(f"{name} ({label.lower()})" if name else label)

    def add_person(self) -> None:
        """A new empty row, its name cell open for typing."""
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        cells = [QTableWidgetItem("") for _column in self.COLUMNS]
        for column, cell in enumerate(cells):
            self.table.setItem(row, column, cell)
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(cells[0])

    def remove_person(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
        self.table.setFocus()
        self.edited.emit(-1)

    def entries(self) -> list[tuple[str, str, str]]:
        """Name, role and e-mail of each row, as typed."""
        return [
            (self._text(row, 0), self._text(row, 1), self._text(row, 2))
            for row in range(self.table.rowCount())
        ]

    def show_cell(self, row: int, column: int) -> None:
        self.table.setFocus()
        if row >= 0:
            self.table.setCurrentCell(row, column)

    def finish_editing(self) -> None:
        """Commit a cell still being edited, so that checks see what was typed."""
        for editor in self.table.viewport().findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            if editor.isVisible():
                self.table.commitData(editor)
                self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        self.edited.emit(item.row())

    def _on_table_current_cell_changed(self, row: int, *_args: int) -> None:
        self.remove_button.setEnabled(row >= 0)


@dataclass(frozen=True)
class _Problem:
    """Where the people typed so far break a rule, and the rule's message."""

    party: PartyPeopleEditor
    row: int
    column: int
    message: str


_COLUMN_OF_FIELD = {"name": 0, "role": 1, "email": 2}


class PeoplePage(QWizardPage):
    """Page 2: the people of each side, at least one per side, no one twice in a side."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("People of each party")
        self.setSubTitle(
            "Who represents each side at the review? Add at least one person per side."
        )
        self.parties = {side: PartyPeopleEditor(side) for side in Side}
        self.message = FieldError()
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        for party in self.parties.values():
            party.edited.connect(lambda row, party=party: self._on_party_edited(party, row))
            layout.addWidget(party, 1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        for side, party in self.parties.items():
            party.set_party_name(" ".join(str(self.field(side.value)).split()))
        if not any(party.table.rowCount() for party in self.parties.values()):
            self.parties[Side.ENTERPRISE].add_button.setFocus()

    def people(self) -> list[tuple[Side, str, str, str]]:
        """The people as checked by core.people: names and e-mails cleaned."""
        people, problem = self._check()
        if problem is not None:
            raise ValidationError("people", problem.message)
        return people

    def validatePage(self) -> bool:
        for party in self.parties.values():
            party.finish_editing()
        _people, problem = self._check()
        if problem is not None:
            self.message.setText(problem.message)
            problem.party.show_cell(problem.row, problem.column)
            return False
        self.message.setText("")
        return True

    def _check(self) -> tuple[list[tuple[Side, str, str, str]], _Problem | None]:
        people: list[tuple[Side, str, str, str]] = []
        for side, party in self.parties.items():
            entries = party.entries()
            if not entries:
                return people, _Problem(
                    party, -1, 0, f"Add at least one person of the {side.value} side."
                )
            checked: list[Person] = []
            for row, (name, role, email) in enumerate(entries):
                typed = Person(f"{side.value}-{row}", "", side, name, role, email)
                try:
                    checked.append(check_person(typed, checked))
                except ValidationError as error:
                    column = _COLUMN_OF_FIELD.get(error.field, 0)
                    message = f"{_PARTY_LABELS[side]}, row {row + 1}: {error.message}"
                    return people, _Problem(party, row, column, message)
            people += [(side, p.name, p.role, p.email) for p in checked]
        return people, None

    def _on_party_edited(self, party: PartyPeopleEditor, row: int) -> None:
        _people, problem = self._check()
        if problem is None:
            self.message.setText("")
        elif (problem.party is party and problem.row == row) or self.message.isVisible():
            self.message.setText(problem.message)


class AgendaPage(QWizardPage):
    """Page 3: the standing agenda, prefilled with the default one."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Standing agenda")
        self.setSubTitle(
            "Every meeting starts from these items. Adjust titles, kinds and timeboxes; "
            "you can change them later."
        )
        self.model = StandingAgendaModel.from_defaults()
        self.editor = StandingAgendaEditor(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)

    def agenda_items(self) -> list[tuple[str, str, int]]:
        return [(item.title, item.kind.value, item.timebox_minutes) for item in self.model.items()]

    def validatePage(self) -> bool:
        return self.editor.finish_editing()


class CreatePartnershipWizard(QWizard):
    """Name the two parties, their people and the standing agenda of a new partnership."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create a partnership")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create partnership")
        self.parties_page = PartiesPage()
        self.people_page = PeoplePage()
        self.agenda_page = AgendaPage()
        for page in (self.parties_page, self.people_page, self.agenda_page):
            self.addPage(page)
        self.resize(780, 640)

    def result_data(
        self,
    ) -> tuple[dict[Side, str], list[tuple[Side, str, str, str]], list[tuple[str, str, int]]]:
        """The arguments of Session.create_partnership: names, people, agenda items."""
        return (
            self.parties_page.names(),
            self.people_page.people(),
            self.agenda_page.agenda_items(),
        )
