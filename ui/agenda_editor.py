"""The standing agenda editor: the ordered items every meeting of a partnership starts from."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QDropEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import agenda
from core.errors import ReviewError, ValidationError
from core.ids import new_id
from core.model import AgendaItemKind, StandingAgendaItem
from ui.field_error import FieldError
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex

TITLE, KIND, TIMEBOX = range(3)
# Room around cell text, so that a projected table does not look cramped.
NEW_ITEM = ("New item", AgendaItemKind.DISCUSSION, 10)


def format_minutes(minutes: int) -> str:
    """95 -> "1 h 35 min", 120 -> "2 h", 45 -> "45 min"."""
    hours, rest = divmod(max(0, minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


class StandingAgendaModel(QAbstractTableModel):
    """Standing agenda items in their order: title, kind and timebox, edited in place.

    An edit the rules refuse leaves the item as it was and emits `edit_refused` with the
    rule's message, so the screen can say why.
    """

    HEADERS = ("Title", "Kind", "Timebox (min)")
    edit_refused = Signal(str)

    def __init__(self, items: Sequence[StandingAgendaItem] = (), partnership_id: str = "") -> None:
        super().__init__()
        self._partnership_id = partnership_id
        self._items: list[StandingAgendaItem] = sorted(items, key=lambda i: i.position)

    @classmethod
    def from_defaults(cls) -> StandingAgendaModel:
        """The default standing agenda, for a partnership not created yet."""
        items = [
            StandingAgendaItem(new_id(), "", position, title, kind, minutes)
            for position, (title, kind, minutes) in enumerate(agenda.DEFAULT_STANDING_AGENDA)
        ]
        return cls(items)

    def items(self) -> list[StandingAgendaItem]:
        """The items in their current order, positions renumbered from 0."""
        return [dataclasses.replace(item, position=i) for i, item in enumerate(self._items)]

    def item_at(self, row: int) -> StandingAgendaItem:
        return self._items[row]

    def planned_minutes(self) -> int:
        return agenda.planned_minutes(self._items)

    # --- reading ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.title, item.kind.label, str(item.timebox_minutes))[column]
        if role == Qt.ItemDataRole.EditRole:
            return (item.title, item.kind.value, item.timebox_minutes)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title} ({item.kind.label}), timebox {item.timebox_minutes} min"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TIMEBOX:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Rows are dropped between items, never onto one.
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    # --- editing ----------------------------------------------------------------------

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        item = self._items[index.row()]
        try:
            if index.column() == TITLE:
                changed = dataclasses.replace(item, title=agenda.check_title(str(value)))
            elif index.column() == KIND:
                changed = dataclasses.replace(item, kind=_kind(value))
            else:
                changed = dataclasses.replace(
                    item, timebox_minutes=agenda.check_timebox(int(value))
                )
        except ValidationError as error:
            self.edit_refused.emit(error.message)
            return False
        if changed != item:
            self._items[index.row()] = changed
            self.dataChanged.emit(index, index)
        return True

    def insertRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._items):
            return False
        title, kind, minutes = NEW_ITEM
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self._items[row:row] = [
            StandingAgendaItem(new_id(), self._partnership_id, row + i, title, kind, minutes)
            for i in range(count)
        ]
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._items):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._items[row : row + count]
        self.endRemoveRows()
        return True

    def moveRows(
        self,
        source_parent: _Index,
        source_row: int,
        count: int,
        destination_parent: _Index,
        destination_child: int,
    ) -> bool:
        """Move `count` rows to before `destination_child` (counted before the move)."""
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        if source_row < 0 or source_row + count > len(self._items):
            return False
        if not 0 <= destination_child <= len(self._items):
            return False
        if source_row <= destination_child <= source_row + count:
            return False  # it would stay where it is
        last = source_row + count - 1
        if not self.beginMoveRows(
            QModelIndex(), source_row, last, QModelIndex(), destination_child
        ):
            return False
        moving = self._items[source_row : last + 1]
        del self._items[source_row : last + 1]
        target = destination_child - count if destination_child > source_row else destination_child
        self._items[target:target] = moving
        self.endMoveRows()
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction


def _kind(value: Any) -> AgendaItemKind:
    try:
        return AgendaItemKind(value)
    except ValueError:
        raise ValidationError("kind", f"'{value}' is not a kind of agenda item.") from None


class KindDelegate(QStyledItemDelegate):
    """Chooses an item's kind from a combo box of the kinds' labels."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Kind of agenda item")
        for kind in AgendaItemKind:
            combo.addItem(kind.label, kind.value)
        combo.activated.connect(lambda _row, editor=combo: self.commitData.emit(editor))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TimeboxSpinBox(QSpinBox):
    """Minutes from 1 to 240 by the arrows; a number typed outside that range is kept as typed,
    so the model can refuse it with the rule's message instead of it silently snapping back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, agenda.MAX_TIMEBOX_MINUTES)
        self.setAccessibleName("Timebox in minutes")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._typed: int | None = None
        self.lineEdit().textEdited.connect(self._on_line_edit_text_edited)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        digits = text.strip()
        if not digits:
            return QValidator.State.Intermediate, text, pos
        if not digits.isdigit() or len(digits) > 4:
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= int(digits) <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        self._typed = None
        super().stepBy(steps)

    def minutes(self) -> int:
        """What the user asked for: the number typed, even out of range, else the value."""
        return self._typed if self._typed is not None else self.value()

    def _on_line_edit_text_edited(self, text: str) -> None:
        digits = text.strip()
        self._typed = int(digits) if digits.isdigit() else None


class TimeboxDelegate(QStyledItemDelegate):
    """Edits an item's timebox with a spin box of minutes."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        return TimeboxSpinBox(parent)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, TimeboxSpinBox)
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, TimeboxSpinBox)
        model.setData(index, editor.minutes(), Qt.ItemDataRole.EditRole)


class AgendaTableView(QTableView):
    """A table whose rows are reordered by dragging them; the move is the model's moveRows."""

    row_dropped = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setMinimumWidth(30)

    def dropEvent(self, event: QDropEvent) -> None:
        if event.source() is not self or not self.currentIndex().isValid():
            event.ignore()
            return
        target = self.indexAt(event.position().toPoint())
        if not target.isValid():
            destination = self.model().rowCount()
        elif self.dropIndicatorPosition() == QAbstractItemView.DropIndicatorPosition.BelowItem:
            destination = target.row() + 1
        else:
            destination = target.row()
        self.row_dropped.emit(self.currentIndex().row(), destination)
        # The rows are already moved: an accepted drop that is no longer a MoveAction keeps
        # the view from removing the "source" rows afterwards, as it would for a copy-and-move.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()


class StandingAgendaEditor(QWidget):
    """The agenda table with Add, Remove, Move up and Move down, and the planned total."""

    def __init__(self, model: StandingAgendaModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._refused = False
        self.view = AgendaTableView()
        self.view.setModel(model)
        self.view.setAccessibleName("Standing agenda items")
        self.view.setItemDelegateForColumn(KIND, KindDelegate(self.view))
        self.view.setItemDelegateForColumn(TIMEBOX, TimeboxDelegate(self.view))
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TIMEBOX, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(KIND, 190)

        self.add_action = self._action("Add item", self.add_item, "Ctrl+N", "Insert")
        self.remove_action = self._action("Remove", self.remove_item, "Delete")
        self.up_action = self._action("Move up", self.move_up, "Ctrl+Up")
        self.down_action = self._action("Move down", self.move_down, "Ctrl+Down")
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for action in (self.add_action, self.remove_action, self.up_action, self.down_action):
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.setAccessibleName(action.text())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
            self.buttons[action.text()] = button
        buttons.addStretch(1)

        self.total = QLabel()
        self.total.setObjectName("plannedTotal")
        self.total.setAccessibleName("Planned total")
        self.message = FieldError()

        table_row = QHBoxLayout()
        table_row.setSpacing(10)
        table_row.addWidget(self.view, 1)
        table_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(table_row, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.message)

        model.edit_refused.connect(self._on_model_edit_refused)
        model.dataChanged.connect(self._on_model_changed)
        model.rowsInserted.connect(self._on_model_changed)
        model.rowsRemoved.connect(self._on_model_changed)
        model.rowsMoved.connect(self._on_model_changed)
        model.modelReset.connect(self._on_model_changed)
        self.view.row_dropped.connect(self._on_view_row_dropped)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self._show_total()
        self._enable_actions()

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    # --- user actions -----------------------------------------------------------------

    def add_item(self) -> None:
        """A new item below the current one (or at the end), its title ready to type."""
        current = self.view.currentIndex()
        row = current.row() + 1 if current.isValid() else self.model.rowCount()
        self.model.insertRows(row, 1)
        index = self.model.index(row, TITLE)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_item(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        self.model.removeRows(row, 1)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), TITLE))
        self.view.setFocus()

    def move_up(self) -> None:
        row = self.view.currentIndex().row()
        if row > 0:
            self.move_row(row, row - 1)

    def move_down(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount() - 1:
            self.move_row(row, row + 2)

    def move_row(self, row: int, before: int) -> None:
        """Move one item to before the item now at `before` (the end if it is the row count)."""
        column = max(0, self.view.currentIndex().column())
        if self.model.moveRows(QModelIndex(), row, 1, QModelIndex(), before):
            moved_to = before - 1 if before > row else before
            self.view.setCurrentIndex(self.model.index(moved_to, column))
        self.view.setFocus()

    def finish_editing(self) -> bool:
        """Commit a cell still being edited; False if the model refused what it held."""
        self._refused = False
        for editor in self.view.viewport().findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            if editor.isVisible():
                self.view.commitData(editor)
                self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        return not self._refused

    # --- internals --------------------------------------------------------------------

    def _action(self, text: str, slot: Any, *keys: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text} ({shortcut})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _show_total(self) -> None:
        self.total.setText(f"Planned total: {format_minutes(self.model.planned_minutes())}")

    def _enable_actions(self) -> None:
        row = self.view.currentIndex().row()
        count = self.model.rowCount()
        self.remove_action.setEnabled(row >= 0)
        self.up_action.setEnabled(row > 0)
        self.down_action.setEnabled(0 <= row < count - 1)
        for action in (self.remove_action, self.up_action, self.down_action):
            self.buttons[action.text()].setEnabled(action.isEnabled())

    def _on_model_changed(self, *_args: object) -> None:
        self._show_total()
        self._enable_actions()
        self.message.setText("")

    def _on_model_edit_refused(self, message: str) -> None:
        self._refused = True
        self.message.setText(message)

    def _on_view_row_dropped(self, row: int, before: int) -> None:
        self.move_row(row, before)

    def _on_view_current_row_changed(self, *_args: object) -> None:
        self._enable_actions()


class StandingAgendaDialog(QDialog):
    """Edit the partnership's standing agenda; Save writes it, Cancel leaves it as it was."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Standing agenda")
        self.resize(760, 520)
        self._session = session
        self.model = StandingAgendaModel(session.standing_agenda(), session.partnership_id or "")
        hint = QLabel(
            "Every meeting of this partnership starts from these items. Double-click or press F2 "
            "to edit; drag a row or press Ctrl+Up / Ctrl+Down to reorder."
        )
        hint.setObjectName("subtitle")
        hint.setWordWrap(True)
        self.editor = StandingAgendaEditor(self.model)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAutoDefault(False)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        if self.model.rowCount():
            self.editor.view.setCurrentIndex(self.model.index(0, TITLE))
        self.editor.view.setFocus()

    def _on_buttons_accepted(self) -> None:
        if not self.editor.finish_editing():
            return
        try:
            self._session.save_standing_agenda(self.model.items())
        except ReviewError as error:
            self.editor.message.setText(error.message)
            return
        self.accept()
