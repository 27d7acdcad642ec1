"""The accountability record: both sides' say/do over the last 3, 6 and 12 meetings."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QColor
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
from ui.session import TREND_WINDOW, Session

SIDE_COLOURS = {Side.ENTERPRISE: "#1f5fa8", Side.PARTNER: "#c2570c"}
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
    """Neither side can hide: both sides' records in one table and one chart."""

    def __init__(self, session: Session, upto_id: str) -> None:
        super().__init__()
        meeting = session.meeting(upto_id)
        self.setWindowTitle(f"Accountability record up to meeting {meeting.number}")
        self.resize(1100, 760)
        figures, trend = session.accountability(upto_id, WINDOWS)
        self.figures = figures
        title = QLabel(
            f"Accountability record · up to meeting {meeting.number}, {meeting.date:%d %B %Y}"
        )
        title.setObjectName("pageTitle")
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
        for column, (side, size) in enumerate((s, w) for s in Side for w in WINDOWS):
            for row, (_, figure) in enumerate(FIGURES):
                cell = QTableWidgetItem(figure_text(figures[size][side], figure))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setForeground(QColor(SIDE_COLOURS[side]))
                self.table.setItem(row, column, cell)

        self.chart = pg.PlotWidget(background="w")
        self._chart_alive = True
        self.chart.setObjectName("sayDoTrend")
        self.chart.setMinimumHeight(300)
        plot = self.chart.getPlotItem()
        plot.setTitle(
            f"Say/do ratio over the last {TREND_WINDOW} meetings, meeting by meeting",
            color="#14213d",
        )
        plot.setLabel("left", "say/do", units="%", color="#333333")
        plot.setLabel("bottom", "meeting", color="#333333")
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.setYRange(0, 100)
        plot.addLegend(
            offset=(10, 10), labelTextColor="#14213d", brush=pg.mkBrush(255, 255, 255, 230)
        )
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setPen(pg.mkPen("#555555"))
            plot.getAxis(axis).setTextPen(pg.mkPen("#333333"))
        self.series: dict[Side, list[tuple[int, float]]] = {}
        for side in Side:
            points = [
                (m.number, 100 * ratios[side]) for m, ratios in trend if ratios[side] is not None
            ]
            self.series[side] = points
            plot.plot(
                [x for x, _ in points],
                [y for _, y in points],
                pen=pg.mkPen(SIDE_COLOURS[side], width=3),
                symbol=SIDE_SYMBOLS[side],
                symbolBrush=SIDE_COLOURS[side],
                symbolPen=pg.mkPen("w"),
                name=f"{side.label} (say/do)",
            )
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
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(self.chart, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release_chart()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._release_chart()
        super().done(result)

    def _release_chart(self) -> None:
        """A plot still alive at interpreter exit can crash (PITFALLS.md): let it go now, once."""
        if self._chart_alive:
            self._chart_alive = False
            self.chart.close()
            self.chart.deleteLater()
