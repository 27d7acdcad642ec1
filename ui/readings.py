"""Readings: a period × KPI grid to type them in as one side, with a comment each, saved
all at once (the CSV import is ui/readings_import.py). The grid's model and its dialog share
the state of figures typed but not saved yet, hence one module of about 640 lines."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.errors import ReviewError, ValidationError
from core.figures import figure
from core.kpis import (
    ReadingEntry,
    check_period_not_future,
    clean_comment,
    read_value,
    reviewing_side,
)
from core.model import Kpi, KpiTarget, Reading, ReadingConfirmation, Side
from core.periods import add_months, first_day, parse_period
from core.rag import rag_of_reading, target_in_force
from ui import palette
from ui.dashboard import RAG_SHAPES, target_text
from ui.design import SPACE
from ui.field_error import FieldError
from ui.readings_import import ImportReadingsDialog
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex

MONTHS_SHOWN = 12
NAMES_WIDTH = 320  # the KPI names beside the grid: a longer one is elided, whole in its tooltip
SIDES = (Side.ENTERPRISE, Side.PARTNER)


@dataclasses.dataclass
class _Typed:
    """A cell typed but not yet saved: its value and comment, or the text refused and why."""

    value: float | None
    comment: str
    text: str = ""
    problem: str = ""


class ReadingsGridModel(QAbstractTableModel):
    """KPIs down, periods across: the saved readings, and what was typed but not yet saved."""

    def __init__(self, this_month: str) -> None:
        super().__init__()
        self.this_month = this_month
        self.kpis: list[Kpi] = []
        self.periods: list[str] = []
        self._targets: dict[str, list[KpiTarget]] = {}
        self._saved: dict[tuple[str, str], Reading] = {}
        self.typed: dict[tuple[str, str], _Typed] = {}
        # The names beside the grid are elided here, measured in the font they are drawn in
        # (the header's own elision measures a lighter font than style.qss draws them in).
        self.names_metrics = QFontMetrics(QFont())
        self.names_width = 10_000

    # --- contents -----------------------------------------------------------------------

    def set_data(
        self,
        kpis: list[Kpi],
        targets: dict[str, list[KpiTarget]],
        readings: dict[str, list[Reading]],
        last: str,
    ) -> None:
        """Show `MONTHS_SHOWN` periods up to `last`; what was typed is kept."""
        self.beginResetModel()
        self.kpis = sorted(kpis, key=lambda k: (k.category.value, k.name.casefold()))
        self.periods = [add_months(last, -m) for m in range(MONTHS_SHOWN - 1, -1, -1)]
        self._targets = targets
        self._saved = {(r.kpi_id, r.period): r for rs in readings.values() for r in rs}
        self.endResetModel()

    def key(self, index: _Index) -> tuple[str, str]:
        return self.kpis[index.row()].id, self.periods[index.column()]

    def saved(self, index: _Index) -> Reading | None:
        return self._saved.get(self.key(index))

    def kpi(self, index: _Index) -> Kpi:
        return self.kpis[index.row()]

    def target(self, index: _Index) -> KpiTarget | None:
        """The target in force for the cell's KPI and period."""
        kpi_id, period = self.key(index)
        return target_in_force(self._targets.get(kpi_id, []), period)

    def problems(self) -> dict[tuple[str, str], str]:
        return {key: t.problem for key, t in self.typed.items() if t.problem}

    def entries(self) -> list[ReadingEntry]:
        """What was typed, as readings to write (cells still refused are left out)."""
        found = []
        for (kpi_id, period), typed in self.typed.items():
            if typed.problem or typed.value is None:
                continue
            found.append(ReadingEntry(kpi_id, period, typed.value, typed.comment))
        return found

    def discard(self) -> None:
        self.beginResetModel()
        self.typed.clear()
        self.endResetModel()

    def comment(self, index: _Index) -> str:
        typed = self.typed.get(self.key(index))
        if typed is not None:
            return typed.comment
        saved = self.saved(index)
        return saved.comment if saved else ""

    def value(self, index: _Index) -> float | None:
        typed = self.typed.get(self.key(index))
        if typed is not None and not typed.problem:
            return typed.value
        saved = self.saved(index)
        return saved.value if saved else None

    def set_comment(self, index: _Index, text: str) -> str | None:
        """Change a cell's comment; the refusal's words, or None."""
        value = self.value(index)
        if value is None:
            return "Type the value first: a comment belongs to a reading."
        try:
            comment = clean_comment(text)
        except ValidationError as error:
            return error.message
        key = self.key(index)
        typed = self.typed.get(key)
        saved = self.saved(index)
        if typed is None:
            if saved is not None and saved.comment == comment:
                return None
            typed = self.typed[key] = _Typed(value, comment)
        else:
            typed.comment = comment
        if saved is not None and typed.value == saved.value and typed.comment == saved.comment:
            del self.typed[key]
        self.dataChanged.emit(index, index)
        return None

    # --- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.kpis)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.periods)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            period = self.periods[section]
            future = period > self.this_month
            if role == Qt.ItemDataRole.DisplayRole:
                # the month over its year: twelve narrow columns fit beside the names
                return f"{first_day(period):%b}\n{period[:4]}"
            if role == Qt.ItemDataRole.ForegroundRole and future:
                return QBrush(QColor(palette.FAINT))
            if role == Qt.ItemDataRole.ToolTipRole:
                if future:
                    return f"{period} has not begun: its readings are entered from then on."
                return period
            return None
        kpi = self.kpis[section]
        if role == Qt.ItemDataRole.DisplayRole:
            name = f"{kpi.name} ({kpi.unit})" if kpi.unit else kpi.name
            return self.names_metrics.elidedText(
                name, Qt.TextElideMode.ElideRight, self.names_width
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{kpi.name}: owned by {kpi.owner_side.label}, {kpi.category.value}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.key(index)
        typed = self.typed.get(key)
        saved = self._saved.get(key)
        kpi = self.kpis[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if typed is not None and typed.problem:
                return f"⚠ {typed.text}"
            value = self.value(index)
            if value is None:
                return ""
            marks = ""
            if self.comment(index):
                marks += " ✎"
            if typed is None and saved is not None:
                if saved.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
                    marks += " ?"
                elif saved.confirmation is ReadingConfirmation.DISPUTED:
                    marks += " ⚑"
            return figure(value) + marks
        if role == Qt.ItemDataRole.EditRole:
            if typed is not None and typed.problem:
                return typed.text
            value = self.value(index)
            return "" if value is None else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if typed is not None:
                return QBrush(
                    QColor(
                        palette.PROBLEM_BACKGROUND if typed.problem else palette.PENDING_BACKGROUND
                    )
                )
            if key[1] > self.this_month:
                return QBrush(QColor(palette.FUTURE_BACKGROUND))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if typed is not None and typed.problem:
                return QBrush(QColor(palette.ERROR_DARK))
            if typed is None and saved is not None:
                if saved.confirmation is ReadingConfirmation.DISPUTED:
                    return QBrush(QColor(palette.RAG_RED))
                if saved.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
                    return QBrush(QColor(palette.WARNING))
            return None
        if role == Qt.ItemDataRole.FontRole and typed is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if typed is not None and typed.problem:
                return typed.problem
            parts = [f"{kpi.name}, {key[1]}"]
            value = self.value(index)
            if value is not None:
                rag = rag_of_reading(value, key[1], kpi.direction, self._targets.get(kpi.id, []))
                if rag is not None:
                    parts.append(f"{RAG_SHAPES[rag]} {rag.label}")
            if typed is not None:
                parts.append("typed, not saved yet")
            elif saved is not None:
                parts.append(_provenance(saved, kpi))
            if self.comment(index):
                parts.append(self.comment(index))
            return "\n".join(parts)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Take a typed value; a refused one stays in its cell, marked ⚠, with why."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        key = self.key(index)
        text = str(value).strip()
        saved = self._saved.get(key)
        kpi = self.kpis[index.row()]
        if not text:
            # An emptied cell goes back to what is saved: readings are corrected, not removed.
            self.typed.pop(key, None)
            self.dataChanged.emit(index, index)
            return True
        comment = self.comment(index)
        try:
            check_period_not_future(key[1], self.this_month)
            number = read_value(text, kpi)
        except ValidationError as error:
            self.typed[key] = _Typed(None, comment, text, f"{kpi.name}, {key[1]}: {error.message}")
            self.dataChanged.emit(index, index)
            return True
        if saved is not None and saved.value == number and saved.comment == comment:
            self.typed.pop(key, None)
        else:
            self.typed[key] = _Typed(number, comment)
        self.dataChanged.emit(index, index)
        return True


def _provenance(reading: Reading, kpi: Kpi) -> str:
    entered = reading.entered_by or kpi.owner_side
    if reading.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
        return (
            f"entered by {entered.label}, to be confirmed by {reviewing_side(kpi, reading).label}"
        )
    if reading.confirmation is ReadingConfirmation.DISPUTED:
        return f"entered by {entered.label}, disputed by {reviewing_side(kpi, reading).label}"
    return f"entered by {entered.label}, confirmed"


class ReadingsDialog(QDialog):
    """Type readings into a period × KPI grid, as one side, and save them all at once."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, interactive: bool = True
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._interactive = interactive
        self.setWindowTitle("KPI readings")
        self.resize(1500, 820)
        this_month = session.this_month()

        title = QLabel("KPI readings")
        title.setObjectName("pageTitle")
        self.side = QComboBox()
        self.side.setObjectName("enteringSide")
        self.side.addItems(["choose a side…", *[s.label for s in SIDES]])
        self.side.setToolTip(
            "Readings of a KPI the other side owns wait for that side's confirmation"
        )
        self.side.currentIndexChanged.connect(self._on_side_changed)
        self.last = QLineEdit(this_month)
        self.last.setObjectName("lastPeriod")
        self.last.setMaximumWidth(100)
        self.last.setToolTip("The last month shown (YYYY-MM)")
        self.last.editingFinished.connect(self._on_last_edited)
        earlier = QPushButton("◀")
        earlier.setToolTip("Show a month earlier (Alt+Left)")
        earlier.setShortcut(QKeySequence("Alt+Left"))
        earlier.clicked.connect(lambda: self.move_months(-1))
        later = QPushButton("▶")
        later.setToolTip("Show a month later (Alt+Right)")
        later.setShortcut(QKeySequence("Alt+Right"))
        later.clicked.connect(lambda: self.move_months(1))
        for button in (earlier, later):
            button.setFixedWidth(40)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel("Entering as"))
        top.addWidget(self.side)
        top.addSpacing(24)
        top.addWidget(QLabel("12 months to"))
        top.addWidget(earlier)
        top.addWidget(self.last)
        top.addWidget(later)

        self.model = ReadingsGridModel(this_month)
        self.grid = QTableView()
        self.grid.setObjectName("readingsGrid")
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.grid.setAlternatingRowColors(True)
        self.grid.verticalHeader().ensurePolished()
        semibold = QFont(self.grid.verticalHeader().font())
        semibold.setWeight(QFont.Weight.DemiBold)  # QHeaderView::section in style.qss
        self.model.names_metrics = QFontMetrics(semibold)
        self.model.names_width = NAMES_WIDTH - 2 * SPACE["s"] - SPACE["xs"]
        self.grid.verticalHeader().setDefaultSectionSize(self.grid.fontMetrics().height() + 14)
        # The months share the width, none narrower than its figures (_fit_months); the names
        # take what they need up to NAMES_WIDTH, so that the first month is never hidden.
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setMaximumWidth(NAMES_WIDTH)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.selectionModel().currentChanged.connect(self._on_grid_current_changed)
        self.model.dataChanged.connect(self._on_model_data_changed)

        # --- the chosen cell ---
        self.cell_box = QGroupBox("Reading")
        self.cell_box.setObjectName("readingCell")
        self.cell_box.setFixedWidth(300)
        self.cell_title = QLabel()
        self.cell_title.setWordWrap(True)
        self.cell_title.setObjectName("sectionTitle")
        self.cell_detail = QLabel()
        self.cell_detail.setObjectName("subtitle")
        self.cell_detail.setWordWrap(True)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("readingComment")
        self.comment.setPlaceholderText("Why the figure is what it is (optional)")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(120)
        self.comment.textChanged.connect(self._on_comment_changed)
        self.cell_error = FieldError()
        cell_layout = QVBoxLayout(self.cell_box)
        cell_layout.addWidget(self.cell_title)
        cell_layout.addWidget(self.cell_detail)
        cell_layout.addWidget(QLabel("Comment"))
        cell_layout.addWidget(self.comment)
        cell_layout.addWidget(self.cell_error)
        cell_layout.addStretch(1)
        legend = QLabel(
            f"<span style='background:{palette.PENDING_BACKGROUND}'>&nbsp;typed&nbsp;</span> "
            f"not saved yet · <span style='background:{palette.PROBLEM_BACKGROUND}'>"
            f"&nbsp;⚠&nbsp;</span> refused · ✎ has a comment · "
            f"<span style='color:{palette.WARNING}'>?</span> to be confirmed · "
            f"<span style='color:{palette.RAG_RED}'>⚑</span> disputed"
        )
        legend.setObjectName("subtitle")
        legend.setWordWrap(True)
        cell_layout.addWidget(legend)

        splitter = QSplitter()
        splitter.addWidget(self.grid)
        splitter.addWidget(self.cell_box)
        splitter.setStretchFactor(0, 1)

        self.message = QLabel()
        self.message.setObjectName("readingsMessage")
        self.message.setWordWrap(True)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Import readings from a spreadsheet's CSV (Ctrl+I)")
        self.import_button.clicked.connect(self.choose_import)
        self.discard_button = QPushButton("Discard typed")
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton("Save readings")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setToolTip("Write every typed reading at once (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+I"), self, self.choose_import)
        self._showing_comment = False
        self.reload()
        self._refresh_message()
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, self.model.columnCount() - 1))

    # --- contents -----------------------------------------------------------------------

    def reload(self) -> None:
        kpis, targets, readings = self._session.dashboard_data()
        self.model.set_data(kpis, targets, readings, parse_period(self.last.text()))
        self._fit_months()
        self._show_cell()

    def _fit_months(self) -> None:
        """No month narrower than its widest figure or its header."""
        header = self.grid.horizontalHeader()
        self.grid.ensurePolished()
        wanted = [
            max(self.grid.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(self.model.columnCount())
        ]
        header.setMinimumSectionSize(max(wanted, default=40))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The grid opens on this month; where the months do not all fit, the first stays in
        # view rather than hide behind the names.
        self._fit_months()
        self.grid.horizontalScrollBar().setValue(0)

    def move_months(self, months: int) -> None:
        self.last.setText(add_months(parse_period(self.last.text()), months))
        self.reload()

    def set_side(self, side: Side) -> None:
        self.side.setCurrentIndex(SIDES.index(side) + 1)

    def entering_side(self) -> Side | None:
        index = self.side.currentIndex()
        return SIDES[index - 1] if index > 0 else None

    def type_value(self, kpi_name: str, period: str, text: str) -> str:
        """Type `text` into a cell as the keyboard would; returns the cell's refusal, or ''."""
        row = next(i for i, k in enumerate(self.model.kpis) if k.name == kpi_name)
        column = self.model.periods.index(period)
        index = self.model.index(row, column)
        self.grid.setCurrentIndex(index)
        self.model.setData(index, text)
        typed = self.model.typed.get(self.model.key(index))
        return typed.problem if typed is not None else ""

    # --- saving -------------------------------------------------------------------------

    def save(self) -> bool:
        """Write every typed reading in one transaction, or none and say why."""
        problems = self.model.problems()
        if problems:
            count = len(problems)
            self._say(
                f"Nothing was saved: {count} {'cell is' if count == 1 else 'cells are'} "
                "refused (marked ⚠). Correct or empty them first.",
                error=True,
            )
            return False
        entries = self.model.entries()
        if not entries:
            self._say("Nothing to save: type a value in a cell first.")
            return False
        side = self.entering_side()
        if side is None:
            self._say(
                "Choose who is entering these readings (Enterprise or Partner): a reading of "
                "the other side's KPI waits for its confirmation.",
                error=True,
            )
            self.side.setFocus()
            return False
        try:
            count = self._session.enter_readings(entries, side)
        except ReviewError as error:
            self._say(f"Nothing was saved: {error.message}", error=True)
            return False
        self.model.discard()
        self.reload()
        self._say(f"Saved {count} {'reading' if count == 1 else 'readings'} as {side.label}.")
        return True

    def discard(self) -> None:
        self.model.discard()
        self._refresh_message()
        self._show_cell()

    def choose_import(self) -> None:
        dialog = ImportReadingsDialog(self._session, self, self._interactive)
        side = self.entering_side()
        if side is not None:
            dialog.set_side(side)
        if dialog.exec():
            self.reload()

    def closeEvent(self, event: Any) -> None:
        if self._interactive and self.model.typed:
            answer = QMessageBox.question(
                self,
                "Readings not saved",
                f"{len(self.model.typed)} typed readings are not saved. Save them now?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        super().closeEvent(event)

    # --- the chosen cell ----------------------------------------------------------------

    def _show_cell(self) -> None:
        index = self.grid.currentIndex()
        self._showing_comment = True
        try:
            if not index.isValid():
                self.cell_title.setText("Choose a cell")
                self.cell_detail.clear()
                self.comment.clear()
                self.comment.setEnabled(False)
                self.cell_error.hide()
                return
            kpi = self.model.kpi(index)
            period = self.model.periods[index.column()]
            self.cell_title.setText(f"{kpi.name} · {period}")
            details = [target_text(self.model.target(index), kpi)]
            saved = self.model.saved(index)
            if saved is not None:
                details.append(
                    f"Saved: {figure(saved.value)} {kpi.unit}, " + _provenance(saved, kpi)
                )
            typed = self.model.typed.get(self.model.key(index))
            if typed is not None and not typed.problem and typed.value is not None:
                details.append(f"Typed: {figure(typed.value)} {kpi.unit}, not saved yet")
            if typed is not None and typed.problem:
                self.cell_error.setText(typed.problem)
                self.cell_error.show()
            else:
                self.cell_error.hide()
            self.cell_detail.setText("\n".join(details))
            self.comment.setPlainText(self.model.comment(index))
            self.comment.setEnabled(self.model.value(index) is not None)
        finally:
            self._showing_comment = False

    def _on_comment_changed(self) -> None:
        if self._showing_comment:
            return
        index = self.grid.currentIndex()
        if not index.isValid():
            return
        refused = self.model.set_comment(index, self.comment.toPlainText())
        if refused:
            self.cell_error.setText(refused)
            self.cell_error.show()
        else:
            self.cell_error.hide()
        self._refresh_message()

    def _on_grid_current_changed(self, *args: object) -> None:
        self._show_cell()

    def _on_model_data_changed(self, top_left: QModelIndex, *args: object) -> None:
        self._fit_months()
        self._refresh_message()
        if top_left == self.grid.currentIndex():
            self._show_cell()
        typed = self.model.typed.get(self.model.key(top_left))
        if typed is not None and typed.problem:
            self._say(typed.problem, error=True)
            rect = self.grid.visualRect(top_left)
            QToolTip.showText(
                self.grid.viewport().mapToGlobal(rect.bottomLeft()), typed.problem, self.grid
            )

    def _on_side_changed(self, _index: int) -> None:
        self._refresh_message()

    def _on_last_edited(self) -> None:
        try:
            period = parse_period(self.last.text(), "last")
        except ValidationError as error:
            self._say(error.message, error=True)
            self.last.setFocus()
            return
        self.last.setText(period)
        self.reload()

    def _refresh_message(self) -> None:
        problems = self.model.problems()
        typed = len(self.model.entries())
        if problems:
            first = next(iter(problems.values()))
            others = len(problems) - 1
            more = (
                f" (and {others} more {'cell' if others == 1 else 'cells'} marked ⚠)"
                if others
                else ""
            )
            self._say(first + more, error=True)
        elif typed:
            side = self.entering_side()
            who = f" as {side.label}" if side else ": choose who is entering them"
            self._say(f"{typed} typed {'reading' if typed == 1 else 'readings'} to save{who}.")
        else:
            self._say("Type a value in a cell; Enter moves on. Comments go in the panel.")
        self.save_button.setEnabled(bool(typed) and not problems)
        self.discard_button.setEnabled(bool(self.model.typed))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {palette.ERROR}; font-weight: 600;" if error else "")
