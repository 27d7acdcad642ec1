"""Importing a spreadsheet's CSV of readings: in the background with a progress bar, all
lines or none, every refused line listed with why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ReviewError
from core.model import Side
from core.readings_csv import ImportProblem, ImportResult, ReadingsImportError
from ui.field_error import FieldError
from ui.session import Session

SIDES = (Side.ENTERPRISE, Side.PARTNER)


class ImportCancelled(ReviewError):
    """The user stopped an import: nothing was written."""


class ImportWorker(QThread):
    """Runs the session's import in a thread (it writes on a connection of its own)."""

    progressed = Signal(int, int)

    def __init__(self, session: Session, data: bytes, side: Side) -> None:
        super().__init__()
        self._session = session
        self._data = data
        self._side = side
        self.cancelled = False
        self.result: ImportResult | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._session.import_readings_elsewhere(
                self._data, self._side, self._progress
            )
        except BaseException as error:  # handed to the window's thread, never swallowed
            self.error = error

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise ImportCancelled("The import was cancelled: nothing was written.")
        self.progressed.emit(done, total)


class ImportProblemsDialog(QDialog):
    """Every line of a refused file and why, readable and copyable."""

    def __init__(self, parent: QWidget | None, file_name: str, problems: list[ImportProblem]):
        super().__init__(parent)
        self.setWindowTitle("Nothing was imported")
        self.resize(820, 520)
        count = len(problems)
        intro = QLabel(
            f"<b>{file_name}: nothing was imported.</b><br>{count} "
            f"{'line is' if count == 1 else 'lines are'} wrong. Correct them in the "
            "spreadsheet, save it as CSV again and import it: all lines are written, or none."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(count, 2)
        self.table.setObjectName("importProblems")
        self.table.setHorizontalHeaderLabels(["Line", "Why"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, problem in enumerate(problems):
            line = QTableWidgetItem(str(problem.line))
            line.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, line)
            self.table.setItem(row, 1, QTableWidgetItem(problem.message))
        self.table.resizeRowsToContents()
        self._text = "\n".join(str(p) for p in problems)
        copy = QPushButton("Copy the list")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self._text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)


class ImportReadingsDialog(QDialog):
    """Import readings from a spreadsheet's CSV: which file, entered by which side."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._interactive = interactive
        self.result_: ImportResult | None = None
        self.problems: list[ImportProblem] = []
        self.failure = ""
        self.problems_dialog: ImportProblemsDialog | None = None
        self.progress: QProgressDialog | None = None
        self._worker: ImportWorker | None = None
        self.setWindowTitle("Import readings")
        self.resize(720, 360)
        intro = QLabel(
            "A CSV file as a spreadsheet saves it: one reading a line with the KPI's name, the "
            "period (2026-03, 03/2026, Mar 2026), the value and an optional comment. Comma or "
            "semicolon, decimal point or comma. Every line is checked first: if one is wrong, "
            "nothing is written and each wrong line is listed."
        )
        intro.setWordWrap(True)
        intro.setObjectName("subtitle")
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText("readings.csv")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.sides = QButtonGroup(self)
        side_row = QHBoxLayout()
        self.side_buttons: dict[Side, QRadioButton] = {}
        for side in SIDES:
            button = QRadioButton(side.label)
            self.sides.addButton(button)
            self.side_buttons[side] = button
            side_row.addWidget(button)
        side_row.addStretch(1)
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Entered by", side_row)
        self.error = FieldError()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.run_import)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def set_side(self, side: Side) -> None:
        self.side_buttons[side].setChecked(True)

    def _on_worker_progressed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Writing {done:,} of {total:,} readings…")
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

    def _on_progress_canceled(self) -> None:
        if self._worker is not None:
            self._worker.cancelled = True

    def chosen_side(self) -> Side | None:
        return next((s for s, b in self.side_buttons.items() if b.isChecked()), None)

    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Readings to import", str(Path.home()), "CSV files (*.csv *.txt);;All files (*)"
        )
        if name:
            self.path.setText(name)

    def _refuse(self, message: str) -> None:
        self.failure = message
        self.error.setText(message)
        self.error.show()

    def run_import(self) -> bool:
        """Import the file in the background with a progress bar; say what happened."""
        self.error.hide()
        self.failure = ""
        self.problems = []
        text = self.path.text().strip()
        if not text:
            self._refuse("Choose the CSV file to import.")
            return False
        side = self.chosen_side()
        if side is None:
            self._refuse(
                "Choose who entered these readings: a reading of a KPI the other side owns "
                "waits for that side's confirmation."
            )
            return False
        path = Path(text)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._refuse(f"{path} does not exist.")
            return False
        except IsADirectoryError:
            self._refuse(f"{path} is a folder, not a CSV file.")
            return False
        except OSError as error:
            self._refuse(f"{path} cannot be read: {error.strerror}.")
            return False
        if self._session.partnership_id is None:
            return False
        worker = ImportWorker(self._session, data, side)
        self.progress = QProgressDialog("Reading the file…", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Importing readings")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setValue(0)
        self._worker = worker
        # Slots of this dialog run in the window's thread: the worker only emits.
        worker.progressed.connect(self._on_worker_progressed)
        self.progress.canceled.connect(self._on_progress_canceled)
        loop = QEventLoop()
        worker.finished.connect(loop.quit)
        worker.start()
        if not worker.isFinished():
            loop.exec()
        worker.wait()
        self.progress.close()
        self.progress.deleteLater()
        self.progress = None
        self._worker = None
        failure = worker.error
        if isinstance(failure, ReadingsImportError):
            self.problems = failure.problems
            self._refuse(failure.message.splitlines()[0])
            if self.problems:
                self.problems_dialog = ImportProblemsDialog(self, path.name, self.problems)
                if self._interactive:
                    self.problems_dialog.exec()
            return False
        if isinstance(failure, ReviewError):
            self._refuse(failure.message)
            return False
        if failure is not None:
            raise failure
        assert worker.result is not None
        self.result_ = worker.result
        self._session.readings_imported()
        written, replaced = worker.result.written, worker.result.replaced
        message = (
            f"Imported {written:,} {'reading' if written == 1 else 'readings'} from {path.name}"
            f" ({replaced:,} replaced), entered by {side.label}."
        )
        if self._interactive:
            QMessageBox.information(self, "Readings imported", message)
        self.accept()
        return True
