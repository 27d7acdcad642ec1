"""Every partnership of the file side by side (File ▸ All partnerships, Ctrl+Shift+P), and the
switcher from anywhere (Ctrl+P): type a few letters, Enter opens that partnership."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.changes import Change
from core.model import Side
from core.portfolio import SAY_DO_MEETINGS, PortfolioRow
from ui.design import SPACE
from ui.icons import icon
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex
HEADERS = (
    "Partnership",
    "Next meeting",
    "Last meeting",
    "Sign-off",
    "Open E · P",
    "Overdue E · P",
    f"Say/do E · P (last {SAY_DO_MEETINGS})",
    "KPIs red",
    "Needs attention",
)


def _pair(values: dict[Side, int] | object) -> str:
    assert isinstance(values, dict)
    return f"{values[Side.ENTERPRISE]} · {values[Side.PARTNER]}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


class PortfolioModel(QAbstractTableModel):
    """One row a partnership; sorting by a column sorts by its value, not its text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PortfolioRow] = []

    def set_rows(self, rows: list[PortfolioRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is not Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:  # a figure's heading stands over it
            return int(self._alignment(section))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:  # what sorting compares
            return self._key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return " and ".join(row.parties.values())
        if role == Qt.ItemDataRole.ToolTipRole and column == len(HEADERS) - 1:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(column))
        return None

    @staticmethod
    def _alignment(column: int) -> Qt.AlignmentFlag:
        across = Qt.AlignmentFlag.AlignRight if 4 <= column <= 7 else Qt.AlignmentFlag.AlignLeft
        return across | Qt.AlignmentFlag.AlignVCenter

    def _text(self, row: PortfolioRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.next_meeting.strftime("%a %d %b %Y") if row.next_meeting else "not prepared"
        if column == 2:
            return row.last_meeting.strftime("%d %b %Y") if row.last_meeting else "—"
        if column == 3:
            return row.last_state or "—"
        if column == 4:
            return _pair(dict(row.open_actions))
        if column == 5:
            return _pair(dict(row.overdue))
        if column == 6:
            return f"{_ratio(row.say_do[Side.ENTERPRISE])} · {_ratio(row.say_do[Side.PARTNER])}"
        if column == 7:
            return str(row.red_kpis)
        return ", ".join(row.needs_attention) or "—"

    def _key(self, row: PortfolioRow, column: int) -> object:
        if column == 1:
            return row.next_meeting.toordinal() if row.next_meeting else 10**9
        if column == 2:
            return row.last_meeting.toordinal() if row.last_meeting else 0
        if column in (4, 5):
            values = row.open_actions if column == 4 else row.overdue
            return sum(values.values())
        if column == 6:
            ratios = [r for r in row.say_do.values() if r is not None]
            return min(ratios) if ratios else 2.0
        if column == 7:
            return row.red_kpis
        if column == 8:
            return len(row.needs_attention)
        return self._text(row, column).casefold()


class PortfolioPage(QWidget):
    """The file's partnerships, sortable by any column and filtered by name; Enter opens one."""

    partnership_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["xl"], SPACE["l"], SPACE["xl"], SPACE["l"])
        layout.setSpacing(SPACE["m"])
        head = QHBoxLayout()
        head.setSpacing(SPACE["m"])
        self.back = QPushButton(icon("back"), "Meetings")
        self.back.setToolTip("Back to this partnership's meetings (Ctrl+Home)")
        self.back.clicked.connect(self.back_requested.emit)
        title = QLabel("All partnerships")
        title.setObjectName("pageTitle")
        head.addWidget(self.back)
        head.addWidget(title, 1)
        layout.addLayout(head)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name…")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.model = PortfolioModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(8, Qt.SortOrder.DescendingOrder)  # what needs attention first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)  # a long reason wraps in its row rather than being cut
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_activated)
        layout.addWidget(self.table, 1)
        hint = QLabel("Enter opens the partnership · Ctrl+P switches from anywhere")
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.filter.installEventFilter(self)
        session.changed.connect(self._on_session_changed)

    def refresh(self) -> None:
        self.model.set_rows(self._session.portfolio())
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def names(self) -> list[str]:
        """The partnerships as shown, in their order."""
        return [str(self.proxy.data(self.proxy.index(r, 0))) for r in range(self.proxy.rowCount())]

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() and self.proxy.rowCount():
            index = self.proxy.index(0, 0)
        if index.isValid():
            self._on_activated(index)

    def _on_activated(self, index: _Index) -> None:
        source = self.proxy.mapToSource(self.proxy.index(index.row(), 0))
        self.partnership_chosen.emit(self.model.rows[source.row()].partnership_id)

    def eventFilter(self, watched: object, event: object) -> bool:
        if watched is self.filter and isinstance(event, QKeyEvent):
            if event.type() == QKeyEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                self.open_current()
                return True
            if event.type() == QKeyEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
                self.table.setFocus()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _on_session_changed(self, what: Change) -> None:
        if self.isVisible() and what & (Change.MEETINGS | Change.ACTIONS | Change.PARTNERSHIP):
            self.refresh()


class PartnershipSwitcher(QDialog):
    """Ctrl+P: the file's partnerships by name; type to narrow, Enter to open."""

    def __init__(self, names: list[tuple[str, str]], current: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Switch partnership")
        self.resize(520, 360)
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        self.line = QLineEdit()
        self.line.setPlaceholderText("Type part of a name…")
        layout.addWidget(self.line)
        self.list = QListWidget()
        for pid, name in names:
            item = QListWidgetItem(name + ("   (open now)" if pid == current else ""))
            item.setData(Qt.ItemDataRole.UserRole, pid)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        self.line.textChanged.connect(self._narrow)
        self.line.returnPressed.connect(self._choose)
        self.list.itemActivated.connect(lambda _item: self._choose())
        self._narrow("")

    def _narrow(self, text: str) -> None:
        wanted = text.casefold().split()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            shown = all(w in item.text().casefold() for w in wanted)
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)

    def _choose(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            self.chosen = str(item.data(Qt.ItemDataRole.UserRole))
            self.accept()
