"""Receive partner updates…: the partner's workbook (or a CSV file) read into proposals, each
beside the value it would replace, all checked to begin with, the proposed value editable;
below, in words, every line the file could not propose and why. Nothing is written until
"Accept checked", which writes the checked ones (all or none); "Reject all" writes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ReviewError
from core.partner_updates import PartnerUpdates, Proposal
from ui.field_error import FieldError
from ui.session import Session

COLUMNS = ("What", "Where", "Current", "Proposed", "Comment")
WHAT, WHERE, CURRENT, PROPOSED, COMMENT = range(len(COLUMNS))


class PartnerUpdatesDialog(QDialog):
    """The proposals of one file of the partner's updates for one meeting, to accept or reject."""

    def __init__(
        self, session: Session, meeting_id: str, path: str | Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._meeting_id = meeting_id
        self.path = Path(path)
        self.updates: PartnerUpdates | None = None
        self.refusal = ""
        self.accepted_count = 0
        self.setWindowTitle("Receive partner updates")
        self.resize(1100, 640)
        try:
            self.updates = session.partner_updates(meeting_id, self._read(), self.path.name)
        except ReviewError as error:
            self.refusal = error.message

        self.summary = QLabel()
        self.summary.setObjectName("subtitle")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("partnerProposals")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        for column in (WHERE, CURRENT, PROPOSED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COMMENT, QHeaderView.ResizeMode.Stretch)
        # rows as tall as their wrapped text at the columns' real widths, not at the narrow
        # ones they had before the dialog was first laid out
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.flagged_title = QLabel()
        self.flagged = QPlainTextEdit()
        self.flagged.setObjectName("flaggedLines")
        self.flagged.setReadOnly(True)
        self.flagged.setMaximumHeight(160)
        self.notice = FieldError()

        self.accept_button = QPushButton("Accept checked")
        self.accept_button.setObjectName("acceptChecked")
        self.accept_button.clicked.connect(self._on_accept_clicked)
        self.reject_button = QPushButton("Reject all")
        self.reject_button.setObjectName("rejectAll")
        self.reject_button.clicked.connect(self.reject)
        for button in (self.accept_button, self.reject_button):
            # Enter finishes typing a value in the table; it must not accept the whole file.
            button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.flagged_title)
        layout.addWidget(self.flagged)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)
        self._show()

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise ReviewError(f"{self.path} does not exist.") from None
        except IsADirectoryError:
            raise ReviewError(f"{self.path} is a folder, not a workbook.") from None
        except OSError as error:
            raise ReviewError(f"{self.path} cannot be read: {error.strerror}.") from None

    def _show(self) -> None:
        updates = self.updates
        if updates is None:
            self.summary.setText(f"<b>{self.path.name}: nothing was read.</b><br>{self.refusal}")
            for widget in (self.table, self.flagged_title, self.flagged):
                widget.hide()
            self.accept_button.setEnabled(False)
            self.reject_button.setText("Close")
            return
        number = self._session.meeting(self._meeting_id).number
        count = len(updates.proposals)
        unchanged = (
            f" {updates.unchanged} more {'line says' if updates.unchanged == 1 else 'lines say'} "
            "what is already recorded."
            if updates.unchanged
            else ""
        )
        self.summary.setText(
            f"<b>{self.path.name}: {count} {'proposal' if count == 1 else 'proposals'} from the "
            f"partner for meeting {number}.</b> Uncheck what you do not accept; double-click a "
            f"proposed value to change it. Nothing is written until you accept.{unchanged}"
        )
        self.table.setRowCount(count)
        for row, proposal in enumerate(updates.proposals):
            self._fill_row(row, proposal)
        self.table.resizeRowsToContents()
        problems = updates.problems
        if problems:
            self.flagged_title.setText(
                f"{len(problems)} {'line was' if len(problems) == 1 else 'lines were'} flagged "
                "and not proposed (ask the partner to correct them):"
            )
            self.flagged.setPlainText("\n".join(str(p) for p in problems))
            lines = min(len(problems), 7) + 1
            self.flagged.setMaximumHeight(lines * self.flagged.fontMetrics().lineSpacing() + 12)
        else:
            self.flagged_title.setText("No line was flagged.")
            self.flagged.hide()
        self.accept_button.setEnabled(count > 0)

    def _fill_row(self, row: int, proposal: Proposal) -> None:
        fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        what = QTableWidgetItem(f"{proposal.kind.label}: {proposal.what}")
        what.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
        what.setCheckState(Qt.CheckState.Checked)
        self.table.setItem(row, WHAT, what)
        for column, text in (
            (WHERE, proposal.where),
            (CURRENT, proposal.current),
            (COMMENT, proposal.comment),
        ):
            item = QTableWidgetItem(text)
            item.setFlags(fixed)
            self.table.setItem(row, column, item)
        proposed = QTableWidgetItem(proposal.proposed)
        proposed.setFlags(fixed | Qt.ItemFlag.ItemIsEditable)
        proposed.setToolTip("Double-click to change the value before accepting it")
        self.table.setItem(row, PROPOSED, proposed)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell is filled by _fill_row
        return item

    def checked_rows(self) -> list[int]:
        """The rows whose proposal is checked to be accepted."""
        return [
            row
            for row in range(self.table.rowCount())
            if self._item(row, WHAT).checkState() == Qt.CheckState.Checked
        ]

    def _on_accept_clicked(self) -> None:
        if self.updates is None:
            return
        rows = self.checked_rows()
        if not rows:
            self.notice.setText("Nothing is checked: check what to accept, or Reject all.")
            return
        accepted: list[tuple[Proposal, str | None]] = []
        for row in rows:
            proposal = self.updates.proposals[row]
            typed = self._item(row, PROPOSED).text()
            accepted.append((proposal, None if typed == proposal.proposed else typed))
        try:
            self.accepted_count = self._session.accept_partner_updates(
                self._meeting_id, self.updates, accepted
            )
        except ReviewError as error:
            self.notice.setText(f"Nothing was written. {error.message}")
            return
        self.accept()
