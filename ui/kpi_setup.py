"""KPI set-up: the partnership's KPIs, a KPI added or edited, and its target history.

Every value is checked by core before anything is written (a threshold that contradicts the
direction, a name used twice); a refusal is shown at its field and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ReviewError, ValidationError
from core.ids import new_id
from core.kpis import read_value
from core.model import Direction, Kpi, KpiCategory, KpiTarget, Side
from core.rag import target_in_force
from ui.field_error import FieldError
from ui.icons import icon
from ui.models import RowsTableModel, rows_table
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex

DIRECTIONS = (Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER)
DIRECTION_LABELS = {
    Direction.HIGHER_IS_BETTER: "Higher is better",
    Direction.LOWER_IS_BETTER: "Lower is better",
}
SIDES = (Side.ENTERPRISE, Side.PARTNER)
CATEGORIES = tuple(KpiCategory)


def number_field(text: str, field: str, what: str) -> float:
    """A threshold typed in a field, or a ValidationError naming that field."""
    if not text.strip():
        raise ValidationError(field, f"Type the {what} (a number).")
    try:
        return read_value(text)
    except ValidationError as error:
        raise ValidationError(field, error.message) from None


class KpisModel(RowsTableModel):
    """The partnership's KPIs with the target in force this month."""

    HEADERS = ("KPI", "Unit", "Better", "Owner", "Category", "Target now")

    def __init__(self) -> None:
        super().__init__()
        self._targets: dict[str, KpiTarget | None] = {}

    def set_kpis(self, kpis: list[Kpi], targets: dict[str, KpiTarget | None]) -> None:
        self.beginResetModel()
        self._rows = sorted(kpis, key=lambda k: (k.category.value, k.name.casefold()))
        self._targets = dict(targets)
        self.endResetModel()

    def kpi_at(self, row: int) -> Kpi:
        return self._rows[row]

    def row_of(self, kpi_id: str) -> int:
        return next((i for i, k in enumerate(self._rows) if k.id == kpi_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        kpi: Kpi = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return kpi.name
            if column == 1:
                return kpi.unit
            if column == 2:
                return "higher" if kpi.direction is Direction.HIGHER_IS_BETTER else "lower"
            if column == 3:
                return kpi.owner_side.label
            if column == 4:
                return kpi.category.value
            target = self._targets.get(kpi.id)
            return "—" if target is None else f"{target.target:g}"
        if role == Qt.ItemDataRole.UserRole:
            return kpi.id
        return None


class KpiSetupDialog(QDialog):
    """List, add and edit KPIs, and give a KPI a new target from a period on."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.kpi: Kpi | None = None
        self.setWindowTitle("KPIs")
        self.resize(1280, 760)
        self.errors: dict[str, FieldError] = {}
        self.inputs: dict[str, QWidget] = {}

        title = QLabel("KPIs of the partnership")
        title.setObjectName("pageTitle")
        intro = QLabel(
            "Each KPI is judged against the target in force for a reading's month: a new "
            "target applies from its period on, and older readings keep their old one."
        )
        intro.setObjectName("subtitle")
        intro.setWordWrap(True)

        self.model = KpisModel()
        self.table = rows_table(self.model, "kpiList")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.new_button = QPushButton(icon("add"), "New KPI")
        self.new_button.setToolTip("Start a new KPI (Ctrl+N)")
        self.new_button.clicked.connect(self.start_new)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)

        # --- the KPI's own fields ---
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Core platform availability")
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("%, hours, count, k€, /5 …")
        self.direction = QComboBox()
        self.direction.addItems([DIRECTION_LABELS[d] for d in DIRECTIONS])
        self.owner = QComboBox()
        self.owner.addItems([f"{s.label} (reports it)" for s in SIDES])
        self.category = QComboBox()
        self.category.addItems([c.value.capitalize() for c in CATEGORIES])
        self.first_from = QLineEdit(session.this_month())
        self.first_from.setPlaceholderText("YYYY-MM")
        self.first_target = QLineEdit()
        self.first_red = QLineEdit()
        for field in (self.first_target, self.first_red):
            field.setPlaceholderText("a number")
        self.kpi_box = QGroupBox("New KPI")
        kpi_form = QFormLayout(self.kpi_box)
        kpi_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(kpi_form, "&Name", self.name, "name")
        self._row(kpi_form, "&Unit", self.unit, "unit")
        self._row(kpi_form, "&Direction", self.direction, "direction")
        self._row(kpi_form, "&Owner side", self.owner, "owner_side")
        self._row(kpi_form, "&Category", self.category, "category")
        self.first_target_box = QWidget()
        first_form = QFormLayout(self.first_target_box)
        first_form.setContentsMargins(0, 6, 0, 0)
        first_form.addRow(QLabel("<b>First target</b>"))
        self._row(first_form, "In force &from", self.first_from, "effective_from")
        self._row(first_form, "&Target", self.first_target, "target")
        self._row(first_form, "&Red below", self.first_red, "red")
        rule = QLabel(
            "Green when the target is met; amber when it is missed but not beyond the red "
            "threshold; red beyond it."
        )
        rule.setObjectName("hint")
        rule.setWordWrap(True)
        first_form.addRow(rule)
        kpi_form.addRow(self.first_target_box)
        self.save_button = QPushButton("Add KPI")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setToolTip("Check and save the KPI (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.general_error = FieldError()
        kpi_form.addRow(self.general_error)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        kpi_form.addRow(save_row)
        self.direction.currentIndexChanged.connect(self._on_direction_changed)

        # --- the target history of a KPI being edited ---
        self.history_box = QGroupBox("Target history")
        self.history = QTableWidget(0, 4)
        self.history.setObjectName("targetHistory")
        self.history.setHorizontalHeaderLabels(["From", "Target", "Red", "Now"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.setMaximumHeight(150)
        self.new_from = QLineEdit()
        self.new_from.setPlaceholderText("YYYY-MM")
        self.new_target = QLineEdit()
        self.new_red = QLineEdit()
        self.target_errors: dict[str, FieldError] = {}
        self.target_row_error = FieldError()
        self.target_inputs: dict[str, QWidget] = {}
        new_row = QHBoxLayout()
        for label, widget, name in (
            ("From", self.new_from, "effective_from"),
            ("Target", self.new_target, "target"),
            ("Red", self.new_red, "red"),
        ):
            cell = QVBoxLayout()
            cell.addWidget(QLabel(label))
            cell.addWidget(widget)
            # One line under the row says why; the refused field is outlined in red.
            self.target_errors[name] = self.target_row_error
            self.target_inputs[name] = widget
            new_row.addLayout(cell, 1)
        self.add_target_button = QPushButton("Add target")
        self.add_target_button.setToolTip(
            "The new target judges the readings from its period on; older ones keep theirs"
        )
        self.add_target_button.clicked.connect(self.add_target)
        new_row.addWidget(self.add_target_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.target_general_error = FieldError()
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history)
        history_layout.addWidget(
            QLabel("<b>New target</b> (e.g. raised once a platform bedded in)")
        )
        history_layout.addLayout(new_row)
        history_layout.addWidget(self.target_row_error)
        history_layout.addWidget(self.target_general_error)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.kpi_box)
        right_layout.addWidget(self.history_box)
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 560])

        self.notice = QLabel()
        self.notice.setObjectName("subtitle")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.New, self, self.start_new)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.reload()
        self.start_new()

    def _row(self, form: QFormLayout, label: str, widget: QWidget, name: str) -> None:
        """A field with, under it, the line that says why its value was refused."""
        error = FieldError()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        form.addRow(caption, box)
        self.errors[name] = error
        self.inputs[name] = widget

    # --- showing ------------------------------------------------------------------------

    def reload(self) -> None:
        """The KPIs as stored, the one being edited kept chosen."""
        kpis, targets, _ = self._session.dashboard_data()
        month = self._session.this_month()
        self._targets = targets
        self.model.set_kpis(
            kpis, {k.id: target_in_force(targets.get(k.id, []), month) for k in kpis}
        )
        if self.kpi is not None and self.model.row_of(self.kpi.id) >= 0:
            self.table.selectRow(self.model.row_of(self.kpi.id))

    def start_new(self) -> None:
        """An empty form for a new KPI with its first target."""
        self.kpi = None
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self.kpi_box.setTitle("New KPI")
        self.save_button.setText("Add KPI")
        for field in (self.name, self.unit, self.first_target, self.first_red):
            field.clear()
        self.first_from.setText(self._session.this_month())
        self.first_target_box.show()
        self.history_box.hide()
        self._clear_errors()
        self._on_direction_changed()
        self.name.setFocus()

    def edit(self, kpi_id: str) -> None:
        """Fill the form with one KPI and show its target history."""
        row = self.model.row_of(kpi_id)
        if row < 0:
            return
        kpi = self.model.kpi_at(row)
        self.kpi = kpi
        if self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        self.kpi_box.setTitle(f"Edit · {kpi.name}")
        self.save_button.setText("Save changes")
        self.name.setText(kpi.name)
        self.unit.setText(kpi.unit)
        self.direction.setCurrentIndex(DIRECTIONS.index(kpi.direction))
        self.owner.setCurrentIndex(SIDES.index(kpi.owner_side))
        self.category.setCurrentIndex(CATEGORIES.index(kpi.category))
        self.first_target_box.hide()
        self.history_box.show()
        self._fill_history(kpi)
        self._clear_errors()

    def _fill_history(self, kpi: Kpi) -> None:
        targets = self._session.kpi_targets(kpi.id)
        in_force = target_in_force(targets, self._session.this_month())
        self.history.setRowCount(len(targets))
        for row, target in enumerate(targets):
            cells = [
                target.effective_from,
                f"{target.target:g}",
                f"{target.red:g}",
                "✔ in force" if in_force is not None and target.id == in_force.id else "",
            ]
            for column, text in enumerate(cells):
                self.history.setItem(row, column, QTableWidgetItem(text))
        for field in (self.new_target, self.new_red):
            field.clear()
        self.new_from.setText(self._session.this_month())

    # --- saving -------------------------------------------------------------------------

    def save(self) -> bool:
        """Add the new KPI (with its first target) or save the edited one: all or nothing."""
        self._clear_errors()
        pid = self._session.partnership_id
        if pid is None:
            return False
        kpi = Kpi(
            self.kpi.id if self.kpi else new_id(),
            pid,
            self.name.text(),
            self.unit.text(),
            DIRECTIONS[self.direction.currentIndex()],
            SIDES[self.owner.currentIndex()],
            CATEGORIES[self.category.currentIndex()],
        )
        try:
            if self.kpi is None:
                target = KpiTarget(
                    new_id(),
                    kpi.id,
                    self.first_from.text(),
                    number_field(self.first_target.text(), "target", "target"),
                    number_field(self.first_red.text(), "red", "red threshold"),
                )
                saved = self._session.add_kpi(kpi, target)
                self.notice.setText(f"Added {saved.name}.")
            else:
                saved = self._session.update_kpi(kpi)
                self.notice.setText(f"Saved {saved.name}.")
        except ValidationError as error:
            self._show_error(self.errors, self.inputs, self.general_error, error)
            return False
        except ReviewError as error:
            self.general_error.setText(error.message)
            self.general_error.show()
            return False
        self.kpi = saved
        self.reload()
        self.edit(saved.id)
        return True

    def add_target(self) -> bool:
        """Give the KPI being edited a new target from a period on."""
        self._clear_errors()
        if self.kpi is None:
            return False
        try:
            self._session.add_kpi_target(
                self.kpi.id,
                self.new_from.text(),
                number_field(self.new_target.text(), "target", "target"),
                number_field(self.new_red.text(), "red", "red threshold"),
            )
        except ValidationError as error:
            self._show_error(
                self.target_errors, self.target_inputs, self.target_general_error, error
            )
            return False
        except ReviewError as error:
            self.target_general_error.setText(error.message)
            self.target_general_error.show()
            return False
        self.notice.setText(f"{self.kpi.name}: new target from {self.new_from.text().strip()}.")
        self.reload()
        self._fill_history(self.kpi)
        return True

    def _show_error(
        self,
        errors: dict[str, FieldError],
        inputs: dict[str, QWidget],
        general: FieldError,
        error: ValidationError,
    ) -> None:
        label = errors.get(error.field)
        widget = inputs.get(error.field)
        if label is None or widget is None:
            general.setText(error.message)
            general.show()
            return
        label.setText(error.message)
        label.show()
        widget.setProperty("invalid", True)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.setFocus()

    def _clear_errors(self) -> None:
        for errors, inputs in (
            (self.errors, self.inputs),
            (self.target_errors, self.target_inputs),
        ):
            for name, label in errors.items():
                label.clear()
                label.hide()
                widget = inputs[name]
                if widget.property("invalid"):
                    widget.setProperty("invalid", False)
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)
        for general in (self.general_error, self.target_general_error):
            general.clear()
            general.hide()

    def field_error(self, name: str) -> str:
        """The message shown at a field of the KPI form ('' when none): for tests and screens."""
        label = self.errors.get(name)
        return label.text() if label is not None and not label.isHidden() else ""

    # --- events -------------------------------------------------------------------------

    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.edit(self.model.kpi_at(current.row()).id)

    def _on_direction_changed(self, _index: int = 0) -> None:
        worse = (
            "below"
            if DIRECTIONS[self.direction.currentIndex()] is Direction.HIGHER_IS_BETTER
            else "above"
        )
        form = self.first_target_box.layout()
        if isinstance(form, QFormLayout):
            for field, word in ((self.first_red, "Red"),):
                box = field.parentWidget()  # the field sits in a box with its error line
                caption = form.labelForField(box) if box is not None else None
                if isinstance(caption, QLabel):
                    caption.setText(f"&{word} {worse}")
