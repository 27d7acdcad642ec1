"""One KPI over 24 months, with the readings waiting for the other side and the notes on it."""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.figures import figure_with_unit
from core.kpis import reviewing_side
from core.model import (
    Direction,
    Kpi,
    KpiTarget,
    Rag,
    Reading,
    ReadingConfirmation,
    Side,
)
from core.periods import add_months
from core.rag import rag_of_reading, target_in_force
from ui import palette
from ui.dashboard.texts import (
    RAG_COLOURS,
    RAG_SHAPES,
    RAG_SYMBOLS,
    target_text,
)
from ui.field_error import FieldError

DRILL_DOWN_MONTHS = 24


def _release(plot: pg.PlotWidget) -> None:
    """A plot still alive at interpreter exit can crash (PITFALLS.md): close and delete it."""
    plot.close()
    plot.deleteLater()


def confirmation_text(reading: Reading, kpi: Kpi) -> str:
    """Where a reading stands, in words: who entered it and who is to confirm it."""
    entered = reading.entered_by or kpi.owner_side
    reviewer = reviewing_side(kpi, reading)
    if reading.confirmation is ReadingConfirmation.DISPUTED:
        return f"⚑ disputed by {reviewer.label}"
    if reading.confirmation is ReadingConfirmation.TO_BE_CONFIRMED:
        return f"? entered by {entered.label}, to be confirmed by {reviewer.label}"
    return f"✔ confirmed (entered by {entered.label})"


class KpiDrillDown(QWidget):
    """One KPI over 24 months: readings coloured by RAG, target and thresholds as they changed;
    beside it, the readings waiting for the other side, their reviews, and the notes on it.

    One PlotWidget for the view's whole life, redrawn for each KPI: each PlotWidget made and
    destroyed leaks references in PySide6 6.12 (PITFALLS.md); `release()` lets it go at the end.
    """

    closed = Signal()
    confirm_requested = Signal()
    dispute_requested = Signal()
    note_requested = Signal()
    reading_chosen = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.kpi_id: str | None = None
        self.back = QPushButton("← Back to the dashboard")
        self.back.setToolTip("Back to every KPI's tile (Esc)")
        self.back.clicked.connect(self.closed.emit)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.detail = QLabel()
        self.detail.setObjectName("subtitle")
        self.detail.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        self.plot: pg.PlotWidget | None = None
        self.points: list[tuple[str, float, Rag | None]] = []
        self.legend = QLabel(
            "  ".join(
                f"<span style='color:{RAG_COLOURS[r]}'>{RAG_SHAPES[r]}</span> {r.label.lower()}"
                for r in Rag
            )
            + f"  <span style='color:{palette.ACCENT}'>━ ━</span> target"
            + f"  <span style='color:{RAG_COLOURS[Rag.AMBER]}'>▮</span> amber band"
            + f"  <span style='color:{RAG_COLOURS[Rag.RED]}'>▮</span> red band"
            + "  · hover a point for its comment"
        )
        self.legend.setObjectName("subtitle")
        self.chart_area = QVBoxLayout()
        self.chart_area.setContentsMargins(0, 0, 0, 0)
        self.chart_area.addWidget(self.legend)

        self.panel = QFrame()
        self.panel.setObjectName("readingPanel")
        self.panel.setFixedWidth(400)
        readings_title = QLabel("Confirmation by the other side")
        readings_title.setObjectName("sectionTitle")
        self.readings = QListWidget()
        self.readings.setObjectName("reviewReadings")
        self.readings.setMaximumHeight(120)
        self.readings.currentRowChanged.connect(self._on_readings_row_changed)
        self.reading_detail = QLabel()
        self.reading_detail.setObjectName("readingDetail")
        self.reading_detail.setWordWrap(True)
        self.reading_detail.setTextFormat(Qt.TextFormat.RichText)
        self.reading_detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("subtitle")
        self.verdict_label.setWordWrap(True)
        self.confirm_button = QPushButton("✔ Confirm")
        self.confirm_button.setObjectName("confirmReading")
        self.confirm_button.clicked.connect(self.confirm_requested.emit)
        self.dispute_button = QPushButton("⚑ Dispute…")
        self.dispute_button.setObjectName("disputeReading")
        self.dispute_button.clicked.connect(self.dispute_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dispute_button)
        self.message = FieldError()
        notes_title = QLabel("Notes on this KPI in this meeting")
        notes_title.setObjectName("sectionTitle")
        self.notes = QLabel()
        self.notes.setObjectName("kpiNotes")
        self.notes.setWordWrap(True)
        self.note_button = QPushButton("Add a note on this KPI")
        self.note_button.setToolTip("A new line in the notes, headed with the KPI's name (N)")
        self.note_button.clicked.connect(self.note_requested.emit)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.setContentsMargins(14, 10, 14, 12)
        panel_layout.addWidget(readings_title)
        panel_layout.addWidget(self.readings)
        panel_layout.addWidget(self.reading_detail)
        panel_layout.addSpacing(4)
        panel_layout.addWidget(self.verdict_label)
        panel_layout.addLayout(buttons)
        panel_layout.addWidget(self.message)
        panel_layout.addSpacing(6)
        panel_layout.addWidget(notes_title)
        panel_layout.addWidget(self.notes)
        panel_layout.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignLeft)
        panel_layout.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(self.chart_area, 1)
        body.addWidget(self.panel)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(head)
        self.layout_.addWidget(self.detail)
        self.layout_.addLayout(body, 1)
        for key, signal in (
            ("C", self.confirm_requested),
            ("D", self.dispute_requested),
            ("N", self.note_requested),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(signal.emit)
        self._reading_ids: list[str] = []

    # --- the chart ----------------------------------------------------------------------

    def show_kpi(
        self, kpi: Kpi, targets: list[KpiTarget], readings: list[Reading], period: str
    ) -> None:
        self.kpi_id = kpi.id
        periods = [add_months(period, m) for m in range(-(DRILL_DOWN_MONTHS - 1), 1)]
        by_period = {r.period: r for r in readings}
        self.title.setText(f"{kpi.name} · last {DRILL_DOWN_MONTHS} months to {period}")
        direction = "higher" if kpi.direction is Direction.HIGHER_IS_BETTER else "lower"
        self.detail.setText(
            f"Unit {kpi.unit} · {direction} is better · owned by {kpi.owner_side.label} · "
            f"{target_text(target_in_force(targets, period), kpi)}. "
            "The shaded bands are amber (target missed) and red (beyond the red threshold) "
            "as they stood each month."
        )
        shown = [by_period[p] for p in periods if p in by_period]
        self.points = [
            (r.period, r.value, rag_of_reading(r.value, r.period, kpi.direction, targets))
            for r in shown
        ]
        if self.plot is None:
            self.plot = pg.PlotWidget(background=palette.SURFACE)
            self.plot.setObjectName("kpiDrillDown")
            self.plot.setMinimumHeight(320)
            self.chart_area.insertWidget(0, self.plot, 1)
        item = self.plot.getPlotItem()
        item.clear()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=0.2)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(pg.mkPen(palette.AXIS))
            item.getAxis(axis).setTextPen(pg.mkPen(palette.TEXT))
        item.setLabel("left", kpi.name if len(kpi.name) < 30 else "value", units=None)
        item.getAxis("bottom").setTicks(
            [[(i, p) for i, p in enumerate(periods) if i % 3 == (len(periods) - 1) % 3]]
        )
        values = [v for _, v, _ in self.points]
        in_force = [target_in_force(targets, p) for p in periods]
        levels = values + [x for t in in_force if t for x in (t.target, t.red)]
        if levels:
            low, high = min(levels), max(levels)
            margin = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
            low, high = low - margin, high + margin
            worst = low if kpi.direction is Direction.HIGHER_IS_BETTER else high
            self._draw_thresholds(item, periods, in_force, worst)
            item.setYRange(low, high, padding=0)
        item.setXRange(-0.5, len(periods) - 0.5, padding=0.01)
        index = {p: i for i, p in enumerate(periods)}
        xs = [index[p] for p, _, _ in self.points]
        if self.points:
            item.plot(xs, values, pen=pg.mkPen(palette.LINE, width=2))
            tips = [_point_tip(r, kpi) for r in shown]
            scatter = pg.ScatterPlotItem(
                x=xs,
                y=values,
                data=tips,
                symbol=[RAG_SYMBOLS[r] if r else "o" for _, _, r in self.points],
                size=13,
                brush=[
                    pg.mkBrush(RAG_COLOURS[r] if r else palette.FAINT) for _, _, r in self.points
                ],
                pen=pg.mkPen(palette.SURFACE),
                hoverable=True,
                hoverSize=17,
                tip=_scatter_tip,
            )
            item.addItem(scatter)

    def _draw_thresholds(
        self,
        item: pg.PlotItem,
        periods: list[str],
        in_force: list[KpiTarget | None],
        worst: float,
    ) -> None:
        """Amber and red bands and the target line, month by month, as steps."""
        for i, target in enumerate(in_force):
            if target is None:
                continue
            for edge, far, colour in (
                (target.target, target.red, RAG_COLOURS[Rag.AMBER]),
                (target.red, worst, RAG_COLOURS[Rag.RED]),
            ):
                band = QGraphicsRectItem(i - 0.5, min(edge, far), 1.0, abs(far - edge))
                band.setPen(pg.mkPen(None))
                band.setBrush(
                    pg.mkBrush(
                        QColor(colour).red(), QColor(colour).green(), QColor(colour).blue(), 48
                    )
                )
                band.setZValue(-10)
                item.addItem(band)
        edges = [i - 0.5 for i in range(len(periods) + 1)]
        line = [t.target if t else float("nan") for t in in_force]
        item.plot(
            edges,
            line,
            stepMode="center",
            pen=pg.mkPen(palette.ACCENT, width=2, style=Qt.PenStyle.DashLine),
            connect="finite",
        )

    # --- the readings panel ---------------------------------------------------------------

    def show_readings(self, entries: list[tuple[str, str]], keep: str | None = None) -> None:
        """The readings to review as (reading id, text), newest first; `keep` stays chosen."""
        self._reading_ids = [reading_id for reading_id, _ in entries]
        self.readings.blockSignals(True)
        self.readings.clear()
        for _, text in entries:
            self.readings.addItem(text)
        row = self._reading_ids.index(keep) if keep in self._reading_ids else 0
        if self._reading_ids:
            self.readings.setCurrentRow(row)
        self.readings.blockSignals(False)
        self.readings.setVisible(len(entries) > 1)

    def chosen_reading_id(self) -> str | None:
        row = self.readings.currentRow()
        return self._reading_ids[row] if 0 <= row < len(self._reading_ids) else None

    def show_reading(
        self, detail_html: str, side: Side | None, confirm: bool, dispute: bool
    ) -> None:
        """The chosen reading's detail, and which of its reviews may be recorded now."""
        self.reading_detail.setText(detail_html)
        if side is None:
            self.verdict_label.clear()
        else:
            self.verdict_label.setText(
                f"The {side.label} side's verdict: <b>C</b> confirm · <b>D</b> dispute"
            )
        who = side.label if side else "other"
        self.confirm_button.setToolTip(f"The {who} side accepts the figure (C)")
        self.dispute_button.setToolTip(f"The {who} side does not accept it, and says why (D)")
        self.confirm_button.setEnabled(confirm)
        self.dispute_button.setEnabled(dispute)

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def show_notes(self, lines: list[str]) -> None:
        if lines:
            self.notes.setText("<br>".join(f"• {html.escape(line)}" for line in lines))
        else:
            self.notes.setText(
                f"<span style='color:{palette.MUTED}'>No note on this KPI yet.</span>"
            )

    def _on_readings_row_changed(self, _row: int) -> None:
        self.reading_chosen.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
            self.closed.emit()
        else:
            super().keyPressEvent(event)

    def release(self) -> None:
        """Let go of the plot widget at the end (PITFALLS.md); showing a KPI makes a new one."""
        if self.plot is not None:
            self.chart_area.removeWidget(self.plot)
            _release(self.plot)
            self.plot = None


def _point_tip(reading: Reading, kpi: Kpi) -> str:
    text = f"{reading.period}: {figure_with_unit(reading.value, kpi.unit)}"
    if reading.comment:
        text += f"\n{reading.comment}"
    if reading.confirmation is not ReadingConfirmation.CONFIRMED:
        text += f"\n{confirmation_text(reading, kpi)}"
    return text


def _scatter_tip(x: float, y: float, data: object) -> str:
    return str(data)
