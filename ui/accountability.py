"""The accountability record: both sides' say/do over the last 3, 6 and 12 meetings."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.accountability import SideRecord
from core.model import Side
from ui import palette
from ui.session import TREND_WINDOW, Session

SIDE_COLOURS = palette.ByMeaning({Side.ENTERPRISE: "ACCENT", Side.PARTNER: "PARTNER"})
SIDE_SYMBOLS = {Side.ENTERPRISE: "o", Side.PARTNER: "s"}
WINDOWS = (3, 6, 12)
FIGURES = (
    ("Say/do ratio (done by the original date)", "say_do"),
    ("On time (by the due date then in force)", "on_time"),
    ("Actions due in the window", "due"),
    ("Open and overdue at the window's end", "open_overdue"),
    ("Mean slip (days)", "mean_slip"),
    ("Dropped", "dropped"),
)


def figure_text(record: SideRecord, figure: str) -> str:
    """One figure as the room reads it: percentages whole, '—' where nothing counts."""
    if figure == "say_do":
        ratio = record.say_do_ratio
        return "—" if ratio is None else f"{100 * ratio:.0f}% ({record.done_on_time}/{record.due})"
    if figure == "on_time":
        pct = record.on_time_pct
        return "—" if pct is None else f"{pct:.0f}%"
    if figure == "due":
        return str(record.due)
    if figure == "open_overdue":
        return str(record.open_overdue)
    if figure == "mean_slip":
        return "—" if record.mean_slip_days is None else f"{record.mean_slip_days:.1f}"
    return str(record.dropped)


class AccountabilityDialog(QDialog):
    """Neither side can hide: both sides' records in one table and one chart.

    The window keeps one dialog (and so one pyqtgraph chart) for the session and refills it:
    every PlotWidget made and destroyed leaks references in PySide6 6.12 (PITFALLS.md).
    """

    def __init__(self, session: Session, upto_id: str | None = None) -> None:
        super().__init__()
        self._session = session
        self.resize(1100, 760)
        self.figures: dict[int, dict[Side, SideRecord]] = {}
        self.series: dict[Side, list[tuple[int, float]]] = {}
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.table = QTableWidget(len(FIGURES), len(WINDOWS) * 2)
        self.table.setHorizontalHeaderLabels(
            [f"{side.label}\nlast {size}" for side in Side for size in WINDOWS]
        )
        self.table.setVerticalHeaderLabels([label for label, _ in FIGURES])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().sizeHint().height() + 4
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

        self.chart = pg.PlotWidget(background=palette.SURFACE)
        self._chart_alive = True
        self.chart.setObjectName("sayDoTrend")
        self.chart.setMinimumHeight(300)
        plot = self.chart.getPlotItem()
        plot.setTitle(
            f"Say/do ratio over the last {TREND_WINDOW} meetings, meeting by meeting",
            color=palette.INK,
        )
        plot.setLabel("left", "say/do", units="%", color=palette.TEXT)
        plot.setLabel("bottom", "meeting", color=palette.TEXT)
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setYRange(0, 100)
        self.legend = plot.addLegend(
            offset=(10, 10), labelTextColor=palette.INK, brush=pg.mkBrush(palette.SURFACE)
        )
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setPen(pg.mkPen(palette.AXIS))
            plot.getAxis(axis).setTextPen(pg.mkPen(palette.TEXT))
        self.lines = {
            side: plot.plot(
                [],
                [],
                pen=pg.mkPen(SIDE_COLOURS[side], width=3),
                symbol=SIDE_SYMBOLS[side],
                symbolBrush=SIDE_COLOURS[side],
                symbolPen=pg.mkPen("w"),
                name=f"{side.label} (say/do)",
            )
            for side in Side
        }
        note = QLabel(
            "Say/do: of the actions whose original due date fell in the window, the share done by "
            "that date. On time: of the actions done in the window, the share done by the due date "
            "then in force. The same figures go into the minutes."
        )
        note.setWordWrap(True)
        note.setObjectName("subtitle")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(self.chart, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        if upto_id is not None:
            self.show_record(upto_id)

    def show_record(self, upto_id: str) -> None:
        """Fill the table and the chart for the meetings up to `upto_id`."""
        meeting = self._session.meeting(upto_id)
        self.setWindowTitle(f"Accountability record up to meeting {meeting.number}")
        self.title.setText(
            f"Accountability record · up to meeting {meeting.number}, {meeting.date:%d %B %Y}"
        )
        figures, trend = self._session.accountability(upto_id, WINDOWS)
        self.figures = figures
        for column, (side, size) in enumerate((s, w) for s in Side for w in WINDOWS):
            for row, (_, figure) in enumerate(FIGURES):
                cell = QTableWidgetItem(figure_text(figures[size][side], figure))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setForeground(QColor(SIDE_COLOURS[side]))
                self.table.setItem(row, column, cell)
        for side in Side:
            points = [
                (m.number, 100 * ratio)
                for m, ratios in trend
                if (ratio := ratios[side]) is not None
            ]
            self.series[side] = points
            self.lines[side].setData([x for x, _ in points], [y for _, y in points])
        self.chart.getPlotItem().enableAutoRange(axis="x")

    def release(self) -> None:
        """A plot still alive at interpreter exit can crash (PITFALLS.md): let it go, once."""
        if self._chart_alive:
            self._chart_alive = False
            self.chart.close()
            self.chart.deleteLater()
