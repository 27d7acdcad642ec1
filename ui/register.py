"""The action register: every action of both sides, filtered, fetched a page at a time, exported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.changes import Change
from core.errors import ReviewError
from core.exports import actions_csv, open_actions_ics, write_atomically
from core.model import ActionState, Side
from core.register import ActionFilter, ActionRow
from ui import icons, palette
from ui.action_history import ActionHistoryDialog
from ui.models import FittedColumns, RowsTableModel
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
SEARCH_DELAY_MS = 250
STATE_COLOURS = palette.ByMeaning({ActionState.DONE: "GOOD", ActionState.DROPPED: "DROPPED"})


class RegisterModel(RowsTableModel):
    """Actions matching a filter, by current due date; rows are fetched as the view scrolls."""

    HEADERS = (
        "Action",
        "Owner",
        "Side",
        "Raised in",
        "Original due",
        "Current due",
        "Slips",
        "Overdue",
        "State",
        "Last review",
    )
    HEADER_TIPS = {  # noqa: RUF012
        3: "The meeting in which the action was raised",
        6: "How many times the due date was moved",
        7: "Days past the current due date",
    }
    DUE_COLUMN = 5
    OVERDUE_COLUMN = 7
    _CENTRED = (2, 4, 5, 6, 8)

    def __init__(self, session: Session, on: dt.date, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._session = session
        self._on = on
        self._page_size = page_size
        self._spec = ActionFilter()
        self._rows: list[ActionRow] = []
        self._matching = 0

    @property
    def spec(self) -> ActionFilter:
        return self._spec

    @property
    def on(self) -> dt.date:
        return self._on

    @property
    def matching(self) -> int:
        """How many actions match the filter, fetched or not."""
        return self._matching

    def set_filter(self, spec: ActionFilter, on: dt.date | None = None) -> None:
        """Show the actions matching `spec`, starting again from the first page."""
        self.beginResetModel()
        self._spec = spec
        if on is not None:
            self._on = on
        self._matching = self._session.count_actions(spec)
        self._rows = self._session.action_rows(spec, 0, self._page_size)
        self.endResetModel()

    def refresh(self) -> None:
        """Read the same filter again, after the data changed."""
        self.set_filter(self._spec)

    def row_at(self, row: int) -> ActionRow:
        return self._rows[row]

    # --- lazy fetching ---

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._matching

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        page = self._session.action_rows(self._spec, len(self._rows), self._page_size)
        if not page:  # the data shrank since it was counted
            self._matching = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # --- the table ---

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        overdue = row.days_overdue(self._on)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column, overdue)
        if role == Qt.ItemDataRole.ForegroundRole:
            # Overdue is said by the current due date and the ⚠ days, not by the whole row.
            if overdue and column in (self.DUE_COLUMN, self.OVERDUE_COLUMN):
                return QBrush(QColor(palette.ERROR))
            if column == 8 and row.action.state in STATE_COLOURS:
                return QBrush(QColor(STATE_COLOURS[row.action.state]))
            return None
        if role == Qt.ItemDataRole.FontRole and overdue and column == self.OVERDUE_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._CENTRED:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            # A cell too narrow for its text is elided: its tooltip holds the whole text.
            if column == 0:
                return self._tooltip(row, overdue)
            return self._text(row, column, overdue) or None
        if role == Qt.ItemDataRole.UserRole:
            return row.action.id
        return None

    @staticmethod
    def _text(row: ActionRow, column: int, overdue: int) -> str:
        action = row.action
        if column == 0:
            return action.title
        if column == 1:
            return row.owner_name
        if column == 2:
            return action.side.label
        if column == 3:
            number = f"#{row.raised_number} · " if row.raised_number is not None else ""
            return f"{number}{row.raised_on.isoformat()}"
        if column == 4:
            return action.original_due.isoformat()
        if column == 5:
            return action.due.isoformat()
        if column == 6:
            return str(row.slips) if row.slips else ""
        if column == 7:
            return f"⚠ {overdue} {'day' if overdue == 1 else 'days'}" if overdue else ""
        if column == 8:
            return action.state.value.capitalize()
        if row.last_status is None:
            return "—"
        return row.last_status.label + (f": {row.last_comment}" if row.last_comment else "")

    @staticmethod
    def _tooltip(row: ActionRow, overdue: int) -> str:
        parts = [row.action.title, f"{row.owner_name} ({row.action.side.label})"]
        if overdue:
            parts.append(f"Overdue by {overdue} {'day' if overdue == 1 else 'days'}")
        if row.last_comment:
            parts.append(f"Last comment: {row.last_comment}")
        parts.append("Double-click or press Enter for its history.")
        return "\n".join(parts)


class RegisterTable(QTableView):
    """The register's table; Enter asks for the current action's history."""

    open_requested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class RegisterPage(QWidget):
    """The register screen: filter bar, count, the table, exports; a row opens its history."""

    exported = Signal(Path)
    back_requested = Signal()

    def __init__(self, session: Session, on: dt.date | None = None) -> None:
        super().__init__()
        self._session = session
        self._fixed_on = on
        self._stale = False
        self.history_dialog: ActionHistoryDialog | None = None

        title = QLabel("Action register")
        title.setObjectName("pageTitle")
        self.count_label = QLabel()
        self.count_label.setObjectName("subtitle")
        self.csv_button = QPushButton(icons.icon("export"), "Export CSV…")
        self.csv_button.setToolTip("Save every action matching the filter as a spreadsheet file")
        self.csv_button.clicked.connect(self.export_csv)
        self.ics_button = QPushButton(icons.icon("calendar"), "Export calendar (.ics)…")
        self.ics_button.setToolTip("Save the open actions matching the filter as calendar events")
        self.ics_button.clicked.connect(self.export_calendar)
        self.back_button = QPushButton(icons.icon("back"), "Meetings")
        self.back_button.setToolTip("Back to the meetings overview (Ctrl+Home)")
        self.back_button.clicked.connect(self.back_requested)
        heading = QHBoxLayout()
        heading.addWidget(self.back_button)
        heading.addSpacing(8)
        heading.addWidget(title)
        heading.addSpacing(16)
        heading.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignBottom)
        heading.addWidget(self.csv_button)
        heading.addWidget(self.ics_button)

        parties = session.parties()
        self.side = QComboBox()
        self.side.setAccessibleName("Side")
        self.side.addItem("Both sides", None)
        for side in Side:
            party = parties.get(side)
            name = f"{side.label} · {party.name}" if party else side.label
            self.side.addItem(name, side.value)
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state = QComboBox()
        self.state.setAccessibleName("State")
        for state in ActionState:
            self.state.addItem(state.value.capitalize(), state.value)
        self.state.addItem("All states", None)
        self.overdue_only = QCheckBox("Overdue only")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title or owner…")
        self.search.setAccessibleName("Search actions")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._fill_owners()

        filters = QHBoxLayout()
        for label, widget in (("Side", self.side), ("Owner", self.owner), ("State", self.state)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
            filters.addSpacing(10)
        filters.addWidget(self.overdue_only)
        filters.addSpacing(10)
        filters.addWidget(self.search, 1)

        self.model = RegisterModel(session, self.today())
        self.table = RegisterTable()
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.columns = FittedColumns(self.table, stretch=0, capped={9: 200})
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.open_requested.connect(self._on_table_open_requested)

        self.notice = QLabel()
        self.notice.setObjectName("subtitle")
        self.notice.setWordWrap(True)
        hint = QLabel("Double-click an action or press Enter to see its history across meetings.")
        hint.setObjectName("subtitle")
        footer = QHBoxLayout()
        footer.addWidget(self.notice, 1)
        footer.addWidget(hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self.side.currentIndexChanged.connect(self._on_side_current_index_changed)
        self.owner.currentIndexChanged.connect(self.apply_filter)
        self.state.currentIndexChanged.connect(self.apply_filter)
        self.overdue_only.toggled.connect(self.apply_filter)
        self.search.textChanged.connect(self._on_search_text_changed)
        session.changed.connect(self._on_session_changed)
        self.apply_filter()

    # --- filtering ---

    def today(self) -> dt.date:
        """The day overdue is counted on: fixed in tests and demos, else today."""
        return self._fixed_on or self._session.today()

    def current_filter(self) -> ActionFilter:
        """The filter the bar describes."""
        # Qt hands enum members back as plain strings: the combos hold values, made enums here.
        side, state = self.side.currentData(), self.state.currentData()
        return ActionFilter(
            side=Side(side) if side else None,
            owner_id=self.owner.currentData(),
            state=ActionState(state) if state else None,
            overdue_on=self.today() if self.overdue_only.isChecked() else None,
            text=self.search.text().strip(),
        )

    def apply_filter(self) -> None:
        """Show the actions the filter bar describes and count them."""
        self._search_timer.stop()
        self.model.set_filter(self.current_filter(), self.today())
        self._stale = False
        self._update_count()

    def _update_count(self) -> None:
        total = self._session.count_actions(ActionFilter())
        shown = self.model.matching
        noun = "action" if total == 1 else "actions"
        self.count_label.setText(f"{shown} of {total} {noun}")

    def _fill_owners(self) -> None:
        """Owners of the chosen side (or of both), keeping the chosen one if still offered."""
        chosen = self.side.currentData()
        side = Side(chosen) if chosen else None
        keep = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("All owners", None)
        for person in self._session.people():
            if side is None or person.side is side:
                suffix = f" ({person.side.label})" if side is None else ""
                self.owner.addItem(person.name + suffix, person.id)
        found = self.owner.findData(keep) if keep is not None else 0
        self.owner.setCurrentIndex(max(found, 0))
        self.owner.blockSignals(False)

    def _on_side_current_index_changed(self, _index: int) -> None:
        self._fill_owners()
        self.apply_filter()

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_session_changed(self, _what: Change) -> None:
        if self.isVisible():
            self.model.refresh()
            self._update_count()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.apply_filter()
        super().showEvent(event)

    # --- history ---

    def open_history(self, row: int) -> ActionHistoryDialog:
        """Show the history of the action on `row` across meetings (not modal to the app)."""
        if self.history_dialog is not None:
            self.history_dialog.close()
        dialog = ActionHistoryDialog(self._session, self.model.row_at(row), self, self.today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_history_dialog_finished)
        self.history_dialog = dialog
        dialog.open()
        return dialog

    def _on_history_dialog_finished(self, _result: int) -> None:
        self.history_dialog = None

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_history(index.row())

    def _on_table_open_requested(self, index: QModelIndex) -> None:
        self.open_history(index.row())

    # --- exports ---

    def ask_export_path(self, caption: str, suggested: str, file_filter: str) -> Path | None:
        """Where to save an export; tests override this instead of driving a file dialog."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _ = QFileDialog.getSaveFileName(
            self, caption, str(Path(folder) / suggested), file_filter
        )
        if not chosen:
            return None
        path = Path(chosen)
        wanted = Path(suggested).suffix
        return path if path.suffix.lower() == wanted else path.with_name(path.name + wanted)

    def export_csv(self) -> Path | None:
        """Save every action matching the filter as CSV (UTF-8 with a BOM, for spreadsheets)."""
        on = self.today()
        path = self.ask_export_path(
            "Export the action register", f"actions-{on.isoformat()}.csv", "CSV files (*.csv)"
        )
        if path is None:
            return None
        rows = self._session.action_rows(self.current_filter())
        data = actions_csv(rows, on).encode("utf-8-sig")
        return self._save(path, data, f"{len(rows)} {'action' if len(rows) == 1 else 'actions'}")

    def export_calendar(self) -> Path | None:
        """Save the open actions matching the filter as all-day events on their due dates."""
        path = self.ask_export_path(
            "Export open actions to a calendar", "open-actions.ics", "iCalendar files (*.ics)"
        )
        if path is None:
            return None
        rows = self._session.action_rows(self.current_filter())
        partnership = self._session.partnership
        name = partnership.name if partnership is not None else ""
        data = open_actions_ics(rows, name, self._session.now().astimezone())
        count = sum(1 for r in rows if r.action.state is ActionState.OPEN)
        return self._save(path, data, f"{count} open {'action' if count == 1 else 'actions'}")

    def _save(self, path: Path, data: bytes, what: str) -> Path | None:
        try:
            write_atomically(path, data)
        except ReviewError as error:
            self.notice.setStyleSheet(f"color: {palette.ERROR};")
            self.notice.setText(error.message)
            return None
        self.notice.setStyleSheet("")
        self.notice.setText(f"Exported {what} to {path}.")
        self.exported.emit(path)
        return path
