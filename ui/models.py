"""Qt item models over lists of core objects: the views never see SQL."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

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


def kind_repeats_title(item: MeetingItem) -> bool:
    """Whether the item's title already says its kind ("Strategic initiatives", "Operational
    performance dashboard"): the kind is then not said again beside it."""
    return item.kind.label.casefold() in item.title.casefold()


class AgendaRailModel(QAbstractListModel):
    """The meeting's agenda items with their timebox and the time actually spent: each a title
    (TITLE_ROLE) and a detail line (DETAIL_ROLE) that the rail draws smaller and quieter."""

    TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2

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
        if role == self.TITLE_ROLE:
            return f"{index.row() + 1}. {item.title}"
        if role == self.DETAIL_ROLE:
            spent = self.seconds(index.row())
            parts = [] if kind_repeats_title(item) else [item.kind.label]
            parts += [f"{item.timebox_minutes} min", format_duration(spent) if spent else "–"]
            return " · ".join(parts)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.data(index, self.TITLE_ROLE)}\n{self.data(index, self.DETAIL_ROLE)}"
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


class FittedColumns(QObject):
    """Keeps a table's columns as wide as their content, header included, and gives the one
    stretching column (an action's title) the rest of the width.

    Text is elided only as a last resort: when the table is too narrow for every column's
    content beside the stretching column's `stretch_minimum`, the widest columns give way,
    none below `minimum`; their models give each cell's whole text as its tooltip. A column of
    free text (a comment) can be `capped` so that it never takes the title's room. Fitted again
    when the rows or the table's width change."""

    def __init__(
        self,
        table: QTableView,
        stretch: int,
        stretch_minimum: int = 240,
        minimum: int = 56,
        capped: dict[int, int] | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.capped = dict(capped or {})
        self.stretch_minimum = stretch_minimum
        self.minimum = minimum
        self._fitting = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(min(minimum, header.minimumSectionSize()))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        model = table.model()
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        model.rowsInserted.connect(self.fit)
        model.dataChanged.connect(self.fit)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        table.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not shiboken6.isValid(self.table):  # the table is being deleted
            return False
        if (watched is self._viewport and kind == QEvent.Type.Resize) or (
            watched is self.table
            and kind in (QEvent.Type.Show, QEvent.Type.StyleChange, QEvent.Type.FontChange)
        ):
            self.fit()
        return False

    def wanted(self) -> dict[int, int]:
        """Each column's width for its whole content and its header (the stretching one aside)."""
        table, header = self.table, self.table.horizontalHeader()
        table.ensurePolished()
        header.ensurePolished()
        wanted = {}
        for column in range(header.count()):
            if column == self.stretch or header.isSectionHidden(column):
                continue
            width = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            wanted[column] = min(width, self.capped.get(column, width))
        return wanted

    def fit(self) -> None:
        """Size the columns to their content now, within the table's width."""
        if self._fitting:
            return
        self._fitting = True
        try:
            wanted = self.wanted()
            widths = wanted
            if self.table.isVisible():
                room = self.table.viewport().width() - self.stretch_minimum
                widths = _give_way(wanted, room, self.minimum)
            header = self.table.horizontalHeader()
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False


def _give_way(wanted: dict[int, int], room: int, minimum: int) -> dict[int, int]:
    """The widths in `room` closest to `wanted`: when they do not all fit, the widest are cut
    to one common width (never below `minimum`), so the narrow columns stay whole."""
    if sum(wanted.values()) <= room:
        return dict(wanted)
    left, count, cap = room, len(wanted), minimum
    for width in sorted(wanted.values()):
        share = left // count
        if width > share:
            cap = share
            break
        left -= width
        count -= 1
    cap = max(cap, minimum)
    return {column: min(width, cap) for column, width in wanted.items()}
