"""The app's look in a test: the real style sheet on Fusion (ui/theme.py), so that widths and
fonts are measured as the user sees them, and taken off again afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QTableView

from ui import palette
from ui.design import SPACE, Scheme
from ui.theme import Theme


@contextmanager
def themed(
    app: QApplication, settings: QSettings, appearance: str | None = "light"
) -> Iterator[Theme]:
    """The app's theme on the test's application, in the light scheme (or as `settings` say
    when `appearance` is None), taken off again afterwards."""
    style = app.style().name() or "fusion"
    if appearance is not None:
        settings.setValue("appearance", appearance)
    theme = Theme(app, settings)
    try:
        yield theme
    finally:
        theme.setParent(None)
        theme.deleteLater()
        app.setStyleSheet("")
        app.setStyle(style)
        app.setPalette(app.style().standardPalette())
        palette.use(Scheme.LIGHT)


def text_width(table: QTableView, index: QModelIndex) -> int:
    """The width a cell needs for its whole text: the text in the cell's font, the item's
    padding (style.qss) and the style's text margins."""
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    font = index.data(Qt.ItemDataRole.FontRole)
    cell_font = QFont(table.font())
    if isinstance(font, QFont):
        cell_font.setBold(font.bold())
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    return QFontMetrics(cell_font).horizontalAdvance(text) + 2 * SPACE["s"] + 2 * margin


def clipped_cells(table: QTableView, columns: list[int]) -> list[str]:
    """The cells of `columns` whose whole text does not fit their column, said as
    "Header: text"."""
    model = table.model()
    found = []
    for column in columns:
        width = table.columnWidth(column)
        header = str(model.headerData(column, Qt.Orientation.Horizontal))
        for row in range(model.rowCount()):
            index = model.index(row, column)
            if text_width(table, index) > width:
                found.append(f"{header}: {index.data()} ({text_width(table, index)} > {width})")
    return found


def clipped_headers(table: QTableView, columns: list[int]) -> list[str]:
    """The headers of `columns` too wide for their column (headers are semibold)."""
    header = table.horizontalHeader()
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)
    metrics = QFontMetrics(font)
    found = []
    for column in columns:
        text = str(table.model().headerData(column, Qt.Orientation.Horizontal))
        if metrics.horizontalAdvance(text) + 2 * SPACE["s"] > table.columnWidth(column):
            found.append(text)
    return found
