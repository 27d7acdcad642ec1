"""Qt item models over lists of core objects: the views never see SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView

from core.model import Meeting, MeetingItem, MeetingStatus
from ui import palette

_Index = QModelIndex | QPersistentModelIndex

STATUS_LABELS = {
    MeetingStatus.DRAFT: "Draft",
    MeetingStatus.LIVE: "Live",
    MeetingStatus.CLOSED: "Closed",
    MeetingStatus.SIGNED: "Signed",
}


def format_duration(seconds: int) -> str:
    """12:05 for minutes and seconds, 1:02:05 past an hour."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class RowsTableModel(QAbstractTableModel):
    """A flat table over a list of core objects: `HEADERS` name the columns, `_rows` the rows."""

    HEADERS: tuple[str, ...] = ()
    HEADER_TIPS: dict[int, str] = {}  # noqa: RUF012  (read-only, per class)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Any] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS.get(section)
        return None


TAMPERED_LABEL = "⚠ Signed — TAMPERED"


class MeetingsModel(RowsTableModel):
    """The partnership's meetings, newest first: number, date, title, status, signed.

    A signed meeting whose stored record no longer matches what was signed (storage/
    integrity.py) reads "⚠ Signed — TAMPERED" in its status, with the reasons as its tip.
    """

    HEADERS = ("No.", "Date", "Title", "Location", "Status")

    def __init__(self, meetings: list[Meeting] | None = None) -> None:
        super().__init__()
        self._tampered: dict[str, str] = {}
        self.set_meetings(meetings or [])

    def set_tampered(self, reasons: dict[str, str]) -> None:
        """Mark meetings (by id) as tampered, each with why, in words."""
        self._tampered = dict(reasons)
        if self._rows:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self._rows) - 1, 4))

    def is_tampered(self, meeting_id: str) -> bool:
        return meeting_id in self._tampered

    def set_meetings(self, meetings: list[Meeting]) -> None:
        self.beginResetModel()
        self._rows = sorted(meetings, key=lambda m: (m.scheduled_start, m.revision), reverse=True)
        self.endResetModel()

    def meeting_at(self, row: int) -> Meeting:
        return self._rows[row]

    def row_of(self, meeting_id: str) -> int:
        for row, meeting in enumerate(self._rows):
            if meeting.id == meeting_id:
                return row
        return -1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        meeting = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                suffix = f" (rev. {meeting.revision})" if meeting.revision > 1 else ""
                return f"{meeting.number}{suffix}"
            if column == 1:
                return meeting.scheduled_start.strftime("%a %d %b %Y, %H:%M")
            if column == 2:
                return meeting.title
            if column == 3:
                return meeting.location
            if meeting.id in self._tampered:
                return TAMPERED_LABEL
            return STATUS_LABELS[meeting.status]
        if role == Qt.ItemDataRole.ToolTipRole and column == 4 and meeting.id in self._tampered:
            return self._tampered[meeting.id]
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            if meeting.id in self._tampered:
                return QColor(palette.ERROR)
            return {
                MeetingStatus.LIVE: QColor(palette.ERROR),
                MeetingStatus.DRAFT: QColor(palette.ACCENT),
            }.get(meeting.status)
        if role == Qt.ItemDataRole.UserRole:
            return meeting.id
        return None


class AgendaRailModel(QAbstractListModel):
    """The meeting's agenda items with their timebox and the time actually spent."""

    def __init__(self, items: list[MeetingItem] | None = None) -> None:
        super().__init__()
        self._items: list[MeetingItem] = list(items or [])
        self._live_seconds: dict[str, int] = {}

    def set_items(self, items: list[MeetingItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._live_seconds = {}
        self.endResetModel()

    def item_at(self, row: int) -> MeetingItem:
        return self._items[row]

    def items(self) -> list[MeetingItem]:
        return list(self._items)

    def set_seconds(self, row: int, seconds: int) -> None:
        """Show the running time of one item without reloading the meeting."""
        item = self._items[row]
        self._live_seconds[item.id] = seconds
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def seconds(self, row: int) -> int:
        item = self._items[row]
        return self._live_seconds.get(item.id, item.actual_seconds)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            spent = self.seconds(index.row())
            actual = format_duration(spent) if spent else "–"
            detail = f"{item.kind.label} · {item.timebox_minutes} min · {actual}"
            return f"{index.row() + 1}. {item.title}\n{detail}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title} ({item.kind.label}), timebox {item.timebox_minutes} min"
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None


def rows_table(model: QAbstractItemModel, object_name: str) -> QTableView:
    """A read-only table over `model` that selects one whole row, as the app's lists do."""
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    return table
